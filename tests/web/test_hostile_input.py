"""Hostile input on the citizen's side: shown safely wherever it appears, refused when too large.

A name with bidi controls ("Tom \u202eevil", shown as "Tom live" where the override is obeyed)
is stored exactly as typed, and shown in the order it was written: on the pages, in the
receipt PDF, on the verification page and as the name of a download.
"""

from __future__ import annotations

import subprocess
from typing import Any
from urllib.parse import unquote

from litestar.testing import TestClient
from tests.conftest import NOW
from tests.web.conftest import (
    PDF,
    draft_id,
    fill_drank,
    fill_evenement,
    fill_organisator,
    fill_veiligheid,
    open_page,
)
from tests.web.test_verification import check, text
from tests.web.webforms import Page

from formkit.render import DECLARATION
from formkit.web._posts import MAX_FIELD_BYTES, MAX_TEXT_BYTES
from formkit.web.services import Services

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
NAME = "Tom \u202eevil\u202c"
FILE_NAME = "\u2067plan\u2069\u202efdp.exe"  # an "exe.pdf" to the eye


def without_bidi(page_or_text: str) -> bool:
    return not any(char in page_or_text for char in BIDI_CONTROLS)


def to_review_as(client: TestClient[Any], name: str, file_name: str) -> Page:
    """The evenement form filed in by `name`, whose plan's name is then posted as `file_name`
    (a hidden field: what a tampered post can send)."""
    page = fill_organisator(open_page(client, "/formulieren/evenement"))
    page = fill_evenement(page.fill("/organisator/voornaam", name).press("volgende"))
    page = fill_drank(fill_veiligheid(page.press("volgende")).press("volgende"))
    page = page.press("volgende").press("volgende")
    page.attach("/bijlagen/grondplan", "grondplan.pdf", PDF)
    page.attach("/bijlagen/programma", "programma.pdf", PDF)
    review = page.press("volgende")
    attachments = open_page(client, review.url.replace("/overzicht", "/stap/bijlagen"))
    return attachments.fill("/bijlagen/grondplan/naam", file_name).press("volgende")


def test_names_are_shown_without_bidi_controls_and_stored_as_typed(
    client: TestClient[Any], services: Services
) -> None:
    review = to_review_as(client, NAME, FILE_NAME)
    assert review.title == "Overzicht", review.errors
    assert without_bidi(review.html)
    assert "Tom evil" in review.html
    assert "planfdp.exe" in review.html
    draft = services.drafts.load(draft_id(review), NOW)
    assert draft is not None
    assert draft.answers["organisator"]["voornaam"] == NAME
    assert draft.answers["bijlagen"]["grondplan"]["naam"] == FILE_NAME
    step = open_page(client, review.url.replace("/overzicht", "/stap/organisator"))
    assert step.value("/organisator/voornaam") == NAME  # posted back as typed
    attachments = open_page(client, review.url.replace("/overzicht", "/stap/bijlagen"))
    assert attachments.value("/bijlagen/grondplan/naam") == FILE_NAME
    assert without_bidi(attachments.html.replace(f'value="{FILE_NAME}"', ""))


def test_the_receipt_and_its_verification_show_file_names_without_bidi_controls(
    client: TestClient[Any], services: Services
) -> None:
    confirmation = to_review_as(client, NAME, FILE_NAME).choose(DECLARATION, "ja").press("indienen")
    assert confirmation.url.endswith("/bevestiging")
    pdf = client.get(confirmation.url.replace("/bevestiging", "/ontvangstbewijs.pdf")).content
    printed = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "planfdp.exe" in printed
    assert without_bidi(printed)
    verified = check(client, pdf)
    assert "planfdp.exe" in text(verified)
    assert without_bidi(verified.html)
    dossier = services.dossiers.get("EVT-2026-000001")
    assert dossier is not None
    assert {a.label for a in dossier.attachments} == {FILE_NAME, "programma.pdf"}


def test_a_download_is_named_without_bidi_controls(
    client: TestClient[Any], services: Services, token: str
) -> None:
    to_review_as(client, NAME, FILE_NAME).choose(DECLARATION, "ja").press("indienen")
    auth = {"Authorization": f"Bearer {token}"}
    dossier = client.get("/api/v1/dossiers/EVT-2026-000001", headers=auth).json()
    plan = next(a for a in dossier["attachments"] if a["name"] == FILE_NAME)
    disposition = client.get(plan["url"], headers=auth).headers["content-disposition"]
    assert disposition.startswith('attachment; filename="planfdp.exe"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "planfdp.exe"


def test_a_step_post_with_more_text_than_answers_can_hold_is_a_too_large_page(
    client: TestClient[Any],
) -> None:
    fields = MAX_TEXT_BYTES // MAX_FIELD_BYTES + 1
    files = [(f"/veld{n}", (None, "x" * MAX_FIELD_BYTES)) for n in range(fields)]
    page = Page(client, client.post("/formulieren/evenement", files=files))
    assert page.status == 413
    assert page.title == "Te groot"
