"""Read exported records: API responses, page lists, bare record lists, JSON Lines, snapshots.

The shape is detected from the content, never from the file name. A file is decoded in one
typed pass; only when that fails is it decoded again, record by record, to list every
invalid record. Nothing is returned from a file that was only partly read.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from checker.errors import InputError, ProblemList
from checker.records import Record
from checker.records.model import Count
from checker.sources.jsonerrors import describe_invalid, describe_malformed
from checker.sources.shapes import Shape, first_significant_byte, probe_object

logger = logging.getLogger(__name__)

#: Invalid records listed in one error; the rest are counted.
MAX_LISTED_PROBLEMS = 20


class Page(msgspec.Struct):
    """One API response page, or a snapshot (a page with a ``source`` section)."""

    DstIPList: list[Record]
    TotalCount: Count | None = None
    RequestId: str = ""
    source: dict[str, Any] | None = None


@dataclass(frozen=True)
class ParsedInput:
    """Records and metadata read from one input, before inputs are merged."""

    path: str
    shape: Shape
    sha256: str
    records: list[Record]
    #: Largest TotalCount the input declared, or None when it declared none.
    declared_total: int | None
    request_ids: tuple[str, ...]
    provenance: dict[str, Any] | None


def read_bytes(path: str, stdin: BinaryIO | None) -> bytes:
    """Read an input file, or standard input for ``-``."""
    if path == "-":
        if stdin is None:
            raise InputError("-: standard input is not available")
        return stdin.read()

    file_path = Path(path)
    if not file_path.exists():
        raise InputError(f"{path}: input file not found; check the path")
    if file_path.is_dir():
        raise InputError(f"{path}: is a folder; give a JSON or JSON Lines file")
    try:
        return file_path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the input file: {exc.strerror}") from exc


def parse_input(path: str, data: bytes) -> ParsedInput:
    """Detect the shape of ``data`` and decode every record in it."""
    display = "<stdin>" if path == "-" else path
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]

    first = first_significant_byte(data)
    if first is None:
        raise InputError(
            f"{display}: the input is empty; an export with no records is written as "
            '[] or {"TotalCount": 0, "DstIPList": []}'
        )
    if first == ord("["):
        shape, pages, records = _decode_array(display, data)
    elif first == ord("{"):
        shape, pages, records = _decode_object_or_lines(display, data)
    else:
        raise InputError(f"{display}: {_malformed(data)}; the input must be JSON or JSON Lines")

    for page in pages:
        records.extend(page.DstIPList)
    totals = [page.TotalCount for page in pages if page.TotalCount is not None]
    snapshot = next((page.source for page in pages if page.source is not None), None)
    return ParsedInput(
        path=path,
        shape=shape,
        sha256=digest,
        records=records,
        declared_total=max(totals) if totals else None,
        request_ids=tuple(page.RequestId for page in pages if page.RequestId),
        provenance=snapshot,
    )


def _malformed(data: bytes) -> str:
    try:
        msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        return describe_malformed(data, exc)
    return "malformed JSON"


def _decode_array(display: str, data: bytes) -> tuple[Shape, list[Page], list[Record]]:
    try:
        items = msgspec.json.decode(data, type=list[msgspec.Raw])
    except msgspec.DecodeError as exc:
        raise InputError(f"{display}: {describe_malformed(data, exc)}") from exc

    if items and probe_object(items[0]) in ("page", "snapshot"):
        pages = _decode_typed(display, data, list[Page], _collect_pages_problems)
        return Shape.PAGES, pages, []
    records = _decode_typed(display, data, list[Record], _collect_records_problems)
    return Shape.RECORDS, [], records


def _decode_object_or_lines(display: str, data: bytes) -> tuple[Shape, list[Page], list[Record]]:
    try:
        msgspec.json.decode(data, type=msgspec.Raw)
    except msgspec.DecodeError as exc:
        if "trailing characters" in str(exc):
            return _decode_lines(display, data)
        raise InputError(f"{display}: {describe_malformed(data, exc)}") from exc

    kind = probe_object(data)
    if kind == "record":
        record = _decode_typed(display, data, Record, _collect_single_record_problems)
        return Shape.RECORDS, [], [record]
    if kind not in ("page", "snapshot"):
        raise InputError(
            f"{display}: the JSON object has neither DstIPList (an API response) nor DstIP "
            "(a record); give a DescribeOutgoingDestinationIP response, a list of them, "
            "a list of records or JSON Lines"
        )
    page = _decode_typed(display, data, Page, _collect_page_problems)
    return (Shape.SNAPSHOT if kind == "snapshot" else Shape.RESPONSE), [page], []


def _decode_lines(display: str, data: bytes) -> tuple[Shape, list[Page], list[Record]]:
    pages: list[Page] = []
    records: list[Record] = []
    problems: list[str] = []
    record_decoder = msgspec.json.Decoder(Record, strict=False)
    page_decoder = msgspec.json.Decoder(Page, strict=False)
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        is_page = b'"DstIPList"' in line
        try:
            if is_page:
                pages.append(page_decoder.decode(line))
            else:
                records.append(record_decoder.decode(line))
            continue
        except (msgspec.DecodeError, msgspec.ValidationError):
            pass
        problems.extend(_describe_bad_line(line, number))

    if problems:
        raise _problem_list(display, problems, "invalid lines")
    return Shape.JSONL, pages, records


def _describe_bad_line(line: bytes, number: int) -> list[str]:
    """List the problems of one JSON Lines line that failed the typed decode."""
    try:
        value = msgspec.json.decode(line)
    except msgspec.DecodeError as exc:
        return [describe_malformed(line, exc, line_offset=number - 1)]
    if isinstance(value, dict) and "DstIPList" in value:
        return _collect_page_problems(value, f"line {number}: ") or [f"line {number}: invalid page response"]
    return _collect_record_problem(value, f"line {number}: $", [])


def _decode_typed(display: str, data: bytes, target: Any, collect: Any) -> Any:
    """Decode in one typed pass; on failure, collect every problem and raise them together."""
    # ValidationError is a subclass of DecodeError, so it is caught first.
    try:
        return msgspec.json.decode(data, type=target, strict=False)
    except msgspec.ValidationError as exc:
        document = msgspec.json.decode(data)
        problems = collect(document, "")
        if not problems:
            # The per-record pass found nothing, so show the error of the whole document.
            problems = [describe_invalid(document, exc, "")]
        raise _problem_list(display, problems, "invalid records") from exc
    except msgspec.DecodeError as exc:
        raise InputError(f"{display}: {describe_malformed(data, exc)}") from exc


def _problem_list(display: str, problems: list[str], what: str) -> ProblemList:
    headline = f"{display}: {len(problems)} {what}; nothing was evaluated. Fix them or re-export"
    if len(problems) == 1:
        headline = f"{display}: 1 {what[:-1]}; nothing was evaluated. Fix it or re-export"
    return ProblemList(headline, problems[:MAX_LISTED_PROBLEMS], total=len(problems))


def _collect_record_problem(value: Any, path: str, sink: list[Record]) -> list[str]:
    try:
        sink.append(msgspec.convert(value, Record, strict=False))
    except msgspec.ValidationError as exc:
        dst_ip = value.get("DstIP") if isinstance(value, dict) else None
        shown_ip = dst_ip if isinstance(dst_ip, str) else None
        return [describe_invalid(value, exc, path, dst_ip=shown_ip)]
    return []


def _collect_records_problems(document: Any, prefix: str) -> list[str]:
    if not isinstance(document, list):
        return [f"{prefix or '$'}: expected an array of records"]
    problems: list[str] = []
    sink: list[Record] = []
    for index, value in enumerate(document):
        problems.extend(_collect_record_problem(value, f"{prefix}[{index}]", sink))
    return problems


def _collect_single_record_problems(document: Any, prefix: str) -> list[str]:
    return _collect_record_problem(document, prefix or "$", [])


def _collect_page_problems(document: Any, prefix: str) -> list[str]:
    if not isinstance(document, dict):
        return [f"{prefix or '$'}: expected a response object with DstIPList"]
    problems: list[str] = []
    total = document.get("TotalCount")
    if total is not None and (not isinstance(total, int) or isinstance(total, bool) or total < 0):
        problems.append(f"{prefix}TotalCount: expected a non-negative integer, got {total!r}")
    records = document.get("DstIPList")
    if not isinstance(records, list):
        problems.append(f"{prefix}DstIPList: expected an array of records")
        return problems
    parsed: list[Record] = []
    for index, value in enumerate(records):
        problems.extend(_collect_record_problem(value, f"{prefix}DstIPList[{index}]", parsed))
    return problems


def _collect_pages_problems(document: Any, prefix: str) -> list[str]:
    if not isinstance(document, list):
        return ["$: expected an array of page responses"]
    problems: list[str] = []
    for index, page in enumerate(document):
        problems.extend(_collect_page_problems(page, f"{prefix}[{index}]."))
    return problems
