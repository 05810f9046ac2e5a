"""The bouwaanvraag's task list (GOV.UK's pattern): each part with its state, in order; the
draft goes on from it, and each step leads back to it. A short form has none."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import TestClient
from tests.web.bouwaanvraag import bouwaanvraag, fill_to_review
from tests.web.conftest import open_page
from tests.web.webforms import Page

from formkit.render import tasks


def states(page: Page) -> list[tuple[str, str]]:
    """(part, state) in the list's order, as a reader takes them in."""
    items = re.findall(
        r'<li class="fk-task-list__item[^"]*">\s*<div class="fk-task-list__name">(.*?)</div>\s*'
        r'<div class="fk-task-list__status"[^>]*>(.*?)</div>',
        page.html,
        re.S,
    )
    return [(re.sub(r"<[^>]+>", "", name), re.sub(r"<[^>]+>", "", state)) for name, state in items]


def draft_of(page: Page) -> str:
    found = re.search(r"(/formulieren/bouwaanvraag/[\w-]{43})/", page.action)
    assert found is not None, page.action
    return found.group(1)


def test_the_list_shows_each_part_in_order_with_its_state(client: TestClient[Any]) -> None:
    first = open_page(client, "/formulieren/bouwaanvraag")
    second = first.press("volgende")  # the first step, posted empty: refused, not done
    draft = draft_of(second)
    listed = Page(client, client.get(f"{draft}/onderdelen"))
    assert listed.title == "Uw aanvraag"
    assert states(listed) == [
        ("Aanvragers", "Bezig"),  # posted, but nothing answered yet
        ("Ligging", "Nog niet begonnen"),
        ("De werken", "Kan nog niet beginnen"),
        ("Hemelwater", "Kan nog niet beginnen"),
        ("Architect", "Kan nog niet beginnen"),
        ("Bijlagen", "Kan nog niet beginnen"),
    ]
    assert f'href="{draft}/stap/ligging"' in listed.html
    assert f'href="{draft}/stap/werken"' not in listed.html  # not yet
    assert 'aria-describedby="fk-taak-1-status"' in listed.html
    assert "Controleer uw antwoorden" not in listed.html
    onward = client.get(draft, follow_redirects=False)  # the draft goes on from its list
    assert onward.headers["location"] == f"{draft}/onderdelen"


def test_every_step_leads_back_to_the_list_and_all_done_leads_to_the_review(
    client: TestClient[Any],
) -> None:
    review = fill_to_review(open_page(client, "/formulieren/bouwaanvraag"), bouwaanvraag())
    found = re.search(r"(/formulieren/bouwaanvraag/[\w-]{43})/overzicht", review.url)
    assert found is not None
    draft = found.group(1)
    step = Page(client, client.get(f"{draft}/stap/werken"))
    assert f'<a href="{draft}/onderdelen">Alle onderdelen van uw aanvraag</a>' in step.html
    listed = Page(client, client.get(f"{draft}/onderdelen"))
    assert {state for _, state in states(listed)} == {"Voltooid"}
    assert f'href="{draft}/overzicht">Controleer uw antwoorden' in listed.html


def test_a_short_form_has_no_task_list(client: TestClient[Any]) -> None:
    page = open_page(client, "/formulieren/evenement").press("bewaren")
    draft = re.search(r"(/formulieren/evenement/[\w-]{43})/", page.action)
    assert draft is not None
    assert client.get(f"{draft.group(1)}/onderdelen").status_code == 404
    assert "Alle onderdelen" not in page.html


def test_the_states_follow_the_furthest_step_posted(client: TestClient[Any]) -> None:
    form = client.app.state.services.catalogue["bouwaanvraag"]
    urls = {step.id: f"/{step.id}" for step in form.steps}
    assert [t.state for t in tasks(form, None, urls)][:2] == [
        "Nog niet begonnen",
        "Kan nog niet beginnen",
    ]
    assert [t.url for t in tasks(form, 5, urls)] == list(urls.values())
