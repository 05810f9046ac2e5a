"""Logging in: staff through the city's OpenID Connect provider, and server-side sessions.

No web and no SQL here: `formkit.web.staff` serves the pages, `formkit.store.staff_sessions`
keeps the sessions.
"""

from formkit.accounts._idtoken import ALGORITHMS, Expected, verified_claims
from formkit.accounts._pending import LIFETIME as PENDING_LIFETIME
from formkit.accounts._pending import Pending
from formkit.accounts._provider import Client, Jwks, Metadata, discover
from formkit.accounts._refusals import LoginRefused
from formkit.accounts._relying_party import ProviderConfig, RelyingParty
from formkit.accounts._roles import (
    DEVELOPMENT_ROLES,
    RoleMapError,
    Staff,
    describe_role,
    is_role,
    parse_role_map,
    roles_for,
)
from formkit.accounts._sessions import Session, Sessions, SessionStore, hash_id

__all__ = [
    "ALGORITHMS",
    "DEVELOPMENT_ROLES",
    "PENDING_LIFETIME",
    "Client",
    "Expected",
    "Jwks",
    "LoginRefused",
    "Metadata",
    "Pending",
    "ProviderConfig",
    "RelyingParty",
    "RoleMapError",
    "Session",
    "SessionStore",
    "Sessions",
    "Staff",
    "describe_role",
    "discover",
    "hash_id",
    "is_role",
    "parse_role_map",
    "roles_for",
    "verified_claims",
]
