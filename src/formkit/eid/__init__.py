"""Signatures with the Belgian eID card: sign a digest on a PKCS#11 token, verify one.

- `sign_digest` signs a digest with the card's Signature key (SoftHSM2 stands in for the card
  in tests, see `formkit.eid._testcard`); `formkit sign` (`add_sign_command`) does it from the
  command line.
- `verify_signed_digest` (or `verify_signed_digest_async`) checks such a signature, its key's
  role and its certificate chain at the moment of signing, and names the signer; a refusal is
  a `SignatureRefused` with a stable `code`.
- `AuthToken` and `verify_auth_token` check a Web eID authentication token (logging in with
  the card's Authentication key) against the nonce the server issued (`new_nonce`) and the
  site's origin; a refusal is a `SignatureRefused` with the same codes.
- `mask_national_number` is how a national register number is shown where it must not be
  shown whole.

Exceptions (both `formkit.FormkitError`):

    TokenError          the token could not sign (module, token, PIN, key, certificate)
    SignatureRefused    a signature formkit does not accept; `code` says why
"""

from formkit.eid._certificates import (
    AUTHENTICATION_POLICY,
    SIGNATURE_POLICY,
    SignerIdentity,
    mask_national_number,
)
from formkit.eid._cli import add_sign_command
from formkit.eid._digests import HASHES, ecdsa_der_to_raw, ecdsa_raw_to_der
from formkit.eid._pkcs11 import SignedDigest, TokenError, sign_digest
from formkit.eid._verify import (
    RefusalCode,
    SignatureRefused,
    verify_signed_digest,
    verify_signed_digest_async,
)
from formkit.eid._webeid import AuthToken, new_nonce, signed_data, verify_auth_token

__all__ = [
    "AUTHENTICATION_POLICY",
    "HASHES",
    "SIGNATURE_POLICY",
    "AuthToken",
    "RefusalCode",
    "SignatureRefused",
    "SignedDigest",
    "SignerIdentity",
    "TokenError",
    "add_sign_command",
    "ecdsa_der_to_raw",
    "ecdsa_raw_to_der",
    "mask_national_number",
    "new_nonce",
    "sign_digest",
    "signed_data",
    "verify_auth_token",
    "verify_signed_digest",
    "verify_signed_digest_async",
]
