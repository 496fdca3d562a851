"""Finding severities and their order."""

from __future__ import annotations

import enum


class Severity(str, enum.Enum):
    """How much a finding matters, from ``info`` (lowest) to ``critical`` (highest)."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the order info < low < medium < high < critical, starting at 0."""
        return _RANKS[self]

    def at_least(self, threshold: Severity) -> bool:
        """Tell whether this severity is at or above ``threshold``."""
        return _RANKS[self] >= _RANKS[threshold]


_RANKS = {severity: rank for rank, severity in enumerate(Severity)}

#: Severities from the highest to the lowest, the order reports list them in.
DESCENDING = tuple(reversed(Severity))
