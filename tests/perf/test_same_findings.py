"""Every input shape, worker count and chunk size gives the same findings."""

from __future__ import annotations

import datetime
import io
import json
import random
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from support.generator import sample_generator

from checker.cli.main import run
from checker.errors import ProblemList
from checker.parallel import PARALLEL_MIN_BYTES, worker_count
from checker.reports import jsonreport
from checker.scan import ScanOptions, run_scan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RECORD_COUNT = 3000
FIXED_CLOCK = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


_generator = sample_generator


@cache
def _records() -> list[dict[str, Any]]:
    """Generated records plus a masked DstIP and a repeated IPv6 destination in another spelling."""
    records = _generator().generate_records(random.Random(7), RECORD_COUNT)
    ipv6 = next(record for record in records if ":" in record["DstIP"])
    repeated = {
        **ipv6,
        "DstIP": ipv6["DstIP"].upper().replace("::", ":0::"),
        "CategoryClassId": "Malicious",
        "AclCoverage": "Uncovered",
        "SessionCount": 50,
    }
    masked = {**records[10], "DstIP": "10.0.XX.XX"}
    return [*records[:1500], masked, *records[1500:], repeated]


def _distinct() -> int:
    return len(_records()) - 1


def _pages(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"RequestId": f"R-{start}", "TotalCount": _distinct(), "DstIPList": records[start:start + 10]}
        for start in range(0, len(records), 10)
    ]


def _shape_bytes(shape: str) -> bytes:
    records = _records()
    if shape == "response":
        text = json.dumps({"RequestId": "R-1", "TotalCount": _distinct(), "DstIPList": records}, ensure_ascii=False, indent=2)
    elif shape == "pages":
        text = json.dumps(_pages(records), ensure_ascii=False, indent=2)
    elif shape == "records":
        text = json.dumps(records, ensure_ascii=False)
    elif shape == "jsonl":
        text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    else:
        text = "".join(json.dumps(page, ensure_ascii=False) + "\n" for page in _pages(records))
    return text.encode("utf-8")


def _scan(tmp_path: Path, shape: str, *, jobs: int, chunk_records: int, stdin: bool = False) -> dict[str, Any]:
    data = _shape_bytes(shape)
    path = tmp_path / f"{shape}.input"
    path.write_bytes(data)
    options = ScanOptions(
        inputs=("-",) if stdin else (str(path),),
        fail_on=None,
        clock=lambda: FIXED_CLOCK,
        jobs=jobs,
        chunk_records=chunk_records,
    )
    result = run_scan(options, stdin=io.BytesIO(data) if stdin else None)
    stream = io.BytesIO()
    jsonreport.write(result, stream)
    document = json.loads(stream.getvalue())
    return {
        "findings": document["findings"],
        "rules": [(rule["id"], rule["findings"]) for rule in document["rules"]],
        "records_scanned": document["summary"]["records_scanned"],
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Findings of the response shape, read in one process with the default chunk size."""
    return _scan(tmp_path_factory.mktemp("reference"), "response", jobs=1, chunk_records=2000)


CASES = [
    ("pages", 1, 2000, False),
    ("records", 1, 2000, False),
    ("jsonl", 1, 2000, False),
    ("page-lines", 1, 2000, False),
    ("response", 1, 2000, True),
    ("jsonl", 1, 2000, True),
    ("response", 1, 7, False),
    ("pages", 1, 13, False),
    ("jsonl", 1, 1, False),
    ("response", 2, 500, False),
    ("jsonl", 2, 333, False),
    ("page-lines", 2, 64, False),
]


@pytest.mark.parametrize(("shape", "jobs", "chunk_records", "stdin"), CASES)
def test_findings_same_as_reference(
    tmp_path: Path, reference: dict[str, Any], shape: str, jobs: int, chunk_records: int, stdin: bool
) -> None:
    scanned = _scan(tmp_path, shape, jobs=jobs, chunk_records=chunk_records, stdin=stdin)

    assert scanned["records_scanned"] == RECORD_COUNT + 1
    assert scanned["rules"] == reference["rules"]
    assert scanned["findings"] == reference["findings"]


def test_reference_has_findings_of_many_rules(reference: dict[str, Any]) -> None:
    fired = [rule_id for rule_id, count in reference["rules"] if count]
    assert len(fired) >= 15
    assert reference["records_scanned"] == RECORD_COUNT + 1


def test_repeated_destination_counts_once_but_keeps_findings(reference: dict[str, Any]) -> None:
    # The repeated copy is malicious and uncovered, unlike the first, so a duplicate must not
    # hide its CFW-TI-001 finding; rules that fired on both copies are reported once.
    repeated = _records()[-1]["DstIP"]
    fired_on_copy = [finding["rule_id"] for finding in reference["findings"] if finding["dst_ip"] == repeated]
    fingerprints = [finding["fingerprint"] for finding in reference["findings"]]
    assert "CFW-TI-001" in fired_on_copy
    assert len(fingerprints) == len(set(fingerprints))
    assert reference["records_scanned"] == RECORD_COUNT + 1


@pytest.mark.parametrize(("shape", "jobs"), [("response", 1), ("response", 2), ("jsonl", 2)])
def test_bad_record_in_late_chunk_fails(tmp_path: Path, shape: str, jobs: int) -> None:
    records = [{"DstIP": f"198.51.100.{index}", "OutBytes": 1 << 40} for index in range(200)]
    records[187]["SessionCount"] = "many"
    if shape == "response":
        text = json.dumps({"TotalCount": 200, "DstIPList": records})
        where = "DstIPList[187].SessionCount"
    else:
        text = "".join(json.dumps(record) + "\n" for record in records)
        where = "line 188: $.SessionCount"
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ProblemList) as caught:
        run_scan(ScanOptions(inputs=(str(path),), jobs=jobs, chunk_records=16))

    assert caught.value.problems == [f'{where} (DstIP 198.51.100.187): expected integer, got string "many"']


def test_bad_last_line_exits_2(tmp_path: Path) -> None:
    lines = [json.dumps({"DstIP": f"198.51.100.{index}", "OutBytes": 1 << 40}) for index in range(50)]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join([*lines, '{"DstIP": "198.51.100.99"']) + "\n", encoding="utf-8")
    stderr = io.StringIO()

    code = run(
        ["scan", str(path), "--output-dir", str(tmp_path / "out"), "--lang", "en"],
        stdin=io.BytesIO(b""), stdout=io.StringIO(), stderr=stderr,
    )

    assert code == 2
    assert stderr.getvalue() == (
        f"error: {path}: 1 invalid line; nothing was evaluated. Fix it or re-export\n"
        "  line 51, column 26: malformed JSON: input data was truncated\n"
    )
    assert not (tmp_path / "out").exists()


def test_jobs_zero_rejected(tmp_path: Path) -> None:
    stderr = io.StringIO()

    code = run(
        ["scan", str(EXAMPLES / "sample-export.json"), "--jobs", "0", "--output-dir", str(tmp_path), "--lang", "en"],
        stdin=io.BytesIO(b""), stdout=io.StringIO(), stderr=stderr,
    )

    assert code == 2
    assert stderr.getvalue() == "error: --jobs 0: give 1 or more processes\n"


def test_worker_count_explicit_and_automatic(tmp_path: Path) -> None:
    small = tmp_path / "small.json"
    small.write_bytes(b"[]")

    assert worker_count([str(small)], 3) == 3
    assert worker_count([str(small)], 1) == 1
    assert worker_count([str(small)], None) == 1
    assert worker_count(["-"], None) == 1
    assert PARALLEL_MIN_BYTES > small.stat().st_size


def test_workers_evaluate_enabled_rules(tmp_path: Path) -> None:
    path = tmp_path / "response.input"
    path.write_bytes(_shape_bytes("response"))
    options = dict(
        inputs=(str(path),),
        fail_on=None,
        clock=lambda: FIXED_CLOCK,
        chunk_records=500,
        rules=("CFW-GEO-001",),
        enable_rules=("CFW-GEO-001",),
        param_overrides={"CFW-GEO-001.allowed_locations": "新加坡"},
    )

    alone = run_scan(ScanOptions(jobs=1, **options))
    workers = run_scan(ScanOptions(jobs=2, **options))

    assert alone.findings
    assert [finding.fingerprint for finding in workers.findings] == [finding.fingerprint for finding in alone.findings]
