"""Follow-up questions right under the question that triggers them, as GOV.UK reveals them."""

from __future__ import annotations

import re

from tests.render.conftest import CTX

import formkit
from formkit import Problem
from formkit.render import Renderer


def _order(html: str, *ids: str) -> list[int]:
    return [html.index(f'id="{i}"') for i in ids]


def test_a_follow_up_is_shown_right_under_its_trigger(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.step(forms["evenement"], "evenement", {}, [], CTX)
    soort, block, ander, omschrijving = _order(
        html,
        "fk-evenement-soort",
        "fk-evenement-soort--vervolg",
        "fk-evenement-andereSoort",
        "fk-evenement-omschrijving",
    )
    assert soort < block < ander < omschrijving
    select = re.search(r'<select [^>]*id="fk-evenement-soort"[^>]*>', html)
    assert select
    assert 'aria-controls="fk-evenement-soort--vervolg"' in select[0]
    assert "Alleen als u ‘Ander soort evenement’ kiest bij ‘Soort evenement’." in html


def test_only_the_options_that_reveal_a_follow_up_control_it(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.step(forms["evenement"], "veiligheid", {}, [], CTX)
    radios = re.findall(r'<input [^>]*name="/veiligheid/versterkteMuziek"[^>]*>', html)
    controlling = [
        r for r in radios if 'aria-controls="fk-veiligheid-versterkteMuziek--vervolg"' in r
    ]
    assert len(radios) == 2
    assert controlling == [radios[0]]
    assert 'value="true"' in controlling[0]
    music, level, stage = _order(
        html,
        "fk-veiligheid-versterkteMuziek--vervolg",
        "fk-veiligheid-geluidsniveau",
        "fk-veiligheid-podiumOfTent",
    )
    assert music < level < stage
    assert "Alleen als u ‘Ja’ kiest bij ‘Is er versterkte muziek?’." in html


def test_every_alternative_of_a_choice_follows_it(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.step(forms["evenement"], "organisator", {}, [], CTX)
    block = html.split('id="fk-organisator-soort--vervolg"')[1].split("fk-organisatorInMechelen")[0]
    for name in ("voornaam", "achternaam", "naam", "ondernemingsnummer"):
        assert f'id="fk-organisator-{name}"' in block
    assert "Alleen als u ‘Privépersoon’ kiest bij ‘Soort organisator’." in block
    assert (
        "Alleen als u ‘Vzw (vereniging zonder winstoogmerk)’, ‘Feitelijke vereniging’ of "
        "‘Bedrijf’ kiest bij ‘Soort organisator’." in block
    )


def test_the_summary_follows_the_page_with_its_follow_ups(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    problems = [
        Problem("/evenement/toegang", "required", "Duid aan wie er mag komen."),
        Problem("/evenement/andereSoort", "required", "Vul in wat voor evenement het is."),
        Problem("/evenement/omschrijving", "required", "Beschrijf het evenement."),
    ]
    html = renderer.step(forms["evenement"], "evenement", {}, problems, CTX)
    summary = html.split('class="fk-error-summary__list"')[1].split("</ul>")[0]
    assert re.findall(r">([^<>]+)</a>", summary) == [
        "Vul in wat voor evenement het is.",
        "Beschrijf het evenement.",
        "Duid aan wie er mag komen.",
    ]
