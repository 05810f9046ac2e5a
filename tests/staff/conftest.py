"""The app with the staff's dossier pages, on SQLite and PostgreSQL, its clock standing still."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import service_settings
from tests.web.conftest import Clock

from formkit.forms.catalogue import Catalogue
from formkit.settings import Settings
from formkit.web.services import Services


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return service_settings(tmp_path, database_url)


@pytest.fixture
def services(settings: Settings, clock: Clock, catalogue: Catalogue) -> Iterator[Services]:
    built = Services.build(settings, clock=clock, catalogue=catalogue)
    yield built
    built.engine.dispose()
