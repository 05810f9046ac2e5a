"""Logging in over OpenID Connect, and server-side sessions: staff through the city's
provider, citizens through the federal authentication service (FAS) or with their eID card.

No web and no SQL here: `formkit.web.staff` and `formkit.web.citizen` serve the pages,
`formkit.store.sessions` keeps the sessions.
"""

from formkit.accounts._citizen import (
    EID_LEVEL,
    Assurance,
    Citizen,
    ClaimNames,
    assurance_of,
    citizen_from_claims,
    citizen_from_eid,
    national_number_key,
)
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
    staff_from_claims,
)
from formkit.accounts._sealed import seal, unseal
from formkit.accounts._sessions import Session, Sessions, SessionStore, data_key, hash_id

__all__ = [
    "ALGORITHMS",
    "DEVELOPMENT_ROLES",
    "EID_LEVEL",
    "PENDING_LIFETIME",
    "Assurance",
    "Citizen",
    "ClaimNames",
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
    "assurance_of",
    "citizen_from_claims",
    "citizen_from_eid",
    "data_key",
    "describe_role",
    "discover",
    "hash_id",
    "is_role",
    "national_number_key",
    "parse_role_map",
    "roles_for",
    "seal",
    "staff_from_claims",
    "unseal",
    "verified_claims",
]
