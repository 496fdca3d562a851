"""Turn msgspec decode and validation errors into messages that name the place."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import msgspec

from checker.i18n import _
from checker.records import Record

_BYTE_OFFSET = re.compile(r"\(byte (\d+)\)")
_AT_PATH = re.compile(r" - at `\$(.*)`$")
_PATH_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_TYPE_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column (in characters) of a byte offset."""
    offset = max(0, min(offset, len(data)))
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def describe_malformed(data: bytes, error: msgspec.DecodeError, *, line_offset: int = 0) -> str:
    """Describe malformed JSON as ``line L, column C: REASON``."""
    text = str(error)
    reason = _BYTE_OFFSET.sub("", text).replace("JSON is malformed: ", "").strip()
    reason = reason[:1].lower() + reason[1:]
    found = _BYTE_OFFSET.search(text)
    # A truncated document has no offset in the message: the problem is at its end.
    offset = int(found.group(1)) if found else len(data.rstrip())
    line, column = line_and_column(data, offset)
    return _("line %(line)d, column %(column)d: malformed JSON: %(reason)s") % {
        "line": line + line_offset, "column": column, "reason": reason}


def decode_generic(data: bytes) -> Any:
    """Decode JSON to Python values, also when a number is out of msgspec's range.

    The standard library reads ``1e400`` as infinity, which msgspec rejects, so that the
    slow path can still name the value.
    """
    try:
        return msgspec.json.decode(data)
    except msgspec.ValidationError:
        return json.loads(data)


def json_type_name(value: Any) -> str:
    """Return the JSON name of a decoded value's type (``string``, ``integer``...)."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def split_validation_error(error: msgspec.ValidationError) -> tuple[str, str]:
    """Split a msgspec validation error into (relative JSON path, reason).

    The path is what follows ``$`` in msgspec's message, such as ``.TagList[0].RiskLevel``.
    """
    text = str(error)
    found = _AT_PATH.search(text)
    if found is None:
        return "", text
    return found.group(1), text[: found.start()]


def value_at(document: Any, relative_path: str) -> tuple[bool, Any]:
    """Follow a path such as ``.TagList[0].RiskLevel``; return (found, value)."""
    current = document
    for key, index in _PATH_STEP.findall(relative_path):
        try:
            current = current[int(index)] if index else current[key]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, current


def describe_invalid(
    document: Any, error: msgspec.ValidationError, prefix: str, *, dst_ip: str | None = None
) -> str:
    """Describe a validation error as ``PATH (DstIP X): REASON, got TYPE VALUE``."""
    relative_path, reason = split_validation_error(error)
    reason = _readable_reason(reason)
    path = f"{prefix}{relative_path}" if prefix else relative_path.lstrip(".") or "$"
    found, value = value_at(document, relative_path)
    if found and "missing required field" not in reason:
        reason = f"{reason.split(', got ')[0]}, got {_shown_value(value)}"
    where = f" (DstIP {dst_ip})" if dst_ip else ""
    return f"{path}{where}: {reason}"


def _shown_value(value: Any) -> str:
    """Show a decoded value with its JSON type, such as ``string "high"`` or ``null``."""
    if value is None:
        return "null"
    if isinstance(value, float) and not math.isfinite(value):
        return _("a number out of range")
    shown = msgspec.json.encode(value).decode()
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{json_type_name(value)} {shown}"


def _readable_reason(reason: str) -> str:
    reason = reason.replace("`", "")
    replacements = {"str": "string", "int": "integer", "bool": "boolean", "array": "array"}
    for short, long in replacements.items():
        reason = re.sub(rf"\b{short}\b", long, reason)
    return reason[:1].lower() + reason[1:]


# The collectors below run only after a typed decode failed. They convert the decoded
# document record by record, so that every invalid record is listed with its JSON path.


def collect_record_problem(value: Any, path: str) -> list[str]:
    """Return the problem of one decoded record at ``path``, or an empty list if it is valid."""
    try:
        msgspec.convert(value, Record, strict=False)
    except msgspec.ValidationError as exc:
        dst_ip = value.get("DstIP") if isinstance(value, dict) else None
        shown_ip = dst_ip if isinstance(dst_ip, str) else None
        return [describe_invalid(value, exc, path, dst_ip=shown_ip)]
    return []


def describe_raw_record(raw: bytes, error: msgspec.ValidationError, path: str) -> str:
    """Describe why the raw JSON record at ``path`` failed the typed decode."""
    value = decode_generic(raw)
    problems = collect_record_problem(value, path)
    if problems:
        return problems[0]
    # The conversion of the decoded value passed, so show the decoder's own error.
    dst_ip = value.get("DstIP") if isinstance(value, dict) else None
    return describe_invalid(value, error, path, dst_ip=dst_ip if isinstance(dst_ip, str) else None)


def collect_records_problems(document: Any, prefix: str) -> list[str]:
    """List the problems of a decoded array of records."""
    if not isinstance(document, list):
        return [_("%(path)s: expected an array of records") % {"path": prefix or "$"}]
    problems: list[str] = []
    for index, value in enumerate(document):
        problems.extend(collect_record_problem(value, f"{prefix}[{index}]"))
    return problems


def collect_single_record_problems(document: Any, prefix: str) -> list[str]:
    """List the problem of a decoded single record, the whole input."""
    return collect_record_problem(document, prefix or "$")


def collect_page_problems(document: Any, prefix: str) -> list[str]:
    """List the problems of a decoded page response: its TotalCount, then each record."""
    if not isinstance(document, dict):
        return [_("%(path)s: expected a response object with DstIPList") % {"path": prefix or "$"}]
    problems: list[str] = []
    total = document.get("TotalCount")
    if total is not None and (not isinstance(total, int) or isinstance(total, bool) or total < 0):
        problems.append(
            _("%(prefix)sTotalCount: expected a non-negative integer, got %(value)s") % {"prefix": prefix, "value": repr(total)}
        )
    records = document.get("DstIPList")
    if not isinstance(records, list):
        problems.append(_("%(prefix)sDstIPList: expected an array of records") % {"prefix": prefix})
        return problems
    for index, value in enumerate(records):
        problems.extend(collect_record_problem(value, f"{prefix}DstIPList[{index}]"))
    return problems


def collect_pages_problems(document: Any, prefix: str) -> list[str]:
    """List the problems of a decoded array of page responses."""
    if not isinstance(document, list):
        return [_("$: expected an array of page responses")]
    problems: list[str] = []
    for index, page in enumerate(document):
        problems.extend(collect_page_problems(page, f"{prefix}[{index}]."))
    return problems


def describe_bad_line(line: bytes, number: int) -> list[str]:
    """List the problems of one JSON Lines line that failed the typed decode."""
    try:
        value = decode_generic(line)
    except (msgspec.DecodeError, ValueError) as exc:
        if isinstance(exc, msgspec.DecodeError):
            return [describe_malformed(line, exc, line_offset=number - 1)]
        return [_("line %(line)d: malformed JSON") % {"line": number}]
    if isinstance(value, dict) and "DstIPList" in value:
        return collect_page_problems(value, f"line {number}: ") or [
            _("line %(line)d: invalid page response") % {"line": number}
        ]
    return collect_record_problem(value, f"line {number}: $")
