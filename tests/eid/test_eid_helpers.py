"""The national number mask and the digest helpers shared by signing and verifying."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from hypothesis import given
from hypothesis import strategies as st

from formkit.eid import HASHES, ecdsa_der_to_raw, ecdsa_raw_to_der, mask_national_number
from formkit.eid._digests import digest_info


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("85073003328", "85.07.30-***.**"),
        ("85.07.30-033.28", "85.07.30-***.**"),
        ("85 07 30 033 28", "85.07.30-***.**"),
        ("8507300332", "**.**.**-***.**"),
        ("8507300332X", "**.**.**-***.**"),
        ("", "**.**.**-***.**"),
    ],
)
def test_the_mask_shows_the_birth_date_part_and_nothing_else(number: str, masked: str) -> None:
    assert mask_national_number(number) == masked


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_the_mask_never_shows_the_sequence_or_check_digits(number: str) -> None:
    masked = mask_national_number(number)
    assert masked.endswith("-***.**")
    assert masked.replace(".", "").replace("-***", "").replace("**", "") == number[:6]


@given(st.integers(1, 2**384 - 1), st.integers(1, 2**384 - 1))
def test_raw_and_der_ecdsa_signatures_convert_both_ways(r: int, s: int) -> None:
    raw = r.to_bytes(48, "big") + s.to_bytes(48, "big")
    assert ecdsa_der_to_raw(ecdsa_raw_to_der(raw), 384) == raw


@pytest.mark.parametrize("raw", [b"", b"\x01\x02\x03"])
def test_a_raw_ecdsa_signature_needs_two_equal_halves(raw: bytes) -> None:
    with pytest.raises(ValueError, match="two halves"):
        ecdsa_raw_to_der(raw)


def test_a_software_ecdsa_signature_in_raw_form_verifies_after_conversion() -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    digest = hashlib.sha384(b"x").digest()
    raw = ecdsa_der_to_raw(key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA384()))), 384)
    key.public_key().verify(ecdsa_raw_to_der(raw), digest, ec.ECDSA(Prehashed(hashes.SHA384())))


@pytest.mark.parametrize("hash_name", ["SHA-256", "SHA-384", "SHA-512"])
def test_digest_info_is_what_pkcs1_v15_signs(hash_name: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    algorithm = HASHES[hash_name]
    digest = hashlib.new(algorithm.name, b"x").digest()
    signature = key.sign(digest, padding.PKCS1v15(), Prehashed(algorithm))
    # Undo the signature with the public exponent: PKCS#1 v1.5 padding, then the DigestInfo.
    numbers = key.public_key().public_numbers()
    block = pow(int.from_bytes(signature, "big"), numbers.e, numbers.n).to_bytes(256, "big")
    assert block.endswith(b"\x00" + digest_info(digest, hash_name))
