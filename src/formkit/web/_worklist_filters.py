"""The worklist page's filters: read from the query string, checked, and written back into links.

    ?q=peeters&fase=advies&formulier=bouwaanvraag&dienst=brandweer&termijn=te-laat&mij=ja&na=...

An empty field is no filter (the form sends every field, the unused ones empty). A value not
in the lists is a problem to show, not a query to run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from formkit.forms._procedure import PHASES
from formkit.forms.catalogue import Catalogue
from formkit.handling.deadlines import LABELS, Status
from formkit.handling.organisation import Organisation
from formkit.render._pages import SummaryItem

MAX_QUERY = 100  # characters searched for, as the API allows
MINE = "ja"
STATUS_SLUGS = {label.replace(" ", "-"): status for status, label in LABELS.items()}


@dataclass(frozen=True, slots=True)
class Choices:
    """What each list offers: (value, what staff read), in the order shown."""

    phases: tuple[tuple[str, str], ...]
    forms: tuple[tuple[str, str], ...]
    departments: tuple[tuple[str, str], ...]
    statuses: tuple[tuple[str, str], ...] = tuple(
        (slug, LABELS[status]) for slug, status in STATUS_SLUGS.items()
    )

    @classmethod
    def of(cls, catalogue: Catalogue, organisation: Organisation | None) -> Choices:
        handled = [form for form in catalogue.values() if form.annotations.procedure]
        return cls(
            phases=tuple((phase, _phase_label(phase, catalogue)) for phase in PHASES),
            forms=tuple((form.id, form.title) for form in handled),
            departments=tuple(
                (d.id, d.title) for d in (organisation.departments if organisation else ())
            ),
        )


@dataclass(frozen=True, slots=True)
class Filters:
    text: str = ""
    phase: str = ""
    form: str = ""
    department: str = ""
    status: str = ""  # a slug of STATUS_SLUGS
    mine: bool = False
    after: str | None = None  # the cursor of the page shown
    problems: tuple[SummaryItem, ...] = field(default=())

    @property
    def errors(self) -> dict[str, str]:
        """The problems by the id of their field."""
        return {item.href[1:]: item.message for item in self.problems if item.href[:1] == "#"}

    def link(self, path: str, after: str | None = None) -> str:
        """`path` with these filters, from the cursor `after` on (the first page without)."""
        values: list[tuple[str, str]] = [
            (name, value)
            for name, value in (
                ("q", self.text),
                ("fase", self.phase),
                ("formulier", self.form),
                ("dienst", self.department),
                ("termijn", self.status),
                ("mij", MINE if self.mine else ""),
                ("na", after or ""),
            )
            if value
        ]
        return f"{path}?{urlencode(values)}" if values else path


def read_filters(query: Mapping[str, str], choices: Choices) -> Filters:
    problems: list[SummaryItem] = []

    def one_of(name: str, known: Sequence[tuple[str, str]], what: str) -> str:
        value = query.get(name, "")
        if value and value not in dict(known):
            problems.append(SummaryItem(f"Kies {what} uit de lijst.", f"#{name}"))
            return ""
        return value

    text = query.get("q", "")
    if len(text) > MAX_QUERY or any(ord(char) < 0x20 for char in text):
        problems.append(
            SummaryItem(f"Zoek met hoogstens {MAX_QUERY} tekens, zonder stuurtekens.", "#q")
        )
        text = ""
    mine = query.get("mij", "")
    if mine not in ("", MINE):
        problems.append(SummaryItem("Vink 'Aan mij toegewezen' aan of uit.", "#mij"))
    return Filters(
        text=text,
        phase=one_of("fase", choices.phases, "een fase"),
        form=one_of("formulier", choices.forms, "een formulier"),
        department=one_of("dienst", choices.departments, "een dienst"),
        status=one_of("termijn", choices.statuses, "een termijn"),
        mine=mine == MINE,
        after=query.get("na") or None,
        problems=tuple(problems),
    )


def status_of(filters: Filters) -> Status | None:
    return STATUS_SLUGS.get(filters.status)


def _phase_label(phase: str, catalogue: Catalogue) -> str:
    """The phase as the forms call it; `Onvolledig / Aan te vullen` where they differ."""
    titles: list[str] = []
    for form in catalogue.values():
        procedure = form.annotations.procedure
        found = procedure.phase(phase) if procedure else None
        if found is not None and found.title not in titles:
            titles.append(found.title)
    return " / ".join(titles) or phase
