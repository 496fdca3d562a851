"""Chunks of raw JSON records: where each record sits in its input, and how a chunk decodes.

A chunk is the unit that is decoded and evaluated at once, in this process or in a worker
process, so it pickles compactly.
"""

from __future__ import annotations

import array
import itertools
from dataclasses import dataclass
from typing import Any

import msgspec

from checker.records import Record
from checker.sources import jsonerrors
from checker.sources.jsonerrors import describe_malformed
from checker.sources.shapes import Shape

#: A place in an input: (page index or line number, index in DstIPList); see item_path().
Place = tuple[int, int]


@dataclass(frozen=True)
class RawChunk:
    """Consecutive raw JSON records of one input, with the place of each in the input."""

    shape: Shape
    items: list[msgspec.Raw | bytes | memoryview]
    #: Place of each item, or None when item ``i`` sits at ``(first, start + i)``.
    places: list[Place] | None = None
    first: int = 0
    start: int = 0

    def place(self, index: int) -> Place:
        """Return the place in the input of item ``index``."""
        if self.places is not None:
            return self.places[index]
        return self.first, self.start + index

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled as one joined byte string and the end offsets of the items, which took
        # 0.15 s instead of 0.38 s for the 200,000 records of bench/generate.py.
        ends = array.array("q", itertools.accumulate(len(memoryview(item)) for item in self.items))
        joined = b"".join(self.items)
        return _unpack_chunk, (self.shape, joined, ends.tobytes(), self.places, self.first, self.start)


def _unpack_chunk(
    shape: Shape, joined: bytes, ends: bytes, places: list[Place] | None, first: int, start: int
) -> RawChunk:
    view = memoryview(joined)
    offsets = array.array("q")
    offsets.frombytes(ends)
    items: list[msgspec.Raw | bytes] = []
    begin = 0
    for end in offsets:
        items.append(view[begin:end])
        begin = end
    return RawChunk(shape, items, places, first, start)


def item_path(shape: Shape, place: Place) -> str:
    """Return the JSON path of a record for messages, such as ``DstIPList[41]`` or ``line 3: $``."""
    first, second = place
    if shape is Shape.JSONL:
        return f"line {first}: $" if second < 0 else f"line {first}: DstIPList[{second}]"
    if shape is Shape.PAGES:
        return f"[{first}].DstIPList[{second}]"
    if shape is Shape.RECORDS:
        # A single record object (first is -1) is the whole input.
        return f"[{second}]" if first >= 0 else "$"
    return f"DstIPList[{second}]"


def decode_chunk(chunk: RawChunk) -> tuple[list[Record], list[tuple[Place, str]]]:
    """Decode the records of ``chunk``; return them and the problems of those that failed."""
    records: list[Record] = []
    problems: list[tuple[Place, str]] = []
    decode = _RECORD_DECODER.decode
    for index, raw in enumerate(chunk.items):
        try:
            records.append(decode(raw))
        except msgspec.DecodeError as exc:
            place = chunk.place(index)
            problems.append((place, _describe_item(chunk.shape, raw, place, exc)))
    return records, problems


_RECORD_DECODER = msgspec.json.Decoder(Record, strict=False)


def _describe_item(shape: Shape, raw: msgspec.Raw | bytes, place: Place, error: msgspec.DecodeError) -> str:
    if not isinstance(error, msgspec.ValidationError):
        # Slices of a parsed document are valid JSON, so only a JSON Lines line gets here.
        line_offset = place[0] - 1 if shape is Shape.JSONL else 0
        return describe_malformed(bytes(raw), error, line_offset=line_offset)
    return jsonerrors.describe_raw_record(bytes(raw), error, item_path(shape, place))
