"""The console entry point: exit codes and behaviour at the process level."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    # Enough rules that the listing overflows the pipe buffer (64 KiB on Linux).
    rules = "".join(
        f"  - {{id: MANY-{index:04d}, title: {'long title ' * 8}, severity: low, "
        "when: {field: HasAcl, equals: false}}\n"
        for index in range(1500)
    )
    policy = tmp_path / "many.yaml"
    policy.write_text("rules:\n" + rules, encoding="utf-8")

    # A reader that closes early, like `cfw-checker policies list many.yaml | head -1`.
    process = subprocess.Popen(
        [sys.executable, "-c", "from checker.cli.main import main; main()", "policies", "list", str(policy)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.readline()
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 0
    assert b"Traceback" not in stderr
    assert b"BrokenPipeError" not in stderr


def test_version_option() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "checker", "--version"], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 0
    assert completed.stdout.startswith("cfw-checker ")
