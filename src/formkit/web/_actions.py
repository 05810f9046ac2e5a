"""The actions an integrator posts, as JSON objects tagged by `action`, and the commands they are.

Each field is as long as staff may type it on the pages; the procedure checks the rest (a
department that exists, a track or outcome the procedure knows) and refuses in Dutch. The
OpenAPI document takes its request schema from these Structs, so the two cannot drift apart.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

import msgspec

from formkit.forms import _strict_json
from formkit.handling import actions, advice_files
from formkit.handling.state import OPINIONS
from formkit.web.problems import ProblemError

MAX_BODY = 64 * 1024
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Prose = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
Opinion = Literal["gunstig", "voorwaardelijk-gunstig", "ongunstig"]
UploadId = Annotated[str, msgspec.Meta(pattern="^upl_[0-9a-f]{32}$")]  # `POST /api/v1/uploads`
assert Opinion.__args__ == OPINIONS  # type: ignore[attr-defined]


class _Action(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="action"):
    pass


class AssignAction(_Action, frozen=True, tag="assign"):
    """Hand the dossier to an official: `official` is their id at the identity provider."""

    official: Name
    name: Name
    department: Name | None = None


class AdmissibleAction(_Action, frozen=True, tag="admissible"):
    """Find the dossier complete and admissible, on `track` (the procedure's first if absent)."""

    track: Name | None = None


class IncompleteAction(_Action, frozen=True, tag="incomplete"):
    """Ask the applicant to complete the dossier: what is missing, and which answers."""

    message: Prose
    pointers: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=500)]], msgspec.Meta(max_length=100)
    ] = []


class RequestAdviceAction(_Action, frozen=True, tag="request-advice"):
    """Ask departments (ids of the organisation) for advice, each with its own deadline."""

    departments: Annotated[list[Name], msgspec.Meta(min_length=1, max_length=50)]


class GiveAdviceAction(_Action, frozen=True, tag="give-advice"):
    """A department's advice, on a request that is open. `attachments`: the ids of this key's
    uploads (`POST /api/v1/uploads`) that go with it: PDF, JPEG, PNG, Word, Excel or
    OpenDocument, each at most 20 MB; each upload is used once."""

    department: Name
    opinion: Opinion
    motivation: Prose
    attachments: Annotated[list[UploadId], msgspec.Meta(max_length=advice_files.MAX_FILES)] = []


class ExtendAction(_Action, frozen=True, tag="extend"):
    """Extend the decision deadline, once, by the days the track allows."""


class DecideAction(_Action, frozen=True, tag="decide"):
    """Decide: `outcome` is one of the procedure's outcomes."""

    outcome: Name
    motivation: Prose


class CloseAction(_Action, frozen=True, tag="close"):
    """Close the dossier after the decision."""


class ArchiveAction(_Action, frozen=True, tag="archive"):
    """Archive a closed dossier, where the procedure archives."""


Action = (
    AssignAction
    | AdmissibleAction
    | IncompleteAction
    | RequestAdviceAction
    | GiveAdviceAction
    | ExtendAction
    | DecideAction
    | CloseAction
    | ArchiveAction
)


def decode_action(body: bytes) -> Action:
    try:
        document = _strict_json.decode(body)
    except _strict_json.JsonError as error:
        raise ProblemError("malformed-json", f"De actie is geen geldige JSON: {error}.") from None
    try:
        action: Action = msgspec.convert(document, Action)
    except msgspec.ValidationError as error:
        raise ProblemError("invalid-action", f"Deze actie klopt niet: {error}.") from None
    if _has_nul(document):  # PostgreSQL keeps no NUL in text: refuse it rather than fail
        raise ProblemError("invalid-action", "Deze actie bevat een NUL-teken.")
    return action


def _has_nul(node: Any) -> bool:
    if isinstance(node, str):
        return "\x00" in node
    if isinstance(node, dict):
        return any(_has_nul(key) or _has_nul(value) for key, value in node.items())
    return isinstance(node, list) and any(_has_nul(item) for item in node)


def command(action: Action) -> actions.Command:
    match action:
        case AssignAction(official, name, department):
            return actions.Assign(official, name, department)
        case AdmissibleAction(track):
            return actions.FindAdmissible(track)
        case IncompleteAction(message, pointers):
            return actions.FindIncomplete(message, tuple(pointers))
        case RequestAdviceAction(departments):
            return actions.RequestAdvice(tuple(departments))
        case GiveAdviceAction(department, opinion, motivation):
            return actions.GiveAdvice(department, opinion, motivation)  # files: `_api_advice`
        case DecideAction(outcome, motivation):
            return actions.Decide(outcome, motivation)
    return _PLAIN[type(action)]


_PLAIN: dict[type[Any], actions.Command] = {
    ExtendAction: actions.ExtendDeadline(),
    CloseAction: actions.Close(),
    ArchiveAction: actions.Archive(),
}


def request_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def components(ref_template: str) -> dict[str, Any]:
    """The JSON Schema of an action (`Action`, one of the others by `action`), as components."""
    (root,), named = msgspec.json.schema_components([Action], ref_template=ref_template)
    return {"Action": root, **named}
