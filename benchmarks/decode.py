"""What strict decoding of answers costs above msgspec's own decoding, which it refines.

For each form's full example answers (tests/data/<form>/valid-full.json, 2.5 to 3.2 KB of
UTF-8 JSON) prints the median time of one decode with:

- `msgspec.json.decode`: what the API decoded with before (duplicate keys: the last wins);
- `formkit.forms._strict_json.decode`: the same, refusing duplicate keys and deep nesting;

and, as the rare slow path, the same answers with one more, whose colon is written `\\u003a`.
The goal: strict decoding within 3x of msgspec's (a filing takes a few milliseconds; this is
microseconds). Compare ratios within one run; shared machines move absolute numbers.

    python benchmarks/decode.py [--iterations 20000]
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

import msgspec

from _timing import median_us
from formkit.forms import _strict_json

ROOT = Path(__file__).resolve().parents[1]
FORMS = ("evenement", "bewonersinitiatief", "bouwaanvraag")
GOAL = 3.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20000)
    iterations = parser.parse_args().iterations
    print(f"Python {platform.python_version()}, msgspec {msgspec.__version__}")
    print()
    print("| answers | bytes | msgspec µs | strict µs | ratio | strict, one `\\u003a` µs |")
    print("|---|---|---|---|---|---|")
    misses = 0
    for form in FORMS:
        body = (ROOT / "tests" / "data" / form / "valid-full.json").read_bytes()
        plain, strict, slow = _times(body, iterations)
        misses += strict > GOAL * plain
        print(
            f"| {form} | {len(body):,} | {plain:.1f} | {strict:.1f} | {strict / plain:.2f} "
            f"| {slow:.1f} |"
        )
    print()
    print(f"Goal: strict decoding within {GOAL:g}x of msgspec's. Rows missing it: {misses}")
    return 1 if misses else 0


def _times(body: bytes, iterations: int) -> tuple[float, float, float]:
    escaped = body.rstrip()[:-1] + b',"tijd":"10\\u003a00"}'  # one more, its colon escaped
    plain = median_us(lambda: msgspec.json.decode(body), iterations, 1000)
    strict = median_us(lambda: _strict_json.decode(body), iterations, 1000)
    slow = median_us(lambda: _strict_json.decode(escaped), iterations // 10, 100)
    return plain, strict, slow


if __name__ == "__main__":
    sys.exit(main())
