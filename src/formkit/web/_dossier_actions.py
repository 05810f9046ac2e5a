"""The staff page's actions: each a small form whose posted fields become one command.

    nemen              Assign (to oneself)          advies-geven       GiveAdvice
    ontvankelijk       FindAdmissible               termijn-verlengen  ExtendDeadline
    onvolledig         FindIncomplete               beslissen          Decide
    advies-vragen      RequestAdvice                afsluiten          Close

What an action's fields say is kept exactly as typed (`Typed`), so a confirmation page, a
refusal and a conflict page can hand it back unchanged; an advice's files are among them by
their upload's id (`_advice_post`). Shape problems (a missing choice, a
text too long) are `InvalidError`s in Dutch; whether the procedure allows the command is
`formkit.handling.actions.act`'s call, and who may try it `formkit.handling.permissions`'.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass

from formkit.accounts import Staff
from formkit.filing._filing import Blob
from formkit.forms._dutch import size_text
from formkit.handling import actions, advice_files
from formkit.handling.actions import Command
from formkit.handling.events import Actor, ActorKind
from formkit.handling.state import OPINIONS
from formkit.store.drafts import UploadRecord
from formkit.web._advice_post import FILE_REF
from formkit.web._dossier_view import OPINION_TITLES, Names

Typed = Mapping[str, tuple[str, ...]]  # an action's fields, by name, exactly as posted
MAX_PROSE = 4000  # characters of a message or motivation, as the API allows
MAX_NAME = 200


class InvalidError(Exception):
    """What was posted cannot be an action: said in Dutch; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Action:
    slug: str
    title: str  # the button and the confirmation's heading
    happens: str  # what confirming does, in one sentence
    done: str  # the message after it was done
    fields: tuple[str, ...] = ()  # the posted fields it reads


ACTIONS = {
    a.slug: a
    for a in (
        Action(
            "nemen",
            "Dossier nemen",
            "U wordt de behandelaar van dit dossier.",
            "U behandelt dit dossier nu.",
        ),
        Action(
            "ontvankelijk",
            "Volledig en ontvankelijk verklaren",
            "Het dossier wordt volledig en ontvankelijk verklaard; de termijnen van het gekozen "
            "spoor gaan lopen.",
            "Het dossier is volledig en ontvankelijk verklaard.",
            ("spoor",),
        ),
        Action(
            "onvolledig",
            "Onvolledig verklaren",
            "De aanvrager krijgt de vraag om het dossier aan te vullen, met dit bericht.",
            "Het dossier is onvolledig verklaard; de aanvrager wordt gevraagd het aan te vullen.",
            ("bericht", "gevraagd"),
        ),
        Action(
            "advies-vragen",
            "Advies vragen",
            "Elke gekozen dienst krijgt een adviesvraag, met een eigen termijn.",
            "Het advies is gevraagd.",
            ("dienst",),
        ),
        Action(
            "advies-geven",
            "Advies geven",
            "Het advies wordt aan het dossier toegevoegd en kan daarna niet meer veranderen.",
            "Uw advies is toegevoegd.",
            ("dienst", "advies", "motivering", FILE_REF),
        ),
        Action(
            "termijn-verlengen",
            "Beslissingstermijn verlengen",
            "De beslissingstermijn wordt verlengd. Dat kan maar één keer.",
            "De beslissingstermijn is verlengd.",
        ),
        Action(
            "beslissen",
            "Beslissen",
            "De beslissing wordt in het dossier vastgelegd en kan daarna niet meer veranderen.",
            "De beslissing is vastgelegd.",
            ("beslissing", "motivering"),
        ),
        Action(
            "afsluiten",
            "Afsluiten",
            "Het dossier wordt afgesloten; daarna kan er niets meer aan veranderen.",
            "Het dossier is afgesloten.",
        ),
    )
}


def typed(action: Action, posted: Iterable[tuple[str, str]]) -> Typed:
    """The action's own fields of a post, in the order posted; anything else is left out."""
    found: dict[str, list[str]] = {name: [] for name in action.fields}
    for name, value in posted:
        if name in found:
            found[name].append(value)
    return {name: tuple(values) for name, values in found.items()}


def command(
    action: Action,
    values: Typed,
    staff: Staff,
    askable: Container[str],
    files: Mapping[str, UploadRecord] | None = None,
) -> Command:
    """The command the fields ask for; `InvalidError` when they cannot be one. `askable`: the
    answers an official may ask the citizen to complete; `files`: the uploads the official
    handed in for this action, by id (`_advice_post.pending`)."""
    for value in (v for vs in values.values() for v in vs):
        if "\x00" in value:  # PostgreSQL keeps no NUL in text
            raise InvalidError("Wat u typte, bevat een teken dat niet kan (NUL).")
    match action.slug:
        case "nemen":
            return actions.Assign(staff.subject, staff.name)
        case "ontvankelijk":
            return actions.FindAdmissible(_one(values, "spoor") or None)
        case "onvolledig":
            if any(pointer not in askable for pointer in values["gevraagd"]):
                raise InvalidError("Kies wat ontbreekt uit de lijst van antwoorden.")
            return actions.FindIncomplete(_prose(values, "bericht"), values["gevraagd"])
        case "advies-vragen":
            return actions.RequestAdvice(tuple(_name(v) for v in values["dienst"]))
        case "advies-geven":
            opinion = _one(values, "advies")
            if opinion not in OPINIONS:
                raise InvalidError("Kies het advies: gunstig, voorwaardelijk gunstig of ongunstig.")
            department = _name(_one(values, "dienst"))
            attached = _attached(values, files or {})
            return actions.GiveAdvice(department, opinion, _prose(values, "motivering"), attached)
        case "termijn-verlengen":
            return actions.ExtendDeadline()
        case "beslissen":
            outcome = _name(_one(values, "beslissing"))
            if not outcome:
                raise InvalidError("Kies een beslissing.")
            return actions.Decide(outcome, _prose(values, "motivering"))
    return actions.Close()


def actor(staff: Staff, command: Command) -> Actor:
    """Staff act as themselves; advice on behalf of the department advised for."""
    department = command.department if isinstance(command, actions.GiveAdvice) else None
    return Actor(ActorKind.STAFF, staff.subject, staff.name, department)


def confirmation_rows(command: Command, names: Names) -> tuple[tuple[str, str], ...]:
    """What the confirmation page shows the official will be recorded, in words."""
    match command:
        case actions.Assign(_, name):
            return (("Behandelaar", name),)
        case actions.FindAdmissible(track):
            return (("Spoor", names.track(track or names.state.track)),)
        case actions.FindIncomplete(message, pointers):
            asked = names.answers(pointers) or "niets in het bijzonder"
            return (("Bericht aan de aanvrager", message), ("Gevraagd", asked))
        case actions.RequestAdvice(departments):
            return (("Diensten", names.departments(departments) or "geen"),)
        case actions.GiveAdvice(department, opinion, motivation, attachments):
            return (
                ("Namens", names.department(department)),
                ("Advies", OPINION_TITLES.get(opinion, opinion)),
                ("Motivering", motivation),
                ("Bijlagen", _files_text(attachments)),
            )
        case actions.Decide(outcome, motivation):
            return (("Beslissing", names.outcome(outcome)), ("Motivering", motivation))
        case actions.ExtendDeadline():
            current = names.state.procedure.track(names.state.track)
            days = current.extension if current and current.extension else None
            return (("Verlenging", f"{days} dagen" if days else "niet mogelijk op dit spoor"),)
    return ()


def _attached(values: Typed, files: Mapping[str, UploadRecord]) -> tuple[Blob, ...]:
    """The files an advice names, each once: only the official's own, not yet given."""
    refs = tuple(dict.fromkeys(values.get(FILE_REF, ())))
    if any(ref not in files for ref in refs):
        raise InvalidError(
            "Een bestand bij dit advies is niet meer beschikbaar (verlopen of al gebruikt). "
            "Voeg het opnieuw toe."
        )
    if len(refs) > advice_files.MAX_FILES:
        raise InvalidError(
            f"Voeg hoogstens {advice_files.MAX_FILES} bestanden toe aan een advies; "
            "vink de bestanden uit die niet mee moeten."
        )
    return tuple(files[ref].blob for ref in refs)


def _files_text(attachments: tuple[Blob, ...]) -> str:
    if not attachments:
        return "geen"
    return ", ".join(
        f"{blob.label} ({advice_files.TYPE_NAMES.get(blob.media_type, blob.media_type)}, "
        f"{size_text(blob.size)})"
        for blob in attachments
    )


def _one(values: Typed, name: str) -> str:
    found = values.get(name, ())
    if len(found) > 1:
        raise InvalidError("Kies één waarde per vraag.")
    return found[0].strip() if found else ""


def _name(value: str) -> str:
    if len(value) > MAX_NAME:
        raise InvalidError(f"Een keuze telt hoogstens {MAX_NAME} tekens.")
    return value


def _prose(values: Typed, name: str) -> str:
    text = _one(values, name)
    if len(text) > MAX_PROSE:
        raise InvalidError(f"Een tekst telt hoogstens {MAX_PROSE} tekens.")
    return text
