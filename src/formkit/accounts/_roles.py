"""Staff roles, and the settings' mapping from the identity provider's groups to them.

A role reads `behandelaar:<form-id>` (handles one form's dossiers), `adviseur:<department>`
(advises for one department), `beslisser` (decides) or `beheerder` (administers). The
mapping is a JSON object: each group names the roles its members get, for example
`{"omgeving-team": ["behandelaar:bouwaanvraag", "adviseur:omgeving"], "it": ["beheerder"]}`.
A group the mapping does not name gives no role: least privilege by default.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ROLE_MAP_EXAMPLE = '{"omgeving-team": ["behandelaar:bouwaanvraag"], "college": ["beslisser"]}'
_SCOPED = ("behandelaar", "adviseur")
_PLAIN = ("beslisser", "beheerder")
_ROLE = re.compile(r"(?:(behandelaar|adviseur):([a-z0-9][a-z0-9-]{0,99})|beslisser|beheerder)")
# A development login can choose among these: every kind, for the forms of a fresh checkout,
# with the advisers a bouwaanvraag asks by default (and erfgoed, for a protected building).
DEVELOPMENT_ROLES = (
    "behandelaar:bouwaanvraag",
    "behandelaar:evenement",
    "adviseur:brandweer",
    "adviseur:erfgoed",
    "adviseur:mobiliteit",
    "adviseur:omgeving",
    "beslisser",
    "beheerder",
)


class RoleMapError(ValueError):
    """The groups-to-roles mapping is not a JSON object of groups to lists of roles."""


def is_role(text: str) -> bool:
    return _ROLE.fullmatch(text) is not None


def parse_role_map(raw: str) -> dict[str, tuple[str, ...]]:
    """The mapping from its JSON text; empty text: no group gives a role."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise RoleMapError(f"not JSON ({error}); for example {ROLE_MAP_EXAMPLE}") from None
    if not isinstance(value, dict):
        raise RoleMapError(f"not a JSON object; for example {ROLE_MAP_EXAMPLE}")
    return {group: _roles_of(group, roles) for group, roles in value.items()}


def _roles_of(group: str, roles: object) -> tuple[str, ...]:
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise RoleMapError(f"group {group!r}: give a list of roles")
    wrong = [role for role in roles if not is_role(role)]
    if wrong:
        kinds = ", ".join([f"{kind}:<id>" for kind in _SCOPED] + list(_PLAIN))
        raise RoleMapError(f"group {group!r}: {', '.join(wrong)} is no role ({kinds})")
    return tuple(roles)


def roles_for(groups: Iterable[str], mapping: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    """The roles the groups give, each once, sorted."""
    return tuple(sorted({role for group in groups for role in mapping.get(group, ())}))


@dataclass(frozen=True, slots=True)
class Staff:
    """A logged-in member of staff: who (the provider's subject), their name and roles."""

    subject: str
    name: str
    roles: tuple[str, ...]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def handles(self, form_id: str) -> bool:
        return self.has_role(f"behandelaar:{form_id}")

    def advises(self, department: str) -> bool:
        return self.has_role(f"adviseur:{department}")


def staff_from_claims(
    claims: Mapping[str, Any], groups_claim: str, role_map: Mapping[str, Iterable[str]]
) -> Staff:
    """The member of staff an ID token names, with the roles their groups give."""
    groups = claims.get(groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    roles = roles_for([g for g in groups if isinstance(g, str)], role_map)
    name = claims.get("name") or claims.get("preferred_username") or claims["sub"]
    return Staff(subject=str(claims["sub"]), name=str(name), roles=roles)


def describe_role(role: str) -> str:
    """The role as a member of staff reads it."""
    kind, _, scope = role.partition(":")
    if kind == "behandelaar":
        return f"Behandelaar van het formulier {scope}"
    if kind == "adviseur":
        return f"Adviseur voor de dienst {scope}"
    return {"beslisser": "Beslisser", "beheerder": "Beheerder"}.get(kind, role)
