"""Read an earlier ``results.json`` and compare the findings of a scan with it by fingerprint."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from typing import Any

import msgspec

from checker.errors import InputError
from checker.findings import Finding
from checker.i18n import _
from checker.result import BaselineComparison, ResolvedFinding
from checker.severity import Severity

logger = logging.getLogger(__name__)

#: Major version of the ``results.json`` contract that this module reads.
SUPPORTED_MAJOR = "1"


class StoredFinding(msgspec.Struct, frozen=True, kw_only=True):
    """A finding as ``results.json`` stores it."""

    rule_id: str
    severity: Severity
    dst_ip: str
    fingerprint: str
    evidence: dict[str, Any] = {}
    waived_by: str | None = None
    baseline: str | None = None


class StoredRule(msgspec.Struct, frozen=True, kw_only=True):
    """A rule entry of ``results.json``."""

    id: str
    title: str = ""
    severity: Severity = Severity.INFO
    status: str = "passed"


class StoredResults(msgspec.Struct, frozen=True, kw_only=True):
    """The parts of a ``results.json`` document that baseline and diff read."""

    schema_version: str
    generated_at: str = ""
    summary: dict[str, Any] = {}
    rules: list[StoredRule] = []
    findings: list[StoredFinding] = []


def is_results_document(data: bytes) -> bool:
    """Tell whether ``data`` is a JSON object with a top-level ``schema_version`` (a results.json)."""
    try:
        head = msgspec.json.decode(data, type=dict[str, Any])
    except (msgspec.DecodeError, msgspec.ValidationError):
        return False
    return "schema_version" in head


def read_results(path: str, data: bytes | None = None) -> StoredResults:
    """Read the ``results.json`` at ``path`` (or its bytes ``data``).

    Raises:
        InputError: the file cannot be read, is not a results.json, or has an
            unsupported ``schema_version``.
    """
    if data is None:
        try:
            with open(path, "rb") as stream:
                data = stream.read()
        except OSError as exc:
            raise InputError(
                _("%(path)s: cannot read the results file: %(reason)s; pass a results.json written by cfw-checker scan")
                % {"path": path, "reason": exc.strerror or exc}
            ) from exc
    try:
        stored = msgspec.json.decode(data, type=StoredResults)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InputError(
            _("%(path)s: not a valid results.json: %(reason)s; pass a results.json written by cfw-checker scan")
            % {"path": path, "reason": exc}
        ) from exc
    if stored.schema_version.split(".")[0] != SUPPORTED_MAJOR:
        raise InputError(
            _("%(path)s: unsupported schema_version '%(version)s'; this cfw-checker reads version %(major)s.x")
            % {"path": path, "version": stored.schema_version, "major": SUPPORTED_MAJOR}
        )
    return stored


def compare_with_baseline(
    findings: Iterable[Finding], path: str, baseline: StoredResults, evaluated_rules: Collection[str]
) -> tuple[list[Finding], BaselineComparison]:
    """Mark each finding ``new`` or ``existing`` and list the baseline findings now resolved.

    A baseline finding counts as resolved only when its rule was evaluated in this scan:
    a rule that was skipped says nothing about whether its findings went away.
    """
    known = {finding.fingerprint for finding in baseline.findings}
    marked = [
        msgspec.structs.replace(finding, baseline="existing" if finding.fingerprint in known else "new")
        for finding in findings
    ]

    current = {finding.fingerprint for finding in marked}
    resolved = tuple(
        ResolvedFinding(rule_id=old.rule_id, severity=old.severity, dst_ip=old.dst_ip, fingerprint=old.fingerprint)
        for old in baseline.findings
        if old.fingerprint not in current and old.rule_id in evaluated_rules
    )
    not_compared = sum(1 for old in baseline.findings if old.rule_id not in evaluated_rules)
    if not_compared:
        logger.info(_("%d baseline findings belong to rules not evaluated in this scan; not compared"), not_compared)
    return marked, BaselineComparison(file=path, resolved=resolved)
