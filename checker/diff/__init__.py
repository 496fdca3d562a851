"""Pre-change review: compare two scans (results.json files or records files) finding by finding."""

from checker.diff.compare import DestinationChange, DiffResult, RecordChanges, compare_sides
from checker.diff.sides import Side, load_side

__all__ = ["DestinationChange", "DiffResult", "RecordChanges", "Side", "compare_sides", "load_side"]
