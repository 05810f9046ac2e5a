"""Citizens logging in with their eID card through Web eID: the SoftHSM2 test cards answer.

What the extension and its native program would do is done here in Python: the card's
Authentication key signs hash(origin) || hash(nonce) on the token (SoftHSM2), and the token
is posted as `eid.js` posts it. The app trusts the test cards' PKIs and runs on the test
clock, on SQLite (the challenges' store runs on both backends in test_eid_challenges.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from litestar.testing import TestClient
from tests.accounts.conftest import APP_URL, citizen_rows
from tests.conftest import NOW, service_settings
from tests.oidc.provider import Provider
from tests.web.conftest import Clock

from formkit.accounts import EID_LEVEL
from formkit.eid import sign_digest, signed_data
from formkit.eid._testcard import TestCard
from formkit.eid._testpki import TestPKI
from formkit.forms.catalogue import Catalogue
from formkit.settings import Settings
from formkit.store.challenges import LIFETIME
from formkit.web.app import create_app
from formkit.web.services import Services

HOME = "/mijn-dossiers"
CHALLENGE = "/mijn-dossiers/aanmelden/eid/challenge"
LOGIN = "/mijn-dossiers/aanmelden/eid"
COOKIE = "formkit-citizen-eid"
NAME = "Anna Maria TEST Peeters"
NUMBER = "85073003328"


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def settings(tmp_path: Path, ec_card: TestCard, rsa_card: TestCard) -> Settings:
    trust = tmp_path / "eid-trust"
    trust.mkdir()
    for card in (ec_card, rsa_card):
        for authority in (card.pki.root, card.pki.citizen_ca):
            pem = authority.certificate.public_bytes(Encoding.PEM)
            (trust / f"{card.token_label}-{authority.slug}.pem").write_bytes(pem)
    database = f"sqlite:///{tmp_path / 'formkit.db'}"
    return service_settings(tmp_path, database, eid_trust_dir=trust)


def nonce_of(client: TestClient[Any]) -> str:
    response = client.get(CHALLENGE)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    nonce: str = response.json()["nonce"]
    return nonce


def token(
    card: TestCard,
    nonce: str,
    *,
    origin: str = APP_URL,
    key: str = "Authentication",
    certificate: bytes | None = None,
) -> dict[str, str]:
    """The token the extension would post: the card's `key` signs origin and nonce."""
    ec_key = isinstance(card.authentication.public_key(), ec.EllipticCurvePublicKey)
    algorithm, hash_name = ("ES384", "SHA-384") if ec_key else ("RS256", "SHA-256")
    data = signed_data(origin, nonce, algorithm)
    digest = hashlib.new(hash_name.replace("-", "").lower(), data).digest()
    signed = sign_digest(card.module, card.token_label, card.pin, digest, hash_name, key)
    return {
        "unverifiedCertificate": base64.b64encode(certificate or signed.certificate).decode(),
        "algorithm": algorithm,
        "signature": base64.b64encode(signed.signature).decode(),
        "format": "web-eid:1.0",
        "appVersion": "https://web-eid.eu/web-eid-app/releases/2.5.0+0",
    }


def post(client: TestClient[Any], answer: dict[str, str] | str) -> Any:
    text = answer if isinstance(answer, str) else json.dumps(answer)
    return client.post(LOGIN, data={"webeid-token": text}, follow_redirects=False)


def test_the_login_page_offers_the_card_and_says_what_it_needs(client: TestClient[Any]) -> None:
    page = client.get(HOME)
    assert "Aanmelden met uw eID-kaart (kaartlezer)" in page.text
    assert f'data-fk-challenge="{CHALLENGE}"' in page.text
    assert f'action="{LOGIN}"' in page.text
    assert "browserextensie Web eID" in page.text  # what a page without it still says
    assert "/eid.js" in page.text


def test_a_challenge_is_256_random_bits_kept_in_this_browsers_cookie(
    client: TestClient[Any],
) -> None:
    response = client.get(CHALLENGE)
    nonce = response.json()["nonce"]
    assert len(base64.b64decode(nonce)) == 32
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(COOKIE))
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=lax", "path=/", "max-age=300"} <= attributes
    assert nonce_of(client) != nonce


def test_a_citizen_logs_in_with_the_card_and_the_session_works(
    client: TestClient[Any], services: Services, card: TestCard
) -> None:
    first = post(client, token(card, nonce_of(client)))
    assert first.status_code == 303, first.text
    assert first.headers["location"] == HOME
    page = client.get(HOME)
    assert f"Welkom, <strong>{NAME}</strong>" in page.text
    assert "85.07.30-***.**" in page.text
    assert "hoog (met uw eID-kaart of itsme)" in page.text
    assert NUMBER not in page.text
    [row] = citizen_rows(services)
    assert row["level"] == EID_LEVEL
    assert NUMBER not in str(dict(row))
    # A second login rotates the session: the first one's row ends with it.
    again = post(client, token(card, nonce_of(client)))
    assert again.status_code == 303
    [second] = citizen_rows(services)
    assert second["id_hash"] != row["id_hash"]
    assert f"Welkom, <strong>{NAME}</strong>" in client.get(HOME).text


def test_logging_out_of_an_eid_session_ends_it_here_and_leaves_fas_alone(
    settings: Settings, provider: Provider, clock: Clock, catalogue: Catalogue, ec_card: TestCard
) -> None:
    """FAS never saw this login: the browser is not sent to end a session there."""
    with_fas = replace(settings, **provider.settings(APP_URL))
    services = Services.build(with_fas, clock=clock, catalogue=catalogue)
    with TestClient(create_app(with_fas, services), base_url=APP_URL) as client:
        page = client.get(HOME).text
        assert "Aanmelden met eID of itsme" in page
        assert "Aanmelden met uw eID-kaart (kaartlezer)" in page
        post(client, token(ec_card, nonce_of(client)))
        csrf = client.get(HOME).text.split('name="_csrf" value="')[1].split('"')[0]
        out = client.post(f"{HOME}/afmelden", data={"_csrf": csrf}, follow_redirects=False)
        assert out.headers["location"] == f"{HOME}/afgemeld"
        assert citizen_rows(services) == []


def refused(client: TestClient[Any], services: Services, response: Any, title: str) -> None:
    """The refusal page, in Dutch, with no session left behind."""
    assert response.status_code == 400, response.text
    assert title in response.text
    assert "U bent niet aangemeld" in response.text
    assert NUMBER not in response.text
    cookies = response.headers.get_list("set-cookie")
    assert not any(c.startswith("formkit-citizen=") and "max-age=0" not in c for c in cookies)
    assert citizen_rows(services) == []
    assert "Welkom" not in client.get(HOME).text


Forge = Callable[[TestCard, str], Any]


def _other_origin(card: TestCard, nonce: str) -> Any:
    return token(card, nonce, origin="https://loket-mechelen.example")


def _tampered(card: TestCard, nonce: str) -> Any:
    answer = token(card, nonce)
    signature = bytearray(base64.b64decode(answer["signature"]))
    signature[10] ^= 1
    return answer | {"signature": base64.b64encode(signature).decode()}


def _other_nonce(card: TestCard, nonce: str) -> Any:
    return token(card, nonce[::-1])


def _signature_key(card: TestCard, nonce: str) -> Any:
    return token(card, nonce, key="Signature")


def _untrusted(card: TestCard, nonce: str) -> Any:
    pki = TestPKI.untrusted(now=NOW)
    issued = pki.issue(card.citizen, "Authentication", card.authentication.public_key())
    return token(card, nonce, certificate=issued.public_bytes(Encoding.DER))


def _expired(card: TestCard, nonce: str) -> Any:
    public_key = card.authentication.public_key()
    issued = card.pki.issue_expired(card.citizen, "Authentication", public_key)
    return token(card, nonce, certificate=issued.public_bytes(Encoding.DER))


def _not_a_token(card: TestCard, nonce: str) -> Any:
    return "{niet: json"


@pytest.mark.parametrize(
    ("forge", "title"),
    [
        (_tampered, "Deze aanmelding is niet echt"),
        (_other_origin, "Deze aanmelding is niet echt"),
        (_other_nonce, "Deze aanmelding is niet echt"),
        (_signature_key, "Dit certificaat is niet om u aan te melden"),
        (_untrusted, "Deze kaart kennen we niet"),
        (_expired, "Het certificaat van uw eID-kaart is niet geldig"),
        (_not_a_token, "Deze aanmelding kon niet gelezen worden"),
    ],
)
def test_a_token_that_does_not_hold_is_refused_with_its_reason(
    client: TestClient[Any], services: Services, ec_card: TestCard, forge: Forge, title: str
) -> None:
    response = post(client, forge(ec_card, nonce_of(client)))
    refused(client, services, response, title)


def test_a_replayed_token_is_refused_and_starts_no_second_session(
    client: TestClient[Any], services: Services, ec_card: TestCard
) -> None:
    nonce = nonce_of(client)
    answer = token(ec_card, nonce)
    cookie = client.cookies[COOKIE]
    assert post(client, answer).status_code == 303
    [row] = citizen_rows(services)
    client.cookies.set(COOKIE, cookie)  # the same browser, its nonce put back
    replayed = post(client, answer)
    assert replayed.status_code == 400
    assert "Deze aanmelding is niet meer geldig" in replayed.text
    assert citizen_rows(services) == [row]


def test_a_token_for_an_expired_challenge_is_refused(
    client: TestClient[Any], services: Services, clock: Clock, ec_card: TestCard
) -> None:
    answer = token(ec_card, nonce_of(client))
    clock.now = NOW + LIFETIME + timedelta(seconds=1)
    refused(client, services, post(client, answer), "Deze aanmelding is niet meer geldig")


def test_a_token_from_another_browser_is_refused(
    client: TestClient[Any], services: Services, ec_card: TestCard
) -> None:
    """The nonce is this browser's: a token for it posted from elsewhere has no cookie."""
    answer = token(ec_card, nonce_of(client))
    client.cookies.clear()
    refused(client, services, post(client, answer), "Deze aanmelding is niet meer geldig")


def test_a_failed_attempt_uses_the_nonce_up(
    client: TestClient[Any], services: Services, ec_card: TestCard
) -> None:
    nonce = nonce_of(client)
    cookie = client.cookies[COOKIE]
    post(client, _tampered(ec_card, nonce))
    client.cookies.set(COOKIE, cookie)
    response = post(client, token(ec_card, nonce))
    refused(client, services, response, "Deze aanmelding is niet meer geldig")


def test_a_cross_site_post_is_refused_before_its_token_is_read(
    client: TestClient[Any], services: Services, ec_card: TestCard
) -> None:
    answer = token(ec_card, nonce_of(client))
    response = client.post(
        LOGIN,
        data={"webeid-token": json.dumps(answer)},
        headers={"Origin": "https://elders.example", "Sec-Fetch-Site": "cross-site"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert citizen_rows(services) == []


def test_without_a_trust_folder_a_public_server_offers_no_eid_login(tmp_path: Path) -> None:
    public = service_settings(tmp_path, "", host="0.0.0.0", public_url="https://loket.test")
    assert not public.eid_login
    trusted = service_settings(
        tmp_path, "", public_url="https://loket.test/e-loket", eid_trust_dir=tmp_path
    )
    assert trusted.eid_login
    assert trusted.eid_login_origin == "https://loket.test"
    switched_off = service_settings(tmp_path, "", citizen_eid_login=0)
    assert not switched_off.eid_login
