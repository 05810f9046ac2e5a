"""What a completion link opens as the dossier's events go on: the request, its thanks, nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from formkit.handling.completion import Completed, completion_token, link_status
from formkit.handling.events import Actor, ActorKind, Event, Kind
from formkit.handling.state import CompletionRequest

SECRET = b"s" * 32
ASKED = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
CITY = Actor(ActorKind.STAFF, "sub-an", "An")
CITIZEN = Actor(ActorKind.CITIZEN, "aanvulling", "Aanvrager")


def _asked(at: datetime) -> Event:
    return Event(Kind.FOUND_INCOMPLETE, at, CITY, {"message": "Het plan", "pointers": []})


def _completed(at: datetime) -> Event:
    return Event(Kind.COMPLETED, at, CITIZEN, {"answers": {}, "answersVersion": 2})


def test_the_token_does_not_depend_on_the_time_zone_the_moment_was_written_in() -> None:
    brussels = ASKED.astimezone(timezone(timedelta(hours=1)))
    first = completion_token(SECRET, "BAV-1", CompletionRequest(ASKED, "", ()))
    assert completion_token(SECRET, "BAV-1", CompletionRequest(brussels, "", ())) == first


def test_a_link_opens_its_request_then_says_it_was_completed_and_never_opens_another() -> None:
    request = CompletionRequest(ASKED, "Het plan", ())
    token = completion_token(SECRET, "BAV-1", request)
    events = [_asked(ASKED)]
    assert link_status(SECRET, "BAV-1", request, events, token) == request
    assert link_status(SECRET, "BAV-2", request, events, token) is None
    assert link_status(SECRET, "BAV-1", request, events, token + "x") is None

    done = ASKED + timedelta(days=2)
    events.append(_completed(done))
    assert link_status(SECRET, "BAV-1", None, events, token) == Completed(done)

    again = CompletionRequest(ASKED + timedelta(days=9), "Nog iets", ())
    events.append(_asked(again.asked))
    assert link_status(SECRET, "BAV-1", again, events, token) == Completed(done)
    fresh = completion_token(SECRET, "BAV-1", again)
    assert link_status(SECRET, "BAV-1", again, events, fresh) == again
