"""A list of lists is a repeatable group of lists (or of groups): each row is asked whole,
named as a row, with its own buttons, and comes back from the page as it went in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write_json
from tests.render.browser import Page, post, through_the_pages
from tests.render.conftest import CTX

import formkit
from formkit import Kind
from formkit.render import Renderer, decode_step

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Proef",
    "type": "object",
    "x-formkit": {
        "prefix": "PRF",
        "steps": [{"id": "een", "title": "Een", "properties": ["reeksen", "tabel"]}],
    },
    "properties": {
        "reeksen": {
            "title": "Reeksen",
            "type": "array",
            "maxItems": 3,
            "items": {
                "title": "Reeks",
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "maxLength": 20},
            },
        },
        "tabel": {
            "title": "Tabel",
            "type": "array",
            "items": {
                "title": "Blok",
                "type": "array",
                "items": {
                    "title": "Regel",
                    "type": "object",
                    "properties": {"a": {"title": "Omschrijving", "type": "string"}},
                },
            },
        },
    },
}
FILLED = {"reeksen": [["a", "b"], ["c"]], "tabel": [[{"a": "x"}, {}], [{"a": "y"}]]}


@pytest.fixture
def form(tmp_path: Path) -> formkit.Form:
    return formkit.load_form(write_json(tmp_path / "proef.json", SCHEMA))


def test_each_row_is_a_list_of_its_own_named_as_the_row(
    form: formkit.Form, renderer: Renderer
) -> None:
    reeksen = form.field("/reeksen")
    assert reeksen is not None
    assert reeksen.kind is Kind.LISTS
    assert form.field("/reeksen/1") is reeksen.children[0]
    page = Page(renderer.step(form, "een", FILLED, [], CTX))
    assert [name for name, _ in page.controls if name.startswith("/reeksen")] == [
        "/reeksen/0",
        "/reeksen/0/0",
        "/reeksen/0/1",
        "/reeksen/1",
        "/reeksen/1/0",
    ]
    html = renderer.step(form, "een", FILLED, [], CTX)
    assert "Reeks 2</legend>" in html or "Reeks 2</h" in html
    assert 'value="toevoegen:/reeksen/1"' in html  # an item to this row
    assert 'value="verwijderen:/reeksen/1"' in html  # this row
    assert 'value="toevoegen:/reeksen"' in html  # another row (3 at most)


def test_what_the_page_holds_comes_back_unchanged(form: formkit.Form, renderer: Renderer) -> None:
    assert through_the_pages(renderer, form, FILLED, CTX) == FILLED


@pytest.mark.parametrize(
    ("press", "expected", "anchor"),
    [
        ("toevoegen:/reeksen/1", {"reeksen": [["a", "b"], ["c", ""]]}, "fk-reeksen-1-1"),
        ("toevoegen:/reeksen", {"reeksen": [["a", "b"], ["c"], []]}, "fk-reeksen-2"),
        ("verwijderen:/reeksen/0/1", {"reeksen": [["a"], ["c"]]}, "fk-reeksen-0"),
        ("verwijderen:/reeksen/0", {"reeksen": [["c"]]}, "fk-reeksen"),
        ("toevoegen:/tabel/1", {"tabel": [[{"a": "x"}, {}], [{"a": "y"}, {}]]}, "fk-tabel-1-1"),
        ("verwijderen:/tabel/0/0", {"tabel": [[{}], [{"a": "y"}]]}, "fk-tabel-0"),
    ],
)
def test_rows_and_their_items_are_added_and_removed_without_a_script(
    form: formkit.Form,
    renderer: Renderer,
    press: str,
    expected: dict[str, Any],
    anchor: str,
) -> None:
    html = renderer.step(form, "een", FILLED, [], CTX)
    decoded = decode_step(form, "een", post(html, press), {})
    assert decoded.answers == {**FILLED, **expected}
    assert decoded.anchor == anchor


def test_a_new_row_asks_its_first_item_and_a_blank_row_stays_a_row(
    form: formkit.Form, renderer: Renderer
) -> None:
    html = renderer.step(form, "een", {"reeksen": [["a"], []]}, [], CTX)
    assert 'name="/reeksen/1/0"' in html  # the minimum of one item, blank
    decoded = decode_step(form, "een", post(html), {})
    assert decoded.answers == {"reeksen": [["a"], [""]]}


def test_the_overzicht_shows_each_row_by_its_name(form: formkit.Form, renderer: Renderer) -> None:
    html = renderer.review(form, FILLED, CTX)
    for shown in ("Reeksen", "Reeks 1", "Reeks 2", "Blok 1", "Blok 2", "Omschrijving"):
        assert shown in html
    assert "[&#39;" not in html  # never a Python list


def test_a_list_of_lists_of_files_is_refused(tmp_path: Path) -> None:
    schema = {
        **SCHEMA,
        "properties": {
            "reeksen": {
                "title": "Reeksen",
                "type": "array",
                "items": {
                    "title": "Reeks",
                    "type": "array",
                    "items": {"type": "string"},
                    "x-formkit": {
                        "attachment": {"mediaTypes": ["application/pdf"], "maxBytes": 1000}
                    },
                },
            }
        },
    }
    schema["x-formkit"] = {
        "prefix": "PRF",
        "steps": [{"id": "een", "title": "Een", "properties": ["reeksen"]}],
    }
    with pytest.raises(formkit.FormError) as refused:
        formkit.load_form(write_json(tmp_path / "proef.json", schema))
    assert "list of lists of files" in str(refused.value)
