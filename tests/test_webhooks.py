"""Signing webhooks as Standard Webhooks does, checked against the specification's own vector."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from formkit.webhooks import (
    SignatureError,
    check_url,
    dossier_created,
    message_id,
    new_secret,
    sign,
    signature,
    verify,
)

# standard-webhooks/standard-webhooks, libraries/python/tests/test_webhooks.py,
# test_sign_function: the reference libraries all test against this one message.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

AT = datetime.fromtimestamp(VECTOR_TIMESTAMP, UTC)


def test_the_signature_matches_the_specifications_vector() -> None:
    assert signature(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_sign_gives_the_three_standard_headers() -> None:
    assert sign(VECTOR_SECRET, VECTOR_ID, VECTOR_BODY, AT) == {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": VECTOR_SIGNATURE,
    }


def test_verify_accepts_the_vector_within_the_window_and_any_header_case() -> None:
    headers = sign(VECTOR_SECRET, VECTOR_ID, VECTOR_BODY, AT)
    verify(VECTOR_SECRET, headers, VECTOR_BODY, now=AT + timedelta(minutes=4))
    verify(VECTOR_SECRET, {k.title(): v for k, v in headers.items()}, VECTOR_BODY, now=AT)


def test_verify_accepts_one_matching_signature_among_several() -> None:
    # As in the reference tests: secret rotation sends old and new signatures side by side.
    headers = sign(VECTOR_SECRET, VECTOR_ID, VECTOR_BODY, AT)
    others = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/Wav"
    headers["webhook-signature"] = f"{others} {headers['webhook-signature']}"
    verify(VECTOR_SECRET, headers, VECTOR_BODY, now=AT)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="}, "no signature"),
        ({"webhook-id": "msg_other"}, "no signature"),
        ({"webhook-timestamp": str(VECTOR_TIMESTAMP + 1)}, "no signature"),
        ({"webhook-timestamp": "hallo"}, "missing"),
        ({"webhook-timestamp": "²"}, "missing"),
        ({"webhook-id": ""}, "missing"),
        ({"webhook-signature": "v1,é"}, "no signature"),
    ],
)
def test_verify_refuses_a_changed_header(change: dict[str, str], reason: str) -> None:
    headers = {**sign(VECTOR_SECRET, VECTOR_ID, VECTOR_BODY, AT), **change}
    with pytest.raises(SignatureError, match=reason):
        verify(VECTOR_SECRET, headers, VECTOR_BODY, now=AT)


def test_verify_refuses_a_changed_body_or_another_secret() -> None:
    headers = sign(VECTOR_SECRET, VECTOR_ID, VECTOR_BODY, AT)
    with pytest.raises(SignatureError):
        verify(VECTOR_SECRET, headers, b'{"test": 2432232315}', now=AT)
    with pytest.raises(SignatureError):
        verify(new_secret(), headers, VECTOR_BODY, now=AT)


@pytest.mark.parametrize(
    "offset", [timedelta(minutes=5, seconds=1), -timedelta(minutes=5, seconds=1)]
)
def test_verify_refuses_a_timestamp_outside_the_window(offset: timedelta) -> None:
    headers = sign(VECTOR_SECRET, VECTOR_ID, VECTOR_BODY, AT)
    with pytest.raises(SignatureError, match="outside the window"):
        verify(VECTOR_SECRET, headers, VECTOR_BODY, now=AT + offset)


def test_a_new_secret_is_whsec_and_32_random_bytes() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32
    assert first != second


def test_a_malformed_secret_is_a_signature_error() -> None:
    with pytest.raises(SignatureError, match="whsec_"):
        signature("whsec_niet base64!", VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)


def test_the_dossier_created_body_is_thin_minified_json() -> None:
    at = datetime(2026, 11, 28, 9, 30, 15, 250000, tzinfo=UTC)
    url = "https://loket.example/api/v1/dossiers/EVT-2026-000123"
    body = dossier_created("EVT-2026-000123", "evenement", url, at)
    assert json.loads(body) == {
        "type": "dossier.created",
        "timestamp": "2026-11-28T09:30:15.250000Z",
        "data": {"number": "EVT-2026-000123", "form": "evenement", "url": url},
    }
    assert " " not in body


def test_a_message_id_is_stable_per_event_and_subject_and_has_no_dots() -> None:
    first = message_id("dossier.created", "EVT-2026-000123")
    assert first == message_id("dossier.created", "EVT-2026-000123")
    assert first != message_id("dossier.created", "EVT-2026-000124")
    assert first.startswith("msg_")
    assert "." not in first


@pytest.mark.parametrize(
    "url", ["ftp://example.org/hook", "file:///etc/passwd", "example.org/hook", "https://"]
)
def test_only_absolute_http_urls_are_receivers(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        check_url(url)
    assert check_url("https://example.org/hook") == "https://example.org/hook"
