"""Mark the findings that waivers suppress, and find the expired and unused waivers."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import msgspec

from checker.findings import Finding
from checker.i18n import _
from checker.records import Record
from checker.waivers.model import Waiver, format_expiry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WaiverOutcome:
    """Findings with ``waived_by`` set where a waiver applies, and the waivers to report."""

    findings: list[Finding]
    #: Waivers past their expiry, in file order; they applied to nothing.
    expired: tuple[Waiver, ...]
    #: Waivers in force that matched no finding, in file order.
    unused: tuple[Waiver, ...]


def apply_waivers(
    findings: Iterable[Finding],
    records_by_ip: Mapping[str, Record],
    waivers: Sequence[Waiver],
    now: datetime.datetime,
) -> WaiverOutcome:
    """Return ``findings`` in the same order, each marked with the first waiver in force that matches it.

    ``records_by_ip`` gives the record of each finding's DstIP, which the port and
    application conditions read. ``now`` is an aware datetime.
    """
    active = [waiver for waiver in waivers if not waiver.is_expired(now)]
    expired = tuple(waiver for waiver in waivers if waiver.is_expired(now))
    used: set[str] = set()

    marked: list[Finding] = []
    for finding in findings:
        record = records_by_ip.get(finding.dst_ip)
        waiver = next((candidate for candidate in active if candidate.matches(finding, record)), None)
        if waiver is None:
            marked.append(finding)
            continue
        used.add(waiver.id)
        marked.append(
            msgspec.structs.replace(
                finding, waived_by=waiver.id, waiver_expires=format_expiry(waiver.expires), waiver_owner=waiver.owner
            )
        )

    for waiver in expired:
        logger.warning(_("waiver %s expired at %s; it no longer applies"), waiver.id, format_expiry(waiver.expires))
    unused = tuple(waiver for waiver in active if waiver.id not in used)
    waived = sum(1 for finding in marked if finding.waived_by is not None)
    logger.info(_("%d findings waived by %d of %d waivers in force"), waived, len(used), len(active))
    return WaiverOutcome(marked, expired, unused)
