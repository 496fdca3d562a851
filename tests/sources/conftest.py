"""Fixtures for the Cloud Firewall source: an isolated environment and the fake API on 127.0.0.1."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fake_cloudfw import Account, FakeCloudFirewall, Faults

#: Made-up credentials; the fake accepts exactly these.
ACCESS_KEY_ID = "LTAI5tFakeKeyForTests"
ACCESS_KEY_SECRET = "fake-secret-7d1c4b0e9a2f"
SECURITY_TOKEN = "fake-sts-token-3e8a91"
#: A window that the fake accepts: 2024-12-04T08:13:20Z .. one day later.
WINDOW = ["--start", "1733300000", "--end", "1733386400"]

_CREDENTIAL_VARIABLES = (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_PROFILE",
    "ALIBABA_CLOUD_CREDENTIALS_FILE",
)
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point HOME at a temporary folder, drop real credentials and proxies, keep loopback direct."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in (*_CREDENTIAL_VARIABLES, *_PROXY_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,::1")
    return home


@pytest.fixture
def env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set the made-up AccessKey in the environment."""
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ACCESS_KEY_SECRET)


@pytest.fixture
def start_fake() -> Iterator[Callable[..., FakeCloudFirewall]]:
    """Start fake servers on 127.0.0.1 with the given records and faults; stop them afterwards."""
    started: list[FakeCloudFirewall] = []

    def start(records: int = 95, faults: Faults | None = None, token: str | None = None) -> FakeCloudFirewall:
        account = Account(ACCESS_KEY_ID, ACCESS_KEY_SECRET, token)
        server = FakeCloudFirewall(records=records, accounts=[account], faults=faults)
        started.append(server.__enter__())
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


@dataclass(frozen=True)
class CliResult:
    """Exit code and output of one CLI run."""

    code: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> CliResult:
    """Run ``cfw-checker`` in this process and capture its output."""
    # Imported here so that the tests that need no CLI run even while it cannot be imported.
    from checker.cli.main import run

    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=stdout, stderr=stderr)
    return CliResult(code, stdout.getvalue(), stderr.getvalue())


def fetch_cli(server: FakeCloudFirewall, output: Path, *extra: str) -> CliResult:
    """Run ``cfw-checker fetch`` against ``server`` with the test window, writing ``output``."""
    return run_cli("fetch", *WINDOW, "--endpoint", server.endpoint, "--output", str(output), *extra)


def read_json(path: Path) -> Any:
    """Load a JSON file written by the fetch."""
    return json.loads(path.read_text(encoding="utf-8"))
