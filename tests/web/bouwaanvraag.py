"""The bouwaanvraag filled in through the pages without a browser, and signed as a citizen does.

`fill_to_review` posts every step of the form from a document of answers (as the examples in
tests/data hold them), so a test reaches the Overzicht in a few posts. `formkit_sign` runs the
real `formkit sign` command on a SoftHSM2 card over the file the signing page hands out.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import answers
from tests.web.webforms import Control, Page

from formkit.eid import add_sign_command
from formkit.eid._cli import PIN_VARIABLE
from formkit.eid._testcard import TestCard

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def bouwaanvraag(national_number: str | None = None) -> Any:
    """The minimal example; with `national_number` as the applicant's (the one who signs)."""
    document = answers("bouwaanvraag", "valid-minimal")
    if national_number is not None:
        document["aanvragers"]["personen"][0]["rijksregisternummer"] = national_number
    return document


def fill_to_review(start: Page, document: Mapping[str, Any]) -> Page:
    """Post every step with the answers of `document`; a list of files goes one file a post."""
    values = _leaves(document)
    files = {p: v if isinstance(v, list) else [v] for p, v in values.items() if _is_files(v)}
    page = start
    for _ in range(12):  # six steps, and the second photo of the last
        if page.title == "Overzicht":
            return page
        for control in page.controls:
            if control.name in values and control.tag != "button":
                _fill(control, values[control.name], files)
        page = page.press("volgende")
    raise AssertionError(f"the Overzicht was not reached: {page.url} {page.errors}")


def formkit_sign(card: TestCard, data_to_sign: bytes, folder: Path, **options: str) -> bytes:
    """What `formkit sign` prints for the file the signing page handed out."""
    path = folder / "te-ondertekenen.json"
    path.write_bytes(data_to_sign)
    parser = argparse.ArgumentParser(prog="formkit")
    add_sign_command(parser.add_subparsers(required=True))
    card_options = [f"--pkcs11-module={card.module}", f"--token-label={card.token_label}"]
    flags = [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
    arguments = parser.parse_args(["sign", *card_options, *flags, str(path)])
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        patch.setenv(PIN_VARIABLE, card.pin)
        status = arguments.command(arguments)
    assert status == 0
    return printed.getvalue().encode()


def _leaves(value: Any, pointer: str = "") -> dict[str, Any]:
    """The answers by the name of their control: scalars, lists of choices, lists of files."""
    if isinstance(value, dict) and "bestand" not in value:
        return {
            k: v
            for name, item in value.items()
            for k, v in _leaves(item, f"{pointer}/{name}").items()
        }
    if isinstance(value, list) and value and isinstance(value[0], dict) and not _is_files(value):
        return {
            k: v for i, row in enumerate(value) for k, v in _leaves(row, f"{pointer}/{i}").items()
        }
    return {pointer: value}


def _is_files(value: Any) -> bool:
    """An attachment's answer: one file, or a list of them."""
    first = value[0] if isinstance(value, list) and value else value
    return isinstance(first, dict) and "bestand" in first


def _fill(control: Control, value: Any, files: dict[str, list[dict[str, str]]]) -> None:
    if control.type == "file":
        waiting = files.get(control.name, [])
        if waiting:
            name = waiting.pop(0)["naam"]
            content, media_type = (
                (PDF, "application/pdf") if name.endswith(".pdf") else (PNG, "image/png")
            )
            control.file = (name, content, media_type)
    elif control.type in {"radio", "checkbox"}:
        chosen = value if isinstance(value, list) else [value]
        control.checked = control.value in [
            json.dumps(v) if isinstance(v, bool) else str(v) for v in chosen
        ]
    elif not isinstance(value, list | dict):
        control.value = str(value)
