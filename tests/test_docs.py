"""The docs keep up with the code: every setting and every command is documented."""

from __future__ import annotations

from tests.conftest import ROOT

from formkit.cli import _parser
from formkit.settings import setting_names
from formkit.web.problems import TYPES

OPERATORS = (ROOT / "docs" / "operators.md").read_text(encoding="utf-8")
CLI = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") + OPERATORS
INTEGRATORS = (ROOT / "docs" / "integrators.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_for_operators() -> None:
    assert [name for name in setting_names() if f"`{name}`" not in OPERATORS] == []


def test_every_command_is_documented() -> None:
    commands = _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert [name for name in commands if f"`formkit {name}" not in CLI] == []


def test_every_problem_type_is_in_the_integrators_table() -> None:
    table = [line for line in INTEGRATORS.splitlines() if line.startswith("| `")]
    listed = {
        slug for line in table for slug in line.split("|")[1].strip().strip("`").split("`, `")
    }
    assert sorted(set(TYPES) - listed) == []
