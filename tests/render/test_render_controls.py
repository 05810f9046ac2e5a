"""Every construct of the three forms renders to the right, labelled, described control."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from tests.conftest import FORM_IDS, answers
from tests.render.browser import Page, conditions_table
from tests.render.conftest import CTX

import formkit
from formkit.render import PageContext, Renderer
from formkit.render._script import tabulate_conditions


def _step(renderer: Renderer, form: formkit.Form, step_id: str, document: Any = None) -> str:
    return renderer.step(form, step_id, document or {}, [], CTX)


def _tag(html: str, element_id: str) -> str:
    """The start tag of the element with `element_id`."""
    match = re.search(rf'<[a-z]+ [^>]*id="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no element with id {element_id!r}"
    return match.group(0)


def test_texts_are_text_inputs_with_a_label_and_autocomplete(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["evenement"], "organisator")
    tag = _tag(html, "fk-verantwoordelijke-voornaam")
    assert 'type="text"' in tag
    assert 'name="/verantwoordelijke/voornaam"' in tag
    assert 'autocomplete="given-name"' in tag
    assert '<label class="fk-label" for="fk-verantwoordelijke-voornaam">Voornaam</label>' in html


def test_long_texts_are_textareas(forms: dict[str, formkit.Form], renderer: Renderer) -> None:
    html = _step(renderer, forms["evenement"], "evenement")
    assert _tag(html, "fk-evenement-omschrijving").startswith("<textarea")


def test_numbers_are_text_inputs_with_a_numeric_keyboard(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["bewonersinitiatief"], "financiering")
    amount = _tag(html, "fk-financiering-verwachteInkomsten")
    assert 'type="text"' in amount
    assert 'inputmode="decimal"' in amount
    whole = _tag(
        _step(renderer, forms["evenement"], "evenement"), "fk-evenement-verwachteBezoekers"
    )
    assert 'inputmode="numeric"' in whole


def test_dates_moments_emails_and_phones_get_their_input_types(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    event = _step(renderer, forms["evenement"], "evenement")
    assert 'name="/evenement/begin#dag" type="text"' in _tag(event, "fk-evenement-begin")
    assert 'name="/evenement/begin#tijd" type="text"' in _tag(event, "fk-evenement-begin--tijd")
    assert 'type="datetime-local"' not in event  # never the browser's picker
    initiative = _step(renderer, forms["bewonersinitiatief"], "initiatief")
    for part, width in [("", 2), ("--maand", 2), ("--jaar", 4)]:
        tag = _tag(initiative, f"fk-initiatief-datum{part}")
        assert f"fk-input--width-{width}" in tag
        assert 'inputmode="numeric"' in tag
    assert 'type="date"' not in initiative
    assert "Bijvoorbeeld 27 3 2027." in initiative
    person = _step(renderer, forms["evenement"], "organisator")
    email = _tag(person, "fk-verantwoordelijke-email")
    assert 'type="email"' in email
    assert 'autocomplete="email"' in email
    phone = _tag(person, "fk-verantwoordelijke-telefoon")
    assert 'type="tel"' in phone
    assert 'autocomplete="tel"' in phone


def test_a_few_choices_are_radios_in_a_fieldset_and_many_a_select(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["evenement"], "evenement")
    place = re.search(r'<fieldset class="fk-fieldset"[^>]*>\s*<legend[^>]*>Waar vindt', html)
    assert place, "the three places are radios with a legend"
    assert html.count('name="/evenement/locatietype" type="radio"') == 3
    assert _tag(html, "fk-evenement-soort").startswith("<select")  # nine kinds of event
    assert '<option value="fuif">Fuif</option>' in html


def test_alternatives_are_radios_each_labelled_by_its_branch(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["evenement"], "organisator")
    question = re.search(r"<legend[^>]*>Soort organisator</legend>(.*?)</fieldset>", html, re.S)
    assert question, "the const's title is the question's legend"
    labels = re.findall(r'class="fk-label fk-choice__label"[^>]*>([^<]*)<', question.group(1))
    assert labels == [
        "Privépersoon",
        "Vzw (vereniging zonder winstoogmerk)",
        "Feitelijke vereniging",
        "Bedrijf",
    ]


def test_several_choices_are_checkboxes(forms: dict[str, formkit.Form], renderer: Renderer) -> None:
    html = _step(renderer, forms["bouwaanvraag"], "werken")
    assert html.count('name="/werken/soort" type="checkbox"') == 9


def test_yes_no_questions_are_two_radios(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["evenement"], "drank-en-eten")
    assert 'name="/drankEnEten/drankSchenken" type="radio" value="true"' in html
    assert 'name="/drankEnEten/drankSchenken" type="radio" value="false"' in html
    assert ">Ja</label>" in html
    assert ">Nee</label>" in html


def test_a_choice_of_booleans_posts_typed_values(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["bouwaanvraag"], "architect")
    assert 'value="false"' in _tag(html, "fk-architect-vrijgesteld")
    assert "Nee, een architect werkt mee</label>" in html


def test_objects_are_fieldsets_with_a_legend(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["evenement"], "organisator")
    tag = _tag(html, "fk-verantwoordelijke-adres")
    assert tag.startswith("<fieldset")
    assert re.search(r'id="fk-verantwoordelijke-adres"[^>]*>\s*<legend[^>]*>.*Adres', html)


def test_a_repeatable_group_starts_with_its_minimum_of_rows(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["bewonersinitiatief"], "initiatiefnemers")
    assert "Initiatiefnemer 1</h3>" in html
    assert "Initiatiefnemer 2</h3>" in html
    assert "Initiatiefnemer 3" not in html
    assert 'value="toevoegen:/initiatiefnemers">Voeg nog een initiatiefnemer toe' in html
    assert "verwijderen:" not in html  # two rows is the minimum: none can go


def test_an_optional_group_starts_empty_with_a_button_to_add(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["evenement"], "materiaal")
    assert "Materiaal 1" not in html
    assert 'value="toevoegen:/materiaal">Voeg een materiaal toe' in html


def test_a_list_of_texts_is_a_text_input_per_row(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    document = answers("bewonersinitiatief", "valid-full")
    html = _step(renderer, forms["bewonersinitiatief"], "initiatief", document)
    streets = document["initiatief"]["straten"]
    for index, street in enumerate(streets):
        tag = _tag(html, f"fk-initiatief-straten-{index}")
        assert f'name="/initiatief/straten/{index}"' in tag
        assert f'value="{street}"' in tag
        assert f">Straat {index + 1}</label>" in html


def test_attachments_are_file_inputs_saying_what_is_accepted(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["evenement"], "bijlagen")
    tag = _tag(html, "fk-bijlagen-grondplan")
    assert 'type="file"' in tag
    assert 'accept="application/pdf,image/jpeg,image/png"' in tag
    assert "PDF, JPEG of PNG, hoogstens 20 MB." in html
    photos = _tag(_step(renderer, forms["bouwaanvraag"], "bijlagen"), "fk-bijlagen-fotos")
    assert " multiple" in photos


def test_an_uploaded_file_is_shown_and_kept_in_hidden_fields(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    document = answers("evenement", "valid-full")
    html = _step(renderer, forms["evenement"], "bijlagen", document)
    assert "grondplan-veemarkt.pdf</span>" in html
    assert '<input type="hidden" name="/bijlagen/grondplan/bestand" value="grondplan-1">' in html
    assert 'name="/bijlagen/grondplan/naam" value="grondplan-veemarkt.pdf"' in html
    assert 'value="verwijderen:/bijlagen/grondplan"' in html


def test_optional_fields_say_so_and_required_ones_say_nothing(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["evenement"], "organisator")
    bus = re.search(r'for="fk-verantwoordelijke-adres-bus">([^<]*)<span[^>]*>([^<]*)<', html)
    assert bus is not None
    assert bus.groups() == ("Bus ", "(niet verplicht)")
    assert re.search(r'for="fk-verantwoordelijke-voornaam">Voornaam</label>', html)


def test_hints_describe_their_control(forms: dict[str, formkit.Form], renderer: Renderer) -> None:
    html = _step(renderer, forms["evenement"], "organisator")
    tag = _tag(html, "fk-verantwoordelijke-rijksregisternummer")
    assert 'aria-describedby="fk-verantwoordelijke-rijksregisternummer--hint"' in tag
    assert 'id="fk-verantwoordelijke-rijksregisternummer--hint"' in html


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_step_is_one_accessible_page_that_works_without_script(
    forms: dict[str, formkit.Form], renderer: Renderer, form_id: str
) -> None:
    form = forms[form_id]
    for number, step in enumerate(form.steps, start=1):
        html = _step(renderer, form, step.id, answers(form_id, "valid-full"))
        page = Page(html)
        assert '<html lang="nl">' in html
        assert html.count("<h1") == 1
        assert "<main" in html
        assert len(page.ids) == len(set(page.ids)), "ids are unique"
        assert all(re.fullmatch(r"[A-Za-z][\w.:-]*", i) for i in page.ids)
        assert (
            '<form class="fk-form" method="post" enctype="multipart/form-data" novalidate' in html
        )
        assert f"stap {number} van {len(form.steps)}" in html
        assert ('name="_csrf" value="t0k3n"') in html
        # No inline script; a JSON data block (the conditions' table) is never run.
        inline = r'<script(?![^>]*\b(?:src=|type="application/json"))'
        assert not re.search(inline, html), "no inline script"
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", html), "no inline style or handler"
        assert not re.search(r'tabindex="[1-9]', html), "no positive tabindex"
        labelled = set(re.findall(r'<label[^>]* for="([^"]+)"', html))
        inputs = re.findall(r'<(?:input|select|textarea) [^>]*id="([^"]+)"', html)
        assert set(inputs) <= labelled, "every control has a label"


def test_the_steps_have_previous_next_and_finally_review_buttons(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    first = Page(_step(renderer, form, "organisator")).buttons
    assert ("_actie", "vorige") not in first
    assert ("_actie", "volgende") in first
    last = _step(renderer, form, "bijlagen")
    assert ("_actie", "vorige") in Page(last).buttons
    assert ">Naar overzicht</button>" in last


def test_an_embedded_page_has_no_site_header(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.step(forms["evenement"], "organisator", {}, [], PageContext(embedded=True))
    assert "<header" not in html
    assert "<footer" not in html
    assert "Naar de inhoud" not in html
    assert "<main" in html
    assert "_csrf" not in html  # no token, no field


def test_conditional_parts_are_in_the_markup_with_their_condition(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = _step(renderer, forms["evenement"], "veiligheid")
    assert 'id="fk-veiligheid-geluidsniveau"' in html, "reachable without script"
    when = re.search(
        r'data-fk-when="(\d+)">\s*'
        r'(<p class="fk-conditional__when">[^<]*</p>)?\s*'
        r'<label class="fk-label" for="fk-veiligheid-geluid',
        html,
    )
    assert when is not None
    assert "versterkteMuziek" in json.dumps(conditions_table(html)[int(when.group(1))])
    assert "hidden" not in html.split('id="fk-veiligheid-geluidsniveau"')[0][-400:]


def test_each_distinct_condition_is_written_once_and_safely_for_a_script_block() -> None:
    guard = '[[{"scope":"","expect":true,"test":{"properties":{"a":{"const":"</script><b>&"}}}}]]'
    quoted = guard.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    page = (
        f"<body><div data-fk-when='{quoted}'>a</div><div data-fk-when='{quoted}'>b</div>"
        f'<span data-fk-when="{quoted.replace(chr(34), "&#34;")}">c</span>'
        "<div data-fk-when='[[]]'>d</div></body>"
    )
    written = tabulate_conditions(page)
    assert written.count('data-fk-when="0"') == 3
    assert written.count('data-fk-when="1"') == 1
    assert "</script><b>" not in written
    assert conditions_table(written) == [json.loads(guard), [[]]]
    assert written.endswith("</script>\n</body>")
    assert tabulate_conditions("<body>nothing</body>") == "<body>nothing</body>"


def test_a_long_text_with_a_limit_says_it_and_carries_it_for_the_count(
    renderer: Renderer, forms: dict[str, formkit.Form]
) -> None:
    html = _step(renderer, forms["bewonersinitiatief"], "initiatief")
    assert "U kunt tot 4.000 tekens invullen." in html
    area = re.search(r'<textarea[^>]*name="/initiatief/omschrijving"[^>]*>', html)
    assert area is not None
    assert 'data-fk-limit="4000"' in area.group(0)
    assert 'aria-describedby="fk-initiatief-omschrijving--hint"' in area.group(0)
