"""The ten rules of ``bench/ten-rules.yaml`` in other engines, for side-by-side timing.

Each engine returns the number of records that fire each rule, so the harness can check
that all of them agree with ``cfw-checker scan``:

- ``orjson``: only parses the file into dicts, the floor of any Python tool that parses
  JSON into objects; it counts nothing;
- ``python-loop``: a hand-written loop over those dicts;
- ``c7n``: Cloud Custodian's value filters (``c7n.filters.core``), with ``and``, ``or`` and
  JMESPath keys such as ``TagList[].ClassId`` for the list quantifiers, run through
  ``Filter.process``;
- ``c7n-list-item``: the same, with c7n's ``list-item`` filter for the list quantifiers;
- ``duckdb``: one SQL query per rule over the file, read by DuckDB's ``read_json``.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson

RULE_IDS = tuple(f"BENCH-{number:02d}" for number in range(1, 11))
GIB = 1 << 30
MIB = 1 << 20
_LOCATION = re.compile("^(美国|俄罗斯)")

Record = dict[str, Any]


def load_dicts(path: Path) -> list[Record]:
    """Parse a response, a list of pages or JSON Lines into record dicts with orjson."""
    data = path.read_bytes()
    if path.suffix == ".jsonl":
        return [orjson.loads(line) for line in data.splitlines() if line.strip()]

    document = orjson.loads(data)
    if isinstance(document, dict):
        return document["DstIPList"]
    return [record for page in document for record in page["DstIPList"]]


def python_loop_counts(records: list[Record]) -> dict[str, int]:
    """Count the records that fire each rule, with plain Python over dicts."""
    counts = dict.fromkeys(RULE_IDS, 0)
    for record in records:
        tags = record.get("TagList") or []
        applications = {port.get("ApplicationName") for port in record.get("ApplicationPortList") or []}
        malicious_tag = any(tag.get("ClassId") == "Malicious" for tag in tags)
        not_aliyun = record.get("CategoryId") == "NotAliyun"
        out_bytes = record.get("OutBytes", 0)
        if record.get("AclCoverage") != "FullCoverage" and (
            record.get("CategoryClassId") == "Malicious" or malicious_tag
        ):
            counts["BENCH-01"] += 1
        if (
            record.get("CategoryClassId") == "Suspicious"
            and str(record.get("HasAcl", "false")).lower() == "false"
            and any(tag.get("RiskLevel", 0) >= 2 for tag in tags)
        ):
            counts["BENCH-02"] += 1
        if record.get("IsMarkNormal") is True and malicious_tag:
            counts["BENCH-03"] += 1
        if record.get("AclStatus") in ("Abnormal", "abnormal"):
            counts["BENCH-04"] += 1
        if record.get("HasAclRecommend") is True and record.get("AclCoverage") == "Uncovered":
            counts["BENCH-05"] += 1
        if not_aliyun and applications & {"RDP", "VNC"}:
            counts["BENCH-06"] += 1
        if not_aliyun and applications & {"MySQL", "Redis", "MongoDB", "Memcache"}:
            counts["BENCH-07"] += 1
        if out_bytes >= GIB:
            counts["BENCH-08"] += 1
        if out_bytes >= 100 * MIB and any(tag.get("TagId") == "Pan" for tag in tags):
            counts["BENCH-09"] += 1
        if not_aliyun and record.get("SessionCount", 0) >= 20 and _LOCATION.search(record.get("LocationName", "")):
            counts["BENCH-10"] += 1
    return counts


#: The ten rules as Cloud Custodian filter blocks. ``max(TagList[].RiskLevel)`` is null for
#: an empty list, and the value filter treats a failed comparison with null as no match.
C7N_FILTERS: dict[str, Any] = {
    "BENCH-01": {"and": [
        {"type": "value", "key": "AclCoverage", "op": "ne", "value": "FullCoverage"},
        {"or": [
            {"type": "value", "key": "CategoryClassId", "value": "Malicious"},
            {"type": "value", "key": "TagList[].ClassId", "op": "contains", "value": "Malicious"},
        ]},
    ]},
    "BENCH-02": {"and": [
        {"type": "value", "key": "CategoryClassId", "value": "Suspicious"},
        {"type": "value", "key": "HasAcl", "value": "false"},
        {"type": "value", "key": "max(TagList[].RiskLevel)", "op": "gte", "value": 2},
    ]},
    "BENCH-03": {"and": [
        {"type": "value", "key": "IsMarkNormal", "value": True},
        {"type": "value", "key": "TagList[].ClassId", "op": "contains", "value": "Malicious"},
    ]},
    "BENCH-04": {"type": "value", "key": "AclStatus", "op": "in", "value": ["Abnormal", "abnormal"]},
    "BENCH-05": {"and": [
        {"type": "value", "key": "HasAclRecommend", "value": True},
        {"type": "value", "key": "AclCoverage", "value": "Uncovered"},
    ]},
    "BENCH-06": {"and": [
        {"type": "value", "key": "CategoryId", "value": "NotAliyun"},
        {"type": "value", "key": "ApplicationPortList[].ApplicationName", "op": "intersect", "value": ["RDP", "VNC"]},
    ]},
    "BENCH-07": {"and": [
        {"type": "value", "key": "CategoryId", "value": "NotAliyun"},
        {"type": "value", "key": "ApplicationPortList[].ApplicationName", "op": "intersect",
         "value": ["MySQL", "Redis", "MongoDB", "Memcache"]},
    ]},
    "BENCH-08": {"type": "value", "key": "OutBytes", "op": "gte", "value": GIB},
    "BENCH-09": {"and": [
        {"type": "value", "key": "OutBytes", "op": "gte", "value": 100 * MIB},
        {"type": "value", "key": "TagList[].TagId", "op": "contains", "value": "Pan"},
    ]},
    "BENCH-10": {"and": [
        {"type": "value", "key": "CategoryId", "value": "NotAliyun"},
        {"type": "value", "key": "SessionCount", "op": "gte", "value": 20},
        {"type": "value", "key": "LocationName", "op": "regex", "value": "^(美国|俄罗斯).*"},
    ]},
}


def _list_item(key: str, attribute: dict[str, Any]) -> dict[str, Any]:
    return {"type": "list-item", "key": key, "attrs": [{"type": "value", **attribute}]}


#: The same rules with Cloud Custodian's ``list-item`` filter for every list quantifier, the
#: construct its documentation gives for "some item of a list matches".
C7N_LIST_ITEM_FILTERS: dict[str, Any] = {
    **C7N_FILTERS,
    "BENCH-01": {"and": [
        {"type": "value", "key": "AclCoverage", "op": "ne", "value": "FullCoverage"},
        {"or": [
            {"type": "value", "key": "CategoryClassId", "value": "Malicious"},
            _list_item("TagList", {"key": "ClassId", "value": "Malicious"}),
        ]},
    ]},
    "BENCH-02": {"and": [
        {"type": "value", "key": "CategoryClassId", "value": "Suspicious"},
        {"type": "value", "key": "HasAcl", "value": "false"},
        _list_item("TagList", {"key": "RiskLevel", "op": "gte", "value": 2}),
    ]},
    "BENCH-03": {"and": [
        {"type": "value", "key": "IsMarkNormal", "value": True},
        _list_item("TagList", {"key": "ClassId", "value": "Malicious"}),
    ]},
    "BENCH-06": {"and": [
        {"type": "value", "key": "CategoryId", "value": "NotAliyun"},
        _list_item("ApplicationPortList", {"key": "ApplicationName", "op": "in", "value": ["RDP", "VNC"]}),
    ]},
    "BENCH-07": {"and": [
        {"type": "value", "key": "CategoryId", "value": "NotAliyun"},
        _list_item("ApplicationPortList", {
            "key": "ApplicationName", "op": "in", "value": ["MySQL", "Redis", "MongoDB", "Memcache"]}),
    ]},
    "BENCH-09": {"and": [
        {"type": "value", "key": "OutBytes", "op": "gte", "value": 100 * MIB},
        _list_item("TagList", {"key": "TagId", "value": "Pan"}),
    ]},
}


def c7n_counts(records: list[Record], filters: dict[str, Any] = C7N_FILTERS) -> dict[str, int]:
    """Count the records that fire each rule, with Cloud Custodian's filter engine.

    The filters get a stand-in resource manager, as in a c7n policy run: its resource id is
    DstIP, its execution context has an empty configuration and c7n's null tracer.
    """
    from c7n.config import Config
    from c7n.filters.core import FilterRegistry
    from c7n.output import NullTracer

    context = SimpleNamespace(session_factory=None, options=Config.empty(), tracer=NullTracer(None))
    model = SimpleNamespace(id="DstIP")
    manager = SimpleNamespace(ctx=context, get_model=lambda: model)
    registry = FilterRegistry("cfw-bench")
    counts: dict[str, int] = {}
    for rule_id, block in filters.items():
        compiled = registry.factory(block, manager).validate()
        counts[rule_id] = len(compiled.process(records))
    return counts


_SQL_RULES = {
    "BENCH-01": "AclCoverage <> 'FullCoverage' AND (CategoryClassId = 'Malicious' "
                "OR list_contains(list_transform(TagList, lambda t: t.ClassId), 'Malicious'))",
    "BENCH-02": "CategoryClassId = 'Suspicious' AND HasAcl = 'false' "
                "AND list_max(list_transform(TagList, lambda t: t.RiskLevel)) >= 2",
    "BENCH-03": "IsMarkNormal AND list_contains(list_transform(TagList, lambda t: t.ClassId), 'Malicious')",
    "BENCH-04": "AclStatus IN ('Abnormal', 'abnormal')",
    "BENCH-05": "HasAclRecommend AND AclCoverage = 'Uncovered'",
    "BENCH-06": "CategoryId = 'NotAliyun' AND list_has_any("
                "list_transform(ApplicationPortList, lambda p: p.ApplicationName), ['RDP', 'VNC'])",
    "BENCH-07": "CategoryId = 'NotAliyun' AND list_has_any(list_transform(ApplicationPortList, "
                "lambda p: p.ApplicationName), ['MySQL', 'Redis', 'MongoDB', 'Memcache'])",
    "BENCH-08": f"OutBytes >= {GIB}",
    "BENCH-09": f"OutBytes >= {100 * MIB} AND list_contains(list_transform(TagList, lambda t: t.TagId), 'Pan')",
    "BENCH-10": "CategoryId = 'NotAliyun' AND SessionCount >= 20 AND regexp_matches(LocationName, '^(美国|俄罗斯)')",
}


def duckdb_counts(path: Path) -> dict[str, int]:
    """Count the records that fire each rule, with DuckDB SQL over the file."""
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET threads TO 2")
    size = path.stat().st_size + 1
    quoted = str(path).replace("'", "''")
    if path.suffix == ".jsonl":
        source = f"read_json('{quoted}', format = 'newline_delimited')"
    else:
        # A list of pages is read with one row per page; a single response is one row.
        layout = "array" if _is_page_list(path) else "auto"
        document = f"read_json('{quoted}', format = '{layout}', maximum_object_size = {size})"
        source = f"(SELECT unnest(DstIPList, max_depth := 2) FROM {document})"
    connection.execute(f"CREATE TEMP TABLE records AS SELECT * FROM {source}")
    counts: dict[str, int] = {}
    for rule_id, condition in _SQL_RULES.items():
        row = connection.execute(f"SELECT count(*) FROM records WHERE {condition}").fetchone()
        counts[rule_id] = int(row[0]) if row else 0
    return counts


def _is_page_list(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(64).lstrip()[:1] == b"["
