"""Made once per object of a loaded form, found again by the object's identity.

A form's fields and their lists of choices live as long as the form; what a page derives from
them alone (a select's options, an input's type and attributes) is the same on every render.
Hashing them to find it again costs more than making it (249 countries: over a millisecond a
page), so the cache keys on `id()`. Each entry holds its object, so that the id is not reused
while cached.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

K = TypeVar("K")
T = TypeVar("T")
_CACHED = 1024


def by_identity(made: Callable[[K], T]) -> Callable[[K], T]:
    cache: dict[int, tuple[K, T]] = {}

    @wraps(made)
    def cached(key: K) -> T:
        hit = cache.get(id(key))
        if hit is not None and hit[0] is key:
            return hit[1]
        if len(cache) >= _CACHED:
            cache.clear()
        result = made(key)
        cache[id(key)] = (key, result)
        return result

    return cached
