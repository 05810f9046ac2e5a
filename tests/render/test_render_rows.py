"""Adding and removing rows of repeatable groups and lists, without any script."""

from __future__ import annotations

import copy

from tests.conftest import answers
from tests.render.browser import Page, post
from tests.render.conftest import CTX

import formkit
from formkit.render import Move, Renderer, decode_step


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
