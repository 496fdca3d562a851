"""A scratch workspace for the gate tests: a small policy file, records files, CLI runs."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from checker.cli.main import run
from checker.i18n import set_language

#: Two rules that are easy to trigger: one critical, one medium.
POLICY = """\
rules:
  - id: T-MAL-001
    title: Malicious destination
    severity: critical
    when: {field: CategoryClassId, equals: Malicious}
  - id: T-UNC-002
    title: Uncovered destination
    severity: medium
    when: {field: AclCoverage, equals: Uncovered}
"""


@dataclass
class Workspace:
    """Files of one test and the CLI run over them."""

    root: Path

    @staticmethod
    def record(
        dst_ip: str,
        *,
        malicious: bool = True,
        uncovered: bool = True,
        ports: tuple[tuple[int, str], ...] = ((443, "HTTPS"),),
    ) -> dict[str, Any]:
        """Return a raw record that fires T-MAL-001 and T-UNC-002 as asked."""
        return {
            "DstIP": dst_ip,
            "CategoryClassId": "Malicious" if malicious else "Trusted",
            "AclCoverage": "Uncovered" if uncovered else "FullCoverage",
            "SessionCount": 3,
            "TotalBytes": "2048",
            "HasAcl": "false" if uncovered else "true",
            "ApplicationPortList": [{"Port": port, "ApplicationName": name} for port, name in ports],
        }

    @property
    def policy(self) -> Path:
        return self.root / "policy.yaml"

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def records(self, name: str, records: list[dict[str, Any]]) -> Path:
        document = {"RequestId": "REQ-1", "TotalCount": len(records), "DstIPList": records}
        return self.write(name, json.dumps(document))

    def run(self, *args: str, lang: str = "en") -> tuple[int, str, str]:
        """Run the CLI with ``--lang lang``; the process-wide language is English again afterwards."""
        stdout, stderr = io.StringIO(), io.StringIO()
        try:
            code = run([*args, "--lang", lang], stdin=io.BytesIO(b""), stdout=stdout, stderr=stderr)
        finally:
            set_language("en")
        return code, stdout.getvalue(), stderr.getvalue()

    def scan(self, records: Path, *args: str, out: str = "out") -> tuple[int, str, str]:
        return self.run(
            "scan", str(records), "--policies", str(self.policy), "--output-dir", str(self.root / out),
            "--format", "json", *args,
        )

    def results(self, out: str = "out") -> dict[str, Any]:
        document: dict[str, Any] = json.loads((self.root / out / "results.json").read_text(encoding="utf-8"))
        return document


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """Return a workspace with the two-rule policy file written."""
    workspace = Workspace(tmp_path)
    workspace.write("policy.yaml", POLICY)
    return workspace
