from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import formkit

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
DATA = Path(__file__).resolve().parent / "data"
FORM_IDS = ("evenement", "bewonersinitiatief", "bouwaanvraag")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def forms() -> dict[str, formkit.Form]:
    return {form_id: formkit.load_form(SCHEMAS / f"{form_id}.json") for form_id in FORM_IDS}


def answers(form_id: str, name: str) -> Any:
    return json.loads((DATA / form_id / f"{name}.json").read_text(encoding="utf-8"))


def write_json(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
