"""Adding and removing rows of repeatable groups and lists, without any script."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tests.conftest import answers
from tests.render.browser import Page, post
from tests.render.conftest import CTX

import formkit
from formkit.render import Move, Renderer, decode_step, problems_for_step

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def test_adding_a_row_keeps_what_was_typed_and_adds_a_blank_row(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bewonersinitiatief"]
    html = renderer.step(form, "initiatiefnemers", {}, [], CTX)
    posted = [
        (name, "Anna" if name == "/initiatiefnemers/0/voornaam" else value)
        for name, value in post(html, "toevoegen:/initiatiefnemers")
    ]
    decoded = decode_step(form, "initiatiefnemers", posted, {})
    assert decoded.action.move is Move.ADD
    assert decoded.action.stays
    rows = decoded.answers["initiatiefnemers"]
    assert len(rows) == 3
    assert rows[0]["voornaam"] == "Anna"
    assert rows[2] == {}
    assert decoded.anchor == "fk-initiatiefnemers-2"
    again = renderer.step(form, "initiatiefnemers", decoded.answers, [], CTX)
    assert 'id="fk-initiatiefnemers-2"' in again
    assert "Initiatiefnemer 3</h3>" in again
    assert again.count("verwijderen:/initiatiefnemers/") == 3  # above the minimum of two


def test_removing_a_row_closes_the_gap(forms: dict[str, formkit.Form], renderer: Renderer) -> None:
    form = forms["evenement"]
    earlier = answers("evenement", "valid-full")
    html = renderer.step(form, "materiaal", earlier, [], CTX)
    decoded = decode_step(form, "materiaal", post(html, "verwijderen:/materiaal/1"), earlier)
    expected = copy.deepcopy(earlier["materiaal"])
    del expected[1]
    assert decoded.answers["materiaal"] == expected
    assert decoded.anchor == "fk-materiaal"


def test_rows_posted_with_gaps_come_back_in_order(forms: dict[str, formkit.Form]) -> None:
    posted = [
        ("/materiaal/4", ""),
        ("/materiaal/4/aantal", "4"),
        ("/materiaal/0", ""),
        ("/materiaal/0/aantal", "1"),
    ]
    decoded = decode_step(forms["evenement"], "materiaal", posted, {})
    assert decoded.answers["materiaal"] == [{"aantal": 1}, {"aantal": 4}]


def test_removing_the_last_row_of_an_optional_group_leaves_no_answer(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    earlier = {"materiaal": [{"soort": "tafels", "aantal": 4}]}
    html = renderer.step(form, "materiaal", earlier, [], CTX)
    decoded = decode_step(form, "materiaal", post(html, "verwijderen:/materiaal/0"), earlier)
    assert "materiaal" not in decoded.answers


def test_no_button_adds_beyond_the_maximum(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    full = answers("evenement", "valid-full")  # five kinds of material: the maximum
    html = renderer.step(form, "materiaal", full, [], CTX)
    assert ("_actie", "toevoegen:/materiaal") not in Page(html).buttons
    posted = [*post(html), ("_actie", "toevoegen:/materiaal")]
    decoded = decode_step(form, "materiaal", posted[::-1], full)  # a crafted post
    assert len(decoded.answers["materiaal"]) == 5


def test_a_list_grows_and_shrinks_a_text_input_at_a_time(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bewonersinitiatief"]
    earlier = answers("bewonersinitiatief", "valid-full")
    streets = earlier["initiatief"]["straten"]
    html = renderer.step(form, "initiatief", earlier, [], CTX)
    grown = decode_step(form, "initiatief", post(html, "toevoegen:/initiatief/straten"), earlier)
    assert grown.answers["initiatief"]["straten"] == [*streets, ""]
    html = renderer.step(form, "initiatief", grown.answers, [], CTX)
    assert f'id="fk-initiatief-straten-{len(streets)}"' in html
    shrunk = decode_step(
        form, "initiatief", post(html, "verwijderen:/initiatief/straten/0"), earlier
    )
    assert shrunk.answers["initiatief"]["straten"] == [*streets[1:], ""]


def test_a_blank_row_stays_so_its_messages_show_at_its_fields(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bewonersinitiatief"]
    html = renderer.step(form, "initiatiefnemers", {}, [], CTX)
    decoded = decode_step(form, "initiatiefnemers", post(html), {})
    assert decoded.answers["initiatiefnemers"] == [{"adres": {}}, {"adres": {}}]


def _described_by_ids(html: str) -> list[str]:
    return [i for found in re.findall(r'aria-describedby="([^"]*)"', html) for i in found.split()]


def _ten_applicants() -> dict[str, Any]:
    document = answers("bouwaanvraag", "valid-full")
    people = document["aanvragers"]["personen"]
    document["aanvragers"]["personen"] = [copy.deepcopy(people[i % 2]) for i in range(10)]
    return document


def test_later_rows_point_at_the_first_rows_hints_instead_of_repeating_them(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.step(forms["bouwaanvraag"], "aanvragers", _ten_applicants(), [], CTX)
    first_hint = "fk-aanvragers-personen-0-rijksregisternummer--hint"
    assert html.count(f'id="{first_hint}"') == 1
    assert 'id="fk-aanvragers-personen-4-rijksregisternummer--hint"' not in html
    tag = re.search(r'<input[^>]*id="fk-aanvragers-personen-4-rijksregisternummer"[^>]*>', html)
    assert tag is not None
    assert f'aria-describedby="{first_hint}"' in tag.group(0)
    # A part shown under a condition keeps its hints: the first row may hide its own.
    assert 'id="fk-aanvragers-personen-4-adres-postcode--hint"' in html
    # Every id that describes a control is on the page.
    assert all(f'id="{i}"' in html for i in _described_by_ids(html))


def test_a_later_row_whose_first_row_is_prefilled_keeps_its_own_hints(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    document = _ten_applicants()
    first = document["aanvragers"]["personen"][0]
    locked = {
        f"/aanvragers/personen/0/{name}": first[name]
        for name in ("voornaam", "achternaam", "rijksregisternummer")
    }
    ctx = replace(CTX, prefilled=locked)
    html = renderer.step(forms["bouwaanvraag"], "aanvragers", document, [], ctx)
    assert 'id="fk-aanvragers-personen-1-rijksregisternummer--hint"' in html
    assert all(f'id="{i}"' in html for i in _described_by_ids(html))


def test_a_later_row_with_a_problem_is_described_by_the_first_rows_hint_and_its_message(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bouwaanvraag"]
    document = _ten_applicants()
    document["aanvragers"]["personen"][3]["rijksregisternummer"] = "123"
    problems = problems_for_step(form, "aanvragers", formkit.validate(form, document, now=NOW))
    html = renderer.step(form, "aanvragers", document, problems, CTX)
    tag = re.search(r'<input[^>]*id="fk-aanvragers-personen-3-rijksregisternummer"[^>]*>', html)
    assert tag is not None
    assert (
        'aria-describedby="fk-aanvragers-personen-0-rijksregisternummer--hint '
        'fk-aanvragers-personen-3-rijksregisternummer--fout"'
    ) in tag.group(0)
    assert all(f'id="{i}"' in html for i in _described_by_ids(html))


def test_the_table_of_conditions_holds_each_condition_once(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.step(forms["bouwaanvraag"], "aanvragers", _ten_applicants(), [], CTX)
    raw = re.search(r'<script type="application/json" id="fk-when">(.*?)</script>', html)
    assert raw is not None
    table = json.loads(raw.group(1))
    written = [json.dumps(c, sort_keys=True) for c in table["conditions"]]
    assert len(written) == len(set(written))
    persons = {"properties": {"soort": {"const": "natuurlijke-personen"}}, "required": ["soort"]}
    assert sum(c["test"] == persons for c in table["conditions"]) == 1
    # every person's address guards name it, by its index
    assert len(table["guards"]) > 10
