"""Request pacing that stays under a rate and backs off when the API throttles.

Requests are spaced ``1 / rate`` seconds apart (a token bucket holding one token), so
bursts never exceed the rate. On throttling the rate halves, at most once per second, so
one burst of throttled replies counts once. Each success then adds a small step back
towards the maximum (additive increase, multiplicative decrease).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

#: Lowest rate the limiter falls to, in requests per second.
MIN_RATE = 0.5
#: Requests per second added back after each successful request.
RECOVERY_STEP = 0.1
#: Minimum seconds between two rate cuts.
CUT_INTERVAL = 1.0


class RateLimiter:
    """An async pacer shared by all concurrent page requests of one fetch."""

    def __init__(self, max_rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if max_rate <= 0:
            raise ValueError(f"max_rate must be positive, got {max_rate}")
        self.max_rate = max_rate
        self.rate = max_rate
        self.cuts = 0
        self._clock = clock
        self._next_slot = clock()
        self._last_cut = float("-inf")
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait for the next free slot."""
        async with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self.rate
        delay = slot - now
        if delay > 0:
            await asyncio.sleep(delay)

    def pause(self, seconds: float) -> None:
        """Hold every later request back for ``seconds``, as a server's retry-after requests."""
        self._next_slot = max(self._next_slot, self._clock() + seconds)

    def throttled(self) -> None:
        """Halve the rate after a throttling reply, at most once per :data:`CUT_INTERVAL`."""
        now = self._clock()
        if now - self._last_cut < CUT_INTERVAL:
            return
        self._last_cut = now
        self.cuts += 1
        floor = min(MIN_RATE, self.max_rate)
        self.rate = max(floor, self.rate / 2)

    def succeeded(self) -> None:
        """Raise the rate by one :data:`RECOVERY_STEP`, up to the maximum."""
        if self.rate < self.max_rate:
            self.rate = min(self.max_rate, self.rate + RECOVERY_STEP)
