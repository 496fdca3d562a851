"""Load every input of a scan, merge duplicate destinations and check completeness."""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol, Sequence, Union

from checker.errors import InputError
from checker.i18n import _, ngettext
from checker.records import Record
from checker.result import InputInfo
from checker.sources.chunks import RawChunk, decode_chunk
from checker.sources.file import DEFAULT_CHUNK_RECORDS, InputReader

logger = logging.getLogger(__name__)

#: DstIP values shown in a warning before the rest are only counted.
MAX_SHOWN_IPS = 5

# An IPv4 address in dotted decimal without leading zeros, the only IPv4 text that
# ipaddress accepts, so the common case needs no ipaddress object.
_CANONICAL_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")


#: Merge key of a DstIP: an IPv4 address as an int (4 bytes of memory instead of a string, which
#: matters with a million destinations), an IPv6 address as its 16 bytes, other text as a string.
MergeKey = Union[int, bytes, str]


def ip_key(text: str) -> tuple[MergeKey, bool]:
    """Return the merge key of a DstIP, and whether the text is an IP address at all.

    Two texts get the same key exactly when :func:`checker.findings.canonical_ip` gives the
    same result for both. Text that is no IP address (such as a masked ``10.0.XX.XX``) is
    its own key.
    """
    if _CANONICAL_IPV4.fullmatch(text):
        return int.from_bytes(socket.inet_aton(text), "big"), True
    if ":" in text and "%" not in text:
        # inet_pton parses in C, about ten times faster than ipaddress. Both read the same
        # 128-bit value from any spelling, so equal bytes mean an equal canonical_ip().
        try:
            return socket.inet_pton(socket.AF_INET6, text), True
        except OSError:
            pass
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text, False
    if isinstance(address, ipaddress.IPv4Address):
        return int(address), True
    return address.compressed, True


def dst_ip_keys(dst_ips: list[str]) -> tuple[list[MergeKey], list[int]]:
    """Return the :func:`ip_key` of each DstIP and the positions of those that are no IP address."""
    keys: list[MergeKey] = []
    not_ips: list[int] = []
    fullmatch = _CANONICAL_IPV4.fullmatch
    inet_aton = socket.inet_aton
    for position, dst_ip in enumerate(dst_ips):
        if fullmatch(dst_ip):
            # The regex admits only dotted decimal, so inet_aton's other forms never apply.
            keys.append(int.from_bytes(inet_aton(dst_ip), "big"))
            continue
        key, is_ip = ip_key(dst_ip)
        keys.append(key)
        if not is_ip:
            not_ips.append(position)
    return keys, not_ips


@dataclass(frozen=True)
class LoadedRecords:
    """Records of all inputs, merged by DstIP, ready to evaluate."""

    records: list[Record]
    inputs: tuple[InputInfo, ...]
    #: Reason the records are known to be incomplete, or None when they are complete.
    partial_reason: str | None


class MergeInput(Protocol):
    """Fields of one decoded chunk that the merge reads."""

    #: DstIP of every record that decoded, in input order.
    dst_ips: list[str]
    #: :func:`ip_key` of each DstIP.
    keys: list[MergeKey]
    #: Positions of the DstIP values that are no IP address.
    not_ip_positions: list[int]
    #: Records that failed to decode, with their place in the input.
    problems: list[tuple[tuple[int, int], str]]


@dataclass(frozen=True)
class DecodedChunk:
    """A chunk's DstIP values and problems, for :meth:`RecordMerger.accept`."""

    dst_ips: list[str]
    keys: list[MergeKey]
    not_ip_positions: list[int]
    problems: list[tuple[tuple[int, int], str]]


@dataclass
class _InputCounts:
    kept: int = 0
    #: Distinct DstIP keys in this input, duplicates within it counted once.
    distinct: int = 0
    duplicates: list[str] = field(default_factory=list)


class RecordMerger:
    """Merge the records of every input by DstIP, chunk by chunk, and check what was read.

    The first record of each DstIP is kept. Call :meth:`accept` with the DstIP values of
    each chunk in input order, then :meth:`finish` once every input is read.
    """

    def __init__(self, readers: Sequence[InputReader]) -> None:
        self.readers = list(readers)
        self._counts = [_InputCounts() for _ in self.readers]
        self._chunk_problems: list[list[tuple[tuple[int, int], str]]] = [[] for _ in self.readers]
        #: Each DstIP key seen, mapped to the last input it was seen in.
        self._seen: dict[MergeKey, int] = {}
        self._not_ips = 0
        self._first_not_ip = ""

    @property
    def records_kept(self) -> int:
        """Return the number of records kept so far, over all inputs."""
        return sum(counts.kept for counts in self._counts)

    @property
    def failed(self) -> bool:
        """Tell whether a record problem was found, so that nothing can be reported."""
        return any(self._chunk_problems) or any(reader.problems for reader in self.readers)

    def accept(self, input_index: int, chunk: MergeInput) -> list[bool]:
        """Merge the DstIP values of one chunk; return, for each, whether its record is kept."""
        self._chunk_problems[input_index].extend(chunk.problems)
        counts = self._counts[input_index]
        seen = self._seen
        keep: list[bool] = []
        for dst_ip, key in zip(chunk.dst_ips, chunk.keys):
            previous = seen.get(key)
            if previous != input_index:
                counts.distinct += 1
                seen[key] = input_index
            if previous is not None:
                counts.duplicates.append(dst_ip)
                keep.append(False)
                continue
            counts.kept += 1
            keep.append(True)

        for position in chunk.not_ip_positions:
            if keep[position]:
                self._not_ips += 1
                self._first_not_ip = self._first_not_ip or chunk.dst_ips[position]
        return keep

    def finish(self, *, allow_partial: bool) -> tuple[tuple[InputInfo, ...], str | None]:
        """Raise the problems of the first input that had any, or check completeness.

        Returns the input descriptions and the partial-input reason. Raises
        :class:`InputError` (exit 2) for invalid records or an incomplete export.
        """
        for reader, chunk_problems in zip(self.readers, self._chunk_problems):
            reader.problems.extend(chunk_problems)
            error = reader.problem_list()
            if error is not None:
                raise error

        infos: list[InputInfo] = []
        gaps: list[str] = []
        for reader, counts in zip(self.readers, self._counts):
            _warn_about_duplicates(reader, counts.duplicates)
            infos.append(_info(reader, counts.kept, len(counts.duplicates)))
            gap = _completeness_gap(reader, counts.distinct)
            if gap:
                gaps.append(gap)

        self._warn_about_unparsable_ips()
        if gaps and not allow_partial:
            raise InputError(
                _(
                    "%(gaps)s. Export every page, or pass --allow-partial to scan what "
                    "is there (every report then says it covers a partial export)"
                )
                % {"gaps": "; ".join(gaps)}
            )
        for gap in gaps:
            logger.warning(_("%s; scanning it anyway because of --allow-partial"), gap)
        return tuple(infos), "; ".join(gaps) or None

    def _warn_about_unparsable_ips(self) -> None:
        if not self._not_ips:
            return
        message = ngettext(
            "%(count)d record has a DstIP that is not an IP address (such as %(example)s); "
            "in_cidr conditions never match it and not_in_cidr conditions always do",
            "%(count)d records have a DstIP that is not an IP address (such as %(example)s); "
            "in_cidr conditions never match it and not_in_cidr conditions always do",
            self._not_ips,
        )
        logger.warning(message, {"count": self._not_ips, "example": self._first_not_ip})


def open_inputs(
    paths: Sequence[str], *, stdin: BinaryIO | None, chunk_records: int = DEFAULT_CHUNK_RECORDS
) -> list[InputReader]:
    """Return a reader for each input; raise :class:`InputError` when ``-`` is given twice."""
    if list(paths).count("-") > 1:
        raise InputError(_("-: standard input can be read only once; give '-' once"))
    return [InputReader(path, stdin, chunk_records) for path in paths]


def input_chunks(readers: Sequence[InputReader]) -> Iterator[tuple[int, RawChunk]]:
    """Yield (input index, chunk) for every chunk of every input, in order."""
    for index, reader in enumerate(readers):
        for chunk in reader.chunks():
            yield index, chunk


def load_records(paths: Sequence[str], *, stdin: BinaryIO | None, allow_partial: bool) -> LoadedRecords:
    """Read every input, merge records by DstIP, and refuse incomplete input unless allowed.

    Holds every record in memory; a scan evaluates chunk by chunk instead. Raises
    :class:`InputError` (exit 2) for unreadable, invalid or incomplete input.
    """
    readers = open_inputs(paths, stdin=stdin)
    merger = RecordMerger(readers)
    merged: list[Record] = []
    for index, chunk in input_chunks(readers):
        records, problems = decode_chunk(chunk)
        dst_ips = [record.DstIP for record in records]
        keys, not_ips = dst_ip_keys(dst_ips)
        keep = merger.accept(index, DecodedChunk(dst_ips, keys, not_ips, problems))
        merged.extend(record for record, kept in zip(records, keep) if kept)
    inputs, partial_reason = merger.finish(allow_partial=allow_partial)
    return LoadedRecords(merged, inputs, partial_reason)


def _warn_about_duplicates(reader: InputReader, duplicates: list[str]) -> None:
    if not duplicates:
        return
    shown = ", ".join(duplicates[:MAX_SHOWN_IPS])
    if len(duplicates) > MAX_SHOWN_IPS:
        shown = _("%(shown)s and %(more)d more") % {"shown": shown, "more": len(duplicates) - MAX_SHOWN_IPS}
    message = ngettext(
        "%(path)s: %(count)d record repeats a DstIP seen earlier; each DstIP counts once, and a finding "
        "on any of its copies is reported: %(ips)s",
        "%(path)s: %(count)d records repeat a DstIP seen earlier; each DstIP counts once, and a finding "
        "on any of its copies is reported: %(ips)s",
        len(duplicates),
    )
    logger.warning(message, {"path": reader.display, "count": len(duplicates), "ips": shown})


def _completeness_gap(reader: InputReader, held: int) -> str | None:
    """Describe how an input falls short of its TotalCount, or return None when it does not."""
    provenance = reader.provenance or {}
    if provenance.get("complete") is False:
        missing = provenance.get("missing")
        if isinstance(missing, int):
            return ngettext(
                "%(path)s: the snapshot is marked incomplete (%(missing)d record missing)",
                "%(path)s: the snapshot is marked incomplete (%(missing)d records missing)",
                missing,
            ) % {"path": reader.display, "missing": missing}
        return _("%(path)s: the snapshot is marked incomplete") % {"path": reader.display}

    declared = reader.declared_total
    if declared is None or declared <= held:
        if declared is not None and declared < held:
            logger.warning(
                _("%s: holds %d records but TotalCount is %d; the data changed while it was exported"),
                reader.display, held, declared,
            )
        return None
    return ngettext(
        "%(path)s: incomplete export: TotalCount is %(declared)d but the input holds %(held)d record "
        "(%(missing)d missing)",
        "%(path)s: incomplete export: TotalCount is %(declared)d but the input holds %(held)d records "
        "(%(missing)d missing)",
        held,
    ) % {"path": reader.display, "declared": declared, "held": held, "missing": declared - held}


def _info(reader: InputReader, records: int, duplicates: int) -> InputInfo:
    return InputInfo(
        path=reader.path,
        shape=reader.shape.value,
        sha256=reader.sha256,
        records=records,
        declared_total=reader.declared_total,
        request_ids=tuple(reader.request_ids),
        provenance=reader.provenance,
        duplicates_merged=duplicates,
    )
