"""Counting requests per client in memory: GCRA, one number per client, a clock handed in.

The event loop runs `take` from start to end without a pause, so no lock is needed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from formkit.settings import Settings

Clock = Callable[[], float]  # seconds, only ever compared with each other
_FORGET_AFTER = 10_000  # clients remembered before those back at a full budget are forgotten


@dataclass(slots=True)
class Limiter:
    """At most `requests` per `window` seconds per key, as GCRA counts them.

    A key may send `requests` at once, then one more every `window / requests` seconds. Per
    key one number is kept: the moment its budget is full again. 0 requests: no limit.
    """

    requests: int
    window: float
    clock: Clock = time.monotonic
    _full_at: dict[str, float] = field(default_factory=dict)
    _forgot_at: float = -math.inf

    def take(self, key: str) -> float:
        """Count a request of `key`: 0 when it may pass, else the seconds until one may."""
        if self.requests <= 0:
            return 0.0
        now = self.clock()
        full_at = max(self._full_at.get(key, now), now) + self.window / self.requests
        wait = full_at - now - self.window
        if wait > 0:
            return wait  # a refused request does not count: waiting is enough
        self._full_at[key] = full_at
        if len(self._full_at) > _FORGET_AFTER and now - self._forgot_at >= self.window:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        """Forget keys back at a full budget: to the limiter they are as good as new.

        At most once a window, so that many clients at once do not make every request scan.
        """
        self._full_at = {key: full for key, full in self._full_at.items() if full > now}
        self._forgot_at = now


@dataclass(frozen=True, slots=True)
class RateLimits:
    per_address: Limiter  # /verificatie, /aanvullen, and the API without a valid key
    per_key: Limiter  # the API with a valid key

    @classmethod
    def of(cls, settings: Settings, clock: Clock = time.monotonic) -> RateLimits:
        window = settings.rate_limit_window.total_seconds()
        return cls(
            Limiter(settings.rate_limit_anonymous, window, clock),
            Limiter(settings.rate_limit_api_key, window, clock),
        )
