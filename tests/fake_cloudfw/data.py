"""Generated outbound-destination records for the fake server: filters, sorting, rank swaps."""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# (TagId, ClassId, RiskLevel, Chinese name, English name)
_TAGS = (
    ("AliYun", "Trusted", 1, "阿里云产品", "Alibaba Cloud product"),
    ("TrustedDomain", "Trusted", 1, "可信网站", "Trusted website"),
    ("RiskIP", "Suspicious", 2, "风险IP", "Risky IP"),
    ("RiskDomain", "Suspicious", 2, "风险域名", "Risky domain"),
    ("Miner", "Malicious", 3, "矿池", "Miner pool"),
    ("C&C", "Malicious", 3, "命令与控制", "Command and control"),
    ("Alexa Top1M", "Trusted", 1, "热门网站", "Popular website"),
)
_APPLICATIONS = ((443, "HTTPS"), (80, "HTTP"), (22, "SSH"), (3306, "MySQL"), (6379, "Redis"), (9999, "Unknown"))
_LOCATIONS = (("山东省青岛市", "Qingdao, Shandong"), ("浙江省杭州市", "Hangzhou, Zhejiang"), ("新加坡", "Singapore"))


@dataclass
class FakeRecord:
    """One destination with its wire form per language and the assets that reached it."""

    wire: dict[str, dict[str, Any]]
    public_ips: list[str] = field(default_factory=list)
    private_ips: list[str] = field(default_factory=list)

    @property
    def dst_ip(self) -> str:
        """The record's key."""
        return str(self.wire["zh"]["DstIP"])

    def traffic(self) -> dict[str, Any]:
        """Return the fields that rank swaps exchange."""
        zh = self.wire["zh"]
        return {key: zh[key] for key in ("SessionCount", "TotalBytes", "InBytes", "OutBytes")}

    def set_traffic(self, values: Mapping[str, Any]) -> None:
        """Overwrite the traffic fields in every language."""
        for wire in self.wire.values():
            wire.update(values)


def generate_records(count: int, *, seed: int = 0) -> list[FakeRecord]:
    """Return ``count`` records with distinct DstIPs and distinct traffic values."""
    rng = random.Random(seed)
    return [_record(index, count, rng) for index in range(count)]


def _record(index: int, count: int, rng: random.Random) -> FakeRecord:
    tags = rng.sample(_TAGS, rng.randint(0, 2))
    ports = rng.sample(_APPLICATIONS, rng.randint(1, 3))
    location = rng.choice(_LOCATIONS)
    aliyun = any(tag[0] == "AliYun" for tag in tags)
    malicious = any(tag[1] == "Malicious" for tag in tags)
    sessions = (count - index) * 7 + rng.randint(0, 5)
    in_bytes = sessions * 900 + rng.randint(0, 800)
    out_bytes = sessions * 300 + rng.randint(0, 200)
    dst_ip = f"2001:db8::{index:x}" if index % 9 == 4 else f"10.{index // 65536}.{(index // 256) % 256}.{index % 256}"

    def localized(lang: int) -> dict[str, Any]:
        return {
            "DstIP": dst_ip,
            "AclCoverage": "Uncovered" if index % 3 else "FullCoverage",
            "AclStatus": "Normal",
            "AclRecommendDetail": ("建议拦截", "Block recommended")[lang] if malicious else ("建议放行", "Allow recommended")[lang],
            "HasAclRecommend": True,
            "SecurityReason": ("智能策略:未发现安全风险", "Smart policy: no risk found")[lang],
            "CategoryName": (("阿里云产品", "Alibaba Cloud product") if aliyun else ("非阿里云产品", "Non-Alibaba Cloud product"))[lang],
            "CategoryId": "Aliyun" if aliyun else "NotAliyun",
            "CategoryClassId": "Malicious" if malicious else "Trusted",
            "LocationName": location[lang],
            "RuleName": "默认规则" if index % 3 == 0 else "",
            "RuleId": f"rule-{index % 3:04d}" if index % 3 == 0 else "",
            "GroupName": "规则_test" if index % 3 == 0 else "",
            "IsMarkNormal": index % 11 == 0,
            "HasAcl": "true" if index % 3 == 0 else "false",
            "TotalBytes": str(in_bytes + out_bytes),
            "InBytes": in_bytes,
            "OutBytes": out_bytes,
            "SessionCount": sessions,
            "AssetCount": 1 + index % 4,
            "PrivateAssetCount": index % 4,
            "SecuritySuggest": "drop" if malicious else "pass",
            "TagList": [
                {"TagId": tag[0], "TagName": tag[3 + lang], "TagDescribe": tag[3 + lang], "ClassId": tag[1], "RiskLevel": tag[2]}
                for tag in tags
            ],
            "ApplicationPortList": [
                {"Port": port, "ApplicationName": name, "UnknownReason": ["tcp_not_establish"] if name == "Unknown" else []}
                for port, name in ports
            ],
            "AddressGroupList": [{"AddressGroupUUID": f"group-{index % 5}", "AddressGroupName": "IP地址簿"}] if index % 5 == 0 else [],
        }

    return FakeRecord(
        wire={"zh": localized(0), "en": localized(1)},
        public_ips=[f"198.51.100.{index % 250 + 1}"],
        private_ips=[f"192.168.{index % 4}.{index % 250 + 1}"],
    )


def matches(record: FakeRecord, query: Mapping[str, str]) -> bool:
    """Apply the API's filter parameters to one record."""
    wire = record.wire["zh"]
    tag_ids = {tag["TagId"] for tag in wire["TagList"]}
    category = query.get("CategoryId", "")
    if category in ("AliYun", "NotAliYun") and wire["CategoryId"].lower() != category.lower():
        return False
    if category in ("RiskDomain", "RiskIP") and category not in tag_ids:
        return False
    if query.get("TagIdNew") and query["TagIdNew"] not in tag_ids:
        return False
    if query.get("Port") and all(str(item["Port"]) != query["Port"] for item in wire["ApplicationPortList"]):
        return False
    if query.get("ApplicationName") and all(item["ApplicationName"] != query["ApplicationName"] for item in wire["ApplicationPortList"]):
        return False
    if query.get("DstIP") and wire["DstIP"] != query["DstIP"]:
        return False
    if query.get("PublicIP") and query["PublicIP"] not in record.public_ips:
        return False
    return not (query.get("PrivateIP") and query["PrivateIP"] not in record.private_ips)


def ordered(records: list[FakeRecord], *, sort: str, order: str) -> list[FakeRecord]:
    """Sort by ``SessionCount`` or ``TotalBytes``, ties broken by DstIP."""

    def key(record: FakeRecord) -> tuple[int, str]:
        return int(record.wire["zh"][sort]), record.dst_ip

    return sorted(records, key=key, reverse=order == "desc")


def swap_ranks(records: list[FakeRecord], rank: int) -> None:
    """Swap the traffic of the records at ``rank`` and ``rank + 1`` of a sorted list.

    Their places in the order swap as well, so a record moves to the neighbouring page
    when ``rank`` is the last rank of a page.
    """
    first, second = records[rank], records[rank + 1]
    first_traffic = first.traffic()
    first.set_traffic(second.traffic())
    second.set_traffic(first_traffic)


def wire_copy(record: FakeRecord, lang: str) -> dict[str, Any]:
    """Return a copy of the record as the API would send it in ``lang``."""
    return copy.deepcopy(record.wire[lang])
