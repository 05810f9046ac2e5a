"""What the city tells the citizen by e-mail when their dossier moves: the notices.

An event that changes the dossier's phase, or asks the citizen to complete it, queues one
`citizen.mail` job (`notice_jobs`, in the event's transaction). The job carries no personal
data: the dossier's number, form, version and the kind of notice. Whoever sends it reads the
dossier as it was at that version and makes the `Notice` from it: the words of the form's
procedure, the city's message, the titles of the answers asked for. The citizen's address and
name come from the answers the procedure's `contact` names, and nothing else of the answers
ever goes into a notice; a national register number typed into a name or into the city's
message is left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from formkit.forms import _pointer
from formkit.forms._check_digits import is_national_number
from formkit.forms._labels import display_text
from formkit.forms._model import Field, Form, Kind
from formkit.forms._procedure import Contact
from formkit.handling.events import Event
from formkit.handling.events import Kind as EventKind
from formkit.handling.state import State

TOPIC = "citizen.mail"
NoticeKind = Literal["phase", "completion"]
PHASE: NoticeKind = "phase"
COMPLETION: NoticeKind = "completion"
LEFT_OUT = "[rijksregisternummer weggelaten]"
# Eleven digits, as typed: 85073003328, 85.07.30-033.28, 850730 033 28.
_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{2}(?:[ .-]?\d{2}){2}[ .-]?\d{3}[ .-]?\d{2}(?!\d)")


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    name: str  # "" when the form asks none


@dataclass(frozen=True, slots=True)
class Notice:
    """One mail's content, in the citizen's words; never their answers."""

    kind: NoticeKind
    number: str
    form_title: str
    phase_title: str
    phase_description: str
    official: str | None = None  # the handling official, once there is one
    message: str = ""  # the city's words with a completion request
    asked: tuple[str, ...] = ()  # the titles of the answers and documents asked for
    due: date | None = None  # by when, when the request says
    link: str = ""  # the completion page


def notice_kind(before: State, after: State, event: Event) -> NoticeKind | None:
    """The notice `event` makes: a completion request says its phase change too."""
    if after.procedure.contact is None:
        return None
    if event.kind is EventKind.FOUND_INCOMPLETE:
        return COMPLETION
    return PHASE if after.phase != before.phase else None


def job_payload(number: str, form_id: str, kind: NoticeKind, state: State) -> dict[str, Any]:
    return {
        "number": number,
        "form": form_id,
        "kind": kind,
        "phase": state.phase,
        "version": state.version,
    }


def recipient(contact: Contact | None, answers: Any) -> Recipient | None:
    """The citizen's address and name from the answers `contact` names; None without one."""
    if contact is None:
        return None
    addresses = (_text(_pointer.resolve(answers, p)) for p in contact.emails)
    address = next((a for a in addresses if a), "")
    if not address:
        return None
    parts = (_text(_pointer.resolve(answers, p)) for p in contact.name)
    return Recipient(address, clean(" ".join(part for part in parts if part)))


def notice(
    form: Form, number: str, kind: NoticeKind, state: State, event: Event, link: str = ""
) -> Notice:
    """The notice of `event`, `state` being the dossier just after it."""
    phase = state.procedure.phase(state.phase)
    official = clean(state.official.name) if state.official else ""
    said = Notice(
        PHASE,
        number,
        form_title=form.title,
        phase_title=phase.title if phase else state.phase,
        phase_description=phase.description if phase else "",
        official=official or None,
    )
    request = state.completion
    if kind == PHASE or request is None:
        return said
    due = event.data.get("due")
    return replace(
        said,
        kind=COMPLETION,
        message=clean(request.message, lines=True),
        asked=tuple(t for t in (asked_title(form, p) for p in request.pointers) if t),
        due=date.fromisoformat(due) if isinstance(due, str) else None,
        link=link,
    )


def asked_title(form: Form, pointer: str) -> str:
    """An asked answer as the form names it: `Initiatiefnemer 2 › Adres`."""
    titles: list[str] = []
    field: Field | None = None
    try:
        tokens = _pointer.tokens(pointer)
    except ValueError:
        tokens = []
    for depth, token in enumerate(tokens):
        if token.isdigit() and field is not None and field.kind is Kind.GROUP:
            titles[-1] = f"{field.item_title} {int(token) + 1}"  # one item of the list
            continue
        field = form.field(_pointer.from_path(tokens[: depth + 1]))
        if field is None:
            break
        titles.append(field.title)
    if field is None:
        return clean(pointer)  # not a field of this form (any more): the pointer says it best
    return clean(" › ".join(titles))


def clean(text: str, *, lines: bool = False) -> str:
    """Text fit for a mail: no bidi or control characters, no national register number."""
    text = display_text(text)
    if lines:
        kept = ("".join(c for c in line if c.isprintable()) for line in text.splitlines())
        text = "\n".join(line.rstrip() for line in kept).strip()
    else:
        text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return _ELEVEN_DIGITS.sub(_leave_out, text)


def _leave_out(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return LEFT_OUT if is_national_number(digits) else match.group()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def payload_kind(payload: Mapping[str, Any]) -> NoticeKind | None:
    kind = payload.get("kind")
    return kind if kind in (PHASE, COMPLETION) else None
