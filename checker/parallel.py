"""Evaluate the chunks of every input, in this process or in worker processes.

Worker processes get chunks of raw JSON records, decode them, evaluate the rules (which
each worker compiles itself from the same policy files) and return the DstIP of every
record with the findings. The main process merges the results in input order, so the
findings are the same whatever the number of workers or the chunk size.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import BinaryIO

from checker.errors import CheckerError, InputError
from checker.evaluation import ChunkEvaluator, ChunkResult
from checker.findings import Finding
from checker.records import Record
from checker.result import InputInfo
from checker.rules import PolicySet, Rule, load_policies, select_rules
from checker.severity import Severity
from checker.sources.chunks import RawChunk
from checker.sources.file import DEFAULT_CHUNK_RECORDS
from checker.sources.loader import RecordMerger, input_chunks, open_inputs
from checker.sources.valuesets import merge_observed, warn_about_undocumented

logger = logging.getLogger(__name__)

#: Total input size from which ``--jobs`` left at its default starts worker processes.
#: Below it, starting workers and sending them the records cost more than they saved: with 2
#: CPUs, 50,000 records (65 MB) took longer with 2 workers, 200,000 (182-280 MB) took less.
PARALLEL_MIN_BYTES = 128 << 20
#: Chunks sent to workers and not yet merged, per worker; bounds the memory in flight.
CHUNKS_IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class RuleSelection:
    """The policy files and selection options of a run, from which a worker compiles its rules."""

    policies: Sequence[str] = ("builtin",)
    param_overrides: Mapping[str, str] = field(default_factory=dict)
    rules: Sequence[str] = ()
    skip_rules: Sequence[str] = ()
    tags: Sequence[str] = ()
    skip_tags: Sequence[str] = ()
    severities: Sequence[Severity] = ()
    enable: Sequence[str] = ()

    def load(self) -> tuple[PolicySet, list[Rule]]:
        """Load and compile the policies and return them with the selected rules."""
        policy_set = load_policies(self.policies, param_overrides=dict(self.param_overrides))
        selected = select_rules(
            policy_set,
            rules=self.rules,
            skip_rules=self.skip_rules,
            tags=self.tags,
            skip_tags=self.skip_tags,
            severities=frozenset(self.severities),
            enable=self.enable,
        )
        return policy_set, list(selected)


@dataclass(frozen=True)
class EvaluatedInputs:
    """The findings of every input, and what was read."""

    findings: list[Finding]
    #: Records with at least one finding, by DstIP.
    records_by_ip: dict[str, Record]
    #: Records evaluated, after duplicates were merged.
    records_scanned: int
    inputs: tuple[InputInfo, ...]
    #: Reason the input is partial (accepted with ``--allow-partial``), or None when it is complete.
    partial_reason: str | None


def worker_count(paths: Sequence[str], jobs: int | None) -> int:
    """Return the number of worker processes to use; 1 means none.

    An explicit ``jobs`` is used as given. Left at None, it is the number of CPUs this
    process may run on, but only for inputs of at least :data:`PARALLEL_MIN_BYTES`.
    """
    if jobs is not None:
        return max(1, jobs)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    size = sum(os.path.getsize(path) for path in paths if path != "-" and os.path.isfile(path))
    return cpus if cpus > 1 and size >= PARALLEL_MIN_BYTES else 1


def evaluate_inputs(
    paths: Sequence[str],
    *,
    stdin: BinaryIO | None,
    allow_partial: bool,
    rules: Sequence[Rule],
    selection: RuleSelection,
    jobs: int | None = None,
    chunk_records: int = DEFAULT_CHUNK_RECORDS,
) -> EvaluatedInputs:
    """Read every input chunk by chunk, evaluate ``rules`` and merge the results.

    Only records with findings are kept. Raises :class:`InputError` (exit 2) for invalid
    or incomplete input, after reading every input, so that no partial result escapes.
    """
    readers = open_inputs(paths, stdin=stdin, chunk_records=chunk_records)
    merger = RecordMerger(readers)
    workers = worker_count(paths, jobs)
    findings: list[Finding] = []
    records_by_ip: dict[str, Record] = {}
    observed: dict[str, set[str]] = {}
    chunks = input_chunks(readers)
    if workers > 1:
        logger.info("evaluating with %d worker processes", workers)
        with ChunkPool(workers, selection) as pool:
            _merge(pool.evaluate(chunks), merger, findings, records_by_ip, observed)
    else:
        evaluator = ChunkEvaluator(rules)
        _merge(((index, evaluator(chunk)) for index, chunk in chunks), merger, findings, records_by_ip, observed)

    inputs, partial_reason = merger.finish(allow_partial=allow_partial)
    warn_about_undocumented(observed)
    return EvaluatedInputs(findings, records_by_ip, merger.records_kept, inputs, partial_reason)


def _merge(
    results: Iterable[tuple[int, ChunkResult]],
    merger: RecordMerger,
    findings: list[Finding],
    records_by_ip: dict[str, Record],
    observed: dict[str, set[str]],
) -> None:
    """Keep the findings of every record in input order, each (rule, DstIP) pair once.

    A DstIP that appears again (on another page, or in another input) counts as one
    record, but its later copies may hold other values. Their findings are kept too when
    the first copy did not have them, so that a duplicate can never hide a finding.
    """
    reported: set[tuple[str, str]] = set()
    for index, result in results:
        keep = merger.accept(index, result)
        if merger.failed:
            continue
        merge_observed(observed, result.observed)
        for position, record, record_findings in result.hits:
            key = result.keys[position]
            new = [finding for finding in record_findings if (finding.rule_id, key) not in reported]
            if not new:
                continue
            reported.update((finding.rule_id, key) for finding in new)
            findings.extend(new)
            records_by_ip.setdefault(record.DstIP, record)


class ChunkPool:
    """Worker processes that evaluate chunks, with a bounded number of chunks in flight."""

    def __init__(self, workers: int, selection: RuleSelection) -> None:
        self._window = workers * CHUNKS_IN_FLIGHT_PER_WORKER
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(_start_method()),
            initializer=_start_worker,
            initargs=(selection,),
        )
        # Start every worker now, so that they compile the policies while this process
        # reads the input, and so that fork happens before this process starts threads.
        for _ in range(workers):
            self._executor.submit(_ready)

    def __enter__(self) -> ChunkPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def evaluate(self, chunks: Iterable[tuple[int, RawChunk]]) -> Iterator[tuple[int, ChunkResult]]:
        """Evaluate ``chunks`` in the workers and yield the results in input order."""
        pending: deque[tuple[int, Future[ChunkResult]]] = deque()
        try:
            for index, chunk in chunks:
                pending.append((index, self._executor.submit(_evaluate_chunk, chunk)))
                if len(pending) >= self._window:
                    index, future = pending.popleft()
                    yield index, future.result()
            while pending:
                index, future = pending.popleft()
                yield index, future.result()
        except BrokenProcessPool as exc:
            raise InputError(
                "a worker process ended unexpectedly (out of memory?), so not every record was "
                "evaluated; run again with --jobs 1"
            ) from exc


def _start_method() -> str:
    """Return ``fork`` on Linux when this process has one thread, else ``spawn``.

    Forking a process with several threads can deadlock the child, and fork is unsafe
    with the system libraries on macOS.
    """
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


_worker_evaluator: ChunkEvaluator | None = None
_worker_error: str | None = None


def _start_worker(selection: RuleSelection) -> None:
    """Compile the rules in a new worker process."""
    global _worker_evaluator, _worker_error
    try:
        _policy_set, rules = selection.load()
        _worker_evaluator = ChunkEvaluator(rules)
    except CheckerError as exc:
        # Raised again for each chunk, because an initializer error would only break the pool.
        _worker_error = str(exc)


def _ready() -> None:
    """Do nothing; submitted once per worker to start it."""


def _evaluate_chunk(chunk: RawChunk) -> ChunkResult:
    if _worker_evaluator is None:
        raise InputError(f"a worker process failed to load the policies: {_worker_error}")
    return _worker_evaluator(chunk)
