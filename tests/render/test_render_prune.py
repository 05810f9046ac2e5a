"""An answer in a branch that no longer applies is neither required nor kept."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.conftest import NOW, answers
from tests.render.browser import post
from tests.render.conftest import CTX

import formkit
from formkit.render import Renderer, decode_step, prune


def _changed(document: Any, pointer: str, value: Any) -> Any:
    changed = copy.deepcopy(document)
    *parents, last = pointer.strip("/").split("/")
    node = changed
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    node[last] = value
    return changed


def _codes(form: formkit.Form, document: Any) -> set[tuple[str, str]]:
    return {(p.pointer, p.code) for p in formkit.validate(form, document, now=NOW)}


def test_valid_answers_are_kept_whole(forms: dict[str, formkit.Form]) -> None:
    for form_id, form in forms.items():
        for name in ("valid-minimal", "valid-full"):
            assert prune(form, answers(form_id, name)) == answers(form_id, name)


def test_an_organiser_of_another_kind_leaves_no_answers_of_the_first(
    forms: dict[str, formkit.Form],
) -> None:
    form = forms["evenement"]
    vzw = answers("evenement", "valid-full")  # a vzw, with a name and an enterprise number
    person = _changed(vzw, "/organisator/soort", "privepersoon")
    person["organisator"] |= {"voornaam": "An", "achternaam": "Peeters"}
    pruned = prune(form, person)
    assert pruned["organisator"] == {
        "soort": "privepersoon",
        "voornaam": "An",
        "achternaam": "Peeters",
    }
    assert not _codes(form, pruned)
    association = prune(form, _changed(vzw, "/organisator/soort", "feitelijke-vereniging"))
    assert association["organisator"] == {
        "soort": "feitelijke-vereniging",
        "naam": "Zomerfeest Rijmenam vzw",  # the name applies to both: kept
    }


def test_no_drinks_means_no_question_about_strong_drink(forms: dict[str, formkit.Form]) -> None:
    form = forms["evenement"]
    full = answers("evenement", "valid-full")
    no_drinks = prune(form, _changed(full, "/drankEnEten/drankSchenken", False))
    assert "sterkeDrank" not in no_drinks["drankEnEten"]
    # and the certificate of good conduct is no longer required (but a given one is kept)
    without = copy.deepcopy(no_drinks)
    del without["bijlagen"]["moraliteitsattest"]
    assert ("/bijlagen/moraliteitsattest", "required") not in _codes(form, without)
    assert ("/bijlagen/moraliteitsattest", "required") in _codes(
        form, _changed(without, "/drankEnEten", full["drankEnEten"])
    )


def test_no_music_and_no_traffic_measures_drop_their_details(
    forms: dict[str, formkit.Form],
) -> None:
    form = forms["evenement"]
    full = answers("evenement", "valid-full")
    quiet = _changed(full, "/veiligheid/versterkteMuziek", False)
    quiet = _changed(quiet, "/veiligheid/verkeersmaatregelen", False)
    safety = prune(form, quiet)["veiligheid"]
    assert "geluidsniveau" not in safety
    assert "verkeersmaatregelenOmschrijving" not in safety
    assert not _codes(form, prune(form, quiet))
    kind = prune(form, _changed(full, "/evenement/soort", "concert"))["evenement"]
    assert "andereSoort" not in kind


def test_a_small_initiative_is_held_to_one_street_and_150_euro(
    forms: dict[str, formkit.Form],
) -> None:
    form = forms["bewonersinitiatief"]
    large = answers("bewonersinitiatief", "valid-full")
    assert large["initiatief"]["grootte"] == "groot"
    small = prune(form, _changed(large, "/initiatief/grootte", "klein"))
    codes = _codes(form, small)
    assert ("/initiatief/straten", "maxItems") in codes
    small = _changed(small, "/initiatief/straten", large["initiatief"]["straten"][:1])
    small = _changed(small, "/financiering/gevraagdBedrag", 150)
    assert not _codes(form, small)
    assert ("/initiatief/straten", "minItems") in _codes(
        form, _changed(small, "/initiatief/grootte", "groot")
    )


def test_an_applicant_that_is_a_company_leaves_no_persons(forms: dict[str, formkit.Form]) -> None:
    form = forms["bouwaanvraag"]
    persons = answers("bouwaanvraag", "valid-full")
    company = answers("bouwaanvraag", "valid-rechtspersoon")
    mixed = copy.deepcopy(company)
    mixed["aanvragers"]["personen"] = persons["aanvragers"]["personen"]
    assert prune(form, mixed) == company
    back = copy.deepcopy(mixed)
    back["aanvragers"]["soort"] = "natuurlijke-personen"
    assert set(prune(form, back)["aanvragers"]) == {"soort", "personen"}


def test_works_without_renovation_or_felling_drop_those_questions(
    forms: dict[str, formkit.Form],
) -> None:
    form = forms["bouwaanvraag"]
    document = answers("bouwaanvraag", "valid-full")
    document["werken"] |= {"ingrijpendeRenovatie": True, "aantalBomen": 3}
    document["werken"]["soort"] = ["sloop"]
    works = prune(form, document)["werken"]
    assert "ingrijpendeRenovatie" not in works
    assert "aantalBomen" not in works


def test_an_architect_or_an_exemption_never_both(forms: dict[str, formkit.Form]) -> None:
    form = forms["bouwaanvraag"]
    document = answers("bouwaanvraag", "valid-full")
    exempt = _changed(document, "/architect/vrijgesteld", True)
    exempt["architect"]["redenVrijstelling"] = "Een tuinhuis."
    assert prune(form, exempt)["architect"] == {
        "vrijgesteld": True,
        "redenVrijstelling": "Een tuinhuis.",
    }
    back = prune(form, _changed(exempt, "/architect/vrijgesteld", False))["architect"]
    assert "redenVrijstelling" not in back


def test_decoding_a_step_prunes_without_a_script(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    earlier = answers("evenement", "valid-full")
    html = renderer.step(form, "veiligheid", earlier, [], CTX)
    posted = [
        (name, "false" if name == "/veiligheid/versterkteMuziek" else value)
        for name, value in post(html)
        if name != "/veiligheid/versterkteMuziek" or value == "true"
    ]
    decoded = decode_step(form, "veiligheid", posted, earlier).answers
    assert decoded["veiligheid"]["versterkteMuziek"] is False
    assert "geluidsniveau" not in decoded["veiligheid"]  # posted, hidden only by the script


def test_pruning_repeats_until_nothing_depends_on_a_dropped_answer(tmp_path: Path) -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Proef",
        "type": "object",
        "x-formkit": {
            "prefix": "PRF",
            "steps": [{"id": "een", "title": "Een", "properties": ["a"]}],
        },
        "properties": {
            "a": {
                "title": "A",
                "type": "object",
                "properties": {"x": {"title": "X", "type": "boolean"}},
                "allOf": [
                    {  # z depends on y, which is declared after it
                        "if": {"properties": {"y": {"const": True}}, "required": ["y"]},
                        "then": {"properties": {"z": {"title": "Z", "type": "string"}}},
                    },
                    {
                        "if": {"properties": {"x": {"const": True}}, "required": ["x"]},
                        "then": {"properties": {"y": {"title": "Y", "type": "boolean"}}},
                    },
                ],
                "unevaluatedProperties": False,
            }
        },
    }
    path = tmp_path / "proef.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    form = formkit.load_form(path)
    assert prune(form, {"a": {"x": True, "y": True, "z": "ja"}}) == {
        "a": {"x": True, "y": True, "z": "ja"}
    }
    assert prune(form, {"a": {"x": False, "y": True, "z": "ja"}}) == {"a": {"x": False}}
