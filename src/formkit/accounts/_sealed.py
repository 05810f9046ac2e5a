"""What a session keeps under its own key (`data_key`): AES-GCM, bound to the session's row.

The key comes from the session id, which only the browser holds (the database keeps its hash),
so a copy of the database, or of its backups, cannot open what is sealed here.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12


def seal(key: bytes, text: str, context: str) -> str:
    """`text` sealed; `context` (the row's id hash) must be given again to open it."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, text.encode(), context.encode())
    return base64.b64encode(nonce + sealed).decode("ascii")


def unseal(key: bytes, sealed: str, context: str) -> str | None:
    """The text, or None when the key or the context is not the one it was sealed with."""
    data = base64.b64decode(sealed)
    try:
        opened = AESGCM(key).decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], context.encode())
    except InvalidTag:
        return None
    return opened.decode()
