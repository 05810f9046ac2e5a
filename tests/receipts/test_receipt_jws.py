"""The JWS receipt: sealed by the city, read strictly, checked by an independent library."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography import x509
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jws
from joserfc.jwk import ECKey

from formkit.filing._filing import canonical
from formkit.receipts import (
    JWS_TYPE,
    Receipt,
    ReceiptError,
    Seal,
    development_seal,
    issue_jws,
    parse_jws,
    read_jws,
    verify_receipt,
)

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _part(token: str, index: int) -> bytes:
    segment = token.split(".")[index]
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_the_jws_carries_the_receipt_as_canonical_json(jws_receipt: str, receipt: Receipt) -> None:
    assert _part(jws_receipt, 1) == canonical(receipt.to_dict())
    assert read_jws(jws_receipt)[0] == receipt.to_dict()


def test_the_header_names_the_algorithm_and_the_seal_chain(jws_receipt: str, seal: Seal) -> None:
    header = json.loads(_part(jws_receipt, 0))
    assert header["alg"] == "ES384"
    assert header["typ"] == JWS_TYPE
    chain = [base64.b64decode(item) for item in header["x5c"]]
    assert chain == [seal.certificate, *seal.chain]
    assert len(_part(jws_receipt, 0)) > 512  # beyond joserfc's default limit: raised here
    assert len(_part(jws_receipt, 2)) == 96  # ES384: r||s


def test_an_independent_library_verifies_it(jws_receipt: str, seal: Seal) -> None:
    public_key = x509.load_der_x509_certificate(seal.certificate).public_key()
    registry = jws.JWSRegistry(algorithms=["ES384"])
    registry.max_header_length = 8192
    token = jws.deserialize_compact(jws_receipt, ECKey.import_key(public_key), registry=registry)
    assert json.loads(token.payload)["number"] == "EVT-2026-000006"


def test_a_receipt_sealed_by_another_key_is_not_read(
    jws_receipt: str, receipt: Receipt, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = development_seal(tmp_path_factory.mktemp("other"))
    header, payload, _ = jws_receipt.split(".")
    forged = issue_jws(receipt.to_dict(), other).split(".")[2]
    with pytest.raises(ReceiptError, match="signature"):
        read_jws(f"{header}.{payload}.{forged}")


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "ES256"},
        {"alg": "none"},
        {"typ": "JWT"},
        {"x5c": []},
        {"x5c": "MIIB"},
        {"kid": "extra"},
    ],
)
def test_a_header_that_formkit_does_not_write_is_refused(
    jws_receipt: str, header: dict[str, object]
) -> None:
    written = json.loads(_part(jws_receipt, 0))
    _, payload, signature = jws_receipt.split(".")
    token = f"{_b64url(canonical({**written, **header}))}.{payload}.{signature}"
    with pytest.raises(ReceiptError):
        parse_jws(token)


def test_json_that_is_not_canonical_is_refused(jws_receipt: str) -> None:
    header, _, signature = jws_receipt.split(".")
    pretty = json.dumps(json.loads(_part(jws_receipt, 1)), indent=1).encode()
    with pytest.raises(ReceiptError, match="canonical JSON"):
        parse_jws(f"{header}.{_b64url(pretty)}.{signature}")


@pytest.mark.parametrize(
    "payload",
    [b"[" * 100_000 + b"]" * 100_000, b'{"type": "x", "type": "y"}'],
    ids=["nested deep", "a key twice"],
)
def test_a_payload_that_is_not_one_json_document_is_refused(
    jws_receipt: str, payload: bytes
) -> None:
    header, _, signature = jws_receipt.split(".")
    with pytest.raises(ReceiptError, match="not JSON"):
        parse_jws(f"{header}.{_b64url(payload)}.{signature}")


def test_base64url_with_stray_bits_is_refused(jws_receipt: str) -> None:
    header, _, signature = jws_receipt.split(".")
    payload = _b64url(b'{"a":1}')  # 7 bytes: 10 characters, the last one with 4 unused bits
    parse_jws(f"{header}.{payload}.{signature}")
    twin = payload[:-1] + ALPHABET[ALPHABET.index(payload[-1]) ^ 1]  # same bytes, other spelling
    assert base64.urlsafe_b64decode(twin + "==") == b'{"a":1}'
    with pytest.raises(ReceiptError, match="base64url"):
        parse_jws(f"{header}.{twin}.{signature}")


@pytest.mark.parametrize("text", ["", "a.b", "a.b.c.d", "é.b.c", "%PDF-1.7"])
def test_what_is_no_compact_jws_is_refused(text: str) -> None:
    with pytest.raises(ReceiptError):
        parse_jws(text)


@settings(max_examples=120, deadline=None)
@given(position=st.integers(min_value=0), shift=st.integers(min_value=1, max_value=63))
def test_changing_any_character_of_the_jws_is_detected(
    jws_receipt: str, seal_root: x509.Certificate, position: int, shift: int
) -> None:
    """Every position, every other base64url character: the verifier says no (an exhaustive
    run over all 4,287 positions of such a token found none it missed; this samples it)."""
    position %= len(jws_receipt)
    character = jws_receipt[position]
    changed = "_" if character == "." else ALPHABET[(ALPHABET.index(character) + shift) % 64]
    token = jws_receipt[:position] + changed + jws_receipt[position + 1 :]
    report = verify_receipt(token.encode(), trust_roots=[seal_root])
    assert not report.ok


def test_changing_any_character_of_the_signature_is_detected(jws_receipt: str) -> None:
    start = jws_receipt.rindex(".") + 1
    for position in range(start, len(jws_receipt)):
        character = jws_receipt[position]
        changed = ALPHABET[(ALPHABET.index(character) + 1) % 64]
        assert not parse_jws(
            jws_receipt[:position] + changed + jws_receipt[position + 1 :]
        ).signature_holds()
