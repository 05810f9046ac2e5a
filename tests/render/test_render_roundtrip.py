"""Decoding is the exact inverse of rendering, for every answer document a browser can give."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from tests.conftest import FORM_IDS, answers
from tests.render.answers import documents
from tests.render.browser import post
from tests.render.conftest import CTX

import formkit
from formkit.render import Renderer, decode_step, prune


def _through_the_pages(renderer: Renderer, form: formkit.Form, answers: Any) -> dict[str, Any]:
    """Render every step filled in with `answers`, post it as a browser, decode step by step."""
    decoded: dict[str, Any] = {}
    for step in form.steps:
        html = renderer.step(form, step.id, answers, [], CTX)
        decoded = decode_step(form, step.id, post(html), decoded).answers
    return decoded


def _exactly(document: Any) -> str:
    """Equal as JSON: 1 is not 1.0 and True is not 1."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("form_id", FORM_IDS)
@pytest.mark.parametrize("name", ["valid-minimal", "valid-full"])
def test_the_example_answers_come_back_unchanged(
    forms: dict[str, formkit.Form], renderer: Renderer, form_id: str, name: str
) -> None:
    form = forms[form_id]
    document = answers(form_id, name)
    assert _exactly(_through_the_pages(renderer, form, document)) == _exactly(document)


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
        assert _exactly(_through_the_pages(renderer, form, document)) == _exactly(
            prune(form, document)
        )

    check()
