"""Every construct has a control, or `formkit check` refuses it: a form that passes can always
be filled in, and its answers come back from the pages as they went in.

Refusals are tested one by one; then hypothesis builds forms from the constructs, nested, and
holds each to the promise: refused with a message that names the construct, or every answer
document a browser can give comes back unchanged through the pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tests.conftest import NOW, write_json
from tests.render.answers import documents
from tests.render.browser import exactly, post, through_the_pages
from tests.render.conftest import CTX

import formkit
from formkit import Kind
from formkit.render import Renderer, decode_step, prune

ROOT = Path(__file__).resolve().parents[1]


def _form(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Proef",
        "type": "object",
        "x-formkit": {
            "prefix": "PRF",
            "steps": [{"id": "een", "title": "Een", "properties": list(fields)}],
        },
        "properties": fields,
    }


def _refusals(tmp_path: Path, fields: dict[str, Any]) -> list[str]:
    path = write_json(tmp_path / "proef.json", _form(fields))
    try:
        formkit.load_form(path)
    except formkit.FormError as error:
        return [str(p).removeprefix(f"{path}:") for p in error.problems]
    return []


OBJECT = {"type": "object", "properties": {"a": {"title": "A", "type": "string"}}}


@pytest.mark.parametrize(
    ("schema", "said"),
    [
        ({"type": ["string", "number"]}, "has several types"),
        ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, "alternatives (oneOf/anyOf)"),
        ({"anyOf": [{"type": "string", "maxLength": 3}, {"type": "integer"}]}, "alternatives"),
        (
            {
                "type": "object",
                "properties": OBJECT["properties"],
                "additionalProperties": {"type": "string"},
            },
            "beside its named properties",
        ),
        (
            {"type": "object", "patternProperties": {"^x": {}, "^y": {"type": "integer"}}},
            "allows keys it does not declare",
        ),
        (
            {"type": "object", "additionalProperties": {"type": "array", "items": {}}},
            "a map of lists",
        ),
        ({"type": "array", "prefixItems": [{"title": "A", "type": "string"}]}, "are open"),
        (
            {"type": "array", "items": False, "prefixItems": [{"title": "A", "type": "array"}]},
            "a tuple's positions are values",
        ),
    ],
)
def test_a_construct_the_pages_cannot_ask_is_refused_at_its_place(
    tmp_path: Path, schema: dict[str, Any], said: str
) -> None:
    refusals = _refusals(tmp_path, {"veld": {"title": "Veld", **schema}})
    assert any(r.startswith("/properties/veld") and said in r for r in refusals), refusals


def test_an_allof_of_objects_is_one_group_of_all_their_properties(tmp_path: Path) -> None:
    second = {"properties": {"b": {"title": "B", "type": "integer"}}, "required": ["b"]}
    fields = {"veld": {"title": "Veld", "allOf": [OBJECT, second]}}
    path = write_json(tmp_path / "proef.json", _form(fields))
    form = formkit.load_form(path)
    (veld,) = form.fields
    assert veld.kind is Kind.OBJECT
    assert [(c.name, c.required) for c in veld.children] == [("a", False), ("b", True)]
    html = Renderer(ROOT / "renderers" / "templates").step(form, "een", {}, [], CTX)
    fieldset = html.split('id="fk-veld"')[1].split("</fieldset>")[0]
    assert 'name="/veld/a"' in fieldset
    assert 'name="/veld/b"' in fieldset


def test_a_null_only_field_has_no_control_and_keeps_its_null(tmp_path: Path) -> None:
    fields = {
        "naam": {"title": "Naam", "type": "string"},
        "leeg": {"title": "Leeg", "type": "null"},
        "misschien": {"title": "Misschien", "type": "null"},
    }
    form_schema = {**_form(fields), "required": ["leeg"]}
    form = formkit.load_form(write_json(tmp_path / "proef.json", form_schema))
    renderer = Renderer(ROOT / "renderers" / "templates")
    html = renderer.step(form, "een", {}, [], CTX)
    assert "Leeg" not in html  # nothing to ask
    assert "Misschien" not in html
    assert through_the_pages(renderer, form, {}, CTX) == {"leeg": None}
    given = {"naam": "x", "leeg": None, "misschien": None}
    assert through_the_pages(renderer, form, given, CTX) == given
    assert Renderer(ROOT / "renderers" / "templates").review(form, given, CTX).count("Leeg") == 0


def test_a_null_made_required_by_the_same_post_is_put_in_place(tmp_path: Path) -> None:
    fields = {
        "naam": {"title": "Naam", "type": "string"},
        "leeg": {"title": "Leeg", "type": "null"},
    }
    schema = {
        **_form(fields),
        "if": {"required": ["naam"]},
        "then": {"required": ["leeg"]},
    }
    form = formkit.load_form(write_json(tmp_path / "proef.json", schema))
    html = Renderer(ROOT / "renderers" / "templates").step(form, "een", {}, [], CTX)
    assert 'name="/leeg"' not in html  # not required yet: nothing to keep
    posted = [(n, "Anna" if n == "/naam" else v) for n, v in post(html)]
    decoded = decode_step(form, "een", posted, {}).answers
    assert decoded == {"naam": "Anna", "leeg": None}
    assert formkit.validate(form, decoded, now=NOW) == []


def test_a_choice_an_object_and_its_lists_pass(tmp_path: Path) -> None:
    fields = {
        "keuze": {"title": "Keuze", "oneOf": [{"const": "a", "title": "A"}]},
        "rijen": {"title": "Rijen", "type": "array", "items": OBJECT},
        "lijst": {"title": "Lijst", "type": "array", "items": {"type": "string"}},
    }
    assert _refusals(tmp_path, fields) == []


# Forms built from the constructs, nested --------------------------------------------------

_TITLES = st.sampled_from(["Naam", "Aantal", "Bedrag", "Datum", "Keuze", "Opmerking"])
_LEAVES: list[dict[str, Any]] = [
    {"type": "string", "maxLength": 40},
    {"type": "integer", "minimum": 0, "maximum": 100},
    {"type": "number", "minimum": 0, "maximum": 100},
    {"type": "boolean"},
    {"type": "string", "format": "date"},
    {"oneOf": [{"const": "ja", "title": "Ja"}, {"const": "nee", "title": "Nee"}]},
    {"type": "null"},
]
_REFUSED: list[dict[str, Any]] = [
    {"type": ["string", "integer"]},
    {"oneOf": [{"type": "string"}, {"type": "integer"}]},
    {"type": "object", "additionalProperties": {"type": "null"}},
    {"type": "array", "prefixItems": [{"title": "A", "type": "string"}]},
]
_SAID = (
    "several types",
    "alternatives",
    "a map of lists",
    "are open",
)


def _titled(schema: dict[str, Any], title: str) -> dict[str, Any]:
    return {"title": title, **schema}


def _fields(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    names = st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=3, unique=True)
    return names.flatmap(
        lambda keys: st.tuples(*[st.tuples(children, _TITLES) for _ in keys]).map(
            lambda parts: {k: _titled(s, t) for k, (s, t) in zip(keys, parts, strict=True)}
        )
    )


def _construct() -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.sampled_from(_LEAVES)
    values = st.sampled_from(_LEAVES[:-1])  # not null: a tuple's positions are values
    closed = st.lists(st.tuples(values, _TITLES), min_size=1, max_size=3).flatmap(
        lambda parts: st.integers(0, len(parts)).map(
            lambda least: {
                "type": "array",
                "prefixItems": [_titled(s, t) for s, t in parts],
                "items": False,
                "minItems": least,
            }
        )
    )
    refused = st.sampled_from(_REFUSED)

    def nested(inner: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        objects = _fields(inner).map(lambda props: {"type": "object", "properties": props})
        # an allOf of objects: one group of all their properties
        merged = st.tuples(_fields(inner), _fields(inner)).map(
            lambda two: {
                "allOf": [{"type": "object", "properties": two[0]}, {"properties": two[1]}]
            }
        )
        groups = objects.map(lambda item: {"type": "array", "items": item, "maxItems": 3})
        lists = st.just({"type": "array", "items": {"type": "string", "maxLength": 20}})
        # a list of lists: a repeatable group of lists, or of groups
        nested_lists = st.one_of(groups, lists).map(
            lambda item: {"type": "array", "items": {"title": "Reeks", **item}, "maxItems": 3}
        )
        # a map: keys the citizen names, each with a value or an object
        maps = st.one_of(values, objects).map(
            lambda value: {"type": "object", "additionalProperties": {"title": "Waarde", **value}}
        )
        # alternatives no const tells apart: the citizen chooses one by its title
        chosen = st.lists(_fields(inner), min_size=2, max_size=3).map(
            lambda branches: {
                "type": "object",
                "anyOf": [
                    {"title": f"Keuze {i + 1}", "properties": {f"{k}{i}": v for k, v in b.items()}}
                    for i, b in enumerate(branches)
                ],
            }
        )
        return st.one_of(objects, merged, groups, lists, nested_lists, maps, chosen)

    # a refused construct one leaf in eight: most forms are then whole enough to post
    plain = st.one_of(leaf, closed)
    base = st.integers(0, 7).flatmap(lambda i: refused if i == 0 else plain)
    return st.recursive(base, nested, max_leaves=6)


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(fields=_fields(_construct()), data=st.data())
def test_a_form_of_any_constructs_is_refused_or_round_trips(
    tmp_path_factory: pytest.TempPathFactory, fields: dict[str, Any], data: st.DataObject
) -> None:
    path = write_json(tmp_path_factory.mktemp("vorm") / "proef.json", _form(fields))
    try:
        form = formkit.load_form(path)
    except formkit.FormError as error:
        problems = " ".join(str(p) for p in error.problems)
        assert any(said in problems for said in _SAID), problems
        event("refused by check")
        return
    event("filled in and posted")
    renderer = Renderer(ROOT / "renderers" / "templates")
    document = data.draw(documents(form))
    back = through_the_pages(renderer, form, document, CTX)
    assert exactly(prune(form, back)) == exactly(prune(form, document))
    assert exactly(back) == exactly(prune(form, document, choices=True))


def test_a_draft_07_tuple_is_a_fieldset_of_its_positions_once_closed(tmp_path: Path) -> None:
    pair = {"title": "Paar", "type": "array", "items": [{"title": "Links", "type": "string"}]}
    form = _form({"paar": pair, "naam": {"title": "Naam", "type": "string"}})
    form["$schema"] = "http://json-schema.org/draft-07/schema#"
    path = write_json(tmp_path / "proef.json", form)
    with pytest.raises(formkit.FormError) as refused:
        formkit.load_form(path)
    (problem,) = refused.value.problems
    assert str(problem).endswith(
        "/properties/paar: 'paar' is a tuple whose further items are open: the pages ask its "
        'positions only; add "additionalItems": false or a maxItems of 1'
    )
    pair["additionalItems"] = False
    loaded = formkit.load_form(write_json(tmp_path / "proef.json", form))
    paar = loaded.field("/paar/0")
    assert paar is not None
    assert paar.title == "Links"
    renderer = Renderer(ROOT / "renderers" / "templates")
    given = {"paar": ["links"], "naam": "x"}
    assert through_the_pages(renderer, loaded, given, CTX) == given


def test_a_tuple_is_a_fieldset_of_its_positions(tmp_path: Path) -> None:
    point = {
        "title": "Coördinaat",
        "type": "array",
        "minItems": 2,
        "items": False,
        "prefixItems": [
            {"title": "Breedte", "type": "number"},
            {"title": "Lengte", "type": "number"},
            {"title": "Naam", "type": "string"},
        ],
    }
    form = formkit.load_form(write_json(tmp_path / "proef.json", _form({"punt": point})))
    assert [(p.pointer, p.required) for p in form.fields[0].children] == [
        ("/punt/0", True),
        ("/punt/1", True),
        ("/punt/2", False),
    ]
    renderer = Renderer(ROOT / "renderers" / "templates")
    html = renderer.step(form, "een", {"punt": [51.03, 4.48]}, [], CTX)
    fieldset = html.split('id="fk-punt"')[1].split("</fieldset>")[0]
    for name in ("/punt/0", "/punt/1", "/punt/2"):
        assert f'name="{name}"' in fieldset
    given = {"punt": [51.03, 4.48, "Grote Markt"]}
    assert through_the_pages(renderer, form, given, CTX) == given
    # a blank position before a filled one stays in its place, and is said there
    posted = [
        (n, "" if n == "/punt/0" else v)
        for n, v in post(renderer.step(form, "een", given, [], CTX))
    ]
    decoded = decode_step(form, "een", posted, {}).answers
    assert decoded == {"punt": [None, 4.48, "Grote Markt"]}
    (problem,) = formkit.validate(form, decoded, now=NOW)
    assert problem.pointer == "/punt/0"


@pytest.mark.parametrize(
    "draft",
    ["http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2019-09/schema"],
)
def test_a_form_in_an_older_draft_is_checked_against_that_drafts_meta_schema(
    tmp_path: Path, draft: str
) -> None:
    # 2020-12 has no additionalItems (an unknown keyword there); draft-07 and 2019-09 say it
    # is a schema
    form = _form({"naam": {"title": "Naam", "type": "array", "additionalItems": 5}})
    form["$schema"] = draft
    path = write_json(tmp_path / "proef.json", form)
    with pytest.raises(formkit.FormError) as refused:
        formkit.load_form(path)
    (problem,) = refused.value.problems
    assert (
        str(problem)
        == f"{path}:/properties/naam/additionalItems: 5 is not of type 'object', 'boolean'"
    )
    form["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    assert _refusals(tmp_path, form["properties"]) == []


def test_a_draft_07_form_without_tuples_is_validated_by_draft_07_rules(tmp_path: Path) -> None:
    form = _form({"naam": {"title": "Naam", "type": "string", "maxLength": 3}})
    form["$schema"] = "http://json-schema.org/draft-07/schema#"
    loaded = formkit.load_form(write_json(tmp_path / "proef.json", form))
    assert loaded.engine.is_valid({"naam": "abc"})
    assert not loaded.engine.is_valid({"naam": "abcd"})
