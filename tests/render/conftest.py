from __future__ import annotations

from pathlib import Path

import pytest

from formkit.render import PageContext, Renderer

TEMPLATES = Path(__file__).resolve().parents[2] / "renderers" / "templates"
CTX = PageContext(base_path="/formulieren", csrf_field_name="_csrf", csrf_token="t0k3n")


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer(TEMPLATES)
