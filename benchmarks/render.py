"""What the citizen's pages cost: time to render each step of each form, and bytes per page.

For every step of every form in schemas/, prints the median time of:

- rendering the step filled in with `tests/data/<form>/valid-full.json`;
- rendering it rejected: posted blank, decoded, validated, with an error summary and messages;
- rendering its largest version: every repeatable group, list and file list at its maximum;
- decoding the filled-in step as a browser posts it;

and the bytes of the filled-in page and of the largest page, HTML plus the style sheet and the
scripts it loads (a step: formkit.css and formkit.js; dossier.css is for the pages after the
steps). Baseline in the same run: the error page, the smallest page there is
(what any page costs: the template engine and the layout).

Goals: every page, filled in or rejected, under 2 ms to render and under 60 KB uncompressed;
the largest pages (50 parcels, 10 persons: as long as their rows) under 5 ms and 120 KB. No
page needs the script to be filled in and filed (tests/render/test_render_roundtrip.py posts
them without one).

    python benchmarks/render.py [--iterations 500]
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the browser's way of posting a page: tests/render/browser.py

from tests.render.browser import post  # noqa: E402

import formkit  # noqa: E402
from _timing import median_us  # noqa: E402
from formkit import Kind  # noqa: E402
from formkit.render import PageContext, Renderer, decode_step, problems_for_step  # noqa: E402
from formkit.web._static import served  # noqa: E402

FORMS = ("evenement", "bewonersinitiatief", "bouwaanvraag")
TEMPLATES = ROOT / "renderers" / "templates"
STATIC = ROOT / "renderers" / "static"
NOW = datetime(2026, 11, 28, tzinfo=UTC)
CTX = PageContext(base_path="/formulieren", csrf_field_name="_csrf", csrf_token="x" * 43)
GOAL_MS = 2.0
GOAL_BYTES = 60_000
# The largest variants (every group at its maximum: 50 parcels, 10 persons).
LARGEST_MS = 5.0
LARGEST_BYTES = 120_000
WARMUP = 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=500, help="timed calls per cell")
    iterations = parser.parse_args().iterations
    renderer = Renderer(TEMPLATES)
    first = formkit.load_form(ROOT / "schemas" / f"{FORMS[0]}.json")
    common = _assets(renderer.step(first, first.steps[0].id, {}, [], CTX))
    versions = f"formkit {version('formkit')}, Jinja2 {version('jinja2')}"
    print(f"Python {platform.python_version()}, {versions}")
    print(f"median ms per call, {iterations} calls after {WARMUP} warm-up; KB = 1000 bytes")
    print(
        f"every step also loads formkit.css and formkit.js: {common / 1000:.1f} KB together;"
        " a page with a total, totals.js (counted with that page)"
    )
    baseline = _median_ms(
        lambda: renderer.error_page(404, "Niet gevonden", "Weg.", CTX), iterations
    )
    print(f"baseline: the error page renders in {baseline:.3f} ms")
    print()
    header = (
        f"{'form':<19} {'step':<17} {'filled':>7} {'rejected':>8} {'largest':>8} {'decode':>7}"
        f" {'KB page':>8} {'KB largest':>10}  goals"
    )
    print(header)
    print("-" * len(header))
    misses = 0
    for form_id in FORMS:
        form = formkit.load_form(ROOT / "schemas" / f"{form_id}.json")
        full = json.loads((ROOT / "tests" / "data" / form_id / "valid-full.json").read_text())
        largest = _at_maximum(form, full)
        for step in form.steps:
            row = _row(renderer, form, step.id, full, largest, iterations)
            met = max(row[:2]) <= GOAL_MS and row[4] <= GOAL_BYTES
            met = met and row[2] <= LARGEST_MS and row[5] <= LARGEST_BYTES
            misses += not met
            print(
                f"{form_id:<19} {step.id:<17} {row[0]:>7.3f} {row[1]:>8.3f} {row[2]:>8.3f}"
                f" {row[3]:>7.3f} {row[4] / 1000:>8.1f} {row[5] / 1000:>10.1f}  "
                f"{'yes' if met else 'NO'}"
            )
    print()
    print(
        f"Goals, for the filled-in and rejected pages: render ≤ {GOAL_MS:g} ms, "
        f"page (HTML + CSS + JS) ≤ {GOAL_BYTES // 1000} KB; for the largest, ≤ {LARGEST_MS:g} ms "
        f"and ≤ {LARGEST_BYTES // 1000} KB."
    )
    print("Rows missing them:", misses)
    return 0


def _row(
    renderer: Renderer,
    form: formkit.Form,
    step_id: str,
    full: Any,
    largest: Any,
    iterations: int,
) -> tuple[float, float, float, float, int, int]:
    filled = renderer.step(form, step_id, full, [], CTX)
    blank = decode_step(form, step_id, post(renderer.step(form, step_id, {}, [], CTX)), {})
    problems = problems_for_step(form, step_id, formkit.validate(form, blank.answers, now=NOW))
    posted = post(filled)
    biggest = renderer.step(form, step_id, largest, [], CTX)
    return (
        _median_ms(lambda: renderer.step(form, step_id, full, [], CTX), iterations),
        _median_ms(lambda: renderer.step(form, step_id, blank.answers, problems, CTX), iterations),
        _median_ms(lambda: renderer.step(form, step_id, largest, [], CTX), iterations),
        _median_ms(lambda: decode_step(form, step_id, posted, full), iterations),
        len(filled.encode()) + _assets(filled),
        len(biggest.encode()) + _assets(biggest),
    )


def _assets(page: str) -> int:
    """The bytes of the style sheets and scripts the page loads from /static/, as served."""
    names = set(re.findall(r'(?:href|src)="/static/([a-z]+\.(?:css|js))"', page))
    return sum(len(served(STATIC / name)) for name in names)


def _at_maximum(form: formkit.Form, answers: Any) -> Any:
    """`answers` with every repeatable group, list and file list repeated up to its maximum."""
    document = copy.deepcopy(answers)

    def grow(fields: tuple[formkit.Field, ...], node: Any) -> None:
        if not isinstance(node, dict):
            return
        for field in fields:
            value = node.get(field.name)
            if field.kind is Kind.OBJECT:
                grow(field.children, value)
            elif isinstance(value, list) and value and field.max_items:
                node[field.name] = [
                    copy.deepcopy(value[i % len(value)]) for i in range(field.max_items)
                ]
                for row in node[field.name]:
                    grow(field.children, row)

    grow(form.fields, document)
    return document


def _median_ms(call: Callable[[], Any], iterations: int) -> float:
    return median_us(call, iterations, WARMUP) / 1000


if __name__ == "__main__":
    sys.exit(main())
