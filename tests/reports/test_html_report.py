"""Tests of report.html: escaping of hostile values, no external resources, banners, embedded data."""

from __future__ import annotations

import base64
import dataclasses
import gettext
import hashlib
import io
import json
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import msgspec
import pytest

from checker.findings import Finding
from checker.records import AddressGroup, ApplicationPort, Tag
from checker.reports import html, htmldata
from checker.result import (
    BaselineComparison,
    ResolvedFinding,
    RuleOutcome,
    RuleStatus,
    ScanResult,
    WaiverSummary,
    WaiverUse,
)
from checker.severity import Severity

if TYPE_CHECKING:
    from conftest import ScanBuilder

IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
SCRIPT_PAYLOAD = "\"quotes' </script><script>alert(1)</script>"
DATA_OPENING = '<script type="application/json" id="report-data">'


class PageParser(HTMLParser):
    """Parser that collects the elements, their attributes and the text of a page, scripts apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text_parts: list[str] = []
        self.script_parts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        (self.script_parts if self._in_script else self.text_parts).append(data)

    def tags(self) -> list[str]:
        return [tag for tag, _attributes in self.elements]

    def text(self) -> str:
        return "".join(self.text_parts)

    def with_id(self, element_id: str) -> list[dict[str, str | None]]:
        return [attributes for _tag, attributes in self.elements if attributes.get("id") == element_id]


def render(result: ScanResult) -> str:
    stream = io.BytesIO()
    html.write(result, stream)
    return stream.getvalue().decode("utf-8")


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def embedded_json(page: str) -> str:
    start = page.index(DATA_OPENING) + len(DATA_OPENING)
    return page[start : page.index("</script>", start)]


def embedded_data(page: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(embedded_json(page))
    return data


def record_value(data: dict[str, Any], row: list[Any], name: str) -> Any:
    return row[data["columns"]["record"].index(name)]


def hostile_result(scan: ScanBuilder) -> ScanResult:
    tag = Tag(TagId="RiskIP", TagName=IMG_PAYLOAD, ClassId="Malicious", RiskLevel=3)
    record = scan.record(
        "203.0.113.7",
        TagList=[tag],
        RuleName=SCRIPT_PAYLOAD,
        LocationName=IMG_PAYLOAD,
        AddressGroupList=[AddressGroup(AddressGroupUUID="u-1", AddressGroupName=SCRIPT_PAYLOAD)],
    )
    rule = scan.rule(
        "CFW-TI-001",
        Severity.CRITICAL,
        title=SCRIPT_PAYLOAD,
        references=("https://www.alibabacloud.com/help/en/cloud-firewall/?a=1&b=\"x\"", "javascript:alert(1)"),
    )
    scan.fire(rule, [record], evidence={"RuleName": SCRIPT_PAYLOAD, "TagList": [tag]})
    scan.input("export.json", provenance={"endpoint": IMG_PAYLOAD})
    return scan.result(partial_reason=SCRIPT_PAYLOAD)


def test_page_skeleton(sample: ScanResult) -> None:
    page = render(sample)
    parser = parse(page)

    assert page.startswith("<!doctype html>\n")
    assert parser.elements[0] == ("html", {"lang": "en"})
    assert ("meta", {"charset": "utf-8"}) in parser.elements
    assert parser.tags().count("style") == 1
    scripts = [attributes for tag, attributes in parser.elements if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "report-data"}, {}]


def test_lang_attribute_follows_result(scan: ScanBuilder) -> None:
    scan.passing(scan.rule("CFW-TI-001"))

    page = render(scan.result(lang="zh"))

    assert parse(page).elements[0] == ("html", {"lang": "zh"})
    assert embedded_data(page)["lang"] == "zh"


def test_hostile_values_are_text(scan: ScanBuilder) -> None:
    page = render(hostile_result(scan))
    parser = parse(page)
    text = parser.text()

    assert "img" not in parser.tags()
    assert parser.tags().count("script") == 2
    assert not any(name.startswith("on") for _tag, attributes in parser.elements for name in attributes)
    assert "<img" not in page
    assert page.count("<script") == 2
    assert page.count("</script>") == 2
    assert text.count(SCRIPT_PAYLOAD) >= 2
    assert IMG_PAYLOAD in text


def test_hostile_values_stay_in_data(scan: ScanBuilder) -> None:
    page = render(hostile_result(scan))
    raw = embedded_json(page)
    data = embedded_data(page)
    record = data["records"][0]

    assert "<" not in raw
    assert ">" not in raw
    assert "&" not in raw
    assert record_value(data, record, "LocationName") == IMG_PAYLOAD
    assert record_value(data, record, "RuleName") == SCRIPT_PAYLOAD
    assert record_value(data, record, "TagList") == [["RiskIP", IMG_PAYLOAD, "", "Malicious", 3]]
    assert record_value(data, record, "AddressGroupList") == [["u-1", SCRIPT_PAYLOAD]]
    assert data["rules"][0]["title"] == SCRIPT_PAYLOAD
    assert data["findings"][0][3]["RuleName"] == SCRIPT_PAYLOAD


def test_script_json_escapes_breakouts() -> None:
    value = {"text": "</script><!-- & \u2028\u2029 >", "list": ["<b>"]}

    text = htmldata.script_json(value)

    assert text == (
        '{"text":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029 \\u003e","list":["\\u003cb\\u003e"]}'
    )
    assert json.loads(text) == value


def test_script_json_lone_surrogate() -> None:
    value = {"DstIP": "203.0.113.7\udc80<"}

    text = htmldata.script_json(value)

    assert text == '{"DstIP":"203.0.113.7\\udc80\\u003c"}'
    assert json.loads(text) == value


def test_only_reference_links_leave_page(scan: ScanBuilder) -> None:
    parser = parse(render(hostile_result(scan)))

    sources = [attributes["src"] for _tag, attributes in parser.elements if "src" in attributes]
    links = [(tag, attributes) for tag, attributes in parser.elements if "href" in attributes]
    assert sources == []
    assert links == [
        (
            "a",
            {
                "href": "https://www.alibabacloud.com/help/en/cloud-firewall/?a=1&b=\"x\"",
                "rel": "noopener noreferrer",
            },
        )
    ]
    assert "javascript:alert(1)" in parser.text()


def test_no_url_outside_reference_links(sample: ScanResult) -> None:
    page = render(sample)

    assert re.findall(r"https?://", page) == []
    assert "@import" not in page
    assert "url(" not in page


def sha256_source(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_content_security_policy(sample: ScanResult) -> None:
    page = render(sample)
    parser = parse(page)
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL)
    assert style is not None
    assert script is not None

    policies = [
        attributes.get("content")
        for tag, attributes in parser.elements
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policies == [
        f"default-src 'none'; script-src '{sha256_source(script.group(1))}'; "
        f"style-src '{sha256_source(style.group(1))}'; base-uri 'none'; form-action 'none'"
    ]


@pytest.mark.parametrize(("name", "closing"), [(html.SCRIPT, "</script"), (html.STYLESHEET, "</style")])
def test_inlined_asset_cannot_close_element(name: str, closing: str) -> None:
    text = html._asset(name)

    assert closing not in text.lower()
    assert "<!--" not in text
    assert "innerHTML" not in text
    assert "outerHTML" not in text
    assert "insertAdjacentHTML" not in text
    assert "document.write" not in text


def test_autoescape_ignores_file_name() -> None:
    environment = html._environment("en")

    rendered = environment.from_string("{{ value }}").render(value=IMG_PAYLOAD)

    assert environment.autoescape is True
    assert rendered == "&lt;img src=x onerror=alert(1)&gt;"


def test_verdict_and_counts_shown(sample: ScanResult) -> None:
    parser = parse(render(sample))
    text = parser.text()

    assert (
        "FAILED: 2 findings at or above high in 1 rule (worst: CFW-TI-001, critical). "
        "3 records scanned, 2 rules evaluated."
    ) in text
    assert (
        "The gate fails on findings at or above high: 2 findings reach it, and the worst rule is CFW-TI-001."
    ) in text
    assert re.search(r"Records scanned\s*3\b", text)
    assert re.search(r"Rules evaluated\s*2\b", text)
    assert re.search(r"Findings\s*2\b", text)


def test_severity_chart_bars(sample: ScanResult) -> None:
    page = render(sample)

    bars = re.findall(
        r'<g class="bar sev-(\w+)">\s*<text[^>]*>(\w+)</text>\s*<rect x="84" y="\d+" width="(\d+)"[^>]*></rect>'
        r'\s*<text[^>]*>([\d,]+)</text>',
        page,
    )
    assert bars == [
        ("critical", "critical", "240", "2"),
        ("high", "high", "0", "0"),
        ("medium", "medium", "0", "0"),
        ("low", "low", "0", "0"),
        ("info", "info", "0", "0"),
    ]


def test_small_count_bar_stays_visible(scan: ScanBuilder) -> None:
    big = [scan.record(f"10.0.{index // 250}.{index % 250}") for index in range(1000)]
    scan.fire(scan.rule("CFW-TI-001", Severity.CRITICAL), big)
    scan.fire(scan.rule("CFW-LOW-002", Severity.LOW), [scan.record("203.0.113.9")])

    page = render(scan.result())

    assert re.search(r'sev-low">\s*<text[^>]*>low</text>\s*<rect x="84" y="\d+" width="2"', page)


def test_gate_off_sentence(sample: ScanResult) -> None:
    result = dataclasses.replace(sample, gate=dataclasses.replace(sample.gate, fail_on=None, failing=0))

    text = parse(render(result)).text()

    assert "The gate is off (--fail-on never): findings are reported but never fail the scan." in text


def test_partial_banner_shown(scan: ScanBuilder) -> None:
    scan.fire(scan.rule("CFW-TI-001"), [scan.record("203.0.113.7")])

    parser = parse(render(scan.result(partial_reason="TotalCount is 20 but 1 record was read")))

    assert parser.with_id("partial-input") == [{"class": "banner", "id": "partial-input"}]
    assert (
        "Partial input. The records may be incomplete, so findings may be missing: "
        "TotalCount is 20 but 1 record was read"
    ) in parser.text()
    assert parser.with_id("empty-input") == []


def test_complete_input_has_no_banner(sample: ScanResult) -> None:
    parser = parse(render(sample))

    assert parser.with_id("partial-input") == []
    assert parser.with_id("empty-input") == []


def test_empty_input_message(scan: ScanBuilder) -> None:
    scan.passing(scan.rule("CFW-TI-001"))
    scan.input("empty.json", records=0, declared_total=0)

    page = render(scan.result(records_scanned=0))
    parser = parse(page)

    assert parser.with_id("empty-input") == [{"class": "banner", "id": "empty-input"}]
    assert "Nothing was scanned." in parser.text()
    assert "PASSED: nothing was scanned (the input holds 0 records)." in parser.text()
    assert "No findings." in parser.text()
    assert parser.with_id("findings-table") == []
    assert embedded_data(page)["findings"] == []


def test_chinese_values_unchanged(scan: ScanBuilder) -> None:
    tag = Tag(TagId="Miner", TagName="矿池", ClassId="Malicious", RiskLevel=3)
    record = scan.record("203.0.113.7", LocationName="中国 杭州", RuleName="默认拒绝", TagList=[tag])
    rule = scan.rule("CFW-TI-001", zh_title="未被访问控制覆盖的恶意地址")
    scan.fire(rule, [record], evidence={"LocationName": "中国 杭州"})
    scan.input("导出.json", provenance={"端点": "本地"})

    page = render(scan.result(lang="zh"))
    text = parse(page).text()
    data = embedded_data(page)
    row = data["records"][0]

    assert record_value(data, row, "LocationName") == "中国 杭州"
    assert record_value(data, row, "RuleName") == "默认拒绝"
    assert record_value(data, row, "TagList") == [["Miner", "矿池", "", "Malicious", 3]]
    assert data["findings"][0][3] == {"LocationName": "中国 杭州"}
    assert data["rules"][0]["title"] == "未被访问控制覆盖的恶意地址"
    assert "未被访问控制覆盖的恶意地址" in text
    assert "中文修复建议" in text
    assert "导出.json" in text
    assert "端点: 本地" in text


def test_record_row_columns(scan: ScanBuilder) -> None:
    record = scan.record(
        "203.0.113.7",
        SessionCount=1234,
        TotalBytes=5_000_000,
        HasAcl=True,
        RuleName="deny-all",
        ApplicationPortList=[ApplicationPort(Port=22, ApplicationName="Unknown", UnknownReason=["tcp_not_establish"])],
    )
    scan.fire(scan.rule("CFW-TI-001"), [record], evidence={"SessionCount": 1234})

    data = embedded_data(render(scan.result()))
    row = data["records"][0]

    assert data["columns"]["tag"] == ["TagId", "TagName", "TagDescribe", "ClassId", "RiskLevel"]
    assert data["columns"]["port"] == ["Port", "ApplicationName", "UnknownReason"]
    assert data["columns"]["addressGroup"] == ["AddressGroupUUID", "AddressGroupName"]
    assert len(row) == len(data["columns"]["record"])
    assert record_value(data, row, "DstIP") == "203.0.113.7"
    assert record_value(data, row, "SessionCount") == 1234
    assert record_value(data, row, "TotalBytes") == 5_000_000
    assert record_value(data, row, "HasAcl") is True
    assert record_value(data, row, "RuleName") == "deny-all"
    assert record_value(data, row, "ApplicationPortList") == [[22, "Unknown", ["tcp_not_establish"]]]
    assert data["findings"] == [[0, 0, "high", {"SessionCount": 1234}]]


def test_findings_share_records(scan: ScanBuilder) -> None:
    records = [scan.record("203.0.113.7"), scan.record("203.0.113.8")]
    scan.fire(scan.rule("CFW-TI-001", Severity.CRITICAL), records)
    scan.fire(scan.rule("CFW-ACL-002", Severity.MEDIUM), records[:1])

    data = embedded_data(render(scan.result()))

    assert [row[0] for row in data["records"]] == ["203.0.113.7", "203.0.113.8"]
    assert [finding[:3] for finding in data["findings"]] == [
        [0, 0, "critical"],
        [0, 1, "critical"],
        [1, 0, "medium"],
    ]


def test_finding_without_record(scan: ScanBuilder) -> None:
    rule = scan.rule("CFW-TI-001")
    finding = Finding(rule_id=rule.id, severity=rule.severity, dst_ip="198.51.100.1", fingerprint="f", evidence={})
    scan.outcomes.append(RuleOutcome(rule=rule, status=RuleStatus.FAILED, findings=(finding,)))

    data = embedded_data(render(scan.result()))

    assert data["records"] == [["198.51.100.1"]]


def test_every_finding_embedded(scan: ScanBuilder) -> None:
    records = [scan.record(f"10.0.{index // 250}.{index % 250}") for index in range(1207)]
    scan.fire(scan.rule("CFW-TI-001"), records)

    data = embedded_data(render(scan.result()))

    assert len(data["findings"]) == 1207
    assert data["printRowLimit"] == html.PRINT_ROW_LIMIT


def test_rules_table_details(scan: ScanBuilder) -> None:
    critical = scan.rule("CFW-TI-001", Severity.CRITICAL, references=("https://example.com/doc",))
    scan.passing(scan.rule("CFW-ACL-002", Severity.LOW))
    scan.fire(critical, [scan.record("203.0.113.7")])

    page = render(scan.result())
    text = parse(page).text()

    assert page.count("<details>") == 2
    assert "Description of CFW-TI-001" in text
    assert "Remediation: Fix CFW-TI-001" in text
    assert "Defined in policies/outbound.yaml:1" in text
    assert "MLPS-2.0 8.1.3.2; NIST-SP-800-53 SC-7" in text
    # Failed rules come first, and only rules with findings get a filter button.
    assert page.index("CFW-TI-001</code>") < page.index("CFW-ACL-002</code>")
    assert re.findall(r'class="link show-findings" data-rule="(\d+)"', page) == ["1"]


def test_inputs_and_policy_files(sample: ScanResult) -> None:
    text = parse(render(sample)).text()

    assert sample.inputs[0].sha256 in text
    assert sample.policy_files[0].sha256 in text
    assert "policies/outbound.yaml" in text
    assert "MLPS-2.0 8.1.3.2; NIST-SP-800-53 SC-7" in text


def test_snapshot_provenance_shown(scan: ScanBuilder) -> None:
    scan.fire(scan.rule("CFW-TI-001"), [scan.record("203.0.113.7")])
    provenance = {
        "kind": "cloudfirewall",
        "endpoint": "https://127.0.0.1:8443",
        "time_window": {"start": 1, "end": 2, "start_iso": "2024-05-01T00:00:00Z", "end_iso": "2024-05-02T00:00:00Z"},
        "fetched_at": "2024-05-02T00:01:00Z",
        "tool_version": "0.1.0",
        "request_ids": ["A", "B"],
    }
    scan.input("snapshot.json", request_ids=("A", "B"), provenance=provenance)

    text = parse(render(scan.result())).text()

    assert "Time window: 2024-05-01T00:00:00Z – 2024-05-02T00:00:00Z" in text
    assert "Endpoint: https://127.0.0.1:8443" in text
    assert "Fetched at: 2024-05-02T00:01:00Z" in text
    assert "Fetched by cfw-checker 0.1.0" in text
    assert "kind: cloudfirewall" in text
    assert "request_ids" not in text


def marked_result(scan: ScanBuilder) -> ScanResult:
    rule = scan.rule("CFW-TI-001", Severity.CRITICAL)
    outcome = scan.fire(rule, [scan.record("203.0.113.7"), scan.record("203.0.113.8")])
    waived, fresh = outcome.findings
    marked = (
        msgspec.structs.replace(waived, waived_by="W-1", waiver_owner=IMG_PAYLOAD, waiver_expires="2024-12-31T23:59:59Z",
                        baseline="existing"),
        msgspec.structs.replace(fresh, baseline="new"),
    )
    scan.outcomes[-1] = dataclasses.replace(outcome, findings=marked)
    expired = WaiverSummary(id="W-OLD", expires="2024-01-01T23:59:59Z", reason=SCRIPT_PAYLOAD, owner="secops")
    unused = WaiverSummary(id="W-IDLE", expires="2025-01-01T23:59:59Z", reason="legacy", ticket="SEC-9")
    resolved = ResolvedFinding(rule_id="CFW-TI-001", severity=Severity.CRITICAL, dst_ip="198.51.100.3", fingerprint="f")
    return dataclasses.replace(
        scan.result(),
        expired_waivers=(expired,),
        unused_waivers=(unused,),
        waivers=WaiverUse(file="waivers.yaml", total=3),
        baseline=BaselineComparison(file="baseline.json", resolved=(resolved,)),
    )


def test_waiver_and_baseline_marks(scan: ScanBuilder) -> None:
    page = render(marked_result(scan))
    data = embedded_data(page)

    assert data["marks"] == ["waived_by", "waiver_owner", "waiver_expires", "baseline"]
    assert data["findings"][0][4] == {
        "waived_by": "W-1",
        "waiver_owner": IMG_PAYLOAD,
        "waiver_expires": "2024-12-31T23:59:59Z",
        "baseline": "existing",
    }
    assert data["findings"][1][4] == {"baseline": "new"}
    assert parse(page).with_id("filter-baseline") == [{"id": "filter-baseline"}]
    assert parse(page).with_id("filter-waiver") == [{"id": "filter-waiver"}]


def test_unmarked_findings_have_no_mark_column(sample: ScanResult) -> None:
    page = render(sample)
    data = embedded_data(page)

    assert data["marks"] == []
    assert all(len(finding) == 4 for finding in data["findings"])
    assert parse(page).with_id("filter-baseline") == []
    assert "Waiver / baseline</th>" not in page


def test_waiver_notices_listed(scan: ScanBuilder) -> None:
    page = render(marked_result(scan))
    text = parse(page).text()

    rows = re.findall(r'<tr class="waiver-(\w+)"><td class="mono">([^<]*)</td><td>([^<]*)</td>', page)
    assert rows == [("expired", "W-OLD", "expired"), ("unused", "W-IDLE", "unused")]
    assert SCRIPT_PAYLOAD in text
    assert "SEC-9" in text
    assert "Waivers: waivers.yaml (waivers: 3, findings waived: 1)" in text
    assert "Baseline: baseline.json (new: 1, existing: 1, resolved: 1)" in text
    assert "Findings of the baseline that this scan no longer has: 1" in text
    assert "198.51.100.3" in text


def test_gate_sentence_with_expired_waivers(scan: ScanBuilder) -> None:
    result = marked_result(scan)
    gate = dataclasses.replace(result.gate, failing=0, worst_rule=None, expired_waivers=1, new_only=True)

    text = parse(render(dataclasses.replace(result, gate=gate))).text()

    assert (
        "The gate fails on findings at or above high, and no finding reaches that severity. "
        "Only findings that are new against the baseline count (--fail-on-new-only). "
        "1 expired waiver fails the gate (--fail-on-expired-waivers)."
    ) in text


class GuillemetTranslations(gettext.NullTranslations):
    """Catalog that wraps every message in guillemets, to show which labels went through it."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"«{msgid1 if n == 1 else msgid2}»"


def test_labels_use_report_language(sample: ScanResult, monkeypatch: pytest.MonkeyPatch) -> None:
    requested: list[str] = []

    def fake_translations_for(lang: str) -> gettext.NullTranslations:
        requested.append(lang)
        return GuillemetTranslations()

    monkeypatch.setattr(html, "translations_for", fake_translations_for)

    text = parse(render(sample)).text()

    assert requested == ["en"]
    assert "«Findings»" in text
    assert "«Rules»" in text


def test_partial_pass_banner_is_warning(scan: ScanBuilder) -> None:
    scan.passing(scan.rule("CFW-TI-001"))
    scan.record("203.0.113.7")

    parser = parse(render(scan.result(partial_reason="TotalCount is 20 but 1 record was read")))

    assert parser.with_id("verdict") == [{"id": "verdict", "class": "verdict-block partial"}]
    assert parser.with_id("verdict-status") == [{"class": "verdict-status", "id": "verdict-status"}]
    assert "PASSED on partial input" in parser.text()


def test_partial_pass_banner_in_chinese(scan: ScanBuilder) -> None:
    scan.passing(scan.rule("CFW-TI-001"))
    scan.record("203.0.113.7")
    result = scan.result(partial_reason="page 2 missing", lang="zh")

    text = parse(render(result)).text()

    assert "通过（输入不完整）" in text
    assert "PASSED on partial input" not in text


@pytest.mark.parametrize(
    ("fire", "partial", "state"),
    [(False, False, "passed"), (True, False, "failed"), (True, True, "failed")],
    ids=["complete pass", "complete fail", "partial fail"],
)
def test_banner_state(scan: ScanBuilder, fire: bool, partial: bool, state: str) -> None:
    rule = scan.rule("CFW-TI-001")
    record = scan.record("203.0.113.7")
    if fire:
        scan.fire(rule, [record])
    else:
        scan.passing(rule)

    parser = parse(render(scan.result(partial_reason="page 2 missing" if partial else None)))

    assert parser.with_id("verdict") == [{"id": "verdict", "class": f"verdict-block {state}"}]
    assert parser.with_id("verdict-status") == []


def test_findings_over_cap_left_out_and_named(scan: ScanBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(htmldata, "MAX_EMBEDDED_FINDINGS", 3)
    critical = scan.rule("CFW-TI-001", severity=Severity.CRITICAL)
    low = scan.rule("CFW-PROTO-006", severity=Severity.LOW)
    scan.fire(low, [scan.record(f"198.51.100.{index}") for index in range(4)])
    scan.fire(critical, [scan.record("203.0.113.9")])

    page = render(scan.result())
    data = embedded_data(page)
    parser = parse(page)

    assert len(data["findings"]) == 3
    assert data["omitted"] == 2
    assert data["rules"][data["findings"][0][0]]["id"] == "CFW-TI-001"
    assert parser.with_id("findings-omitted")
    assert "This page holds the 3 most severe findings; 2 more are left out" in parser.text()


def test_findings_under_cap_have_no_note(sample: ScanResult) -> None:
    page = render(sample)

    assert embedded_data(page)["omitted"] == 0
    assert not parse(page).with_id("findings-omitted")
