"""The bundled sample export and the generator that writes it."""

from __future__ import annotations

import io
import ipaddress
import json
import random
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from support.generator import sample_generator

from checker.evaluation import evaluate
from checker.records import Record
from checker.rules import load_policies, select_rules

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SAMPLE = EXAMPLES / "sample-export.json"
#: Allowed locations that make the disabled CFW-GEO-001 fire on the sample's foreign destinations.
ALLOWED_LOCATIONS = '["浙江省杭州市","上海市","北京市"]'


_generator = sample_generator


@cache
def _sample() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return document


def _records() -> list[Record]:
    return [msgspec.convert(raw, Record, strict=False) for raw in _sample()["DstIPList"]]


def test_sample_is_one_api_response() -> None:
    document = _sample()

    assert set(document) == {"RequestId", "TotalCount", "DstIPList"}
    assert document["TotalCount"] == len(document["DstIPList"]) == 300
    assert len({raw["DstIP"] for raw in document["DstIPList"]}) == 300


def test_sample_decodes_into_records() -> None:
    records = _records()

    assert len(records) == 300
    assert all(isinstance(record.HasAcl, bool) for record in records)
    assert all(isinstance(record.TotalBytes, int) for record in records)


def test_sample_keeps_wire_types() -> None:
    for raw in _sample()["DstIPList"]:
        assert raw["HasAcl"] in ("true", "false")
        assert raw["TotalBytes"] == str(raw["InBytes"] + raw["OutBytes"])
        assert isinstance(raw["HasAclRecommend"], bool)


def test_sample_fields_are_consistent() -> None:
    for raw in _sample()["DstIPList"]:
        if raw["AclCoverage"] == "FullCoverage":
            assert raw["HasAcl"] == "true", raw["DstIP"]
        if raw["HasAcl"] == "false":
            assert raw["RuleName"] == "", raw["DstIP"]
        expected_category = {"Aliyun": "阿里云产品", "NotAliyun": "非阿里云产品"}[raw["CategoryId"]]
        assert raw["CategoryName"] == expected_category, raw["DstIP"]
        for port in raw["ApplicationPortList"]:
            assert (port["ApplicationName"] == "Unknown") == bool(port["UnknownReason"]), raw["DstIP"]


def test_sample_is_regenerated_byte_for_byte() -> None:
    generator = _generator()
    rng = random.Random(generator.DEFAULT_SEED)
    stream = io.StringIO()

    generator.write(generator.generate_records(rng, generator.DEFAULT_COUNT), stream, fmt="response", rng=rng)

    assert stream.getvalue() == SAMPLE.read_text(encoding="utf-8")


def test_sample_has_ipv6_and_chinese_text() -> None:
    raws = _sample()["DstIPList"]
    ipv6 = [raw["DstIP"] for raw in raws if ipaddress.ip_address(raw["DstIP"]).version == 6]

    assert 0.04 <= len(ipv6) / len(raws) <= 0.15
    assert all(ipaddress.ip_address(address) in ipaddress.ip_network("2001:db8::/32") for address in ipv6)
    assert any(re.search(r"[\u4e00-\u9fff]", raw["LocationName"]) for raw in raws)
    assert any(re.search(r"[\u4e00-\u9fff]", raw["SecurityReason"]) for raw in raws)
    assert "\\u" not in SAMPLE.read_text(encoding="utf-8")


def test_every_builtin_rule_fires_on_sample() -> None:
    policy_set = load_policies(["builtin"], param_overrides={"CFW-GEO-001.allowed_locations": ALLOWED_LOCATIONS})

    counts = Counter(finding.rule_id for finding in evaluate(_records(), policy_set.rules))

    for rule in policy_set.rules:
        assert counts[rule.id] >= 1, f"{rule.id} does not fire on the sample"


def test_most_sample_records_are_clean() -> None:
    rules = select_rules(load_policies(["builtin"]))

    flagged = {finding.dst_ip for finding in evaluate(_records(), rules)}

    assert len(flagged) >= 22
    assert len(flagged) / 300 <= 0.2


def test_generator_pages_hold_at_most_ten_records() -> None:
    generator = _generator()
    rng = random.Random(7)
    records = generator.generate_records(rng, 25)

    pages = generator.build_document(records, "pages", rng)

    assert [len(page["DstIPList"]) for page in pages] == [10, 10, 5]
    assert all(page["TotalCount"] == 25 for page in pages)


def test_generator_writes_json_lines() -> None:
    generator = _generator()
    rng = random.Random(7)
    stream = io.StringIO()

    generator.write(generator.generate_records(rng, 12), stream, fmt="jsonl", rng=rng)

    lines = stream.getvalue().splitlines()
    assert len(lines) == 12
    assert all(json.loads(line)["DstIP"] for line in lines)


def test_generator_addresses_stay_unique_and_public() -> None:
    records = _generator().generate_records(random.Random(11), 3000)

    addresses = [ipaddress.ip_address(record["DstIP"]) for record in records]
    assert len(set(addresses)) == 3000
    blocks = [ipaddress.ip_network(block) for block in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
    for address in addresses:
        if address.version == 4:
            documentation = any(address in block for block in blocks)
            assert documentation or address.is_global, address


def test_generator_small_count_sorted() -> None:
    records = _generator().generate_records(random.Random(3), 5)

    assert len(records) == 5
    assert records == sorted(records, key=lambda record: record["SessionCount"], reverse=True)


def test_api_reference_example_decodes() -> None:
    copy = EXAMPLES / "api-reference-example-response.json"
    document = json.loads(copy.read_text(encoding="utf-8"))

    (record,) = [msgspec.convert(raw, Record, strict=False) for raw in document["DstIPList"]]

    assert record.TotalBytes == 800
    assert record.HasAcl is True
    assert record.LocationName == "山东省青岛市"
