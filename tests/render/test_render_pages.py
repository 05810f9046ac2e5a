"""The pages around the steps: the list of forms, Overzicht, Bevestiging, errors; escaping."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest
from tests.conftest import SCHEMAS, answers
from tests.render.browser import post
from tests.render.conftest import CTX, TEMPLATES

import formkit
from formkit.render import PageContext, Renderer, decode_step


def test_the_form_list_links_to_each_form(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.form_list(list(forms.values()), CTX)
    assert '<a href="/formulieren/evenement">Evenement melden of aanvragen</a>' in html
    assert html.count("<h1") == 1
    custom = PageContext(form_urls={"evenement": "/e/evt"})
    assert 'href="/e/evt"' in renderer.form_list([forms["evenement"]], custom)


def test_the_review_lists_every_answer_in_words_in_a_card_per_step(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    html = renderer.review(
        form, answers("evenement", "valid-full"), CTX, sizes={"grondplan-1": 1_340_000}
    )
    assert html.count("<h1") == 1
    assert ">Overzicht</h1>" in html
    for step in form.steps:  # a card per step, with one link to change it
        assert '<h2 class="fk-summary-card__title" id="fk-stap-' in html
        assert f">{step.title}</h2>" in html
        assert f'Wijzig<span class="fk-visually-hidden"> {step.title}</span>' in html
    assert "28 augustus 2027 om 14:00" in html  # a moment, in Brussels time
    assert ">\nNee</dd>" in html  # the organiser does not live in Mechelen
    assert "Ander soort evenement" in html  # a choice by its title, not its value
    assert "2.500" in html  # visitors, with a thousands separator
    assert "<li>Blustoestellen</li>" in html
    assert "grondplan-veemarkt.pdf (1,3 MB)" in html
    assert "0456.781.215" in html
    assert "#fk-evenement-begin" not in html  # no link per answer: one per card
    # A row of a repeatable group is a card of its own, with its own link.
    assert '<h4 class="fk-summary-card__title" id="fk-materiaal-4--kaart">Materiaal 5</h4>' in html
    assert 'href="/formulieren/evenement/materiaal#fk-materiaal-4">Wijzig' in html
    assert html.count(">Wijzig<") == len(form.steps) + html.count("fk-summary-card--row")
    assert 'value="indienen">Indienen</button>' in html


def test_the_review_names_the_chosen_alternative_by_its_title(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.review(forms["evenement"], answers("evenement", "valid-full"), CTX)
    assert re.search(r"Soort organisator</dt>\s*<dd[^>]*>\s*Vzw \(vereniging", html)


def test_the_review_shows_only_what_applies(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    document = copy.deepcopy(answers("evenement", "valid-full"))
    document["veiligheid"]["versterkteMuziek"] = False
    html = renderer.review(form, document, CTX)
    assert "Verwacht geluidsniveau" not in html


def test_the_review_shows_dates_numbers_and_long_texts_the_dutch_way(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bewonersinitiatief"]
    document = copy.deepcopy(answers("bewonersinitiatief", "valid-full"))
    document["initiatief"]["datum"] = "2027-03-01"
    document["initiatief"]["omschrijving"] = "Eerste lijn\nTweede lijn"
    document["financiering"]["begroting"][0]["bedrag"] = 1234.5
    html = renderer.review(form, document, CTX)
    assert "1 maart 2027" in html
    assert "1.234,5" in html
    assert "fk-summary__value--long" in html
    assert "BE73 7350 1234 5660" in html


def test_the_confirmation_shows_the_dossier_number(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.confirmation(forms["evenement"], CTX, "EVT-2026-000123")
    assert "Uw aanvraag is ingediend" in html
    assert "EVT-2026-000123" in html
    assert html.count("<h1") == 1


def test_without_a_number_the_confirmation_says_clearly_nothing_was_filed(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.confirmation(forms["evenement"], CTX, None)
    assert "Uw aanvraag is nog niet ingediend." in html
    assert "dossiernummer is" not in html
    assert 'href="/formulieren/evenement/overzicht"' in html


def test_an_error_page_in_the_style_of_the_site(renderer: Renderer) -> None:
    html = renderer.error_page(
        413, "Bestand te groot", "Een bestand mag hoogstens 20 MB zijn.", CTX
    )
    assert "<title>Bestand te groot – e-loket Stad Mechelen</title>" in html
    assert "Foutcode 413" in html
    assert "formkit.css" in html


_NASTY = '<script>alert("x")</script> & \'quotes\' "too"'


def test_answers_are_escaped_everywhere_and_come_back_unchanged(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    document = copy.deepcopy(answers("evenement", "valid-full"))
    document["evenement"]["naam"] = _NASTY
    document["evenement"]["omschrijving"] = _NASTY + "\n</textarea><b>"
    document["bijlagen"]["grondplan"]["naam"] = _NASTY
    for html in (
        renderer.step(form, "evenement", document, [], CTX),
        renderer.step(form, "bijlagen", document, [], CTX),
        renderer.review(form, document, CTX),
    ):
        assert "<script>" not in html
        assert "</textarea><b>" not in html
    html = renderer.step(form, "evenement", document, [], CTX)
    assert 'value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quotes&#39;' in html
    decoded = decode_step(form, "evenement", post(html), document).answers
    assert decoded["evenement"]["naam"] == _NASTY
    assert decoded["evenement"]["omschrijving"] == document["evenement"]["omschrijving"]
    files = renderer.step(form, "bijlagen", document, [], CTX)
    assert decode_step(form, "bijlagen", post(files), document).answers == document


def test_a_message_and_page_context_are_escaped_too(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    problem = formkit.Problem("/evenement/naam", "x", "<img src=x onerror=alert(1)>")
    ctx = PageContext(csrf_field_name="_csrf", csrf_token='"><script>', action='/x"y')
    html = renderer.step(forms["evenement"], "evenement", {}, [problem], ctx)
    assert "<img" not in html
    assert "<script>" not in html
    assert 'action="/x&#34;y"' in html


def test_the_review_titles_an_answer_as_its_alternative_does(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    document = copy.deepcopy(answers("evenement", "valid-full"))
    document["organisator"] = {
        "soort": "bedrijf",
        "naam": "Feest bv",
        "ondernemingsnummer": "0456781215",
    }
    html = renderer.review(forms["evenement"], document, CTX)
    assert re.search(r"Naam van het bedrijf</dt>\s*<dd[^>]*>\s*Feest bv", html)
    assert "van de vzw" not in html


def test_the_review_writes_amounts_phone_numbers_and_ibans_for_people(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.review(
        forms["bewonersinitiatief"], answers("bewonersinitiatief", "valid-full"), CTX
    )
    assert ">\n280,50 EUR</dd>" in html  # a budget line (`display: "amount"`)
    assert ">\n500,00 EUR</dd>" in html  # the amount asked
    assert ">\n+32 15 12 34 56</dd>" in html  # +3215123456, grouped as Belgium writes it
    assert ">\nBE73 7350 1234 5660</dd>" in html
    assert (
        '<a class="fk-back-link" href="/formulieren/bewonersinitiatief/bijlagen">Terug</a>' in html
    )


def test_an_amount_display_on_a_text_is_refused_by_check(tmp_path: Path) -> None:
    document = json.loads((SCHEMAS / "evenement.json").read_text(encoding="utf-8"))
    document["properties"]["evenement"]["properties"]["naam"]["x-formkit"] = {"display": "amount"}
    shutil.copytree(SCHEMAS / "defs", tmp_path / "defs")
    shutil.copy(SCHEMAS / "organisatie.json", tmp_path / "organisatie.json")
    (tmp_path / "evenement.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(formkit.FormError, match="'naam' shows as an amount but is not a number"):
        formkit.load_form(tmp_path / "evenement.json")


def test_a_step_loads_only_the_forms_style_sheet_and_the_overzicht_the_dossier_sheet_too(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    document = answers("evenement", "valid-full")
    step = renderer.step(form, "organisator", document, [], CTX)
    assert "/formkit.css" in step
    assert "/dossier.css" not in step
    review = renderer.review(form, document, CTX)
    assert "/formkit.css" in review
    assert "/dossier.css" in review


def test_an_inlined_template_is_included_while_restyling_so_that_changes_show(
    tmp_path: Path,
) -> None:
    shutil.copytree(TEMPLATES, tmp_path, dirs_exist_ok=True)
    form = formkit.load_form(SCHEMAS / "evenement.json")
    document = answers("evenement", "valid-full")
    restyling = Renderer(tmp_path, auto_reload=True)
    assert 'class="fk-input' in restyling.step(form, "evenement", document, [], CTX)
    field = tmp_path / "fields" / "input.html"
    field.write_text(field.read_text().replace('class="fk-input', 'class="stad-input'))
    assert 'class="stad-input' in restyling.step(form, "evenement", document, [], CTX)
    # without auto_reload the input's markup is compiled into _macros.html, from its own file
    assert 'class="stad-input' in Renderer(tmp_path).step(form, "evenement", document, [], CTX)
