"""The console entry point: exit codes and behaviour at the process level."""

from __future__ import annotations

import subprocess
import sys


def test_closed_pipe_ends_quietly() -> None:
    # A reader that closes early, like `cfw-checker policies docs | head -1`.
    process = subprocess.Popen(
        [sys.executable, "-c", "from checker.cli.main import main; main()", "policies", "docs"],
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
