"""`formkit preview`: forms read again when their files are saved, problems shown, nothing filed.

On a temporary copy of the city's forms; the browser test (tests/browser/test_browser_preview)
proves that a page loads again by itself.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests.conftest import NOW, SCHEMAS, service_settings
from tests.web.webforms import Page

from formkit.web._watched_forms import WatchedForms
from formkit.web.preview import create_preview_app

TITLE = "Evenement melden of aanvragen"


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    """The city's forms, to be edited."""
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, folder)
    return folder


def edit(path: Path, change: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def retitle(title: str) -> Any:
    return lambda form: form.__setitem__("title", title)


# The forms, read again -------------------------------------------------------------------


def test_a_saved_form_is_read_again_on_the_next_refresh(schemas: Path) -> None:
    form_file = schemas / "evenement.json"
    forms = WatchedForms(form_file)
    forms.refresh()
    assert forms["evenement"].title == TITLE
    before = forms.stand("evenement")

    forms.refresh()  # nothing saved: the same form, the same stand
    assert forms.stand("evenement") == before

    edit(form_file, retitle("Een feest melden"))
    forms.refresh()
    assert forms["evenement"].title == "Een feest melden"
    assert forms.stand("evenement") != before
    assert list(forms) == ["evenement"]  # one file: the other forms in its folder are not shown


def test_a_saved_shared_definition_is_read_again(schemas: Path) -> None:
    forms = WatchedForms(schemas / "evenement.json")
    forms.refresh()
    version = forms["evenement"].version
    phone = "/verantwoordelijke/telefoon"

    pattern = "^\\+?[0-9]{8,16}$"
    edit(schemas / "defs" / "telefoon.json", lambda d: d.__setitem__("pattern", pattern))
    forms.refresh()
    assert forms.problems() == ()
    assert forms["evenement"].version != version
    assert forms["evenement"].field(phone).schema["pattern"] == pattern  # type: ignore[union-attr]


def test_a_broken_form_shows_its_problems_over_its_last_good_version_until_fixed(
    schemas: Path,
) -> None:
    form_file = schemas / "evenement.json"
    forms = WatchedForms(schemas)
    forms.refresh()
    good = form_file.read_text(encoding="utf-8")

    edit(form_file, lambda form: form["x-formkit"].__setitem__("prefix", "E"))
    forms.refresh()
    (problem,) = forms.problems("evenement")
    assert (problem.file, problem.pointer) == (str(form_file), "/x-formkit/prefix")
    assert forms["evenement"].title == TITLE  # the last good version, still usable
    assert forms.problems() == (problem,)  # the list's: the other forms are fine

    form_file.write_text(good.replace(TITLE, "Hersteld"), encoding="utf-8")
    forms.refresh()
    assert forms.problems() == ()
    assert forms["evenement"].title == "Hersteld"


def test_a_form_that_never_loaded_is_known_by_its_problems_and_recovers(schemas: Path) -> None:
    form_file = schemas / "evenement.json"
    good = form_file.read_text(encoding="utf-8")
    form_file.write_text(good[:200], encoding="utf-8")  # cut off mid-save
    forms = WatchedForms(form_file)
    forms.refresh()
    assert "evenement" not in forms
    assert forms.known("evenement")
    (problem,) = forms.problems("evenement")
    assert problem.message.startswith("invalid JSON (line ")

    form_file.write_text(good, encoding="utf-8")
    forms.refresh()
    assert forms["evenement"].title == TITLE


def test_forms_added_to_and_removed_from_the_folder_come_and_go(schemas: Path) -> None:
    forms = WatchedForms(schemas)
    forms.refresh()
    assert sorted(forms) == ["bewonersinitiatief", "bouwaanvraag", "evenement"]
    shutil.copy(schemas / "evenement.json", schemas / "feest.json")
    (schemas / "bouwaanvraag.json").unlink()
    forms.refresh()
    assert sorted(forms) == ["bewonersinitiatief", "evenement", "feest"]


# The pages -------------------------------------------------------------------------------


@pytest.fixture
def preview(schemas: Path, tmp_path: Path) -> Iterator[TestClient[Any]]:
    settings = service_settings(tmp_path, "", schemas_dir=schemas, outbox_worker="0")
    app = create_preview_app(schemas / "evenement.json", settings, clock=lambda: NOW)
    with TestClient(app) as client:
        yield client


def test_the_pages_follow_the_saved_file_and_show_its_problems(
    preview: TestClient[Any], schemas: Path
) -> None:
    form_file = schemas / "evenement.json"
    page = preview.get("/formulieren/evenement")
    assert page.status_code == 200
    assert "Voorbeeld — er wordt niets ingediend" in page.text
    assert TITLE in page.text
    stand = preview.get("/voorbeeld/stand?formulier=evenement").json()["stand"]
    assert f'data-fk-preview-stand="{stand}"' in page.text

    edit(form_file, lambda form: form["x-formkit"].__setitem__("prefix", "E"))
    page = preview.get("/formulieren/evenement")
    assert "formkit check vindt 1 probleem" in page.text
    assert f"<code>{form_file}</code> <code>/x-formkit/prefix</code>" in page.text
    assert TITLE in page.text  # below them, the last good version
    assert preview.get("/voorbeeld/stand?formulier=evenement").json()["stand"] != stand

    edit(form_file, lambda form: form["x-formkit"].__setitem__("prefix", "EVT"))
    edit(form_file, retitle("Een feest melden"))
    page = preview.get("/formulieren/evenement")
    assert "formkit check vindt" not in page.text
    assert "Een feest melden" in page.text


def test_a_form_broken_from_the_start_shows_its_problems_page(
    schemas: Path, tmp_path: Path
) -> None:
    form_file = schemas / "evenement.json"
    good = form_file.read_text(encoding="utf-8")
    form_file.write_text("{", encoding="utf-8")
    settings = service_settings(tmp_path, "", schemas_dir=schemas, outbox_worker="0")
    with TestClient(create_preview_app(form_file, settings, clock=lambda: NOW)) as client:
        page = client.get("/formulieren/evenement")
        assert page.status_code == 200
        assert "Dit formulier kan nog niet getoond worden" in page.text
        assert f"<code>{form_file}</code> <code>/</code>: invalid JSON (line 1" in page.text

        form_file.write_text(good, encoding="utf-8")
        assert TITLE in client.get("/formulieren/evenement").text


def test_the_example_is_filled_in_shown_as_filed_and_checked_but_never_filed(
    preview: TestClient[Any], tmp_path: Path
) -> None:
    page = Page(preview, preview.get("/formulieren/evenement"))
    token = page.value("_csrf")
    filled = preview.post(
        "/voorbeeld/evenement/invullen", files={"_csrf": (None, token)}, follow_redirects=True
    )
    assert filled.status_code == 200
    assert filled.url.path.endswith("/overzicht")
    assert "Deze antwoorden zouden aanvaard worden." in filled.text
    assert "&#34;organisator&#34;: {" in filled.text  # the answers as filed, as JSON
    assert "&#34;bestand&#34;: &#34;sha256:" in filled.text  # files bound to their content

    review = Page(preview, filled)
    checked = review.press("indienen")
    assert checked.status == 200
    assert "Klaar om in te dienen" in checked.html
    assert "er werd niets ingediend" in checked.html
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'data' / 'formkit.db'}")
    with engine.connect() as connection:
        assert connection.execute(sa.text("select count(*) from dossier")).scalar_one() == 0
    engine.dispose()


def test_an_example_post_without_the_pages_token_is_refused(preview: TestClient[Any]) -> None:
    refused = preview.post("/voorbeeld/evenement/invullen", files={"_csrf": (None, "vals")})
    assert refused.status_code == 403
