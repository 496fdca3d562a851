"""The snapshot file that ``cfw-checker fetch`` writes and the file loader reads back.

Layout: the API's own response shape (``TotalCount``, ``RequestId``, ``DstIPList`` with the
raw records after deduplication) plus a ``source`` object that records where and when the
records came from and whether the fetch was complete.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from checker import __version__
from checker.errors import InputError
from checker.i18n import _
from checker.reports.atomic import write_atomic
from checker.sources.cloudfirewall.paging import PagingResult
from checker.sources.cloudfirewall.timewindow import TimeWindow

SOURCE_KIND = "cloudfirewall"


def build_snapshot(
    result: PagingResult,
    *,
    endpoint: str,
    window: TimeWindow,
    parameters: Mapping[str, str],
    filters: Mapping[str, str],
    request_ids: list[str],
    fetched_at: datetime,
) -> dict[str, Any]:
    """Return the snapshot document for ``result``; ``parameters`` are the query sent."""
    source = {
        "kind": SOURCE_KIND,
        "endpoint": endpoint,
        "time_window": window.to_source(),
        "filters": dict(filters),
        "lang": parameters.get("Lang", ""),
        "sort": parameters.get("Sort", ""),
        "order": parameters.get("Order", ""),
        "fetched_at": fetched_at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
        "pages": result.pages,
        "replies": result.replies,
        "reconcile_passes": result.reconcile_passes,
        "request_ids": list(request_ids),
        "tool_version": __version__,
        "complete": result.complete,
        "missing": result.missing,
    }
    return {
        "TotalCount": result.total_count,
        "RequestId": result.first_request_id,
        "DstIPList": result.records,
        "source": source,
    }


def write_snapshot(path: Path, snapshot: Mapping[str, Any]) -> Path:
    """Write ``snapshot`` to ``path`` as UTF-8 JSON, atomically: the old file or the new one."""
    data = json.dumps(snapshot, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"

    def writer(stream: BinaryIO) -> None:
        stream.write(data)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, writer)
    except OSError as exc:
        raise InputError(
            _("%(path)s: cannot write the snapshot: %(reason)s; check the folder and its permissions")
            % {"path": path, "reason": exc.strerror or exc}
        ) from exc
    return path
