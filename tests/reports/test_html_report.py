"""Tests of report.html: escaping of hostile values, no external resources, banners, caps."""

from __future__ import annotations

import gettext
import io
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest

from checker.records import Tag
from checker.reports import html
from checker.result import ScanResult
from checker.severity import Severity

if TYPE_CHECKING:
    from conftest import ScanBuilder

IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
SCRIPT_PAYLOAD = "\"quotes' </script><script>alert(1)</script>"


class PageParser(HTMLParser):
    """Parser that collects the elements, their attributes and the text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

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


def hostile_result(scan: ScanBuilder) -> ScanResult:
    tag = Tag(TagId="RiskIP", TagName=IMG_PAYLOAD, ClassId="Malicious", RiskLevel=3)
    record = scan.record("203.0.113.7", TagList=[tag], RuleName=SCRIPT_PAYLOAD, LocationName=IMG_PAYLOAD)
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
    assert "script" not in parser.tags()


def test_lang_attribute_follows_result(scan: ScanBuilder) -> None:
    scan.passing(scan.rule("CFW-TI-001"))

    parser = parse(render(scan.result(lang="zh")))

    assert parser.elements[0] == ("html", {"lang": "zh"})


def test_hostile_values_are_text(scan: ScanBuilder) -> None:
    page = render(hostile_result(scan))
    parser = parse(page)
    text = parser.text()

    assert "img" not in parser.tags()
    assert "script" not in parser.tags()
    assert not any(name.startswith("on") for _tag, attributes in parser.elements for name in attributes)
    assert "<img" not in page
    assert "<script" not in page
    assert f"{IMG_PAYLOAD} (Malicious, 3)" in text
    assert text.count(SCRIPT_PAYLOAD) >= 3


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


def test_content_security_policy(sample: ScanResult) -> None:
    parser = parse(render(sample))

    policies = [
        attributes.get("content")
        for tag, attributes in parser.elements
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policies == ["default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"]


def test_autoescape_ignores_file_name() -> None:
    environment = html._environment("en")

    rendered = environment.from_string("{{ value }}").render(value=IMG_PAYLOAD)

    assert environment.autoescape is True
    assert rendered == "&lt;img src=x onerror=alert(1)&gt;"


def test_verdict_and_counts_shown(sample: ScanResult) -> None:
    text = parse(render(sample)).text()

    assert (
        "FAILED: 2 findings at or above high in 1 rule (worst: CFW-TI-001, critical). "
        "3 records scanned, 2 rules evaluated."
    ) in text
    assert (
        "The gate fails on findings at or above high: 2 findings reach it, and the worst rule is CFW-TI-001."
    ) in text
    assert "Findings: critical2" in text.replace("\n", "")
    assert "Records scanned3" in text.replace("\n", "")
    assert "Rules evaluated2" in text.replace("\n", "")


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

    parser = parse(render(scan.result(records_scanned=0)))

    assert parser.with_id("empty-input") == [{"class": "banner", "id": "empty-input"}]
    assert "Nothing was scanned." in parser.text()
    assert "PASSED: nothing was scanned (the input holds 0 records)." in parser.text()
    assert "No findings." in parser.text()


def test_chinese_values_unchanged(scan: ScanBuilder) -> None:
    tag = Tag(TagId="Miner", TagName="矿池", ClassId="Malicious", RiskLevel=3)
    record = scan.record("203.0.113.7", LocationName="中国 杭州", RuleName="默认拒绝", TagList=[tag])
    rule = scan.rule("CFW-TI-001", zh_title="未被访问控制覆盖的恶意地址")
    scan.fire(rule, [record], evidence={"LocationName": "中国 杭州"})
    scan.input("导出.json", provenance={"端点": "本地"})

    text = parse(render(scan.result(lang="zh"))).text()

    assert "中国 杭州" in text
    assert "默认拒绝" in text
    assert "矿池 (Malicious, 3)" in text
    assert "未被访问控制覆盖的恶意地址" in text
    assert "中文修复建议" in text
    assert "导出.json" in text
    assert "端点: 本地" in text


def test_finding_row_columns(scan: ScanBuilder) -> None:
    record = scan.record("203.0.113.7", SessionCount=1234, TotalBytes=5_000_000, HasAcl=True, RuleName="deny-all")
    scan.fire(scan.rule("CFW-TI-001"), [record], evidence={"SessionCount": 1234})

    page = render(scan.result())

    row = re.search(r"<td class=\"mono\">203\.0\.113\.7</td>(.*?)</tr>", page, re.DOTALL)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.DOTALL)
    assert cells == [
        "Singapore",
        "Malicious",
        "Uncovered",
        "true",
        "deny-all",
        "1,234",
        "5,000,000",
        '<ul class="plain"><li>Risk IP (Malicious, 3)</li></ul>',
        "443/HTTPS",
        "{&#34;SessionCount&#34;: 1234}",
    ]


def test_rows_capped_per_rule(scan: ScanBuilder) -> None:
    records = [scan.record(f"10.0.{index // 250}.{index % 250}") for index in range(html.MAX_ROWS_PER_RULE + 7)]
    scan.fire(scan.rule("CFW-TI-001"), records)

    page = render(scan.result())

    assert page.count('<td class="mono">10.0.') == html.MAX_ROWS_PER_RULE
    assert "+7 more, see results.json" in parse(page).text()


def test_inputs_and_policy_files(sample: ScanResult) -> None:
    text = parse(render(sample)).text()

    assert sample.inputs[0].sha256 in text
    assert sample.policy_files[0].sha256 in text
    assert "policies/outbound.yaml" in text
    assert "MLPS-2.0 8.1.3.2; NIST-SP-800-53 SC-7" in text


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
