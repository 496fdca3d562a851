"""Generate a realistic DescribeOutgoingDestinationIP export for demos, tests and benchmarks.

The records use the API's value sets and wire types (``TotalBytes`` and ``HasAcl`` as
strings) and Chinese text where the API returns Chinese with ``Lang=zh``. Most records are
benign; a few planted records violate each rule of the built-in pack, so that every rule
fires on the output. Addresses come from the documentation ranges (RFC 5737, RFC 3849)
first and from random public IPv4 space once those run out, which only happens for large
counts.

Usage::

    python examples/generate_sample.py --output examples/sample-export.json
    python examples/generate_sample.py --count 200000 --format jsonl --output big.jsonl

Other code imports :func:`generate_records` and :func:`write`; the same seed always gives
the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

Record = dict[str, Any]

DEFAULT_SEED = 20261204
DEFAULT_COUNT = 300
FORMATS = ("response", "pages", "jsonl")
#: Records per page in the ``pages`` format, the API's maximum PageSize.
PAGE_SIZE = 10
GIB = 1 << 30
MIB = 1 << 20

# TagId to TagName (as sent with Lang=zh), grouped by ClassId. NOTE: the API reference lists
# the tag ids but not which ClassId each one carries; the grouping below is a plausible guess.
_TAG_NAMES_BY_CLASS: dict[str, dict[str, str]] = {
    "Trusted": {
        "AliYun": "阿里云产品", "TrustedDomain": "可信网站", "AliPay": "支付宝", "DingDing": "钉钉",
        "WeChat": "微信", "QQ": "腾讯QQ", "SecurityService": "安全服务", "Microsoft": "微软", "Amazon": "亚马逊",
        "Pan": "网盘", "Map": "地图", "Code": "代码托管", "SystemService": "系统服务", "Taobao": "淘宝",
        "Google": "谷歌", "ThirdPartyService": "第三方平台服务", "Alexa Top1M": "热门网站",
    },
    "Suspicious": {
        "FirstFlow": "首次外联", "RiskDomain": "风险域名", "RiskIP": "风险IP", "Intelligence": "威胁情报",
        "Suspicious": "可疑网站",
    },
    "Malicious": {
        "CVE": "CVE漏洞利用", "Downloader": "恶意下载", "Miner": "矿池", "DDoS": "DDoS木马", "Ransomware": "勒索软件",
        "Spyware": "间谍软件", "Rogue": "流氓软件", "Botnet": "僵尸网络", "C&C": "命令与控制", "Gang": "黑产团伙",
        "Backdoor": "后门木马", "Phishing": "钓鱼网站", "APT": "APT攻击", "Supply Chain Attack": "供应链攻击",
        "Malicious software": "恶意软件",
    },
}
#: TagId to (TagName, ClassId).
TAGS: dict[str, tuple[str, str]] = {
    tag_id: (name, class_id) for class_id, names in _TAG_NAMES_BY_CLASS.items() for tag_id, name in names.items()
}

#: Usual ports of each application that Cloud Firewall identifies.
APPLICATION_PORTS: dict[str, tuple[int, ...]] = {
    "HTTP": (80, 8080),
    "HTTPS": (443, 8443),
    "SSL": (443, 993, 995),
    "SSH": (22, 2222),
    "MySQL": (3306,),
    "Redis": (6379,),
    "MongoDB": (27017,),
    "Memcache": (11211,),
    "FTP": (21,),
    "RDP": (3389,),
    "VNC": (5900, 5901),
    "SMTP": (25, 587),
    "SMTPS": (465,),
    "MQTT": (1883,),
    "SSL_No_Cert": (443, 8443),
}

DOMESTIC_LOCATIONS = (
    "浙江省杭州市", "上海市", "北京市", "广东省深圳市", "广东省广州市", "山东省青岛市",
    "江苏省南京市", "四川省成都市", "湖北省武汉市", "河北省张家口市", "内蒙古自治区乌兰察布市",
)
FOREIGN_LOCATIONS = (
    "中国香港", "新加坡", "日本东京都", "美国加利福尼亚州洛杉矶", "美国弗吉尼亚州阿什本",
    "德国黑森州法兰克福", "英国伦敦", "荷兰北荷兰省阿姆斯特丹", "俄罗斯莫斯科",
    "澳大利亚新南威尔士州悉尼", "印度尼西亚雅加达",
)
TRUSTED_SERVICE_TAGS = (
    "TrustedDomain", "AliPay", "DingDing", "WeChat", "QQ", "SecurityService", "Microsoft",
    "Amazon", "Map", "Code", "SystemService", "Taobao", "Google", "ThirdPartyService",
    "Alexa Top1M", "Pan",
)
RULE_NAMES = ("出向放行-业务依赖", "出向放行-软件源", "出向拒绝-威胁情报", "默认出向策略", "出向观察-新外联")
GROUP_NAMES = ("互联网边界出向", "生产环境策略组", "办公网出口")
ADDRESS_BOOK_NAMES = ("业务依赖地址簿", "软件源地址簿", "合作方IP地址簿", "威胁情报拒绝地址簿")
TRUSTED_REASONS = (
    "智能策略:该地址属于常见互联网服务,近期未命中威胁情报,可加入外联放行地址簿。",
    "智能策略:该地址为阿里云产品服务地址,未发现安全风险。",
    "该地址所属组织信誉良好,访问行为与业务基线一致。",
)
SUSPICIOUS_REASONS = (
    "该地址近期被少量情报源标记,建议确认访问是否符合业务预期。",
    "该地址为资产首次访问的目的地址,尚无足够的信誉数据。",
)
MALICIOUS_REASON = "威胁情报命中:该地址被多个情报源标记为{}相关基础设施,建议立即排查源资产。"

# Documentation address blocks: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737)
# and 2001:db8::/32 (RFC 3849).
DOCUMENTATION_IPV4_PREFIXES = ("192.0.2", "198.51.100", "203.0.113")
DOCUMENTATION_IPV4_SIZE = 254 * len(DOCUMENTATION_IPV4_PREFIXES)
IPV6_SHARE = 0.08


class _AddressPool:
    """Hands out unique destination addresses, documentation ranges first."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()
        self._documentation_used = 0

    def take(self) -> str:
        rng = self._rng
        while True:
            if rng.random() < IPV6_SHARE:
                address = f"2001:db8:{rng.randrange(1, 0x10000):x}::{rng.randrange(1, 0x10000):x}"
            else:
                address = self._ipv4()
            if address not in self._used:
                self._used.add(address)
                return address

    def _ipv4(self) -> str:
        rng = self._rng
        # Retries keep the documentation blocks first until they are nearly full, then stop.
        tries = 8 if self._documentation_used < DOCUMENTATION_IPV4_SIZE * 9 // 10 else 0
        for _ in range(tries):
            prefix = rng.choice(DOCUMENTATION_IPV4_PREFIXES)
            address = f"{prefix}.{rng.randrange(1, 255)}"
            if address not in self._used:
                self._documentation_used += 1
                return address
        # First octets 11-99 avoid every private, shared and loopback block.
        return ".".join(str(octet) for octet in (
            rng.randrange(11, 100), rng.randrange(0, 256), rng.randrange(0, 256), rng.randrange(1, 255),
        ))


def _uuid(rng: random.Random) -> str:
    text = f"{rng.getrandbits(128):032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _tag(rng: random.Random, tag_id: str, risk_level: int | None = None) -> Record:
    name, class_id = TAGS[tag_id]
    if risk_level is None:
        risk_level = {"Trusted": 1, "Suspicious": rng.choice((1, 2)), "Malicious": 3}[class_id]
    return {"RiskLevel": risk_level, "TagName": name, "TagId": tag_id, "TagDescribe": name, "ClassId": class_id}


def _port(rng: random.Random, application: str) -> Record:
    if application == "Unknown":
        port = rng.randrange(1024, 65536)
        return {"Port": port, "ApplicationName": "Unknown", "UnknownReason": ["tcp_not_establish"]}
    return {"Port": rng.choice(APPLICATION_PORTS[application]), "ApplicationName": application, "UnknownReason": []}


def _set_bytes(record: Record, out_bytes: int, in_bytes: int) -> None:
    record["OutBytes"] = out_bytes
    record["InBytes"] = in_bytes
    record["TotalBytes"] = str(out_bytes + in_bytes)


def _set_acl(rng: random.Random, record: Record, *, has_acl: bool, covered: bool) -> None:
    """Fill the ACL fields so that full coverage always comes with an ACL."""
    record["HasAcl"] = "true" if has_acl or covered else "false"
    record["AclCoverage"] = "FullCoverage" if covered else "Uncovered"
    if record["HasAcl"] == "true":
        record["RuleName"] = rng.choice(RULE_NAMES)
        record["RuleId"] = _uuid(rng)
        record["GroupName"] = rng.choice(GROUP_NAMES)
        if rng.random() < 0.5:
            record["AddressGroupList"] = [
                {"AddressGroupUUID": _uuid(rng), "AddressGroupName": rng.choice(ADDRESS_BOOK_NAMES)}
            ]
    else:
        record["RuleName"] = record["RuleId"] = record["GroupName"] = ""
        record["AddressGroupList"] = []


def _base_record(rng: random.Random, address: str) -> Record:
    """Return a neutral record outside Alibaba Cloud that fires no built-in rule."""
    sessions = max(1, int(rng.lognormvariate(2.5, 1.8)))
    assets = rng.randrange(1, 40)
    record: Record = {
        "DstIP": address,
        "AclCoverage": "Uncovered", "AclStatus": "Normal", "AclRecommendDetail": "",
        "HasAclRecommend": False, "IsMarkNormal": False, "HasAcl": "false",
        "CategoryId": "NotAliyun", "CategoryName": "非阿里云产品", "CategoryClassId": "Suspicious",
        "SecuritySuggest": "pass", "SecurityReason": rng.choice(SUSPICIOUS_REASONS),
        "LocationName": rng.choice(DOMESTIC_LOCATIONS + FOREIGN_LOCATIONS),
        "RuleName": "", "RuleId": "", "GroupName": "",
        "SessionCount": sessions, "AssetCount": assets, "PrivateAssetCount": rng.randrange(0, assets + 1),
        "TagList": [], "ApplicationPortList": [_port(rng, "HTTPS")], "AddressGroupList": [],
    }
    out_bytes = min(int(rng.lognormvariate(11, 2.5)), 512 * MIB)
    _set_bytes(record, out_bytes, int(rng.lognormvariate(12, 2.5)))
    return record


def _benign_record(rng: random.Random, address: str) -> Record:
    """Return a benign record for an Alibaba Cloud service, a known service or a covered site."""
    record = _base_record(rng, address)
    kind = rng.random()
    if kind < 0.35:
        _make_aliyun(rng, record)
    elif kind < 0.8:
        _make_trusted_service(rng, record)
    else:
        _set_acl(rng, record, has_acl=True, covered=True)
        record["ApplicationPortList"] = [_port(rng, rng.choice(("HTTPS", "HTTP", "SSL")))]
    return record


def _make_aliyun(rng: random.Random, record: Record) -> None:
    record.update(
        CategoryId="Aliyun", CategoryName="阿里云产品", CategoryClassId="Trusted",
        LocationName=rng.choice(DOMESTIC_LOCATIONS + ("中国香港", "新加坡")),
        SecurityReason=TRUSTED_REASONS[1], TagList=[_tag(rng, "AliYun")], IsMarkNormal=rng.random() < 0.2,
    )
    applications = ("HTTPS", "HTTP", "MySQL", "Redis", "MongoDB", "SSH", "Unknown")
    chosen = rng.sample(applications, rng.randrange(1, 3))
    record["ApplicationPortList"] = [_port(rng, application) for application in chosen]
    _set_bytes(record, int(rng.lognormvariate(14, 3)), int(rng.lognormvariate(14, 3)))
    _set_acl(rng, record, has_acl=rng.random() < 0.6, covered=rng.random() < 0.5)
    if record["AclCoverage"] == "FullCoverage" and rng.random() < 0.3:
        record.update(HasAclRecommend=True, AclRecommendDetail="建议放行")


def _make_trusted_service(rng: random.Random, record: Record) -> None:
    tag_id = rng.choice(TRUSTED_SERVICE_TAGS)
    tags = [_tag(rng, tag_id)]
    if rng.random() < 0.3:
        tags.append(_tag(rng, "Alexa Top1M" if tag_id != "Alexa Top1M" else "TrustedDomain"))
    record.update(CategoryClassId="Trusted", SecurityReason=rng.choice(TRUSTED_REASONS[::2]), TagList=tags)
    applications = ["HTTPS"]
    if tag_id == "Code":
        applications.append("SSH")
    if rng.random() < 0.3:
        applications.append("HTTP")
    record["ApplicationPortList"] = [_port(rng, application) for application in applications]
    if tag_id == "Pan":
        _set_bytes(record, min(record["OutBytes"], 80 * MIB), record["InBytes"])
    else:
        _set_bytes(record, int(rng.lognormvariate(13, 3)), record["InBytes"])
    _set_acl(rng, record, has_acl=rng.random() < 0.5, covered=rng.random() < 0.4)


def _mark_threat(rng: random.Random, record: Record, *tag_ids: str) -> None:
    """Tag the record as a threat and give it the matching class, reason and suggestion."""
    record["TagList"] = [_tag(rng, tag_id) for tag_id in tag_ids]
    classes = {TAGS[tag_id][1] for tag_id in tag_ids}
    record["CategoryClassId"] = "Malicious" if "Malicious" in classes else "Suspicious"
    if record["CategoryClassId"] == "Malicious":
        record["SecurityReason"] = MALICIOUS_REASON.format(TAGS[tag_ids[0]][0])
        record["SecuritySuggest"] = rng.choice(("drop", "alert"))
    else:
        record["SecuritySuggest"] = rng.choice(("alert", "pass"))


def _plant_malicious_uncovered(rng: random.Random, record: Record) -> None:
    if rng.random() < 0.5:
        reason = MALICIOUS_REASON.format("恶意")
        record.update(CategoryClassId="Malicious", SecuritySuggest="drop", SecurityReason=reason)
    else:
        _mark_threat(rng, record, "CVE")


def _plant_suspicious_without_acl(rng: random.Random, record: Record) -> None:
    _mark_threat(rng, record, rng.choice(("Suspicious", "RiskIP", "RiskDomain")))
    record["TagList"][0]["RiskLevel"] = 2


def _plant_whitelisted_malicious(rng: random.Random, record: Record) -> None:
    _mark_threat(rng, record, rng.choice(("Rogue", "Spyware")))
    record["IsMarkNormal"] = True
    _set_acl(rng, record, has_acl=True, covered=True)


def _plant_acl_abnormal(rng: random.Random, record: Record) -> None:
    _set_acl(rng, record, has_acl=True, covered=rng.random() < 0.5)
    record["AclStatus"] = rng.choice(("Abnormal", "abnormal"))


def _plant_recommendation(rng: random.Random, record: Record) -> None:
    record.update(HasAclRecommend=True, AclRecommendDetail=rng.choice(("建议拦截", "建议放行")))


def _plant_large_upload(rng: random.Random, record: Record) -> None:
    _set_bytes(record, rng.randrange(GIB + GIB // 2, 8 * GIB), record["InBytes"])


def _plant_network_disk(rng: random.Random, record: Record) -> None:
    record.update(CategoryClassId="Trusted", TagList=[_tag(rng, "Pan")], SecurityReason=TRUSTED_REASONS[0])
    _set_bytes(record, rng.randrange(200 * MIB, GIB), record["InBytes"])


def _plant_applications(*applications: str) -> Callable[[random.Random, Record], None]:
    def plant(rng: random.Random, record: Record) -> None:
        record["ApplicationPortList"].append(_port(rng, rng.choice(applications)))

    return plant


def _plant_tags(*tag_ids: str, count: int = 1) -> Callable[[random.Random, Record], None]:
    def plant(rng: random.Random, record: Record) -> None:
        _mark_threat(rng, record, *rng.sample(tag_ids, count))

    return plant


#: Rule id to the change that makes a neutral record violate it.
PLANTS: dict[str, Callable[[random.Random, Record], None]] = {
    "CFW-TI-001": _plant_malicious_uncovered,
    "CFW-TI-002": _plant_suspicious_without_acl,
    "CFW-TI-003": _plant_whitelisted_malicious,
    "CFW-TI-004": _plant_tags("Botnet", "DDoS", "C&C", "Backdoor", count=2),
    "CFW-TAG-001": _plant_tags("C&C", "Botnet", "Backdoor", "DDoS"),
    "CFW-TAG-002": _plant_tags("Ransomware"),
    "CFW-TAG-003": _plant_tags("APT", "Gang", "Supply Chain Attack"),
    "CFW-TAG-004": _plant_tags("Miner"),
    "CFW-TAG-005": _plant_tags("Downloader", "Malicious software", "Spyware", "Rogue", "Phishing"),
    "CFW-TAG-006": _plant_tags("RiskIP", "RiskDomain", "Intelligence", "CVE", "Suspicious"),
    "CFW-ACL-001": _plant_recommendation,
    "CFW-ACL-002": _plant_acl_abnormal,
    "CFW-ACL-003": _plant_tags("FirstFlow"),
    "CFW-PROTO-001": _plant_applications("RDP", "VNC"),
    "CFW-PROTO-002": _plant_applications("MySQL", "Redis", "MongoDB", "Memcache"),
    "CFW-PROTO-003": _plant_applications("FTP", "SSL_No_Cert"),
    "CFW-PROTO-004": _plant_applications("SSH"),
    "CFW-PROTO-005": _plant_applications("SMTP", "MQTT"),
    "CFW-PROTO-006": _plant_applications("Unknown"),
    "CFW-TRF-001": _plant_large_upload,
    "CFW-TRF-002": _plant_network_disk,
}
#: Planted records per rule. CFW-GEO-001 needs none, because it is off by default, and once
#: a user lists allowed locations, the benign records in other locations violate it.
PLANTS_PER_RULE = 2


def generate_records(rng: random.Random, count: int) -> list[Record]:
    """Generate ``count`` records with unique DstIP in the API's wire shape, sorted by SessionCount.

    ``len(PLANTS) * PLANTS_PER_RULE`` of them are planted violations, or all of them when
    ``count`` is smaller. The rest are benign and fire no built-in rule.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}")
    pool = _AddressPool(rng)
    records: list[Record] = []
    planted = [plant for plant in PLANTS.values() for _ in range(PLANTS_PER_RULE)]
    for plant in planted[:count]:
        record = _base_record(rng, pool.take())
        plant(rng, record)
        records.append(record)
    while len(records) < count:
        records.append(_benign_record(rng, pool.take()))
    records.sort(key=lambda record: record["SessionCount"], reverse=True)
    return records


def build_document(records: list[Record], fmt: str, rng: random.Random) -> Any:
    """Wrap ``records`` as one API response (``response``) or as a list of pages (``pages``)."""
    if fmt == "response":
        return {"RequestId": _uuid(rng).upper(), "TotalCount": len(records), "DstIPList": records}
    if fmt == "pages":
        starts = range(0, max(len(records), 1), PAGE_SIZE)
        return [
            {"RequestId": _uuid(rng).upper(), "TotalCount": len(records), "DstIPList": records[start:start + PAGE_SIZE]}
            for start in starts
        ]
    raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")


def write(records: list[Record], stream: TextIO, *, fmt: str = "response", rng: random.Random) -> None:
    """Write ``records`` to ``stream`` as JSON (``response``, ``pages``) or JSON Lines (``jsonl``).

    ``rng`` supplies the RequestId values, so the output stays reproducible.
    """
    if fmt == "jsonl":
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False))
            stream.write("\n")
        return
    json.dump(build_document(records, fmt, rng), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, generate the records and write them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="number of records (default: %(default)s)")
    parser.add_argument("--format", choices=FORMATS, default="response", help="output shape (default: %(default)s)")
    parser.add_argument("--output", type=Path, help="output file (default: standard output)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error(f"--count must be 0 or more, got {args.count}")

    rng = random.Random(args.seed)
    records = generate_records(rng, args.count)
    if args.output is None:
        write(records, sys.stdout, fmt=args.format, rng=rng)
    else:
        with args.output.open("w", encoding="utf-8", newline="\n") as stream:
            write(records, stream, fmt=args.format, rng=rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
