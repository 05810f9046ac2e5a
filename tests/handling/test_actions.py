"""The handling of a dossier as the procedure allows it: events, refusals and invariants."""

from datetime import UTC, datetime, timedelta
from functools import cache

import msgspec
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from tests.conftest import SCHEMAS, answers

import formkit
from formkit.filing._filing import Blob
from formkit.forms._procedure import PHASES, Procedure
from formkit.handling.actions import (
    Archive,
    Assign,
    Close,
    Command,
    Complete,
    Decide,
    ExtendDeadline,
    FindAdmissible,
    FindIncomplete,
    GiveAdvice,
    RefusedError,
    RequestAdvice,
    act,
    bears_on,
    due_events,
)
from formkit.handling.events import SYSTEM, Actor, ActorKind, Event, Kind
from formkit.handling.organisation import load_organisation
from formkit.handling.state import State, apply, fold, start

FILED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ORGANISATION = load_organisation(SCHEMAS / "organisatie.json")
DEPARTMENTS = frozenset(d.id for d in ORGANISATION.departments)
OFFICIAL = Actor(ActorKind.STAFF, "sub-an", "An Peeters", "omgeving")
CITIZEN = Actor(ActorKind.CITIZEN, "citizen", "Jan Janssens")


def _adviser(department: str) -> Actor:
    return Actor(ActorKind.STAFF, f"sub-{department}", f"Adviseur {department}", department)


@cache
def _procedure(form_id: str) -> Procedure:
    procedure = formkit.load_form(SCHEMAS / f"{form_id}.json").annotations.procedure
    assert procedure is not None
    return procedure


class Dossier:
    """A dossier's events and state, as the store will keep them: only ever appended to."""

    def __init__(self, form_id: str = "bouwaanvraag") -> None:
        self.answers = answers(form_id, "valid-full")
        self.procedure = _procedure(form_id)
        self.state = start(self.procedure, self.answers, FILED)
        self.events: list[Event] = []

    def do(self, command: Command, actor: Actor = OFFICIAL, at: datetime = FILED) -> Event:
        event = act(self.state, command, actor, at, DEPARTMENTS)
        self.record(event)
        return event

    def record(self, event: Event) -> None:
        self.events.append(event)
        self.state = apply(self.state, event)

    def tick(self, now: datetime) -> tuple[Event, ...]:
        events = due_events(self.state, now)
        for event in events:
            self.record(event)
        return events


def test_a_building_permit_from_filing_to_archive() -> None:
    dossier = Dossier()
    day = timedelta(days=1)
    dossier.do(Assign("sub-an", "An Peeters", "omgeving"), at=FILED + day)
    dossier.do(FindIncomplete("Het grondplan ontbreekt.", ("/bijlagen/plannen",)), at=FILED + day)
    assert dossier.state.phase == "onvolledig"
    assert dossier.state.completion is not None
    dossier.do(Complete({"nieuw": True}), CITIZEN, at=FILED + 5 * day)
    assert (dossier.state.phase, dossier.state.answers_version) == ("ingediend", 2)
    dossier.do(FindAdmissible("regulier"), at=FILED + 6 * day)
    assert dossier.state.phase == "ontvankelijk"
    asked = FILED + 7 * day
    dossier.do(RequestAdvice(("brandweer", "mobiliteit", "erfgoed")), at=asked)
    assert dossier.state.phase == "advies"
    dossier.do(GiveAdvice("mobiliteit", "gunstig", "Geen bezwaar."), _adviser("mobiliteit"))
    dossier.do(
        GiveAdvice("brandweer", "voorwaardelijk-gunstig", "Rookmelders."), _adviser("brandweer")
    )
    with pytest.raises(RefusedError, match="nog adviesvragen bij erfgoed"):
        act(dossier.state, Decide("vergund", "Past."), OFFICIAL, asked, DEPARTMENTS)
    assert dossier.tick(asked + 29 * day) == ()  # erfgoed still has a day
    (late,) = dossier.tick(asked + 31 * day)
    assert (late.kind, late.data) == (Kind.ADVICE_LATE, {"department": "erfgoed"})
    assert dossier.state.phase == "in-behandeling"
    due = dossier.state.decision_due
    assert due is not None
    dossier.do(ExtendDeadline())
    extended = dossier.state.decision_due
    assert extended is not None
    assert (extended.due - due.due).days == 60
    dossier.do(Decide("vergund-onder-voorwaarden", "Verenigbaar met de omgeving."))
    assert (dossier.state.phase, dossier.state.decision_due) == ("beslissing", None)
    dossier.do(Close())
    dossier.do(Archive())
    assert dossier.state.phase == "gearchiveerd"
    assert dossier.state.version == len(dossier.events) == 12
    replayed = fold(dossier.procedure, dossier.answers, FILED, dossier.events)
    assert replayed == dossier.state


def test_silence_makes_a_building_permit_admissible_from_the_end_of_its_term() -> None:
    dossier = Dossier()
    due = dossier.state.completeness_due
    assert due is not None
    assert dossier.tick(due.ends - timedelta(seconds=1)) == ()
    (event,) = dossier.tick(due.ends + timedelta(days=3))
    assert event.data["silence"] is True
    assert dossier.state.phase == "ontvankelijk"
    assert dossier.state.admissible == due.ends  # not the moment the job ran


def test_an_event_needs_no_completeness_check_to_be_handled() -> None:
    dossier = Dossier("bewonersinitiatief")
    with pytest.raises(RefusedError, match="pas als het dossier ontvankelijk is"):
        act(dossier.state, Decide("toegekend", "Mooi initiatief."), OFFICIAL, FILED, DEPARTMENTS)
    with pytest.raises(RefusedError, match="geen advies"):
        act(dossier.state, RequestAdvice(("politie",)), OFFICIAL, FILED, DEPARTMENTS)


@pytest.mark.parametrize(
    ("commands", "refused", "message"),
    [
        ([], Decide("vergund", "x"), "pas als het dossier ontvankelijk is"),
        ([], Complete({}), "niets gevraagd om aan te vullen"),
        ([FindAdmissible()], FindIncomplete("x"), "al beoordeeld"),
        ([], FindAdmissible("snel"), "geen spoor 'snel'"),
        ([], FindIncomplete("  "), "wat er ontbreekt"),
        ([FindAdmissible()], RequestAdvice(("nosuch",)), "'nosuch' bestaat niet"),
        ([FindAdmissible()], RequestAdvice(()), "minstens één dienst"),
        ([FindAdmissible(), RequestAdvice(("politie",))], RequestAdvice(("politie",)), "al een"),
        ([FindAdmissible()], GiveAdvice("brandweer", "gunstig", "x"), "geen adviesvraag"),
        ([FindAdmissible()], Decide("misschien", "x"), "geen beslissing 'misschien'"),
        ([FindAdmissible()], Decide("vergund", ""), "Motiveer"),
        ([FindAdmissible(), ExtendDeadline()], ExtendDeadline(), "maar één keer"),
        ([FindAdmissible("vereenvoudigd")], ExtendDeadline(), "kan niet verlengd"),
        ([FindAdmissible()], Close(), "na de beslissing"),
        ([FindAdmissible(), Decide("geweigerd", "x"), Close()], Assign("b", "B"), "afgesloten"),
        ([FindAdmissible(), Decide("geweigerd", "x")], Archive(), "Alleen een afgesloten"),
        ([Assign("sub-an", "An")], Assign("sub-an", "An"), "behandelt dit dossier al"),
    ],
)
def test_what_the_procedure_does_not_allow_now_is_refused_and_changes_nothing(
    commands: list[Command], refused: Command, message: str
) -> None:
    dossier = Dossier()
    for command in commands:
        dossier.do(command)
    before = dossier.state
    with pytest.raises(RefusedError, match=message):
        act(before, refused, OFFICIAL, FILED, DEPARTMENTS)
    assert dossier.state is before


def test_a_department_advises_only_for_itself() -> None:
    dossier = Dossier()
    dossier.do(FindAdmissible())
    dossier.do(RequestAdvice(("brandweer",)))
    with pytest.raises(RefusedError, match="namens uw eigen dienst"):
        act(
            dossier.state,
            GiveAdvice("brandweer", "gunstig", "x"),
            _adviser("politie"),
            FILED,
            DEPARTMENTS,
        )


def test_late_advice_counts_as_favourable_where_the_procedure_says_so() -> None:
    dossier = Dossier()
    late = dossier.procedure.advice
    assert late is not None
    dossier.procedure = msgspec.structs.replace(
        dossier.procedure, advice=msgspec.structs.replace(late, late="gunstig")
    )
    dossier.state = start(dossier.procedure, dossier.answers, FILED)
    dossier.do(FindAdmissible())
    dossier.do(RequestAdvice(("brandweer",)))
    (event,) = dossier.tick(FILED + timedelta(days=40))
    assert event.data == {"department": "brandweer", "opinion": "gunstig"}
    assert dossier.state.advice["brandweer"].opinion == "gunstig"


# Any sequence of commands, allowed or refused, keeps the invariants.
_STEPS = {  # the phase changes a dossier may make, besides staying where it is
    ("ingediend", "onvolledig"),
    ("onvolledig", "ingediend"),
    ("ingediend", "ontvankelijk"),
    ("ingediend", "in-behandeling"),
    ("ingediend", "advies"),
    ("ingediend", "beslissing"),
    ("ontvankelijk", "in-behandeling"),
    ("ontvankelijk", "advies"),
    ("ontvankelijk", "beslissing"),
    ("in-behandeling", "advies"),
    ("advies", "in-behandeling"),
    ("in-behandeling", "beslissing"),
    ("beslissing", "afgesloten"),
    ("afgesloten", "gearchiveerd"),
}
_DEPARTMENTS = st.sampled_from(["brandweer", "mobiliteit", "erfgoed", "politie", "nosuch"])
_OUTCOMES = st.sampled_from(["vergund", "geweigerd", "toegestaan", "toegekend", "?"])


class Handling(RuleBasedStateMachine):
    """Officials, advisers, citizens and the clock act on one dossier in any order."""

    @initialize(form_id=st.sampled_from(["bouwaanvraag", "evenement", "bewonersinitiatief"]))
    def file(self, form_id: str) -> None:
        self.dossier = Dossier(form_id)
        self.now = FILED
        self.phases = {phase.id for phase in self.dossier.procedure.phases}

    def _try(self, command: Command, actor: Actor = OFFICIAL) -> None:
        before = self.dossier.state
        try:
            self.dossier.do(command, actor, self.now)
        except RefusedError:
            assert self.dossier.state is before
        self._moved_from(before)

    def _moved_from(self, before: State) -> None:
        after = self.dossier.state
        assert after.phase == before.phase or (before.phase, after.phase) in _STEPS

    @rule(official=st.sampled_from(["sub-an", "sub-bo"]))
    def assign(self, official: str) -> None:
        self._try(Assign(official, official))

    @rule(track=st.sampled_from([None, "regulier", "vereenvoudigd", "snel"]))
    def admissible(self, track: str | None) -> None:
        self._try(FindAdmissible(track))

    @rule(message=st.sampled_from(["Het plan ontbreekt.", " "]))
    def incomplete(self, message: str) -> None:
        self._try(FindIncomplete(message, ("/bijlagen",)))

    @rule(actor=st.sampled_from([CITIZEN, OFFICIAL]))
    def complete(self, actor: Actor) -> None:
        self._try(Complete(self.dossier.answers), actor)

    @rule(departments=st.lists(_DEPARTMENTS, min_size=0, max_size=3))
    def request_advice(self, departments: list[str]) -> None:
        self._try(RequestAdvice(tuple(departments)))

    @rule(
        department=_DEPARTMENTS,
        opinion=st.sampled_from(["gunstig", "ongunstig", "?"]),
        own=st.booleans(),
    )
    def give_advice(self, department: str, opinion: str, own: bool) -> None:
        actor = _adviser(department if own else "politie")
        self._try(GiveAdvice(department, opinion, "Omdat."), actor)

    @rule()
    def extend(self) -> None:
        self._try(ExtendDeadline())

    @rule(outcome=_OUTCOMES)
    def decide(self, outcome: str) -> None:
        self._try(Decide(outcome, "Omdat."))

    @rule()
    def close(self) -> None:
        self._try(Close())

    @rule()
    def archive(self) -> None:
        self._try(Archive())

    @rule(days=st.integers(0, 40))
    def time_passes(self, days: int) -> None:
        before = self.dossier.state
        self.now += timedelta(days=days)
        self.dossier.tick(self.now)
        self._moved_from(before)

    @invariant()
    def consistent(self) -> None:
        state = self.dossier.state
        assert state.phase in self.phases
        assert state.version == len(self.dossier.events)
        _assert_consistent(state)

    def teardown(self) -> None:
        if hasattr(self, "dossier"):
            dossier = self.dossier
            replayed = fold(dossier.procedure, dossier.answers, FILED, dossier.events)
            assert replayed == dossier.state


TestAnySequenceKeepsTheInvariants = Handling.TestCase
TestAnySequenceKeepsTheInvariants.settings = settings(max_examples=200, deadline=None)


def _assert_consistent(state: State) -> None:
    decided = PHASES.index(state.phase) >= PHASES.index("beslissing")
    assert (state.outcome is not None) is decided
    if decided:
        assert not state.open_advice
        assert state.decision_due is None
    if state.phase == "advies":
        assert state.open_advice
    if state.phase == "onvolledig":
        assert state.completion is not None
    for request in state.advice.values():
        assert request.due.due > request.asked.date()
    due = state.decision_due
    if due is not None and state.admissible is not None:
        track = state.procedure.track(state.track)
        assert track is not None
        if track.deadline.after == "ontvankelijk":
            assert due.due > state.admissible.date()


def test_only_a_departments_own_advice_bears_on_its_advice() -> None:
    advice = GiveAdvice("brandweer", "gunstig", "Geen bezwaar.")
    other = Event(Kind.ADVICE_GIVEN, FILED, SYSTEM, {"department": "mobiliteit"})
    late = Event(Kind.ADVICE_LATE, FILED, SYSTEM, {"department": "erfgoed"})
    own = Event(Kind.ADVICE_GIVEN, FILED, SYSTEM, {"department": "brandweer"})
    extended = Event(Kind.DEADLINE_EXTENDED, FILED, SYSTEM, {"days": 60})
    assert [bears_on(e, advice) for e in (other, late, own, extended)] == [
        False,
        False,
        True,
        True,
    ]
    assert bears_on(other, Decide("vergund", "Past.")) is True


def _advice_asked() -> Dossier:
    dossier = Dossier()
    dossier.do(FindAdmissible("regulier"))
    dossier.do(RequestAdvice(("brandweer",)))
    return dossier


REPORT = Blob("a" * 64, 120_000, "application/pdf", "verslag.pdf")


def test_an_advice_names_its_files_by_hash_name_type_and_size() -> None:
    dossier = _advice_asked()
    photo = Blob("b" * 64, 2_000, "image/png", "gevel.png")
    advice = GiveAdvice("brandweer", "gunstig", "In orde.", (REPORT, photo))
    event = dossier.do(advice, _adviser("brandweer"))
    assert event.data["attachments"] == [
        {
            "sha256": "a" * 64,
            "name": "verslag.pdf",
            "media_type": "application/pdf",
            "size": 120_000,
        },
        {"sha256": "b" * 64, "name": "gevel.png", "media_type": "image/png", "size": 2_000},
    ]
    without = _advice_asked().do(
        GiveAdvice("brandweer", "gunstig", "In orde."), _adviser("brandweer")
    )
    assert "attachments" not in without.data  # an advice without files says nothing of them


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ((REPORT,) * 6, "hoogstens 5 bestanden"),
        ((Blob("c" * 64, 10, "text/html", "pagina.html"),), "pagina.html is geen PDF"),
        ((Blob("d" * 64, 20_000_001, "application/pdf", "groot.pdf"),), "groter dan 20 MB"),
    ],
    ids=["six-files", "html", "too-large"],
)
def test_an_advice_with_files_beyond_its_limits_is_refused(
    files: tuple[Blob, ...], reason: str
) -> None:
    dossier = _advice_asked()
    advice = GiveAdvice("brandweer", "gunstig", "In orde.", files)
    with pytest.raises(RefusedError, match=reason):
        act(dossier.state, advice, _adviser("brandweer"), FILED, DEPARTMENTS)
