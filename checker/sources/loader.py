"""Load every input of a scan, merge duplicate destinations and check completeness."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from typing import BinaryIO, Sequence

from checker.errors import InputError
from checker.findings import canonical_ip
from checker.records import Record
from checker.result import InputInfo
from checker.sources.file import ParsedInput, parse_input, read_bytes

logger = logging.getLogger(__name__)

#: DstIP values shown in a warning before the rest are only counted.
MAX_SHOWN_IPS = 5


@dataclass(frozen=True)
class LoadedRecords:
    """Records of all inputs, merged by DstIP, ready to evaluate."""

    records: list[Record]
    inputs: tuple[InputInfo, ...]
    #: Why the records are known to be incomplete, or None when they are complete.
    partial_reason: str | None


def load_records(paths: Sequence[str], *, stdin: BinaryIO | None, allow_partial: bool) -> LoadedRecords:
    """Read every input, merge records by DstIP, and refuse incomplete input unless allowed.

    Raises :class:`InputError` (exit 2) for unreadable, invalid or incomplete input.
    """
    if list(paths).count("-") > 1:
        raise InputError("-: standard input can be read only once; give '-' once")

    parsed = [parse_input(path, read_bytes(path, stdin)) for path in paths]
    seen: set[str] = set()
    merged: list[Record] = []
    infos: list[InputInfo] = []
    gaps: list[str] = []
    for item in parsed:
        kept, duplicates = _merge_into(item, seen, merged)
        infos.append(_info(item, len(kept), len(duplicates)))
        unique_in_input = len({canonical_ip(record.DstIP) for record in item.records})
        gap = _completeness_gap(item, unique_in_input)
        if gap:
            gaps.append(gap)

    _warn_about_unparsable_ips(merged)
    if gaps and not allow_partial:
        raise InputError(
            "; ".join(gaps) + ". Export every page, or pass --allow-partial to scan what "
            "is there (every report then says it covers a partial export)"
        )
    for gap in gaps:
        logger.warning("%s; scanning it anyway because of --allow-partial", gap)
    return LoadedRecords(merged, tuple(infos), "; ".join(gaps) or None)


def _merge_into(item: ParsedInput, seen: set[str], merged: list[Record]) -> tuple[list[Record], list[str]]:
    """Append the records of ``item`` whose DstIP is new; return them and the duplicate IPs."""
    kept: list[Record] = []
    duplicates: list[str] = []
    for record in item.records:
        key = canonical_ip(record.DstIP)
        if key in seen:
            duplicates.append(record.DstIP)
            continue
        seen.add(key)
        kept.append(record)
    merged.extend(kept)

    if duplicates:
        shown = ", ".join(duplicates[:MAX_SHOWN_IPS])
        more = f" and {len(duplicates) - MAX_SHOWN_IPS} more" if len(duplicates) > MAX_SHOWN_IPS else ""
        subject = "1 record" if len(duplicates) == 1 else f"{len(duplicates)} records"
        logger.warning(
            "%s: merged %s whose DstIP appeared earlier (kept the first): %s%s",
            _display(item.path), subject, shown, more,
        )
    return kept, duplicates


def _completeness_gap(item: ParsedInput, held: int) -> str | None:
    """Describe how an input falls short of its TotalCount, or return None when it does not."""
    provenance = item.provenance or {}
    if provenance.get("complete") is False:
        missing = provenance.get("missing")
        detail = f" ({missing} records missing)" if isinstance(missing, int) else ""
        return f"{_display(item.path)}: the snapshot is marked incomplete{detail}"

    declared = item.declared_total
    if declared is None or declared <= held:
        if declared is not None and declared < held:
            logger.warning(
                "%s: holds %d records but TotalCount is %d; the data changed while it was exported",
                _display(item.path), held, declared,
            )
        return None
    noun = "record" if held == 1 else "records"
    return (
        f"{_display(item.path)}: incomplete export: TotalCount is {declared} but the input "
        f"holds {held} {noun} ({declared - held} missing)"
    )


def _warn_about_unparsable_ips(records: list[Record]) -> None:
    bad: list[str] = []
    for record in records:
        try:
            ipaddress.ip_address(record.DstIP)
        except ValueError:
            bad.append(record.DstIP)
    if bad:
        subject = "1 record has" if len(bad) == 1 else f"{len(bad)} records have"
        logger.warning(
            "%s a DstIP that is not an IP address (such as %s); "
            "in_cidr conditions never match it and not_in_cidr conditions always do",
            subject, bad[0],
        )


def _info(item: ParsedInput, records: int, duplicates: int) -> InputInfo:
    return InputInfo(
        path=item.path,
        shape=item.shape.value,
        sha256=item.sha256,
        records=records,
        declared_total=item.declared_total,
        request_ids=item.request_ids,
        provenance=item.provenance,
        duplicates_merged=duplicates,
    )


def _display(path: str) -> str:
    return "<stdin>" if path == "-" else path
