"""Read exported records: API responses, page lists, bare record lists, JSON Lines, snapshots.

The shape is detected from the content, never from the file name. An input is read as
chunks of raw JSON records (byte slices of the input), so that the caller decodes and
evaluates one chunk at a time and never keeps every decoded record in memory. A JSON document is
read whole, and JSON Lines in a file are streamed line by line. Problems with single
records are collected with their place and listed together once the input is read. A
problem with the document's structure (not JSON, no records, an invalid TotalCount)
raises at once. The caller must discard what it evaluated when any problem was found.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from checker.errors import InputError, ProblemList
from checker.i18n import _, ngettext
from checker.records import Record
from checker.records.model import Count
from checker.sources import jsonerrors
from checker.sources.chunks import Place, RawChunk
from checker.sources.jsonerrors import describe_invalid, describe_malformed
from checker.sources.shapes import Shape, first_significant_byte, probe_object

logger = logging.getLogger(__name__)

#: Invalid records listed in one error; the rest are counted.
MAX_LISTED_PROBLEMS = 20
#: Records per chunk unless the caller asks for another size.
DEFAULT_CHUNK_RECORDS = 2000
#: Bytes read at a time from a JSON Lines file.
READ_BLOCK_BYTES = 4 << 20
_BOM = b"\xef\xbb\xbf"


class Page(msgspec.Struct):
    """One API response page, or a snapshot (a page with a ``source`` section)."""

    DstIPList: list[Record]
    TotalCount: Count | None = None
    RequestId: str = ""
    source: dict[str, Any] | None = None


class RawPage(msgspec.Struct):
    """A page whose records are kept as raw JSON, to be decoded chunk by chunk."""

    DstIPList: list[msgspec.Raw]
    TotalCount: Count | None = None
    RequestId: str = ""
    source: dict[str, Any] | None = None


class _Document(msgspec.Struct):
    """A JSON object input: a response, a snapshot or a single record, distinguished by its keys."""

    DstIPList: list[msgspec.Raw] | msgspec.UnsetType = msgspec.UNSET
    DstIP: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    TotalCount: Count | None = None
    RequestId: str = ""
    source: dict[str, Any] | None | msgspec.UnsetType = msgspec.UNSET


_RAW_PAGE_DECODER = msgspec.json.Decoder(RawPage, strict=False)
_DOCUMENT_DECODER = msgspec.json.Decoder(_Document, strict=False)
def read_bytes(path: str, stdin: BinaryIO | None) -> bytes:
    """Read an input file, or standard input for ``-``."""
    if path == "-":
        if stdin is None:
            raise InputError(_("-: standard input is not available"))
        return stdin.read()

    _check_file(path)
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as exc:
        raise InputError(_cannot_read(path, exc)) from exc


def _cannot_read(path: str, exc: OSError) -> str:
    return _("%(path)s: cannot read the input file: %(reason)s") % {"path": path, "reason": exc.strerror}


def _check_file(path: str) -> None:
    file_path = Path(path)
    if not file_path.exists():
        raise InputError(_("%(path)s: input file not found; check the path") % {"path": path})
    if file_path.is_dir():
        raise InputError(_("%(path)s: is a folder; give a JSON or JSON Lines file") % {"path": path})


@dataclass
class InputReader:
    """One input, read chunk by chunk.

    The metadata fields are complete once :meth:`chunks` is exhausted. Problems with single
    records or lines are appended to :attr:`problems`, with their place, as they are found.
    """

    path: str
    stdin: BinaryIO | None = None
    chunk_records: int = DEFAULT_CHUNK_RECORDS
    shape: Shape = Shape.RESPONSE
    sha256: str = ""
    #: Largest TotalCount the input declared, or None when it declared none.
    declared_total: int | None = None
    request_ids: list[str] = field(default_factory=list)
    provenance: dict[str, Any] | None = None
    problems: list[tuple[Place, str]] = field(default_factory=list)

    @property
    def display(self) -> str:
        """Return the path for messages: ``<stdin>`` for standard input."""
        return "<stdin>" if self.path == "-" else self.path

    def chunks(self) -> Iterator[RawChunk]:
        """Yield the records of the input as raw chunks, in input order."""
        if self.path == "-":
            yield from self._document_chunks(read_bytes(self.path, self.stdin))
            return

        _check_file(self.path)
        try:
            with open(self.path, "rb") as stream:
                yield from self._file_chunks(stream)
        except OSError as exc:
            raise InputError(_cannot_read(self.path, exc)) from exc

    def problem_list(self) -> ProblemList | None:
        """Return the collected problems as one error, or None when there are none."""
        if not self.problems:
            return None
        problems = [message for _place, message in sorted(self.problems, key=lambda problem: problem[0])]
        return problem_list(self.display, problems, "lines" if self.shape is Shape.JSONL else "records")

    def _file_chunks(self, stream: BinaryIO) -> Iterator[RawChunk]:
        """Stream JSON Lines when the first line contains a complete value and more lines follow."""
        head = _read_head(stream)
        first_line = head[-1].removeprefix(_BOM) if len(head) == 1 else head[-1]
        if first_line.lstrip().startswith(b"{") and _is_complete_value(first_line):
            head += _read_until_content(stream)
            if head[-1].strip():
                self.shape = Shape.JSONL
                hasher = hashlib.sha256()
                yield from self._line_chunks(_stream_lines(stream, head, hasher))
                self.sha256 = hasher.hexdigest()
                return
            yield from self._document_chunks(b"".join(head))
            return

        # Read the file again without buffering, because a buffered read() after
        # readline() joins the buffer and the rest into a second copy of the file.
        with open(self.path, "rb", buffering=0) as whole:
            data = whole.readall()
        yield from self._document_chunks(data)

    def _document_chunks(self, data: bytes) -> Iterator[RawChunk]:
        digest = _BackgroundDigest(data)
        yield from self._split_document(data.removeprefix(_BOM))
        self.sha256 = digest.hexdigest()

    def _split_document(self, data: bytes) -> Iterator[RawChunk]:
        first = first_significant_byte(data)
        if first is None:
            raise InputError(
                _('%(path)s: the input is empty; an export with no records is written as '
                  '[] or {"TotalCount": 0, "DstIPList": []}') % {"path": self.display}
            )
        if first == ord("["):
            yield from self._array_chunks(data)
        elif first == ord("{"):
            yield from self._object_chunks(data)
        else:
            raise InputError(_not_object_or_array(self.display, data))

    def _array_chunks(self, data: bytes) -> Iterator[RawChunk]:
        try:
            items = msgspec.json.decode(data, type=list[msgspec.Raw])
        except msgspec.DecodeError as exc:
            raise InputError(_malformed_at(self.display, data, exc)) from exc

        if not (items and probe_object(items[0]) in ("page", "snapshot")):
            self.shape = Shape.RECORDS
            yield from self._sliced_chunks(items, 0)
            return

        self.shape = Shape.PAGES
        pages: list[RawPage] = []
        for raw in items:
            try:
                pages.append(_RAW_PAGE_DECODER.decode(raw))
            except msgspec.DecodeError as exc:
                raise _typed_problems(self.display, data, list[Page], jsonerrors.collect_pages_problems, exc) from exc
        for page in pages:
            self._note_page(page)
        entries = ((raw, (number, index)) for number, page in enumerate(pages) for index, raw in enumerate(page.DstIPList))
        yield from self._built_chunks(entries)

    def _object_chunks(self, data: bytes) -> Iterator[RawChunk]:
        try:
            document = _DOCUMENT_DECODER.decode(data)
        except msgspec.ValidationError as exc:
            yield from self._checked_object_chunks(data, exc)
            return
        except msgspec.DecodeError as exc:
            if "trailing characters" not in str(exc):
                raise InputError(_malformed_at(self.display, data, exc)) from exc
            self.shape = Shape.JSONL
            yield from self._line_chunks(enumerate(data.split(b"\n"), start=1))
            return

        if not isinstance(document.DstIPList, msgspec.UnsetType):
            self.shape = Shape.RESPONSE if isinstance(document.source, msgspec.UnsetType) else Shape.SNAPSHOT
            source = None if isinstance(document.source, msgspec.UnsetType) else document.source
            self._note_page(RawPage(document.DstIPList, document.TotalCount, document.RequestId, source))
            yield from self._sliced_chunks(document.DstIPList, 0)
        elif not isinstance(document.DstIP, msgspec.UnsetType):
            self.shape = Shape.RECORDS
            yield RawChunk(Shape.RECORDS, [data], first=-1)
        else:
            raise _neither_error(self.display)

    def _checked_object_chunks(self, data: bytes, error: msgspec.ValidationError) -> Iterator[RawChunk]:
        """Read an object whose page keys failed validation: a record is still read, a page raises."""
        kind = probe_object(data)
        if kind == "record":
            # Keys such as TotalCount mean nothing on a record, so the record may still be valid.
            self.shape = Shape.RECORDS
            yield RawChunk(Shape.RECORDS, [data], first=-1)
            return
        if kind not in ("page", "snapshot"):
            raise _neither_error(self.display) from error
        self.shape = Shape.SNAPSHOT if kind == "snapshot" else Shape.RESPONSE
        raise _typed_problems(self.display, data, Page, jsonerrors.collect_page_problems, error)

    def _line_chunks(self, lines: Iterable[tuple[int, bytes]]) -> Iterator[RawChunk]:
        items: list[msgspec.Raw | bytes] = []
        places: list[Place] = []
        for number, line in lines:
            if not line.strip():
                continue
            if b'"DstIPList"' in line:
                self._add_page_line(line, number, items, places)
            else:
                items.append(line)
                places.append((number, -1))
            if len(items) >= self.chunk_records:
                yield RawChunk(Shape.JSONL, items, places)
                items, places = [], []
        if items:
            yield RawChunk(Shape.JSONL, items, places)

    def _add_page_line(self, line: bytes, number: int, items: list[msgspec.Raw | bytes], places: list[Place]) -> None:
        try:
            page = _RAW_PAGE_DECODER.decode(line)
        except msgspec.DecodeError:
            self.problems.extend(((number, -1), problem) for problem in jsonerrors.describe_bad_line(line, number))
            return
        self._note_page(page)
        items.extend(page.DstIPList)
        places.extend((number, index) for index in range(len(page.DstIPList)))

    def _sliced_chunks(self, items: list[msgspec.Raw], first: int) -> Iterator[RawChunk]:
        size = self.chunk_records
        for start in range(0, len(items), size):
            yield RawChunk(self.shape, items[start:start + size], first=first, start=start)

    def _built_chunks(self, entries: Iterable[tuple[msgspec.Raw, Place]]) -> Iterator[RawChunk]:
        items: list[msgspec.Raw | bytes] = []
        places: list[Place] = []
        for raw, place in entries:
            items.append(raw)
            places.append(place)
            if len(items) >= self.chunk_records:
                yield RawChunk(self.shape, items, places)
                items, places = [], []
        if items:
            yield RawChunk(self.shape, items, places)

    def _note_page(self, page: RawPage) -> None:
        if page.TotalCount is not None:
            self.declared_total = max(self.declared_total or 0, page.TotalCount)
        if page.RequestId:
            self.request_ids.append(page.RequestId)
        if self.provenance is None and page.source is not None:
            self.provenance = page.source


class _BackgroundDigest(threading.Thread):
    """SHA-256 of a byte string, computed in a thread while the caller decodes it.

    hashlib releases the GIL while it hashes large buffers, so this runs on another core.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__(name="input-sha256", daemon=True)
        self._data = data
        self._digest = ""
        self.start()

    def run(self) -> None:
        self._digest = hashlib.sha256(self._data).hexdigest()

    def hexdigest(self) -> str:
        """Wait for the hash and return it as hex."""
        self.join()
        return self._digest


def _read_head(stream: BinaryIO) -> list[bytes]:
    """Read up to the first line that is not blank; return every line read."""
    head: list[bytes] = []
    while True:
        line = stream.readline()
        head.append(line)
        if not line or line.removeprefix(_BOM).strip():
            return head


def _read_until_content(stream: BinaryIO) -> list[bytes]:
    """Read lines up to the next one that is not blank, or to the end of the file."""
    lines: list[bytes] = []
    while True:
        line = stream.readline()
        lines.append(line)
        if not line or line.strip():
            return lines


def _is_complete_value(line: bytes) -> bool:
    try:
        msgspec.json.decode(line, type=msgspec.Raw)
    except msgspec.DecodeError:
        return False
    return True


def _stream_lines(stream: BinaryIO, head: list[bytes], hasher: Any) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, line) from the lines already read and then the rest of ``stream``."""
    for number, line in enumerate(head, start=1):
        hasher.update(line)
        if number == 1:
            line = line.removeprefix(_BOM)
        yield number, line.rstrip(b"\n")
    number = len(head)
    tail = b""
    while block := stream.read(READ_BLOCK_BYTES):
        hasher.update(block)
        lines = (tail + block).split(b"\n")
        tail = lines.pop()
        for line in lines:
            number += 1
            yield number, line
    if tail:
        yield number + 1, tail


def problem_list(display: str, problems: list[str], what: str) -> ProblemList:
    """Return a :class:`ProblemList` of ``problems`` in the input; ``what`` is ``records`` or ``lines``."""
    count = len(problems)
    if what == "lines":
        template = ngettext(
            "%(path)s: %(count)d invalid line; nothing was evaluated. Fix it or re-export",
            "%(path)s: %(count)d invalid lines; nothing was evaluated. Fix them or re-export",
            count,
        )
    else:
        template = ngettext(
            "%(path)s: %(count)d invalid record; nothing was evaluated. Fix it or re-export",
            "%(path)s: %(count)d invalid records; nothing was evaluated. Fix them or re-export",
            count,
        )
    headline = template % {"path": display, "count": count}
    return ProblemList(headline, problems[:MAX_LISTED_PROBLEMS], total=count)


def _typed_problems(display: str, data: bytes, target: Any, collect: Any, error: msgspec.DecodeError) -> InputError:
    """Return the error of a document whose structure failed, listing every problem in it."""
    if not isinstance(error, msgspec.ValidationError):
        return InputError(_malformed_at(display, data, error))
    document = jsonerrors.decode_generic(data)
    problems = collect(document, "")
    if not problems:
        # The per-record pass found nothing, so show the error of the whole document.
        problems = [describe_invalid(document, error, "")]
    return problem_list(display, problems, "records")


def _neither_error(display: str) -> InputError:
    return InputError(
        _(
            "%(path)s: the JSON object has neither DstIPList (an API response) nor DstIP "
            "(a record); give a DescribeOutgoingDestinationIP response, a list of them, "
            "a list of records or JSON Lines"
        )
        % {"path": display}
    )


def _malformed_at(display: str, data: bytes, error: msgspec.DecodeError) -> str:
    return _("%(path)s: %(reason)s") % {"path": display, "reason": describe_malformed(data, error)}


def _not_object_or_array(display: str, data: bytes) -> str:
    """Describe an input that starts with neither an object nor an array."""
    try:
        value = jsonerrors.decode_generic(data)
    except msgspec.DecodeError as exc:
        reason = describe_malformed(data, exc)
        return _("%(path)s: %(reason)s; the input must be JSON or JSON Lines") % {"path": display, "reason": reason}
    except ValueError:
        return _("%(path)s: malformed JSON; the input must be JSON or JSON Lines") % {"path": display}
    return _(
        "%(path)s: the input is a single JSON %(type)s; give a DescribeOutgoingDestinationIP response, "
        "a list of them, a list of records or JSON Lines"
    ) % {"path": display, "type": jsonerrors.json_type_name(value)}
