"""Bad input gives an error that names the file, the JSON path, the DstIP and the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.errors import InputError, ProblemList
from checker.sources.loader import load_records


def write(tmp_path: Path, content: str, name: str = "export.json") -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def load(path: str, *, allow_partial: bool = False):
    return load_records([path], stdin=None, allow_partial=allow_partial)


def test_invalid_nested_value_names_path_ip_and_value(tmp_path: Path) -> None:
    records = [{"DstIP": f"198.51.100.{index}"} for index in range(42)]
    records[41]["TagList"] = [{"TagId": "Miner", "RiskLevel": "high"}]
    path = write(tmp_path, json.dumps({"TotalCount": 42, "DstIPList": records}))

    with pytest.raises(ProblemList) as caught:
        load(path)

    assert str(caught.value) == (
        f"{path}: 1 invalid record; nothing was evaluated. Fix it or re-export\n"
        '  DstIPList[41].TagList[0].RiskLevel (DstIP 198.51.100.41): expected integer, got string "high"'
    )


def test_every_bad_record_listed(tmp_path: Path) -> None:
    records = [
        {"DstIP": "198.51.100.1", "TotalBytes": "lots"},
        {"DstIP": "198.51.100.2"},
        {"DstIP": "198.51.100.3", "HasAcl": "maybe"},
        {"AclCoverage": "Uncovered"},
    ]
    path = write(tmp_path, json.dumps({"TotalCount": 4, "DstIPList": records}))

    with pytest.raises(ProblemList) as caught:
        load(path)

    assert caught.value.problems == [
        'DstIPList[0].TotalBytes (DstIP 198.51.100.1): expected integer, got string "lots"',
        'DstIPList[2].HasAcl (DstIP 198.51.100.3): expected boolean, got string "maybe"',
        "DstIPList[3]: object missing required field DstIP",
    ]
    assert caught.value.headline == f"{path}: 3 invalid records; nothing was evaluated. Fix them or re-export"


def test_problem_list_capped_with_count(tmp_path: Path) -> None:
    records = [{"DstIP": f"198.51.100.{index}", "SessionCount": -1} for index in range(25)]
    path = write(tmp_path, json.dumps(records))

    with pytest.raises(ProblemList) as caught:
        load(path)

    message = str(caught.value)
    assert len(caught.value.problems) == 20
    assert caught.value.total == 25
    assert message.splitlines()[-1] == "  ... and 5 more"
    assert "[0].SessionCount (DstIP 198.51.100.0): expected integer >= 0, got integer -1" in message


def test_bad_record_in_page_list(tmp_path: Path) -> None:
    pages = [
        {"TotalCount": 2, "DstIPList": [{"DstIP": "198.51.100.1"}]},
        {"TotalCount": 2, "DstIPList": [{"DstIP": "198.51.100.2", "ApplicationPortList": [{"Port": 70000}]}]},
    ]
    path = write(tmp_path, json.dumps(pages))

    with pytest.raises(ProblemList) as caught:
        load(path)

    assert caught.value.problems == [
        "[1].DstIPList[0].ApplicationPortList[0].Port (DstIP 198.51.100.2): "
        "expected integer <= 65535, got integer 70000"
    ]


def test_malformed_json_gives_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "TotalCount": 1,\n  "DstIPList": [}\n}')

    with pytest.raises(InputError) as caught:
        load(path)

    assert str(caught.value) == f"{path}: line 3, column 17: malformed JSON: invalid character"


def test_malformed_jsonl_line_named(tmp_path: Path) -> None:
    path = write(tmp_path, '{"DstIP": "198.51.100.1"}\n{"DstIP": "198.51.100.2"\n{"DstIP": 7}\n', "x.jsonl")

    with pytest.raises(ProblemList) as caught:
        load(path)

    assert caught.value.problems == [
        "line 2, column 25: malformed JSON: input data was truncated",
        "line 3: $.DstIP: expected string, got integer 7",
    ]


def test_not_json_at_all(tmp_path: Path) -> None:
    path = write(tmp_path, "<html>502 Bad Gateway</html>")

    with pytest.raises(InputError) as caught:
        load(path)

    assert str(caught.value) == (
        f"{path}: line 1, column 1: malformed JSON: invalid character; the input must be JSON or JSON Lines"
    )


def test_empty_file_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "  \n")

    with pytest.raises(InputError) as caught:
        load(path)

    assert str(caught.value) == (
        f'{path}: the input is empty; an export with no records is written as [] or {{"TotalCount": 0, "DstIPList": []}}'
    )


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.json")

    with pytest.raises(InputError) as caught:
        load(path)

    assert str(caught.value) == f"{path}: input file not found; check the path"


def test_object_of_unknown_shape(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps({"Code": "Throttling", "Message": "too fast"}))

    with pytest.raises(InputError) as caught:
        load(path)

    assert "has neither DstIPList (an API response) nor DstIP (a record)" in str(caught.value)


def test_total_count_wrong_type(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps({"TotalCount": "many", "DstIPList": []}))

    with pytest.raises(ProblemList) as caught:
        load(path)

    assert caught.value.problems == ["TotalCount: expected a non-negative integer, got 'many'"]


@pytest.mark.parametrize(
    "document, expected",
    [
        ('[{"DstIP": "198.51.100.1", "SessionCount": 1e400}]', "[0].SessionCount (DstIP 198.51.100.1): expected integer, got a number out of range"),
        ("[null]", "[0]: expected object, got null"),
    ],
)
def test_values_out_of_range_or_null(tmp_path: Path, document: str, expected: str) -> None:
    path = write(tmp_path, document)

    with pytest.raises(ProblemList) as caught:
        load(path)

    assert caught.value.problems == [expected]


def test_number_out_of_range_in_jsonl(tmp_path: Path) -> None:
    path = write(tmp_path, '{"DstIP": "198.51.100.1", "SessionCount": 1e400}\n{"DstIP": "198.51.100.2"}\n', "x.jsonl")

    with pytest.raises(ProblemList) as caught:
        load(path)

    assert caught.value.problems == ["line 1: $.SessionCount (DstIP 198.51.100.1): expected integer, got a number out of range"]


@pytest.mark.parametrize("document, kind", [("null", "null"), ("42", "integer"), ('"x"', "string")])
def test_json_that_is_not_object_or_array(tmp_path: Path, document: str, kind: str) -> None:
    path = write(tmp_path, document)

    with pytest.raises(InputError) as caught:
        load(path)

    assert str(caught.value) == (
        f"{path}: the input is a single JSON {kind}; give a DescribeOutgoingDestinationIP response, "
        "a list of them, a list of records or JSON Lines"
    )
