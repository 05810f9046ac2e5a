"""How the micro-benchmarks time a call: the median of single calls, with the GC held off."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any


def median_us(call: Callable[[], Any], iterations: int, warmup: int = 0) -> float:
    """Median wall time of one call in µs, each call timed on its own (no GC pauses)."""
    for _ in range(warmup):
        call()
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(iterations):
            start = time.perf_counter_ns()
            call()
            times.append(time.perf_counter_ns() - start)
    finally:
        gc.enable()
    return statistics.median(times) / 1000
