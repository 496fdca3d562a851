"""evaluate(): one pass over the records, findings with evidence and fingerprints."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from checker.evaluation import evaluate
from checker.findings import fingerprint
from checker.records import ApplicationPort, Record, Tag
from checker.rules import Rule, load_policies
from checker.severity import Severity

POLICY = """\
rules:
  - id: TI-1
    title: Malicious and uncovered
    severity: critical
    when:
      all:
        - {field: AclCoverage, not_equals: FullCoverage}
        - {field: SessionCount, gte: 1}
        - some: {in: TagList, where: {field: ClassId, equals: Malicious}}
  - id: PORT-1
    title: Ports other than web ports
    severity: low
    when:
      not: {every: {in: ApplicationPortList, where: {field: Port, in: [80, 443]}}}
  - id: TAGS-1
    title: Many risky tags
    severity: medium
    when:
      count: {in: TagList, where: {field: RiskLevel, gte: 2}, gte: 2}
  - id: WEB-1
    title: Only web ports, or no ports at all
    severity: info
    when:
      every: {in: ApplicationPortList, where: {field: Port, in: [80, 443]}}
"""

MALICIOUS = Tag(TagId="Miner", ClassId="Malicious", RiskLevel=3)
TRUSTED = Tag(TagId="AliYun", ClassId="Trusted", RiskLevel=1)


def rules(write_policy: Callable[..., str]) -> tuple[Rule, ...]:
    return load_policies([write_policy(POLICY)]).rules


def test_findings_in_record_order(write_policy: Callable[..., str]) -> None:
    records = [
        Record(DstIP="192.0.2.1", AclCoverage="Uncovered", SessionCount=2, TagList=[TRUSTED, MALICIOUS]),
        Record(DstIP="192.0.2.2", AclCoverage="FullCoverage", SessionCount=2, TagList=[MALICIOUS],
               ApplicationPortList=[ApplicationPort(Port=22)]),
    ]  # fmt: skip

    findings = list(evaluate(records, rules(write_policy)))

    assert [(finding.rule_id, finding.dst_ip) for finding in findings] == [
        ("TI-1", "192.0.2.1"),
        ("WEB-1", "192.0.2.1"),
        ("PORT-1", "192.0.2.2"),
    ]
    assert findings[0].severity is Severity.CRITICAL
    assert findings[0].fingerprint == fingerprint("TI-1", "192.0.2.1")


def test_evidence_of_some(write_policy: Callable[..., str]) -> None:
    record = Record(DstIP="192.0.2.1", AclCoverage="Uncovered", SessionCount=2, TagList=[TRUSTED, MALICIOUS])

    (finding, _) = evaluate([record], rules(write_policy))  # TI-1, then WEB-1 on the empty port list

    assert finding.evidence == {
        "AclCoverage": "Uncovered",
        "SessionCount": 2,
        "TagList": [{"TagId": "Miner", "TagName": "", "TagDescribe": "", "ClassId": "Malicious", "RiskLevel": 3}],
    }


def test_evidence_of_every_lists_failing_items(write_policy: Callable[..., str]) -> None:
    record = Record(DstIP="192.0.2.3", ApplicationPortList=[ApplicationPort(Port=443), ApplicationPort(Port=22)])
    port_rule = rules(write_policy)[1]

    (finding,) = evaluate([record], [port_rule])

    assert finding.evidence == {
        "ApplicationPortList": [{"Port": 22, "ApplicationName": "", "UnknownReason": []}]
    }


def test_evidence_of_count(write_policy: Callable[..., str]) -> None:
    second = Tag(TagId="Botnet", ClassId="Malicious", RiskLevel=2)
    record = Record(DstIP="192.0.2.4", TagList=[MALICIOUS, TRUSTED, second])
    count_rule = rules(write_policy)[2]

    (finding,) = evaluate([record], [count_rule])

    assert [tag["TagId"] for tag in finding.evidence["TagList"]] == ["Miner", "Botnet"]


def test_empty_list_every_fires(write_policy: Callable[..., str]) -> None:
    web_rule = rules(write_policy)[3]

    (finding,) = evaluate([Record(DstIP="192.0.2.5")], [web_rule])

    assert finding.evidence == {"ApplicationPortList": []}


def test_records_read_once_and_lazily(write_policy: Callable[..., str]) -> None:
    consumed: list[str] = []

    def records() -> Iterator[Record]:
        for index in range(3):
            consumed.append(str(index))
            yield Record(DstIP=f"192.0.2.{index}")

    findings = evaluate(records(), rules(write_policy))
    assert consumed == []

    first = next(findings)
    assert first.dst_ip == "192.0.2.0"
    assert consumed == ["0"]
    assert len(list(findings)) == 2
    assert consumed == ["0", "1", "2"]
