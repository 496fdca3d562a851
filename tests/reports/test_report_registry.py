"""Tests of the report registry and write_reports()."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.reports import FORMATS, write_reports
from checker.result import ScanResult


def test_formats_name_default_files() -> None:
    assert {name: report.file_name for name, report in FORMATS.items()} == {
        "html": "report.html",
        "junit": "junit.xml",
        "json": "results.json",
        "sarif": "results.sarif",
        "markdown": "summary.md",
    }


def test_write_reports_creates_folder(tmp_path: Path, sample: ScanResult) -> None:
    output = tmp_path / "nested" / "reports"

    written = write_reports(sample, output, ["json", "junit", "html"])

    assert written == [output / "results.json", output / "junit.xml", output / "report.html"]
    assert sorted(os.listdir(output)) == ["junit.xml", "report.html", "results.json"]
    for path in written:
        assert path.stat().st_size > 0


def test_write_reports_skips_duplicate_names(tmp_path: Path, sample: ScanResult) -> None:
    written = write_reports(sample, tmp_path, ["json", "json"])

    assert written == [tmp_path / "results.json"]


def test_unknown_format_is_rejected(tmp_path: Path, sample: ScanResult) -> None:
    with pytest.raises(InputError) as caught:
        write_reports(sample, tmp_path, ["json", "pdf"])

    assert str(caught.value) == "unknown report format 'pdf': choose from html, junit, json, sarif, markdown."
    assert os.listdir(tmp_path) == []


def test_output_folder_is_a_file(tmp_path: Path, sample: ScanResult) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder")

    with pytest.raises(InputError) as caught:
        write_reports(sample, blocker, ["json"])

    assert str(caught.value) == (
        f"failed to create the output folder {blocker}: File exists. Pass a writable folder with --output-dir."
    )


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_is_reported(tmp_path: Path, sample: ScanResult) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(InputError) as caught:
            write_reports(sample, tmp_path, ["junit"])
    finally:
        tmp_path.chmod(0o700)

    assert str(caught.value) == (
        f"failed to write the junit report {tmp_path / 'junit.xml'}: Permission denied. "
        "Check that the folder is writable and the disk has space, or pass another --output-dir."
    )


def test_report_path_is_a_folder(tmp_path: Path, sample: ScanResult) -> None:
    (tmp_path / "results.json").mkdir()

    with pytest.raises(InputError) as caught:
        write_reports(sample, tmp_path, ["json"])

    assert str(caught.value) == (
        f"failed to write the json report {tmp_path / 'results.json'}: Is a directory. "
        "Check that the folder is writable and the disk has space, or pass another --output-dir."
    )
    assert os.listdir(tmp_path) == ["results.json"]
