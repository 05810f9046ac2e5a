"""A login under way: state, nonce and PKCE verifier, kept by the browser between the two legs.

The browser carries them in a cookie sealed with the instance's secret (an HMAC: it can read
but not change them), so a callback from another browser or a forged one finds no match, and
nothing is stored on our side for a login that is never finished. The seal names the kind of
login (`purpose`: "staff", "citizen"), so one kind's cookie never finishes the other's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from formkit.accounts._refusals import LoginRefused

# Long enough to type a password and answer a second factor, short enough to go stale.
LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Pending:
    state: str
    nonce: str
    verifier: str  # PKCE code_verifier: 256 random bits
    started: float  # a timestamp

    @classmethod
    def new(cls, now: datetime) -> Pending:
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        return cls(state, nonce, verifier, started=now.timestamp())

    @property
    def challenge(self) -> str:
        """The S256 code challenge (RFC 7636)."""
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return _b64(digest)

    def seal(self, secret: bytes, purpose: str) -> str:
        payload = _b64(json.dumps(asdict(self), separators=(",", ":")).encode())
        return f"{payload}.{_mac(secret, purpose, payload)}"

    @classmethod
    def unseal(
        cls, secret: bytes, purpose: str, sealed: str | None, state: str | None, now: datetime
    ) -> Pending:
        """The login this callback finishes; refused unless it was started here, lately."""
        payload, _, mac = (sealed or "").partition(".")
        if not payload or not hmac.compare_digest(_mac(secret, purpose, payload), mac):
            raise LoginRefused("state", "no login under way in this browser")
        pending = cls(**json.loads(base64.urlsafe_b64decode(payload + "==")))
        if state is None or not hmac.compare_digest(pending.state, state):
            raise LoginRefused("state", "the state is not this login's")
        if now.timestamp() - pending.started > LIFETIME.total_seconds():
            raise LoginRefused("state", "the login took too long")
        return pending


def _mac(secret: bytes, purpose: str, payload: str) -> str:
    message = f"formkit-{purpose}-login\x00{payload}".encode()
    return _b64(hmac.new(secret, message, "sha256").digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
