"""Every accepted input shape decodes to the same records."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from checker.sources.loader import load_records

RECORD_A = {
    "DstIP": "203.0.113.10",
    "AclCoverage": "Uncovered",
    "TotalBytes": "800",
    "HasAcl": "false",
    "InBytes": 300,
    "OutBytes": 500,
    "LocationName": "浙江省杭州市",
    "TagList": [{"TagId": "Miner", "ClassId": "Malicious", "RiskLevel": 3}],
}
RECORD_B = {"DstIP": "2001:db8::5", "HasAcl": "true", "TotalBytes": "12"}


def write(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def response(records: list[dict], total: int | None = None, request_id: str = "R-1") -> dict:
    return {"RequestId": request_id, "TotalCount": len(records) if total is None else total, "DstIPList": records}


SHAPES = {
    "response": json.dumps(response([RECORD_A, RECORD_B]), ensure_ascii=False),
    "pages": json.dumps(
        [response([RECORD_A], total=2, request_id="R-1"), response([RECORD_B], total=2, request_id="R-2")],
        ensure_ascii=False,
    ),
    "records": json.dumps([RECORD_A, RECORD_B], ensure_ascii=False),
    "jsonl": "\n".join(json.dumps(record, ensure_ascii=False) for record in (RECORD_A, RECORD_B)) + "\n",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_shape_detected_from_content(tmp_path: Path, shape: str) -> None:
    path = write(tmp_path, "export.txt", SHAPES[shape])

    loaded = load_records([path], stdin=None, allow_partial=False)

    assert loaded.inputs[0].shape == shape
    assert [record.DstIP for record in loaded.records] == ["203.0.113.10", "2001:db8::5"]
    assert loaded.partial_reason is None


def test_wire_quirks_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "export.json", SHAPES["response"])

    record = load_records([path], stdin=None, allow_partial=False).records[0]

    assert record.TotalBytes == 800
    assert record.HasAcl is False
    assert record.LocationName == "浙江省杭州市"
    assert record.TagList[0].RiskLevel == 3


def test_missing_optional_fields_take_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "export.json", json.dumps([{"DstIP": "198.51.100.1"}]))

    record = load_records([path], stdin=None, allow_partial=False).records[0]

    assert record.AclCoverage == ""
    assert record.HasAcl is False
    assert record.SessionCount == 0
    assert record.TagList == []


def test_unknown_fields_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "export.json", json.dumps([{"DstIP": "198.51.100.1", "BrandNewField": {"x": 1}}]))

    loaded = load_records([path], stdin=None, allow_partial=False)

    assert loaded.records[0].DstIP == "198.51.100.1"


def test_stdin_dash(tmp_path: Path) -> None:
    stdin = io.BytesIO(SHAPES["jsonl"].encode())

    loaded = load_records(["-"], stdin=stdin, allow_partial=False)

    assert loaded.inputs[0].path == "-"
    assert len(loaded.records) == 2


def test_jsonl_of_pages(tmp_path: Path) -> None:
    lines = [json.dumps(response([RECORD_A], total=2)), json.dumps(response([RECORD_B], total=2))]
    path = write(tmp_path, "pages.jsonl", "\n".join(lines))

    loaded = load_records([path], stdin=None, allow_partial=False)

    assert loaded.inputs[0].shape == "jsonl"
    assert loaded.inputs[0].declared_total == 2
    assert len(loaded.records) == 2


def test_single_record_object(tmp_path: Path) -> None:
    path = write(tmp_path, "one.json", json.dumps(RECORD_B))

    loaded = load_records([path], stdin=None, allow_partial=False)

    assert loaded.inputs[0].shape == "records"
    assert loaded.records[0].DstIP == "2001:db8::5"


def test_byte_order_mark_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + SHAPES["records"].encode())

    loaded = load_records([str(path)], stdin=None, allow_partial=False)

    assert len(loaded.records) == 2


def test_empty_list_is_zero_records(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.json", json.dumps(response([])))

    loaded = load_records([path], stdin=None, allow_partial=False)

    assert loaded.records == []
    assert loaded.inputs[0].records == 0


def test_snapshot_provenance_kept(tmp_path: Path) -> None:
    snapshot = response([RECORD_A])
    snapshot["source"] = {"kind": "cloudfirewall", "complete": True, "endpoint": "http://127.0.0.1:1"}
    path = write(tmp_path, "snapshot.json", json.dumps(snapshot))

    loaded = load_records([path], stdin=None, allow_partial=False)

    assert loaded.inputs[0].shape == "snapshot"
    assert loaded.inputs[0].provenance == snapshot["source"]
