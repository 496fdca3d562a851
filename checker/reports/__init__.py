"""Report formats: each is a module with one ``write(result, stream)`` entry.

:data:`FORMATS` maps a format name (as ``--format`` spells it) to the writer and the
default file name. A new format is one new entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

from checker.errors import InputError
from checker.i18n import _
from checker.reports import html, jsonreport, junit, markdown, sarif
from checker.reports.atomic import write_atomic
from checker.reports.verdict import verdict_line
from checker.result import ScanResult

logger = logging.getLogger(__name__)

#: A report writer: renders the whole result into a binary stream.
Writer = Callable[[ScanResult, BinaryIO], None]


class ReportFormat(NamedTuple):
    """A report writer and the file name it gets in the output folder."""

    write: Writer
    file_name: str


FORMATS: dict[str, ReportFormat] = {
    "html": ReportFormat(html.write, "report.html"),
    "junit": ReportFormat(junit.write, "junit.xml"),
    "json": ReportFormat(jsonreport.write, "results.json"),
    "sarif": ReportFormat(sarif.write, "results.sarif"),
    "markdown": ReportFormat(markdown.write, "summary.md"),
}


def write_reports(result: ScanResult, output_dir: Path, formats: Sequence[str]) -> list[Path]:
    """Write ``result`` in each of ``formats`` into ``output_dir`` and return the paths written.

    The folder is created when missing. Each file is written atomically, so a failure
    leaves the previous report of that format in place. Raises :class:`InputError` for an
    unknown format name or a folder or file that cannot be written.
    """
    chosen = _check_formats(formats)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            _("failed to create the output folder %(path)s: %(reason)s. Pass a writable folder with --output-dir.")
            % {"path": output_dir, "reason": exc.strerror or exc}
        ) from exc

    written: list[Path] = []
    for name in chosen:
        report = FORMATS[name]
        path = output_dir / report.file_name
        try:
            write_atomic(path, lambda stream, write=report.write: write(result, stream))
        except OSError as exc:
            raise InputError(
                _(
                    "failed to write the %(format)s report %(path)s: %(reason)s. "
                    "Check that the folder is writable and the disk has space, or pass another --output-dir."
                ) % {"format": name, "path": path, "reason": exc.strerror or exc}
            ) from exc
        logger.debug(_("wrote the %s report to %s"), name, path)
        written.append(path)
    return written


def _check_formats(formats: Sequence[str]) -> list[str]:
    """Return the format names without duplicates, in the given order, or raise on an unknown name."""
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise InputError(
            _("unknown report format %(names)s: choose from %(choices)s.")
            % {"names": ", ".join(repr(name) for name in unknown), "choices": ", ".join(FORMATS)}
        )
    return list(dict.fromkeys(formats))


__all__ = ["FORMATS", "ReportFormat", "Writer", "verdict_line", "write_reports"]
