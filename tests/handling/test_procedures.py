"""The procedures the forms declare: checked by `formkit check`, applied to dossiers."""

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SCHEMAS, answers

import formkit
from formkit.handling.procedures import (
    advice_deadline,
    completeness_deadline,
    decision_deadline,
    default_advisers,
)

FILED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_the_three_forms_declare_their_procedures(forms: dict[str, formkit.Form]) -> None:
    building = forms["bouwaanvraag"].annotations.procedure
    assert building is not None
    assert building.handled_by == "omgeving"
    assert [t.deadline.days for t in building.tracks] == [105, 60]
    assert building.completeness is not None
    assert building.completeness.silence == "ontvankelijk"
    event = forms["evenement"].annotations.procedure
    assert event is not None
    assert {t.body for t in event.tracks} == {"college", "burgemeester"}
    initiative = forms["bewonersinitiatief"].annotations.procedure
    assert initiative is not None
    assert initiative.advice is None


def test_advice_goes_to_heritage_only_for_protected_heritage(
    forms: dict[str, formkit.Form],
) -> None:
    form = forms["bouwaanvraag"]
    filed = answers("bouwaanvraag", "valid-full")
    filed["ligging"]["beschermdErfgoed"] = False
    assert default_advisers(form, filed) == ("brandweer", "mobiliteit")
    filed["ligging"]["beschermdErfgoed"] = True
    assert default_advisers(form, filed) == ("brandweer", "mobiliteit", "erfgoed")
    assert default_advisers(forms["bewonersinitiatief"], {}) == ()


def test_building_permit_deadlines_run_from_filing_and_admissibility(
    forms: dict[str, formkit.Form],
) -> None:
    procedure = forms["bouwaanvraag"].annotations.procedure
    assert procedure is not None
    regular = procedure.tracks[0]
    assert completeness_deadline(procedure, FILED) == completeness_deadline(procedure, FILED)
    assert completeness_deadline(procedure, FILED).due == date(2026, 4, 1)  # type: ignore[union-attr]
    assert advice_deadline(procedure, FILED).due == date(2026, 4, 1)  # type: ignore[union-attr]
    assert decision_deadline(regular, {}, filed=FILED, admissible=None) is None
    admissible = datetime(2026, 3, 20, 14, tzinfo=UTC)
    due = decision_deadline(regular, {}, filed=FILED, admissible=admissible)
    assert due is not None
    assert due.due == date(2026, 7, 3)  # 105 days after 20 March
    longer = decision_deadline(regular, {}, filed=FILED, admissible=admissible, extended=True)
    assert longer is not None
    assert longer.due == date(2026, 9, 1)


def test_an_event_is_decided_a_week_before_it_starts_in_brussels(
    forms: dict[str, formkit.Form],
) -> None:
    procedure = forms["evenement"].annotations.procedure
    assert procedure is not None
    event = {"evenement": {"begin": "2026-07-10T23:30:00Z"}}  # 11 July in Brussels
    due = decision_deadline(procedure.tracks[0], event, filed=FILED, admissible=None)
    assert due is not None
    assert due.due == date(2026, 7, 4)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, folder)
    return folder


def _problems_after(tmp_path: Path, change: Any, form_id: str = "bouwaanvraag") -> list[str]:
    folder = _copy(tmp_path)
    path = folder / f"{form_id}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document["x-formkit"]["procedure"])
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(formkit.FormError) as caught:
        formkit.load_form(path)
    return [f"{p.pointer}: {p.message}" for p in caught.value.problems]


def _set(key: str, value: Any) -> Any:
    return lambda procedure: procedure.__setitem__(key, value)


def _phases_without(*ids: str) -> Any:
    def change(procedure: dict[str, Any]) -> None:
        procedure["phases"] = [p for p in procedure["phases"] if p["id"] not in ids]

    return change


def _reversed_phases(procedure: dict[str, Any]) -> None:
    procedure["phases"].reverse()


def _track(**changes: Any) -> Any:
    return lambda procedure: procedure["tracks"][0].update(changes)


def _adviser(department: str, when: Any = None) -> Any:
    entry = {"department": department} | ({"when": when} if when is not None else {})
    return lambda procedure: procedure["advice"]["departments"].append(entry)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set("handledBy", "nosuch"), "/x-formkit/procedure/handledBy: no department 'nosuch'"),
        (_adviser("nosuch"), "/advice/departments/3/department: no department 'nosuch'"),
        (_adviser("brandweer"), "/advice/departments/3/department: 'brandweer' is listed twice"),
        (
            _adviser("politie", {"properties": {"nietBestaand": {"const": True}}}),
            "/advice/departments/3/when: the condition names 'nietBestaand'",
        ),
        (_track(body="gemeenteraad"), "/tracks/0/body: no deciding body 'gemeenteraad'"),
        (_track(deadline={"days": 5}), "/tracks/0/deadline: a deadline runs either 'after'"),
        (
            _track(deadline={"days": 5, "before": "/werken/omschrijving"}),
            "/tracks/0/deadline/before: /werken/omschrijving is not a date",
        ),
        (_phases_without("beslissing"), "every procedure has the phase 'beslissing'"),
        (_phases_without("onvolledig"), "'onvolledig' goes with a completeness check"),
        (_phases_without("advies"), "the phase 'advies' goes with an advice section"),
        (_reversed_phases, "/x-formkit/procedure/phases: phases are listed in the order"),
        (
            _set("search", ["/werken/geraamdeKosten"]),
            "/search/0: /werken/geraamdeKosten is not a text",
        ),
        (
            _set("search", ["/aanvragers/personen/0/x"]),
            "/search/0: /aanvragers/personen/0/x is not",
        ),
        (
            _set("contact", {"email": "/werken/omschrijving"}),
            "/contact/email: /werken/omschrijving is not an e-mail field",
        ),
        (_set("contact", {"email": "/nergens"}), "/contact/email: /nergens is not an e-mail"),
        (
            _set("contact", {"email": ["/architect/email", "/aanvragers/personen/*/email"]}),
            "/contact/email/1: /aanvragers/personen/*/email: name one answer",
        ),
        (_set("contact", {"email": []}), "/contact/email: name the answer that holds"),
        (
            _set(
                "contact",
                {
                    "email": "/architect/email",
                    "name": ["/aanvragers/personen/0/rijksregisternummer"],
                },
            ),
            "/contact/name/0: /aanvragers/personen/0/rijksregisternummer is not a plain text",
        ),
        (
            _set("addressee", ["/ligging/adres"]),
            "/addressee/0: /ligging/adres has no voornaam and achternaam, or naam",
        ),
        (
            _set("addressee", ["/werken/omschrijving"]),
            "/addressee/0: /werken/omschrijving is not a group of fields (a person)",
        ),
        (_set("outcomes", [{"id": "ja", "title": "Ja", "favourable": True}] * 2), "used twice"),
        (
            _set("outcomes", [{"id": i, "title": i, "favourable": True} for i in "ab"]),
            "one favourable, one not",
        ),
    ],
)
def test_check_refuses_a_procedure_the_handling_could_not_follow(
    tmp_path: Path, change: Any, expected: str
) -> None:
    problems = _problems_after(tmp_path, change)
    assert any(expected in p for p in problems), problems


def test_a_procedure_after_admissibility_needs_a_completeness_check(tmp_path: Path) -> None:
    def change(procedure: dict[str, Any]) -> None:
        del procedure["completeness"]
        procedure["phases"] = [
            p for p in procedure["phases"] if p["id"] not in {"onvolledig", "ontvankelijk"}
        ]

    problems = _problems_after(tmp_path, change)
    assert any("/tracks/0/deadline/after: 'ontvankelijk' needs" in p for p in problems), problems


def test_a_procedure_without_an_organisation_beside_it_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "organisatie.json").unlink()
    with pytest.raises(formkit.FormError, match=r"put organisatie\.json beside the form"):
        formkit.load_form(folder / "evenement.json")


def test_a_broken_organisation_is_reported_by_the_form_that_needs_it(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "organisatie.json").write_text("{", encoding="utf-8")
    with pytest.raises(formkit.FormError, match=r"organisatie\.json.*invalid JSON"):
        formkit.load_form(folder / "evenement.json")
