"""The ``report.html`` report: one self-contained page for people, rendered with jinja2.

The page is one file that opens from ``file://`` without network access, because the
stylesheet and the script are inlined. Findings are embedded once as JSON (see
:mod:`checker.reports.htmldata`), and the script renders them into a table with filters,
search, sorting and paging.

Every record field and rule text may be attacker-controlled. So autoescaping is on for
every template whatever its file name, only http and https references become links, the
embedded JSON cannot end its script element, and the script writes data with
``textContent`` only. The Content-Security-Policy allows exactly the inlined script and
stylesheet by their SHA-256 hashes, so a script that slipped in anyway would not run.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Iterator
from importlib import resources
from typing import Any, BinaryIO

import jinja2
from markupsafe import Markup

from checker.i18n import current_language, set_language, translations_for
from checker.reports import htmlview
from checker.reports.htmldata import build_data, script_json
from checker.reports.verdict import verdict_line, verdict_state
from checker.result import ScanResult
from checker.severity import DESCENDING

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"
SCRIPT = "report.js"
#: Maximum finding rows that printing puts on paper. A note on paper gives the number left out.
PRINT_ROW_LIMIT = 2000


def write(result: ScanResult, stream: BinaryIO) -> None:
    """Write ``result`` as one HTML page in the language ``result.lang``."""
    page = render(result)
    # A lone surrogate from a leniently parsed record cannot be encoded, so it becomes "?".
    stream.write(page.encode("utf-8", errors="replace"))


def render(result: ScanResult) -> str:
    """Return the HTML page of ``result`` as text."""
    with _language(result.lang):
        template = _environment(result.lang).get_template(TEMPLATE)
        return template.render(_context(result))


def content_security_policy(script: str, stylesheet: str) -> str:
    """Return the page's policy: nothing may load, and only these two inline texts may apply."""
    return (
        "default-src 'none'; "
        f"script-src '{_sha256_source(script)}'; "
        f"style-src '{_sha256_source(stylesheet)}'; "
        "base-uri 'none'; form-action 'none'"
    )


def _sha256_source(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@contextlib.contextmanager
def _language(lang: str) -> Iterator[None]:
    """Switch the process-wide language while rendering, for texts built in Python."""
    previous = current_language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(previous)


def _environment(lang: str) -> jinja2.Environment:
    # autoescape=True rather than select_autoescape(): escaping must not depend on the
    # template's file name.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("checker", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(translations_for(lang), newstyle=True)  # type: ignore[attr-defined]
    return environment


def _asset(name: str) -> str:
    return resources.files("checker").joinpath("templates", name).read_text(encoding="utf-8")


def _context(result: ScanResult) -> dict[str, Any]:
    stylesheet = _asset(STYLESHEET)
    script = _asset(SCRIPT)
    severity_labels = {severity.value: htmlview.severity_label(severity) for severity in DESCENDING}
    data = build_data(result, htmlview.script_labels(), severity_labels)
    data["printRowLimit"] = PRINT_ROW_LIMIT
    return {
        "lang": result.lang,
        "tool_version": result.tool_version,
        "generated_at": result.generated_at,
        "verdict_line": verdict_line(result),
        "gate_text": htmlview.gate_text(result),
        # passed, failed or partial (a pass on partial input): the class that styles the banner.
        "verdict_state": verdict_state(result),
        "chart": htmlview.severity_chart(result, severity_labels),
        "total_findings": sum(result.counts_by_severity().values()),
        "records_scanned": result.records_scanned,
        "rules_evaluated": result.rules_evaluated,
        "partial_reason": result.partial_reason,
        "inputs": [htmlview.input_view(info) for info in result.inputs],
        "policy_files": result.policy_files,
        "rules": htmlview.rule_views(result, severity_labels),
        "waiver_notices": htmlview.waiver_notices(result),
        "comparison_lines": htmlview.comparison_lines(result),
        "resolved": htmlview.resolved_findings(result, severity_labels),
        "resolved_total": len(result.baseline.resolved) if result.baseline is not None else 0,
        "marks": data["marks"],
        "omitted_findings": data["omitted"],
        "embedded_findings": len(data["findings"]),
        "content_security_policy": content_security_policy(script, stylesheet),
        # Markup: the texts are ours and shipped with the package; the data is escaped by script_json().
        "stylesheet": Markup(stylesheet),
        "script": Markup(script),
        "data_json": Markup(script_json(data)),
    }
