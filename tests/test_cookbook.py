"""The cookbook (docs/cookbook.md) says what the form file says: each step of
docs/cookbook/kookboek.json has its section, its schema word for word and its picture, and the
form passes check and takes its answers back from its pages unchanged."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from tests.conftest import NOW, ROOT, answers
from tests.render.browser import exactly, through_the_pages
from tests.render.conftest import CTX, TEMPLATES

import formkit
from formkit.render import Renderer, prune

FOLDER = ROOT / "docs" / "cookbook"
RAW = json.loads((FOLDER / "kookboek.json").read_text(encoding="utf-8"))
STEPS = RAW["x-formkit"]["steps"]
_SECTION = re.compile(r"^## (.+?)\n(.*?)(?=^## |\Z)", re.S | re.M)
_JSON = re.compile(r"```json\n(.*?)\n```", re.S)


def _sections() -> dict[str, str]:
    text = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    return dict(_SECTION.findall(text))


def _written(step: dict[str, Any]) -> dict[str, Any]:
    """What the section's schema holds: the step's properties, and what they depend on."""
    block = _JSON.search(_sections()[step["title"]])
    assert block is not None, f"no schema under {step['title']!r}"
    written: dict[str, Any] = json.loads(block.group(1))
    return written


@pytest.mark.parametrize("step", STEPS, ids=[s["id"] for s in STEPS])
def test_each_step_has_its_section_with_the_forms_schema_and_its_picture(
    step: dict[str, Any],
) -> None:
    written = _written(step)
    for name, schema in written.pop("properties").items():
        assert name in step["properties"]
        assert schema == RAW["properties"].get(name), name
    for keyword, schema in written.items():  # `if`/`then`, `$defs`
        assert schema == RAW[keyword], keyword
    assert f"![{step['title']}](cookbook/{step['id']}.png)" in _sections()[step["title"]]
    assert (FOLDER / f"{step['id']}.png").stat().st_size > 1000


def test_the_cookbook_passes_check_and_its_answers_come_back_from_its_pages() -> None:
    form = formkit.load_form(FOLDER / "kookboek.json")
    document = answers("kookboek", "valid-full")
    assert formkit.validate(form, document, now=NOW) == []
    back = through_the_pages(Renderer(TEMPLATES), form, document, CTX)
    assert exactly(prune(form, back)) == exactly(document)  # the page's choices are no answers
