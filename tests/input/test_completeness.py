"""Incomplete exports fail closed; duplicates across pages are merged with a warning."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.sources.loader import load_records

REFERENCE_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "api-reference-example-response.json"


def write(tmp_path: Path, document: object, name: str = "export.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_one_page_of_many_is_incomplete(tmp_path: Path) -> None:
    path = write(tmp_path, {"TotalCount": 50, "DstIPList": [{"DstIP": "198.51.100.1"}]})

    with pytest.raises(InputError) as caught:
        load_records([path], stdin=None, allow_partial=False)

    assert str(caught.value) == (
        f"{path}: incomplete export: TotalCount is 50 but the input holds 1 record (49 missing). "
        "Export every page, or pass --allow-partial to scan what is there "
        "(every report then says it covers a partial export)"
    )


def test_reference_example_is_incomplete() -> None:
    with pytest.raises(InputError) as caught:
        load_records([str(REFERENCE_EXAMPLE)], stdin=None, allow_partial=False)

    assert "TotalCount is 50 but the input holds 1 record (49 missing)" in str(caught.value)


def test_allow_partial_records_reason(tmp_path: Path) -> None:
    path = write(tmp_path, {"TotalCount": 3, "DstIPList": [{"DstIP": "198.51.100.1"}]})

    loaded = load_records([path], stdin=None, allow_partial=True)

    assert loaded.partial_reason == f"{path}: incomplete export: TotalCount is 3 but the input holds 1 record (2 missing)"
    assert len(loaded.records) == 1


def test_snapshot_marked_incomplete(tmp_path: Path) -> None:
    snapshot = {"TotalCount": 1, "DstIPList": [{"DstIP": "198.51.100.1"}], "source": {"complete": False, "missing": 4}}
    path = write(tmp_path, snapshot)

    with pytest.raises(InputError) as caught:
        load_records([path], stdin=None, allow_partial=False)

    assert str(caught.value).startswith(f"{path}: the snapshot is marked incomplete (4 records missing). ")


def test_duplicates_across_pages_merged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    pages = [
        {"TotalCount": 3, "DstIPList": [{"DstIP": "198.51.100.1"}, {"DstIP": "2001:db8::1"}]},
        {"TotalCount": 3, "DstIPList": [{"DstIP": "2001:DB8:0::1"}, {"DstIP": "198.51.100.3"}]},
    ]
    path = write(tmp_path, pages)

    with caplog.at_level(logging.WARNING, logger="checker"):
        loaded = load_records([path], stdin=None, allow_partial=False)

    assert [record.DstIP for record in loaded.records] == ["198.51.100.1", "2001:db8::1", "198.51.100.3"]
    assert loaded.inputs[0].duplicates_merged == 1
    assert (
        f"{path}: 1 record repeats a DstIP seen earlier; each DstIP counts once, and a finding "
        "on any of its copies is reported: 2001:DB8:0::1"
    ) in caplog.messages


def test_duplicates_do_not_hide_missing_records(tmp_path: Path) -> None:
    pages = [
        {"TotalCount": 3, "DstIPList": [{"DstIP": "198.51.100.1"}, {"DstIP": "198.51.100.2"}]},
        {"TotalCount": 3, "DstIPList": [{"DstIP": "198.51.100.2"}]},
    ]
    path = write(tmp_path, pages)

    with pytest.raises(InputError) as caught:
        load_records([path], stdin=None, allow_partial=False)

    assert "TotalCount is 3 but the input holds 2 records (1 missing)" in str(caught.value)


def test_duplicates_merged_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, [{"DstIP": "198.51.100.1"}], "a.json")
    second = write(tmp_path, [{"DstIP": "198.51.100.1"}, {"DstIP": "198.51.100.2"}], "b.json")

    loaded = load_records([first, second], stdin=None, allow_partial=False)

    assert [info.records for info in loaded.inputs] == [1, 1]
    assert len(loaded.records) == 2


def test_undocumented_codes_named_in_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from checker.scan import ScanOptions, run_scan

    records = [
        {"DstIP": "198.51.100.1", "AclCoverage": "uncovered", "TagList": [{"ClassId": "malicious"}]},
        {"DstIP": "198.51.100.2", "AclCoverage": "Uncovered", "CategoryClassId": "Trusted"},
    ]
    path = write(tmp_path, records)

    with caplog.at_level(logging.WARNING, logger="checker"):
        run_scan(ScanOptions(inputs=(path,), fail_on=None))

    assert caplog.messages == [
        "AclCoverage holds values that the API reference does not document: 'uncovered'; rules that "
        "compare AclCoverage with the documented values (FullCoverage, Uncovered) do not match them",
        "TagList[].ClassId holds values that the API reference does not document: 'malicious'; rules that "
        "compare TagList[].ClassId with the documented values (Malicious, Suspicious, Trusted) do not match them",
    ]


def test_documented_codes_give_no_warning(caplog: pytest.LogCaptureFixture) -> None:
    from checker.scan import ScanOptions, run_scan

    with caplog.at_level(logging.WARNING, logger="checker"):
        run_scan(ScanOptions(inputs=(str(REFERENCE_EXAMPLE.parent / "sample-export.json"),), fail_on=None))

    assert caplog.messages == []
