"""`formkit preview` in Chromium: the author saves the form, the open page follows by itself.

The command itself, as an author runs it, on a copy of the city's forms; its own server, not
the session's live one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect
from tests.browser.conftest import _free_port, _wait_until_up, axe_violations, screenshot
from tests.conftest import ROOT, SCHEMAS

TITLE = "Evenement melden of aanvragen"


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The preview's address, and the form file it shows."""
    folder = tmp_path_factory.mktemp("preview") / "schemas"
    shutil.copytree(SCHEMAS, folder)
    form_file = folder / "evenement.json"
    port = _free_port("127.0.0.1")
    url = f"http://127.0.0.1:{port}"
    log = folder.parent / "preview.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "formkit", "preview", str(form_file), "--port", str(port)],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, log)
        yield url, form_file
    finally:
        process.terminate()
        process.wait(timeout=10)


def _save(form_file: Path, **changes: str) -> None:
    form = json.loads(form_file.read_text(encoding="utf-8"))
    form.update(changes)
    form_file.write_text(json.dumps(form, ensure_ascii=False, indent=2), encoding="utf-8")


def test_a_saved_title_shows_without_a_restart(
    preview: tuple[str, Path], context: BrowserContext
) -> None:
    url, form_file = preview
    page = context.new_page()
    page.goto(f"{url}/formulieren/evenement")
    caption = page.locator(".fk-caption")
    expect(caption).to_contain_text(TITLE)
    expect(page.locator(".fk-preview-banner")).to_contain_text(
        "Voorbeeld — er wordt niets ingediend"
    )
    assert axe_violations(page) == []

    _save(form_file, title="Een feest melden")
    expect(caption).to_contain_text("Een feest melden")  # the page loaded again by itself
    expect(page).to_have_title("Organisator – Een feest melden – e-loket Stad Mechelen")

    _save(form_file, type="array")  # not a form: the check's problem shows above the page
    problems = page.locator(".fk-preview-problems")
    expect(problems).to_contain_text(f"{form_file} /type")
    expect(caption).to_contain_text("Een feest melden")  # the last good version below

    _save(form_file, type="object", title="Weer goed")
    expect(caption).to_contain_text("Weer goed")
    expect(problems).to_have_count(0)
    screenshot(page, "preview")
