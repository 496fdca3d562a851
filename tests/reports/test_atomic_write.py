"""Tests of the atomic file write that every report goes through."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import pytest

from checker.reports.atomic import write_atomic


class WriterFailed(Exception):
    pass


def write_half_then_fail(stream: BinaryIO) -> None:
    stream.write(b"partial content")
    raise WriterFailed("disk went away")


def test_write_atomic_creates_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"

    write_atomic(target, lambda stream: stream.write(b"complete"))

    assert target.read_bytes() == b"complete"
    assert os.listdir(tmp_path) == ["report.txt"]


def test_write_atomic_replaces_old_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old")

    write_atomic(target, lambda stream: stream.write(b"new"))

    assert target.read_bytes() == b"new"


def test_failing_writer_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(b"old")

    with pytest.raises(WriterFailed):
        write_atomic(target, write_half_then_fail)

    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["report.txt"]


def test_failing_writer_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"

    with pytest.raises(WriterFailed):
        write_atomic(target, write_half_then_fail)

    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_write_atomic_applies_umask(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    previous = os.umask(0o027)
    try:
        write_atomic(target, lambda stream: stream.write(b"x"))
    finally:
        os.umask(previous)

    assert target.stat().st_mode & 0o777 == 0o640
