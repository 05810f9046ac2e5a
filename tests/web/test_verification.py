"""Print at home, verify anywhere: the receipt from the confirmation page, checked on /verificatie.

A draft is filed on the pages; its receipt, as PDF and as JWS, is downloaded with the draft's
link and checked by `verify_receipt` and by the page, genuine and tampered with. The page
runs the same check for anyone, so it is tested on SQLite only: the database only answers
the `?code=` lookup, which tests/test_dossiers.py covers on both backends.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from cryptography import x509
from litestar.testing import TestClient
from tests.conftest import seal_for_tests, service_settings, trust_folder
from tests.receipts.receipt_support import build_log, qr_codes
from tests.web.conftest import draft_id, open_page, to_attachments
from tests.web.webforms import Page

from formkit.eid._testcard import TestCard
from formkit.receipts import development_root, issue_jws, parse_jws, verify_receipt
from formkit.render import DECLARATION
from formkit.settings import Settings
from formkit.web._verification_post import MAX_ATTACHMENTS, MAX_RECEIPT_BYTES
from formkit.web._verification_view import UNSEALED_JSON
from formkit.web.services import Services
from formkit.web.verification import NO_RECEIPT, TOO_LARGE

GENUINE = "Dit ontvangstbewijs is echt"
NOT_IN_ORDER = "Dit ontvangstbewijs is NIET in orde"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus")
MONTHS += ("september", "oktober", "november", "december")
GRONDPLAN = b"%PDF-1.4\n% grondplan van de parochiezaal\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROGRAMMA = b"%PDF-1.4\n% programma van de avond\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'formkit.db'}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path, ec_card: TestCard) -> Settings:
    """The pages' settings, trusting the P-384 test card's PKI for citizens' signatures."""
    trust = trust_folder(ec_card.pki, tmp_path / "eid-trust")
    return service_settings(tmp_path, database_url, eid_trust_dir=trust)


class Filed:
    """A filed evenement draft: its confirmation page and the URLs of its receipt."""

    def __init__(self, confirmation: Page) -> None:
        self.confirmation = confirmation
        self.draft_url = f"/formulieren/evenement/{draft_id(confirmation)}"
        found = re.search(r"EVT-\d{4}-\d{6}", confirmation.html)
        assert found, confirmation.html
        self.number = found.group(0)

    def filed_at(self, services: Services) -> str:
        """When it was filed, as the page says it: in Brussels, in words."""
        stored = services.receipts.get(self.number)
        assert stored is not None
        moment = datetime.fromisoformat(stored.document["filed_at"])
        local = moment.astimezone(ZoneInfo("Europe/Brussels"))
        return f"{local.day} {MONTHS[local.month - 1]} {local.year} om {local:%H:%M}"


@pytest.fixture
def filed(client: TestClient[Any]) -> Filed:
    page = to_attachments(client)
    page.attach("/bijlagen/grondplan", "grondplan.pdf", GRONDPLAN)
    page.attach("/bijlagen/programma", "programma.pdf", PROGRAMMA)
    review = page.press("volgende")
    assert review.title == "Overzicht", review.errors
    confirmation = review.choose(DECLARATION, "ja").press("indienen")
    assert confirmation.url.endswith("/bevestiging"), confirmation.status
    return Filed(confirmation)


def download(client: TestClient[Any], filed: Filed, kind: str) -> bytes:
    response = client.get(f"{filed.draft_url}/ontvangstbewijs.{kind}")
    assert response.status_code == 200, response.text
    return response.content


def check(
    client: TestClient[Any],
    receipt: bytes,
    filename: str = "ontvangstbewijs.pdf",
    attachments: tuple[tuple[str, bytes], ...] = (),
    evidence: bytes | None = None,
) -> Page:
    """Choose `receipt` (and `attachments`, `evidence`) on /verificatie and press Controleer."""
    page = open_page(client, "/verificatie")
    parts = page.parts(next(c for c in page.controls if c.value == "controleren"))
    files = {"ontvangstbewijs", "bijlagen", "handtekeningbewijs"}
    parts = [(name, value) for name, value in parts if name not in files]
    parts.append(("ontvangstbewijs", (filename, receipt, "application/octet-stream")))
    if evidence is not None:
        parts.append(("handtekeningbewijs", ("handtekeningbewijs.json", evidence, "text/json")))
    parts += [("bijlagen", (name, data, "application/pdf")) for name, data in attachments]
    return Page(client, client.post("/verificatie", files=parts))


def text(page: Page) -> str:
    """The page's words, without markup, spaces as one."""
    return " ".join(re.sub(r"<[^>]+>", " ", page.html).split())


# The receipt of a filed draft ----------------------------------------------------------------


def test_the_confirmation_offers_the_receipt_to_download(filed: Filed) -> None:
    html = filed.confirmation.html
    assert '<a href="ontvangstbewijs.pdf" download>Download uw ontvangstbewijs (PDF)</a>' in html
    assert 'href="ontvangstbewijs.jws"' in html
    assert 'href="/verificatie"' in html


def test_the_downloaded_receipts_verify_against_the_citys_seal(
    client: TestClient[Any], filed: Filed, services: Services
) -> None:
    response = client.get(f"{filed.draft_url}/ontvangstbewijs.pdf")
    assert response.headers["content-type"] == "application/pdf"
    disposition = f'attachment; filename="ontvangstbewijs-{filed.number}.pdf"'
    assert response.headers["content-disposition"] == disposition
    assert response.headers["cache-control"] == "no-store"
    pdf = response.content
    root = development_root(services.settings.data_dir).read_bytes()
    roots = [x509.load_pem_x509_certificate(root)]
    report = verify_receipt(pdf, trust_roots=roots)
    assert report.ok, report.failures
    assert report.kind == "pdf"
    assert report.receipt is not None
    assert report.receipt.body.number == filed.number
    jws = download(client, filed, "jws")
    assert verify_receipt(jws, trust_roots=roots).ok
    assert download(client, filed, "pdf") == pdf  # issued once, served as stored
    assert download(client, filed, "jws") == jws


def test_there_is_no_receipt_before_filing_nor_for_another_link(
    client: TestClient[Any], filed: Filed
) -> None:
    review = to_attachments(client)  # a second draft, not filed
    unfiled = f"/formulieren/evenement/{draft_id(review)}"
    other_form = filed.draft_url.replace("/evenement/", "/bewonersinitiatief/")
    unknown = "/formulieren/evenement/" + "A" * 43
    for url in (unfiled, other_form, unknown):
        for kind in ("pdf", "jws"):
            response = client.get(f"{url}/ontvangstbewijs.{kind}")
            assert response.status_code == 404, url
            assert "geen ontvangstbewijs" in response.text


# Checking a receipt on /verificatie ----------------------------------------------------------


def test_the_page_explains_what_to_do_and_checks_nothing_yet(client: TestClient[Any]) -> None:
    page = open_page(client, "/verificatie")
    assert page.status == 200
    assert page.title == "Een ontvangstbewijs controleren"
    assert page.response.headers["cache-control"] == "no-store"
    assert "Wij bewaren niets van de bestanden die u kiest" in text(page)
    assert GENUINE not in page.html
    assert NOT_IN_ORDER not in page.html


def test_a_genuine_pdf_is_shown_as_genuine_with_what_it_covers(
    client: TestClient[Any], filed: Filed, services: Services
) -> None:
    page = check(client, download(client, filed, "pdf"))
    assert page.status == 200
    words = text(page)
    assert GENUINE in words
    assert f"Dossiernummer {filed.number}" in words
    assert "Formulier Evenement" in words
    assert f"Ingediend op {filed.filed_at(services)} (Belgische tijd)" in words
    assert "Ondertekend met eID nee" in words
    for name, data in (("grondplan.pdf", GRONDPLAN), ("programma.pdf", PROGRAMMA)):
        assert name in words
        assert hashlib.sha256(data).hexdigest() in words
    assert f"{len(GRONDPLAN)} bytes, application/pdf" in words
    assert "Niet in orde:" not in words  # every check holds
    assert words.count("In orde:") >= 5  # readable, seal, certificate, PDF, log...
    assert "Gecontroleerd bestand: ontvangstbewijs.pdf" in words


def test_a_genuine_jws_is_shown_as_genuine(client: TestClient[Any], filed: Filed) -> None:
    page = check(client, download(client, filed, "jws"), "ontvangstbewijs.jws")
    words = text(page)
    assert GENUINE in words
    assert f"Het bestand is ontvangstbewijs {filed.number} (JWS)." in words


def test_chosen_attachments_are_matched_by_their_hash(
    client: TestClient[Any], filed: Filed
) -> None:
    attachments = (
        ("kopie van grondplan.pdf", GRONDPLAN),  # the same bytes, another name
        ("programma.pdf", b"%PDF-1.4\n% een ander programma\n"),  # the name, other bytes
        ("vakantiefoto.pdf", b"%PDF-1.4\n% iets anders\n"),
    )
    words = text(check(client, download(client, filed, "pdf"), attachments=attachments))
    assert GENUINE in words  # a wrong file does not make the receipt less genuine
    assert "In orde: Het gekozen bestand kopie van grondplan.pdf komt overeen." in words
    assert "Niet in orde: Het gekozen bestand programma.pdf verschilt van deze bijlage" in words
    assert "Niet in orde: Het gekozen bestand vakantiefoto.pdf is geen bijlage" in words
    assert "Niet in orde: Het gekozen bestand programma.pdf is geen bijlage" in words

    both = (("grondplan.pdf", GRONDPLAN), ("programma.pdf", PROGRAMMA))
    words = text(check(client, download(client, filed, "pdf"), attachments=both))
    assert words.count("In orde: Het gekozen bestand komt overeen.") == 2
    assert "Niet in orde" not in words


def test_a_pdf_with_one_byte_changed_is_not_in_order(client: TestClient[Any], filed: Filed) -> None:
    pdf = bytearray(download(client, filed, "pdf"))
    at = pdf.index(b"/Producer")  # in the sealed range, and the PDF still reads
    pdf[at + 1] = ord("p")
    page = check(client, bytes(pdf))
    words = text(page)
    assert f"{NOT_IN_ORDER}: het werd gewijzigd na het verzegelen." in words
    assert "Niet in orde: Het zegel klopt niet" in words
    assert GENUINE not in words


def test_a_receipt_sealed_by_another_seal_is_not_in_order(
    client: TestClient[Any], filed: Filed, services: Services
) -> None:
    stored = services.receipts.get(filed.number)
    assert stored is not None
    forged = issue_jws(dict(stored.document), seal_for_tests()).encode()
    words = text(check(client, forged, "ontvangstbewijs.jws"))
    assert f"{NOT_IN_ORDER}: het zegel is niet dat van de stad" in words
    assert "Niet in orde: Het zegelcertificaat" in words
    assert "leidt niet naar een vertrouwd certificaat van de stad" in words
    assert "In orde: Het zegel klopt" in words  # the math holds: only whose seal it is fails


def test_a_signed_receipt_names_its_signer_masked(
    client: TestClient[Any], services: Services, ec_card: TestCard
) -> None:
    log = build_log(services.seal, 1, signer=ec_card)
    receipt = log.receipts[0]
    token = issue_jws(receipt.to_dict(), services.seal).encode()
    words = text(check(client, token))
    assert GENUINE in words
    signer = receipt.body.signer
    assert signer is not None
    assert "***" in signer.national_number_masked
    who = f"{signer.name} (rijksregisternummer {signer.national_number_masked})"
    assert f"Ondertekend met eID door {who}" in words
    assert f"In orde: Volgens de stad ondertekende {signer.name}" in words
    assert ec_card.citizen.national_number not in words
    # With the signature evidence chosen too, the page checks the signature itself.
    words = text(check(client, token, evidence=log.evidence(0)))
    assert GENUINE in words
    assert "In orde: Het handtekeningbewijs hoort bij dit ontvangstbewijs." in words
    assert f"In orde: De eID-handtekening van {signer.name}" in words
    assert ec_card.citizen.national_number not in words
    other = build_log(services.seal, 1, signer=ec_card, start=9).evidence(0)
    assert GENUINE not in text(check(client, token, evidence=other))


def test_the_readable_json_without_its_seal_gets_advice(
    client: TestClient[Any], filed: Filed
) -> None:
    document = parse_jws(download(client, filed, "jws")).receipt
    page = check(client, json.dumps(document).encode(), "ontvangstbewijs.json")
    words = text(page)
    assert f"{NOT_IN_ORDER}: het bestand is geen leesbaar ontvangstbewijs." in words
    assert UNSEALED_JSON in words


# The register behind the QR code ---------------------------------------------------------------


def test_the_qr_code_on_the_pdf_says_which_dossier_and_when_and_nothing_more(
    client: TestClient[Any], filed: Filed, services: Services
) -> None:
    (link,) = qr_codes(download(client, filed, "pdf"))
    base = services.settings.base_url
    assert link.startswith(f"{base}/verificatie?code=")
    assert filed.number not in link
    page = open_page(client, link.removeprefix(base))
    words = text(page)
    assert f"Dossier {filed.number} in het register van de stad" in words
    assert f"Ja, ingediend op {filed.filed_at(services)}" in words
    for private in ("Peeters", "Huiskamerconcert", "grondplan", "Evenement"):
        assert private not in words
    assert page.named("ontvangstbewijs")  # and the form to check the receipt itself


def test_a_dossier_number_in_the_link_looks_nothing_up(
    client: TestClient[Any], filed: Filed
) -> None:
    """The link of a receipt from before codes: filed or not, the page is the same."""
    page = open_page(client, f"/verificatie?dossier={filed.number}")
    words = text(page)
    assert "De QR-code van dit ontvangstbewijs zoekt niet meer in het register" in words
    assert filed.number not in words
    assert "ingediend op" not in words
    assert page.named("ontvangstbewijs")
    unknown = open_page(client, "/verificatie?dossier=EVT-2026-999999")
    assert unknown.html == page.html


@pytest.mark.parametrize("code", ["A" * 22, "short", "A" * 500, "<script>", ""])
def test_a_code_the_register_does_not_know_says_so(
    client: TestClient[Any], filed: Filed, code: str
) -> None:
    words = text(open_page(client, "/verificatie?" + urlencode({"code": code})))
    assert "Nee, het register van de stad kent de code in deze link niet." in words
    assert filed.number not in words
    assert code not in words or code == ""


# Refusals ---------------------------------------------------------------------------------------


def test_a_file_too_large_for_a_receipt_is_refused(client: TestClient[Any]) -> None:
    page = check(client, b"%PDF-1.7\n" + b"0" * MAX_RECEIPT_BYTES)
    assert page.status == 413
    assert page.errors == [TOO_LARGE]
    assert page.named("ontvangstbewijs")  # choose another at once


def test_a_jws_of_deeply_nested_json_is_not_in_order(client: TestClient[Any]) -> None:
    nested = base64.urlsafe_b64encode(b"[" * 100_000).rstrip(b"=")
    page = check(client, nested + b".e30.c2ln", "ontvangstbewijs.jws")
    assert page.status == 200
    assert "Niet in orde" in text(page)


def test_more_attachments_than_a_dossier_has_are_refused(
    client: TestClient[Any], filed: Filed
) -> None:
    files = tuple((f"bijlage-{n}.pdf", b"%PDF-1.4\n") for n in range(MAX_ATTACHMENTS + 1))
    page = check(client, download(client, filed, "pdf"), attachments=files)
    assert page.status == 413
    assert page.title == "Te groot"


def test_pressing_controleer_without_a_file_asks_for_one(client: TestClient[Any]) -> None:
    page = open_page(client, "/verificatie").press("controleren")
    assert page.status == 422
    assert page.errors == [NO_RECEIPT]


def test_a_post_without_the_pages_token_is_refused(client: TestClient[Any], filed: Filed) -> None:
    receipt = ("ontvangstbewijs", ("ontvangstbewijs.pdf", download(client, filed, "pdf")))
    for token in ((), (("_csrf", (None, "nagemaakt")),)):
        response = client.post("/verificatie", files=[*token, receipt])
        assert response.status_code == 403
        assert GENUINE not in response.text
    page = open_page(client, "/verificatie").attach(receipt[0], *receipt[1])
    assert page.press("controleren", **{"Sec-Fetch-Site": "cross-site"}).status == 403
    assert GENUINE in text(page.press("controleren"))  # the same post from the page itself
