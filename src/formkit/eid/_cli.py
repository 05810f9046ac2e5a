"""`formkit sign`: sign a digest with an eID card (or any PKCS#11 token) from the command line.

    formkit sign --pkcs11-module /usr/lib/x86_64-linux-gnu/libbeidpkcs11.so.0 \\
                 --token-label BELPIC [--key-label Signature] DIGEST

DIGEST is one of:
- the path of a JSON file `{"digest": "<base64>", "hash": "SHA-384"}` (what formkit hands out
  to be signed; "SHA-256" and "SHA-512" are accepted too), or `-` to read it from stdin;
- a digest in hex (64, 96 or 128 digits: SHA-256, SHA-384 or SHA-512, told by its length).

The PIN comes from `FORMKIT_PKCS11_PIN` or is asked for without echo. `--pkcs11-module`
defaults to `FORMKIT_PKCS11_MODULE`. Printed on stdout:

    {"hash": "SHA-384", "digest": "<base64>", "signature": "<base64>",
     "certificate": "<base64 DER>", "chain": ["<base64 DER>", ...]}

`signature` is r||s for an EC key, PKCS#1 v1.5 for RSA; `chain` holds the CA certificates
found on the token, the issuer first. Exit status: 0 signed, 1 the token could not sign (a
message says why), 2 the command was used wrongly or DIGEST cannot be read. Nothing printed on
stderr holds the PIN or the certificate's subject (it carries the national register number).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from formkit.eid._digests import DigestError, check_digest, hash_for_digest_size
from formkit.eid._pkcs11 import SIGNATURE_KEY_LABEL, SignedDigest, TokenError, sign_digest
from formkit.forms import _strict_json

OK, SIGNING_FAILED, USAGE = 0, 1, 2
PIN_VARIABLE = "FORMKIT_PKCS11_PIN"
MODULE_VARIABLE = "FORMKIT_PKCS11_MODULE"


class _UsageError(Exception):
    """DIGEST cannot be read: exit status 2."""


def add_sign_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `sign` to the `formkit` command's subcommands; its handler is `command`."""
    module = os.environ.get(MODULE_VARIABLE)
    sign = subparsers.add_parser(
        "sign",
        help="sign a digest with an eID card or another PKCS#11 token",
        description=__doc__.split("\n\n")[0],
    )
    sign.add_argument(
        "--pkcs11-module",
        default=module,
        required=module is None,
        metavar="PATH",
        help=f"the PKCS#11 library (default: ${MODULE_VARIABLE})",
    )
    sign.add_argument("--token-label", required=True, metavar="LABEL", help="the token's label")
    sign.add_argument(
        "--key-label",
        default=SIGNATURE_KEY_LABEL,
        metavar="LABEL",
        help=f"the key to sign with (default: {SIGNATURE_KEY_LABEL})",
    )
    sign.add_argument(
        "digest", metavar="DIGEST", help="JSON file {digest, hash}, - for stdin, or a hex digest"
    )
    sign.set_defaults(command=sign_command)


def sign_command(arguments: argparse.Namespace) -> int:
    """Run `formkit sign` with parsed `arguments`; returns the exit status."""
    try:
        digest, hash_name = _read_digest(arguments.digest)
    except _UsageError as error:
        print(f"formkit sign: {error}", file=sys.stderr)
        return USAGE
    try:
        pin = os.environ.get(PIN_VARIABLE) or getpass.getpass("PIN: ")
    except EOFError:
        print(f"formkit sign: no PIN: set {PIN_VARIABLE} or run in a terminal", file=sys.stderr)
        return USAGE
    try:
        signed = sign_digest(
            arguments.pkcs11_module,
            arguments.token_label,
            pin,
            digest,
            hash_name,
            key_label=arguments.key_label,
        )
    except TokenError as error:
        print(f"formkit sign: {error}", file=sys.stderr)
        return SIGNING_FAILED
    print(json.dumps(_output(digest, hash_name, signed), indent=2))
    return OK


def _read_digest(argument: str) -> tuple[bytes, str]:
    if argument == "-":
        return _digest_document(sys.stdin.read(), "stdin")
    path = Path(argument)
    if path.is_file():
        return _digest_document(path.read_bytes(), argument)
    try:
        digest = bytes.fromhex(argument)
        return digest, hash_for_digest_size(len(digest))
    except (ValueError, DigestError):
        raise _UsageError(f"{argument}: neither a file nor a hex SHA-2 digest") from None


def _digest_document(data: bytes | str, source: str) -> tuple[bytes, str]:
    try:
        document: Any = _strict_json.decode(data)
    except _strict_json.JsonError as error:
        raise _UsageError(f"{source}: {_strict_json.explain(error, data)}") from None
    try:
        hash_name, encoded = document["hash"], document["digest"]
    except (KeyError, TypeError):
        raise _UsageError(f'{source}: expected {{"digest": base64, "hash": name}}') from None
    try:
        digest = base64.b64decode(encoded, validate=True)
    except (binascii.Error, TypeError):
        raise _UsageError(f"{source}: the digest is not base64") from None
    try:
        check_digest(digest, hash_name)
    except DigestError as error:
        raise _UsageError(f"{source}: {error}") from None
    return digest, hash_name


def _output(digest: bytes, hash_name: str, signed: SignedDigest) -> dict[str, Any]:
    return {
        "hash": hash_name,
        "digest": _base64(digest),
        "signature": _base64(signed.signature),
        "certificate": _base64(signed.certificate),
        "chain": [_base64(certificate) for certificate in signed.chain],
    }


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
