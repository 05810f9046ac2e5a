import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import SCHEMAS, write_json

import formkit
from formkit.handling.organisation import load_organisation, organisation_meta_schema


def _organisation(**changes: object) -> dict[str, object]:
    document: dict[str, object] = {
        "name": "Stad Proef",
        "departments": [{"id": "loket", "title": "Loket", "mailbox": "loket@proef.be"}],
        "bodies": [{"id": "college", "title": "College"}],
    }
    return document | changes


def test_the_city_organisation_names_its_departments_and_bodies() -> None:
    organisation = load_organisation(SCHEMAS / "organisatie.json")
    assert organisation.department("brandweer") is not None
    assert organisation.body("college") is not None
    assert organisation.department("nosuch") is None


def test_committed_meta_schema_is_what_the_structs_say() -> None:
    committed = json.loads((SCHEMAS / "meta" / "organisatie.json").read_text(encoding="utf-8"))
    assert committed == organisation_meta_schema(), (
        "regenerate: formkit meta-schema --organisation > schemas/meta/organisatie.json"
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"departments": [{"id": "loket", "title": "Loket", "mailbox": "geen adres"}]},
            "/departments/0/mailbox: 'geen adres' does not match",
        ),
        ({"bodies": []}, "/bodies: [] should be non-empty"),
        ({"afdelingen": []}, "Additional properties are not allowed"),
        (
            {"bodies": [{"id": "loket", "title": "Ook loket"}]},
            "/bodies/0/id: 'loket' is used twice",
        ),
    ],
)
def test_a_broken_organisation_is_refused_with_file_and_pointer(
    tmp_path: Path, changes: dict[str, object], expected: str
) -> None:
    path = write_json(tmp_path / "organisatie.json", _organisation(**changes))
    with pytest.raises(formkit.FormError) as caught:
        load_organisation(path)
    assert any(expected in str(p) and str(path) in str(p) for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]


def test_check_checks_the_organisation_beside_the_forms(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    import shutil

    shutil.copytree(SCHEMAS, folder)
    write_json(folder / "organisatie.json", _organisation(bodies=[]))
    run = subprocess.run(
        [sys.executable, "-m", "formkit", "check", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert f"{folder / 'organisatie.json'}:/bodies: [] should be non-empty" in run.stdout
