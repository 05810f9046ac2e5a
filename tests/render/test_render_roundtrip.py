"""Decoding is the exact inverse of rendering, for every answer document a browser can give."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from tests.conftest import FORM_IDS, answers
from tests.render.answers import documents
from tests.render.browser import exactly, through_the_pages
from tests.render.conftest import CTX

import formkit
from formkit.render import Renderer, prune


@pytest.mark.parametrize("form_id", FORM_IDS)
@pytest.mark.parametrize("name", ["valid-minimal", "valid-full"])
def test_the_example_answers_come_back_unchanged(
    forms: dict[str, formkit.Form], renderer: Renderer, form_id: str, name: str
) -> None:
    form = forms[form_id]
    document = answers(form_id, name)
    assert exactly(through_the_pages(renderer, form, document, CTX)) == exactly(document)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_answer_document_a_browser_can_give_comes_back_unchanged(
    forms: dict[str, formkit.Form], renderer: Renderer, form_id: str
) -> None:
    form = forms[form_id]

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(documents(form))
    def check(document: dict[str, Any]) -> None:
        assert exactly(through_the_pages(renderer, form, document, CTX)) == exactly(
            prune(form, document)
        )

    check()
