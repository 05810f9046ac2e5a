"""Ondertekenen: a form that needs the citizen's eID signature, signed on the pages and filed.

The cards are SoftHSM2 tokens (tests/conftest.py); the service trusts the P-384 card's PKI
only, so the RSA card plays a card of an issuer it does not know. Signatures are made by the
real `formkit sign` over the file the page hands out, as a citizen without the browser
extension does; what the extension would post is posted as `eid.js` posts it.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests.conftest import service_settings, trust_folder
from tests.web.bouwaanvraag import bouwaanvraag, fill_to_review, formkit_sign
from tests.web.conftest import draft_id, open_page
from tests.web.webforms import Page

from formkit.eid import sign_digest
from formkit.eid._testcard import TestCard
from formkit.eid.signing import MESSAGES, digest_to_sign
from formkit.filing._filing import bind_attachments
from formkit.render import DECLARATION, prune
from formkit.settings import Settings
from formkit.store import _tables as t
from formkit.web._signature_post import NO_FILE, NOT_A_SIGNATURE, UNSIGNED_FILE
from formkit.web.services import Services

SIGN = "/ondertekenen"
DATA_TO_SIGN = f"{SIGN}/te-ondertekenen.json"
NUMBER = re.compile(r"BAV-\d{4}-\d{6}")


@pytest.fixture
def settings(database_url: str, tmp_path: Path, ec_card: TestCard) -> Settings:
    """The pages' settings, trusting the P-384 card's PKI (and no other) for signatures."""
    trust = trust_folder(ec_card.pki, tmp_path / "eid-trust")
    return service_settings(tmp_path, database_url, eid_trust_dir=trust)


def to_signing_page(client: TestClient[Any], document: Any) -> Page:
    review = fill_to_review(open_page(client, "/formulieren/bouwaanvraag"), document)
    page = review.choose(DECLARATION, "ja").press("indienen")
    assert page.title == "Ondertekenen", (page.status, page.errors)
    return page


@pytest.fixture
def signing_page(client: TestClient[Any], ec_card: TestCard) -> Page:
    """The bouwaanvraag of the P-384 card's holder, at Ondertekenen."""
    return to_signing_page(client, bouwaanvraag(ec_card.citizen.national_number))


def draft_url(page: Page) -> str:
    return f"/formulieren/bouwaanvraag/{draft_id(page)}"


def data_to_sign(client: TestClient[Any], page: Page) -> bytes:
    response = client.get(draft_url(page) + DATA_TO_SIGN)
    assert response.status_code == 200, response.text
    return response.content


def upload(page: Page, signature: bytes, filename: str = "handtekening.json") -> Page:
    page.attach("handtekening", filename, signature, "application/json")
    return page.press("ondertekenen")


def dossier_count(services: Services) -> int:
    with services.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(t.Dossier)).scalar_one()


def test_indienen_of_a_form_that_needs_a_signature_leads_to_ondertekenen(
    client: TestClient[Any], services: Services, ec_card: TestCard
) -> None:
    document = bouwaanvraag(ec_card.citizen.national_number)
    review = fill_to_review(open_page(client, "/formulieren/bouwaanvraag"), document)
    assert "U ondertekent ze daarna met uw eID." in review.html
    page = review.choose(DECLARATION, "ja").press("indienen")
    assert page.url.endswith(SIGN)
    assert page.title == "Ondertekenen"
    assert page.errors == []
    assert f'href="{draft_url(page)}{DATA_TO_SIGN}"' in page.html
    assert [c.type for c in page.named("handtekening")] == ["file"]
    assert '<section class="fk-eid" id="fk-eid" aria-labelledby="fk-eid-title" hidden>' in page.html
    assert '<script src="/static/eid.js" defer></script>' in page.html
    # The ways, plainly: what to install for the browser, the program folded away as the last.
    assert '<a href="https://eid.belgium.be/nl">eid.belgium.be</a>' in page.html
    assert '<a href="https://web-eid.eu/">web-eid.eu</a>' in page.html
    assert '<details class="fk-details fk-sign-tool">' in page.html  # folded
    assert page.html.index("web-eid.eu") < page.html.index("formkit sign --token-label")
    assert dossier_count(services) == 0


def test_the_data_to_sign_is_the_digest_of_the_drafts_answers_with_their_files(
    client: TestClient[Any], services: Services, signing_page: Page
) -> None:
    response = client.get(draft_url(signing_page) + DATA_TO_SIGN)
    assert response.headers["content-disposition"] == (
        'attachment; filename="te-ondertekenen.json"'
    )
    assert response.headers["cache-control"] == "no-store"
    document = response.json()
    assert set(document) == {"digest", "hash"}
    assert document["hash"] == "SHA-384"
    form = services.catalogue["bouwaanvraag"]
    draft = services.drafts.load(draft_id(signing_page), services.filer.clock())
    assert draft is not None
    blobs = {ref: u.blob for ref, u in services.drafts.uploads(draft.id).items()}
    bound, attachments, problems = bind_attachments(form, prune(form, draft.answers), blobs)
    assert (len(attachments), problems) == (3, [])
    digest = digest_to_sign(form, bound)
    assert base64.b64decode(document["digest"]) == digest
    shown = re.search(r'class="fk-digest"><code>([0-9a-f ]+)</code>', signing_page.html)
    assert shown is not None
    assert shown.group(1).replace(" ", "") == digest.hex()


def test_a_valid_signature_files_the_draft_once_and_shows_the_dossier_number(
    client: TestClient[Any],
    services: Services,
    signing_page: Page,
    ec_card: TestCard,
    tmp_path: Path,
) -> None:
    signature = formkit_sign(ec_card, data_to_sign(client, signing_page), tmp_path)
    filed = upload(signing_page, signature)
    assert filed.status == 200
    assert filed.title == "Uw aanvraag is ingediend"
    number = NUMBER.search(filed.html)
    assert number is not None
    dossier = services.dossiers.get(number.group(0))
    assert dossier is not None
    assert dossier.signer is not None
    assert dossier.signer["national_number"] == ec_card.citizen.national_number
    again = upload(signing_page, signature)  # the back button, and "Onderteken" once more
    assert NUMBER.findall(again.html) == [number.group(0)]
    assert dossier_count(services) == 1


def test_the_confirmation_of_a_signed_filing_offers_the_signature_evidence(
    client: TestClient[Any], signing_page: Page, ec_card: TestCard, tmp_path: Path
) -> None:
    signature = formkit_sign(ec_card, data_to_sign(client, signing_page), tmp_path)
    filed = upload(signing_page, signature)
    assert '<a href="handtekeningbewijs.json" download>' in filed.html
    evidence = client.get(draft_url(signing_page) + "/handtekeningbewijs.json")
    assert evidence.status_code == 200
    document = json.loads(evidence.content)
    assert document["type"] == "formkit.signature-evidence.v1"
    assert NUMBER.fullmatch(document["number"])
    receipt = client.get(draft_url(signing_page) + "/ontvangstbewijs.jws").text
    assert ec_card.citizen.national_number not in receipt
    signer = json.loads(base64.urlsafe_b64decode(receipt.split(".")[1] + "=="))["signer"]
    assert "certificate" not in signer


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("the authentication key", "signature-wrong-key"),
        ("answers changed since", "signature-bad-signature"),
        ("a card of another issuer", "signature-untrusted"),
        ("someone else than the applicant", "signature-applicant-mismatch"),
    ],
)
def test_a_refused_signature_says_why_and_files_nothing(
    client: TestClient[Any],
    services: Services,
    ec_card: TestCard,
    rsa_card: TestCard,
    tmp_path: Path,
    case: str,
    code: str,
) -> None:
    others = case == "someone else than the applicant"  # the example's own applicant
    page = to_signing_page(
        client, bouwaanvraag(None if others else ec_card.citizen.national_number)
    )
    data = data_to_sign(client, page)
    card = rsa_card if case == "a card of another issuer" else ec_card
    options = {"key_label": "Authentication"} if case == "the authentication key" else {}
    signature = formkit_sign(card, data, tmp_path, **options)
    if case == "answers changed since":  # back to a step, an answer changed, signed before
        step = open_page(client, f"{draft_url(page)}/stap/werken?van=overzicht")
        step.fill("/werken/geraamdeKosten", "3600").press("volgende").choose(
            DECLARATION, "ja"
        ).press("indienen")
    refused = upload(open_page(client, draft_url(page) + SIGN), signature)
    assert refused.status == 422
    assert refused.title == "Ondertekenen"
    assert refused.errors == [MESSAGES[code]]
    assert '<a href="#handtekening">' in refused.html
    assert 'aria-invalid="true"' in refused.html
    assert dossier_count(services) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, NO_FILE),
        (b"%PDF-1.4 geen handtekening", NOT_A_SIGNATURE),
        (b'{"signature": "@@", "certificate": "@@"}', NOT_A_SIGNATURE),
        (b"x" * 70_000, NOT_A_SIGNATURE),
        (b"[" * 60_000, NOT_A_SIGNATURE),
        (
            b'{"hash": "SHA-384", "hash": "SHA-256", "signature": "", "certificate": ""}',
            NOT_A_SIGNATURE,
        ),
    ],
    ids=["no file", "a PDF", "broken base64", "too large", "nested deep", "a key twice"],
)
def test_a_file_that_is_no_signature_is_refused_at_the_file_input(
    services: Services, signing_page: Page, content: bytes | None, message: str
) -> None:
    refused = (
        signing_page.press("ondertekenen") if content is None else upload(signing_page, content)
    )
    assert refused.status == 422
    assert refused.errors == [message]
    assert dossier_count(services) == 0


def test_uploading_the_file_to_sign_instead_of_the_signature_says_so(
    client: TestClient[Any], signing_page: Page
) -> None:
    refused = upload(signing_page, data_to_sign(client, signing_page), "te-ondertekenen.json")
    assert refused.errors == [UNSIGNED_FILE]


def web_eid_post(page: Page, signature: bytes, certificate: bytes) -> dict[str, Any]:
    """What eid.js posts with the browser extension's answer."""
    fields = {
        "_csrf": page.value("_csrf"),
        "webeid-handtekening": base64.b64encode(signature).decode(),
        "webeid-certificaat": base64.b64encode(certificate).decode(),
        "webeid-hashfunctie": "SHA-384",
    }
    return {"files": [(name, (None, value)) for name, value in fields.items()]}


def test_a_signature_from_the_web_eid_extension_files_the_draft(
    client: TestClient[Any], signing_page: Page, ec_card: TestCard
) -> None:
    digest = base64.b64decode(json.loads(data_to_sign(client, signing_page))["digest"])
    signed = sign_digest(ec_card.module, ec_card.token_label, ec_card.pin, digest, "SHA-384")
    body = web_eid_post(signing_page, signed.signature, signed.certificate)
    response = client.post(draft_url(signing_page) + SIGN, **body)
    assert response.status_code == 200
    assert response.url.path.endswith("/bevestiging")
    assert NUMBER.search(response.text)


def test_a_refused_web_eid_signature_is_summarised_without_a_link(
    client: TestClient[Any], services: Services, signing_page: Page, ec_card: TestCard
) -> None:
    digest = bytes(48)  # another digest than the page's
    signed = sign_digest(ec_card.module, ec_card.token_label, ec_card.pin, digest, "SHA-384")
    body = web_eid_post(signing_page, signed.signature, signed.certificate)
    response = client.post(draft_url(signing_page) + SIGN, **body)
    page = Page(client, response)
    assert page.status == 422
    assert page.errors == [MESSAGES["signature-bad-signature"]]
    assert '<a href="#handtekening">' not in page.html
    assert 'aria-invalid="true"' not in page.html
    assert dossier_count(services) == 0


def test_a_signing_post_without_its_csrf_token_is_refused(
    client: TestClient[Any],
    services: Services,
    signing_page: Page,
    ec_card: TestCard,
    tmp_path: Path,
) -> None:
    signature = formkit_sign(ec_card, data_to_sign(client, signing_page), tmp_path)
    response = client.post(
        draft_url(signing_page) + SIGN,
        files=[("_csrf", (None, "vervalst")), ("handtekening", ("h.json", signature))],
    )
    assert response.status_code == 403
    assert dossier_count(services) == 0


def saved_draft(client: TestClient[Any], form_id: str) -> str:
    """The URL of a new draft of `form_id`, its first step saved empty."""
    page = open_page(client, f"/formulieren/{form_id}").press("bewaren")
    return page.action.split("/stap/")[0]


def test_a_form_without_a_signature_has_no_signing_page(client: TestClient[Any]) -> None:
    url = saved_draft(client, "evenement")
    assert client.get(url + SIGN).status_code == 404
    assert client.get(url + DATA_TO_SIGN).status_code == 404


def test_a_draft_not_ready_to_file_goes_back_to_its_review(client: TestClient[Any]) -> None:
    url = saved_draft(client, "bouwaanvraag")
    for path in (SIGN, DATA_TO_SIGN):
        response = client.get(url + path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"{url}/overzicht"


def test_nothing_is_signed_or_filed_that_was_not_declared_as_it_is_now(
    client: TestClient[Any], services: Services, ec_card: TestCard, tmp_path: Path
) -> None:
    """The declaration on the Overzicht is kept with the draft; a changed answer clears it,
    and the signing page (its page, its file to sign, its posts) sends back to declare."""
    document = bouwaanvraag(ec_card.citizen.national_number)
    review = fill_to_review(open_page(client, "/formulieren/bouwaanvraag"), document)
    url = f"/formulieren/bouwaanvraag/{draft_id(review)}"
    for path in (SIGN, DATA_TO_SIGN):
        skipped = client.get(url + path, follow_redirects=False)
        assert skipped.headers["location"] == f"{url}/overzicht"
    signing = review.choose(DECLARATION, "ja").press("indienen")
    assert signing.title == "Ondertekenen"
    signature = formkit_sign(ec_card, data_to_sign(client, signing), tmp_path)
    step = open_page(client, f"{url}/stap/werken")  # "Wijzig": an answer saved again
    step.press("volgende")
    again = client.get(url + SIGN, follow_redirects=False)
    assert again.headers["location"] == f"{url}/overzicht"
    posted = client.post(
        url + SIGN,
        files=[
            ("_csrf", (None, signing.value("_csrf"))),
            ("handtekening", ("handtekening.json", signature)),
        ],
        follow_redirects=False,
    )
    assert posted.headers["location"] == f"{url}/overzicht"
    assert dossier_count(services) == 0
