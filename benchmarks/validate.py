"""How much formkit's validation costs above the bare validator it is built on.

For each form in schemas/ and for a valid and an invalid answer document, prints the median
time per call of:

- `formkit.validate(form, answers, now=...)`: every problem, with Dutch messages and rules;
- the raw jsonschema-rs validator on the same (bundled) schema, with the same formats:
  `is_valid` for a valid document, `list(iter_errors(...))` for an invalid one;
- the pure-Python `jsonschema` library with a FormatChecker (and formkit's formats), as a
  second, much slower baseline.

The goal: formkit within 2x of raw jsonschema-rs. Compare ratios within one run; absolute
numbers on a shared machine move between runs (docs: PERFORMANCE.md).

    python benchmarks/validate.py [--iterations 2000] [--slow-iterations 200]
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import re
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jsonschema

import formkit
from _timing import median_us
from formkit import Form, Kind
from formkit.forms._engine import compile_validator
from formkit.forms._formats import CHECKERS

ROOT = Path(__file__).resolve().parents[1]
FORMS = ("evenement", "bewonersinitiatief", "bouwaanvraag")
NOW = datetime(2026, 11, 28, tzinfo=UTC)
GOAL = 2.0  # formkit at most this many times the raw jsonschema-rs validator
WARMUP = 200

Leaf = tuple[str, Any, Any, Any]  # pointer, container, key or index, value
Found = tuple[str, Any, Any, formkit.Field]  # pointer, container, key or index, field


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000, help="timed calls (fast paths)")
    parser.add_argument(
        "--slow-iterations", type=int, default=200, help="timed calls for python jsonschema"
    )
    options = parser.parse_args()

    print(
        f"Python {platform.python_version()}, formkit {version('formkit')}, "
        f"jsonschema-rs {version('jsonschema-rs')}, jsonschema {version('jsonschema')}"
    )
    print(
        f"median µs per call: {options.iterations} calls after {WARMUP} warm-up "
        f"(python jsonschema: {options.slow_iterations}); now = {NOW.isoformat()}"
    )
    print()
    header = (
        f"{'form':<20} {'answers':<14} {'problems':>8} {'formkit':>9} {'jsonschema-rs':>14} "
        f"{'ratio':>6} {'jsonschema':>11}  goal ≤{GOAL:g}x"
    )
    print(header)
    print("-" * len(header))
    notes: list[str] = []
    misses = 0
    for name in FORMS:
        path = ROOT / "schemas" / f"{name}.json"
        if not path.is_file():
            notes.append(f"{name}: {path.relative_to(ROOT)} does not exist (yet)")
            continue
        try:
            form = formkit.load_form(path)
        except formkit.FormError as error:
            notes.append(f"{name}: cannot be loaded: {error}")
            continue
        valid_path = _answers_path(name)
        if valid_path is None:
            notes.append(f"{name}: no tests/data/{name}/valid-full.json or valid-minimal.json")
            continue
        valid = json.loads(valid_path.read_text(encoding="utf-8"))
        invalid, broken = break_answers(form, valid)
        schema = form.schema  # self-contained: shared definitions bundled
        raw = compile_validator(schema)
        python = _python_validator(schema)
        for label, answers in ((valid_path.stem, valid), ("invalid", invalid)):
            row = _measure(form, raw, python, answers, options)
            if answers is valid and row.problems:
                notes.append(f"{name}: {valid_path.name} is not valid: {row.problems} problems")
            misses += row.ratio > GOAL
            if isinstance(row.python, str):
                notes.append(f"{name}: python jsonschema: {row.python}")
            print(
                f"{name:<20} {label:<14} {row.problems:>8} {row.formkit:>9.1f} {row.raw:>14.1f} "
                f"{row.ratio:>5.2f}x {_python_cell(row.python):>11}  "
                f"{'yes' if row.ratio <= GOAL else 'NO'}"
            )
        notes.append(f"{name}: invalid answers: {'; '.join(broken)}")
    print()
    print(f"Goal: formkit.validate within {GOAL:g}x of raw jsonschema-rs on the same schema.")
    print("Rows missing it:", misses)
    for note in notes:
        print("-", note)
    return 0


class _Row:
    def __init__(
        self, problems: int, formkit_us: float, raw_us: float, python_us: float | str
    ) -> None:
        self.problems = problems
        self.formkit = formkit_us
        self.raw = raw_us
        self.ratio = formkit_us / raw_us
        self.python = python_us


def _measure(form: Form, raw: Any, python: Any, answers: Any, options: Any) -> _Row:
    problems = formkit.validate(form, answers, now=NOW)
    if raw.is_valid(answers):

        def raw_call() -> Any:
            return raw.is_valid(answers)

        def python_call() -> Any:
            return python.is_valid(answers)
    else:

        def raw_call() -> Any:
            return list(raw.iter_errors(answers))

        def python_call() -> Any:
            return list(python.iter_errors(answers))

    formkit_us = median_us(
        lambda: formkit.validate(form, answers, now=NOW), options.iterations, WARMUP
    )
    raw_us = median_us(raw_call, options.iterations, WARMUP)
    python_us: float | str
    try:
        python_us = median_us(python_call, options.slow_iterations, 20)
    except re.error as error:  # `\p{...}` in a pattern: Python's re cannot compile it
        python_us = f"pattern not supported by Python's re: {error}"
    return _Row(len(problems), formkit_us, raw_us, python_us)


def _python_cell(value: float | str) -> str:
    return f"{value:.1f}" if isinstance(value, float) else "n/a"


def _answers_path(name: str) -> Path | None:
    for stem in ("valid-full", "valid-minimal"):
        path = ROOT / "tests" / "data" / name / f"{stem}.json"
        if path.is_file():
            return path
    return None


def _python_validator(schema: Any) -> Any:
    """The pure-Python validator, formats asserted, formkit's own formats included."""
    checker = jsonschema.FormatChecker()
    for name, check in CHECKERS.items():
        checker.checks(name)(check)
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


# The invalid document: the valid one with several fields broken, found by what the form says
# about them, so it follows the forms as they change.
BAD_FORMATS = {"email": "geen-e-mailadres", "phone": "12", "be-postal-code": "0999"}


def break_answers(form: Form, valid: Any) -> tuple[Any, list[str]]:
    """A copy of `valid` with about five mistakes, and what was broken."""
    answers = copy.deepcopy(valid)
    broken: list[str] = []
    touched: set[str] = set()

    def first(test: Callable[[formkit.Field, Any], bool]) -> Found | None:
        """The first answered field (in document order) passing `test`, not broken yet."""
        for pointer, container, key, value in _leaves(answers, ""):
            field = form.field(pointer)
            if pointer not in touched and field is not None and test(field, value):
                touched.add(pointer)
                return pointer, container, key, field
        return None

    if found := first(lambda f, v: f.format == "be-national-number"):
        pointer, container, key, _ = found
        container[key] = ""
        broken.append(f"{pointer} blanked")
    if found := first(
        lambda f, v: (
            f.kind in {Kind.NUMBER, Kind.INTEGER}
            and not isinstance(v, bool)
            and any(f.schema.get(k, -1) >= 0 for k in ("minimum", "exclusiveMinimum"))
        )
    ):
        pointer, container, key, _ = found
        container[key] = -5
        broken.append(f"{pointer} = -5")
    if found := first(lambda f, v: f.format in BAD_FORMATS):
        pointer, container, key, field = found
        container[key] = BAD_FORMATS[str(field.format)]
        broken.append(f"{pointer} = {container[key]!r}")
    if found := first(lambda f, v: f.required and f.kind is Kind.TEXT and f.format is None):
        pointer, container, key, _ = found
        if isinstance(container, dict):
            del container[key]
            broken.append(f"{pointer} dropped (required)")
    if isinstance(answers, dict) and form.schema.get("additionalProperties") is False:
        answers["onbekendVeld"] = "x"
        broken.append("/onbekendVeld added (unknown)")
    return answers, broken


def _leaves(node: Any, pointer: str) -> Iterator[Leaf]:
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        here = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
        if isinstance(value, dict | list):
            yield from _leaves(value, here)
        else:
            yield here, node, key, value


if __name__ == "__main__":
    sys.exit(main())
