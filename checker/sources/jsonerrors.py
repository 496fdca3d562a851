"""Turn msgspec decode and validation errors into messages that name the place."""

from __future__ import annotations

import re
from typing import Any

import msgspec

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
    return f"line {line + line_offset}, column {column}: malformed JSON: {reason}"


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
        shown = msgspec.json.encode(value).decode()
        if len(shown) > 60:
            shown = shown[:57] + "..."
        reason = f"{reason.split(', got ')[0]}, got {json_type_name(value)} {shown}"
    where = f" (DstIP {dst_ip})" if dst_ip else ""
    return f"{path}{where}: {reason}"


def _readable_reason(reason: str) -> str:
    reason = reason.replace("`", "")
    replacements = {"str": "string", "int": "integer", "bool": "boolean", "array": "array"}
    for short, long in replacements.items():
        reason = re.sub(rf"\b{short}\b", long, reason)
    return reason[:1].lower() + reason[1:]
