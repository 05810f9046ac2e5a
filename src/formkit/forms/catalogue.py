"""The forms a service offers: every `*.json` in the schemas folder, loaded once at start."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from formkit._errors import FormError, FormkitError, SchemaProblem
from formkit.forms._load import load_form
from formkit.forms._model import Form
from formkit.handling.organisation import ORGANISATION_FILE


def form_files(folder: Path) -> list[Path]:
    """The forms in a folder: every `*.json` but the organisation file beside them."""
    return sorted(p for p in folder.glob("*.json") if p.name != ORGANISATION_FILE)


@dataclass(frozen=True, slots=True)
class Catalogue(Mapping[str, Form]):
    """Forms by id, in the order of their titles (as the list page shows them)."""

    forms: Mapping[str, Form]

    @classmethod
    def load(cls, folder: Path) -> Catalogue:
        files = form_files(folder)
        if not files:
            raise FormkitError(f"no forms (*.json) in {folder}")
        problems: list[SchemaProblem] = []
        forms: dict[str, Form] = {}
        for file in files:
            try:
                form = load_form(file)
            except FormError as error:
                problems.extend(error.problems)
                continue
            forms[form.id] = form
        if problems:
            raise FormError(dict.fromkeys(problems))  # a service never starts with a broken form
        return cls(dict(sorted(forms.items(), key=lambda item: item[1].title)))

    def __getitem__(self, form_id: str) -> Form:
        return self.forms[form_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.forms)

    def __len__(self) -> int:
        return len(self.forms)
