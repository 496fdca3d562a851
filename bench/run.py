"""Measure ``cfw-checker scan`` against its baselines and print Markdown tables.

Every measurement runs in a fresh process. Wall time is taken around that process,
interpreter start included. Peak RSS is ``ru_maxrss`` from ``os.wait4`` on it, which is the
largest single process of its tree. Runs with worker processes also get the peak of the
summed proportional set size (Pss) of the whole tree, sampled every 20 ms from ``/proc``.
Medians and ranges are over ``--runs`` runs, and over ``--slow-runs`` runs for Cloud
Custodian; the runs go in rounds of one run per engine. The per-rule finding counts of every engine are compared with those of
``scan``, and a mismatch exits 1.

Usage::

    .venv/bin/python bench/generate.py --sizes 10k,200k
    .venv/bin/python bench/run.py --sizes 200k --shapes response --runs 5 --jobs 1,2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import SHAPE_FILES, SIZES, input_path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
CHECKER = PYTHON.with_name("cfw-checker")
PACKS = {"ten": str(ROOT / "bench" / "ten-rules.yaml"), "builtin": "builtin"}
BASELINES = ("orjson", "python-loop", "c7n", "c7n-list-item", "duckdb")


@dataclass
class Measurement:
    """Runs of one engine on one input."""

    label: str
    seconds: list[float] = field(default_factory=list)
    max_rss_mb: list[float] = field(default_factory=list)
    tree_pss_mb: list[float] = field(default_factory=list)
    counts: dict[str, int] | None = None


class TreeSampler(threading.Thread):
    """Sample the summed Pss of a process and its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.02):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _tree(self.pid)))


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for current in pids:
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as stream:
                    pids.extend(int(child) for child in stream.read().split())
        except OSError:
            continue
    return pids


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as stream:
            for line in stream:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_once(command: list[str], measurement: Measurement, *, sample_tree: bool) -> str:
    """Run ``command`` once, append its wall time and memory, and return its stdout."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr)
        sampler = TreeSampler(process.pid) if sample_tree else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.stopped.set()
            sampler.join()
            measurement.tree_pss_mb.append(sampler.peak_kb / 1024)
        stdout.seek(0)
        stderr.seek(0)
        output, errors = stdout.read().decode(), stderr.read().decode()

    # scan exits 1 when findings reach --fail-on; the harness passes --fail-on never.
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{errors[-3000:]}")
    measurement.seconds.append(seconds)
    measurement.max_rss_mb.append(usage.ru_maxrss / 1024)
    return output


def scan_command(path: Path, packs: Sequence[str], formats: str, output_dir: Path, jobs: int | None) -> list[str]:
    """Return the ``scan`` command line of one measurement."""
    command = [str(CHECKER), "scan", str(path)]
    for pack in packs:
        command += ["--policies", PACKS[pack]]
    command += ["--format", formats, "--output-dir", str(output_dir), "--fail-on", "never", "-q"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    return command


@dataclass
class Engine:
    """One command to measure, its runs, and where its per-rule counts come from."""

    measurement: Measurement
    command: list[str]
    runs: int
    #: True for a baseline, which prints its counts as JSON.
    prints_counts: bool = False
    #: results.json that a scan writes, or None when it writes none.
    results: Path | None = None
    sample_tree: bool = False

    def run(self) -> None:
        """Run the command once and record its counts."""
        output = run_once(self.command, self.measurement, sample_tree=self.sample_tree)
        if self.prints_counts:
            self.measurement.counts = json.loads(output)["counts"]
        elif self.results is not None and self.results.exists():
            document = json.loads(self.results.read_text(encoding="utf-8"))
            self.measurement.counts = {rule["id"]: rule["findings"] for rule in document["rules"]}


def scan_engine(path: Path, pack: str, formats: str, jobs: int | None, runs: int, output_dir: Path) -> Engine:
    """Return the ``scan`` engine of one pack, report formats and ``--jobs`` value."""
    label = f"scan {pack}"
    if jobs is not None:
        label += f" --jobs {jobs}"
    if formats != "json,junit":
        label += f" ({formats})"
    folder = output_dir / label.replace(" ", "_").replace("(", "").replace(")", "")
    return Engine(
        Measurement(label),
        scan_command(path, [pack], formats, folder, jobs),
        runs,
        results=folder / "results.json" if "json" in formats.split(",") else None,
        sample_tree=jobs != 1,
    )


def baseline_engine(engine: str, path: Path, runs: int) -> Engine:
    """Return a baseline engine, run through ``bench/measure.py``."""
    command = [str(PYTHON), str(ROOT / "bench" / "measure.py"), engine, str(path)]
    return Engine(Measurement(engine), command, runs, prints_counts=True)


def measure(engines: list[Engine]) -> None:
    """Run the engines in rounds, one run of each per round, so that load changes hit all alike."""
    for round_number in range(max(engine.runs for engine in engines)):
        for engine in engines:
            if round_number < engine.runs:
                engine.run()


def check_counts(reference: Measurement, others: list[Measurement]) -> list[str]:
    """Return a line for every engine whose per-rule counts differ from ``reference``."""
    problems: list[str] = []
    for other in others:
        if other.counts is not None and other.counts != reference.counts:
            problems.append(f"{other.label}: {other.counts} differs from {reference.label}: {reference.counts}")
    return problems


def table(title: str, records: int, size_mb: float, measurements: list[Measurement]) -> str:
    """Format the measurements of one input as a Markdown table, ratios against orjson."""
    floor = next((item for item in measurements if item.label == "orjson"), None)
    floor_seconds = statistics.median(floor.seconds) if floor else None
    lines = [
        f"#### {title}: {records:,} records, {size_mb:.0f} MB",
        "",
        "| engine | median s (range) | × orjson time | × orjson, same round | records/s | peak RSS MB | × file size | tree Pss MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for item in measurements:
        median = statistics.median(item.seconds)
        ratio = f"{median / floor_seconds:.2f}" if floor_seconds else "-"
        paired = "-"
        if floor and len(item.seconds) == len(floor.seconds) > 1:
            # The run of each round divided by the orjson run of the same round, so that
            # slow rounds on a shared machine affect both sides of the ratio.
            rounds = [seconds / floor_run for seconds, floor_run in zip(item.seconds, floor.seconds)]
            paired = f"{statistics.median(rounds):.2f} ({min(rounds):.2f}-{max(rounds):.2f})"
        rss = statistics.median(item.max_rss_mb)
        pss = f"{max(item.tree_pss_mb):.0f}" if item.tree_pss_mb else "-"
        lines.append(
            f"| {item.label} | {median:.2f} ({min(item.seconds):.2f}-{max(item.seconds):.2f}) | {ratio} | {paired} | "
            f"{records / median:,.0f} | {rss:.0f} | {rss / size_mb:.2f} | {pss} |"
        )
    return "\n".join(lines)


def machine() -> str:
    """Describe the machine: CPU model, cores, memory, Python."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        memory_kb = 0
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {memory_kb / 1024 / 1024:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line of the harness."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cfw-bench"), help="folder of bench/generate.py output")
    parser.add_argument("--sizes", default="200k", help="comma-separated sizes among " + ", ".join(SIZES))
    parser.add_argument("--shapes", default="response", help="comma-separated shapes among " + ", ".join(SHAPE_FILES))
    parser.add_argument("--packs", default="ten", help="comma-separated policy packs among " + ", ".join(PACKS))
    parser.add_argument("--engines", default=",".join(BASELINES), help="baselines to run beside scan (empty for none)")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values of scan; 'none' leaves the option out")
    parser.add_argument("--html", action="store_true", help="also measure scan with the HTML report alone")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default: %(default)s)")
    parser.add_argument("--slow-runs", type=int, default=1, help="runs of Cloud Custodian (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="also write every raw measurement to this JSON file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Measure every requested input and print one table per input."""
    args = parse_args(argv)
    jobs_values = [None if value == "none" else int(value) for value in args.jobs.split(",") if value]
    names = [name for name in args.engines.split(",") if name]
    print(f"Machine: {machine()}\n")

    problems: list[str] = []
    raw: list[dict[str, object]] = []
    for size in args.sizes.split(","):
        for shape in args.shapes.split(","):
            path = input_path(args.data_dir, size, shape)
            with tempfile.TemporaryDirectory(prefix="cfw-bench-") as folder:
                engines = [baseline_engine(name, path, args.slow_runs if name.startswith("c7n") else args.runs) for name in names]
                for pack in args.packs.split(","):
                    engines += [scan_engine(path, pack, "json,junit", jobs, args.runs, Path(folder)) for jobs in jobs_values]
                if args.html:
                    engines.append(scan_engine(path, "ten", "html", jobs_values[0], args.runs, Path(folder)))
                measure(engines)

            measurements = [engine.measurement for engine in engines]
            scans = [item for item in measurements if item.label.startswith("scan ten") and item.counts is not None]
            if scans:
                problems += check_counts(scans[0], [item for item in measurements if item.label in BASELINES] + scans[1:])
            size_mb = path.stat().st_size / 1e6
            print(table(f"{size} {shape}", SIZES[size], size_mb, measurements) + "\n", flush=True)
            raw += [{"size": size, "shape": shape, **item.__dict__} for item in measurements]

    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "measurements": raw}, indent=2) + "\n")
    for problem in problems:
        print(f"count mismatch: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
