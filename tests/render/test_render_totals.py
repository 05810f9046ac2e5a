"""The total of a repeatable group's rows, shown next to them, and a sum that does not add up."""

from __future__ import annotations

import copy
import re
from typing import Any

from tests.conftest import NOW, answers
from tests.render.browser import post
from tests.render.conftest import CTX

import formkit
from formkit.render import Renderer, decode_step

STEP = "financiering"
TOTAL = re.compile(
    r'<p class="fk-total">Totale kosten in euro: <output class="fk-total__amount" '
    r'id="fk-financiering-begroting--totaal" data-fk-sum="/financiering/begroting/\*/bedrag">'
    r"([^<]*)</output></p>"
)


def _budget(lines: list[Any]) -> Any:
    document = copy.deepcopy(answers("bewonersinitiatief", "valid-full"))
    document["financiering"]["begroting"] = [
        {"omschrijving": f"Kost {n + 1}", "bedrag": b} for n, b in enumerate(lines)
    ]
    return document


def _total(html: str) -> str:
    (found,) = TOTAL.findall(html)
    return str(found)


def test_the_step_shows_the_total_below_the_budget_lines(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.step(
        forms["bewonersinitiatief"], STEP, _budget([280.5, 95.25, 0.1, 0.2]), [], CTX
    )
    assert _total(html) == "376,05"
    rows_end = html.rindex('id="fk-financiering-begroting-3"')
    assert (
        rows_end < html.index('class="fk-total"') < html.index("toevoegen:/financiering/begroting")
    )


def test_a_fresh_step_totals_nothing_and_a_line_not_yet_a_number_counts_for_nothing(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bewonersinitiatief"]
    assert _total(renderer.step(form, STEP, {}, [], CTX)) == "0,00"
    assert _total(renderer.step(form, STEP, _budget([1250, "twaalf", None]), [], CTX)) == "1.250,00"


def test_what_the_citizen_posts_comes_back_totalled(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bewonersinitiatief"]
    html = renderer.step(form, STEP, _budget([1, 2]), [], CTX)
    typed = {
        "/financiering/begroting/0/bedrag": "1.234,56",
        "/financiering/begroting/1/bedrag": "0,44",
    }
    posted = [(name, typed.get(name, value)) for name, value in post(html, "volgende")]
    decoded = decode_step(form, STEP, posted, {})
    assert _total(renderer.step(form, STEP, decoded.answers, [], CTX)) == "1.235,00"


def test_a_budget_that_does_not_add_up_is_refused_at_the_amount_asked(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bewonersinitiatief"]
    document = _budget([300, 150.5, 149.5])
    document["financiering"].update(verwachteInkomsten=150, gevraagdBedrag=480)
    problems = formkit.validate(form, document, now=NOW)
    html = renderer.step(form, STEP, document, problems, CTX)
    message = (
        "U vraagt 480,00 euro; de kosten min de inkomsten zijn 450,00 euro. "
        "Vraag hoogstens dat bedrag aan, of kijk de begroting en de inkomsten na."
    )
    assert f'<li><a href="#fk-financiering-gevraagdBedrag">{message}</a></li>' in html
    error = "fk-financiering-gevraagdBedrag--fout"
    hidden = '<span class="fk-visually-hidden">Fout:</span>'
    assert f'<p class="fk-error-message" id="{error}">{hidden} {message}</p>' in html
    (field,) = re.findall(r'<input[^>]* id="fk-financiering-gevraagdBedrag"[^>]*>', html)
    assert f'aria-describedby="fk-financiering-gevraagdBedrag--hint {error}"' in field
    assert 'aria-invalid="true"' in field
    assert _total(html) == "600,00"


def test_the_review_and_the_staff_overview_show_the_total_with_the_lines(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.review(forms["bewonersinitiatief"], _budget([280.5, 95.25, 0.1, 0.2]), CTX)
    found = re.search(
        r"Kost 4</h4>.*?<dt class=\"fk-summary__key\">Totale kosten in euro</dt>\s*"
        r'<dd class="fk-summary__value">\s*376,05\s*</dd>',
        html,
        re.DOTALL,
    )
    assert found is not None


def test_a_group_without_a_sum_has_no_total(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    html = renderer.step(forms["bewonersinitiatief"], "initiatiefnemers", {}, [], CTX)
    assert "fk-total" not in html


def test_only_a_page_with_a_total_loads_the_script_that_keeps_it(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    script = '<script src="/static/totals.js" defer></script>'
    assert script in renderer.step(forms["bewonersinitiatief"], "financiering", {}, [], CTX)
    assert script not in renderer.step(forms["bewonersinitiatief"], "initiatiefnemers", {}, [], CTX)
