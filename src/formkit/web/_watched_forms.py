"""The preview's forms: read again whenever a file they are made of changed on disk.

`refresh` stats the files each form was read from (the form file, every shared definition it
reached, the organisation file beside it) and loads again only the forms whose files changed;
a form that failed its check depends on every `*.json` under its folder, since what it would
reach is not known. That is a few dozen `stat` calls a request, cheaper than a watcher thread
and exact on every file system, network shares and editors' atomic saves included.

A form that fails its check keeps its last good version (the page stays usable) next to its
problems; one that never loaded has problems only. The preview shows both.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from formkit._errors import FormError, SchemaProblem
from formkit.forms._load import load_form
from formkit.forms._model import Form
from formkit.forms._sources import BASE_URI
from formkit.forms.catalogue import form_files
from formkit.handling.organisation import organisation_file

Stamp = tuple[int, int, int] | None  # mtime in ns, size, inode; None: no such file
Stamps = dict[Path, Stamp]


@dataclass(frozen=True, slots=True)
class _Loaded:
    """One form file as last read: its form (the last good one), its problems, its files."""

    file: Path
    form: Form | None
    problems: tuple[SchemaProblem, ...]
    stamps: Stamps
    tree: Path | None = None  # a broken form: it depends on every `*.json` below this folder


class WatchedForms(Mapping[str, Form]):
    """Forms by id (the last good version of each), in the order of their titles.

    `source` is a folder of forms (forms added or removed later come and go) or one form file
    (shared definitions are still read from its folder).
    """

    def __init__(self, source: Path) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._loaded: dict[str, _Loaded] = {}
        self._forms: dict[str, Form] = {}

    def refresh(self) -> None:
        """Read again what changed on disk since the last refresh."""
        with self._lock:
            loaded = {}
            for file in self._files():
                entry = self._loaded.get(file.stem)
                if entry is None or entry.file != file or not _current(entry):
                    entry = _load(file, entry)
                loaded[file.stem] = entry
            forms = [entry.form for entry in loaded.values() if entry.form is not None]
            self._loaded = loaded
            self._forms = {form.id: form for form in sorted(forms, key=lambda f: f.title)}

    def problems(self, form_id: str | None = None) -> tuple[SchemaProblem, ...]:
        """What `formkit check` says of one form, or of all of them (each problem once)."""
        entries = self._entries(form_id)
        return tuple(dict.fromkeys(p for entry in entries for p in entry.problems))

    def known(self, form_id: str) -> bool:
        """A form file by this id is in the preview, whether it loads or not."""
        return form_id in self._loaded

    def stand(self, form_id: str | None = None) -> str:
        """Changes whenever what a page of the form (or the list) shows of the files changes."""
        digest = hashlib.sha256()
        for entry in self._entries(form_id):
            digest.update(entry.file.name.encode())
            digest.update((entry.form.version if entry.form else "-").encode())
            for problem in entry.problems:
                digest.update(str(problem).encode())
        return digest.hexdigest()[:16]

    def _entries(self, form_id: str | None) -> list[_Loaded]:
        if form_id is None:
            return list(self._loaded.values())
        entry = self._loaded.get(form_id)
        return [] if entry is None else [entry]

    def _files(self) -> list[Path]:
        if self.source.is_dir():
            return form_files(self.source)
        return [self.source]  # a file that went away says so as its problem

    def __getitem__(self, form_id: str) -> Form:
        return self._forms[form_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._forms)

    def __len__(self) -> int:
        return len(self._forms)


def _load(file: Path, before: _Loaded | None) -> _Loaded:
    try:
        form = load_form(file)
    except FormError as error:
        last_good = before.form if before is not None else None
        tree = file.parent
        return _Loaded(file, last_good, error.problems, _stamps(_files_in(file, tree)), tree)
    return _Loaded(file, form, (), _stamps(_read_by(form, file)))


def _read_by(form: Form, file: Path) -> list[Path]:
    """The files the form was made of: itself, its shared definitions, the organisation file
    (whether or not it exists: one added later may change what the check says)."""
    shared = [
        file.parent / uri.removeprefix(BASE_URI).split("#", 1)[0]
        for uri in form.resources
        if uri.startswith(BASE_URI)
    ]
    return [file, *shared, organisation_file(file.parent)]


def _files_in(file: Path, tree: Path) -> list[Path]:
    """The form file (there or not) and every `*.json` below its folder."""
    return list(dict.fromkeys([file, *sorted(tree.rglob("*.json"))]))


def _current(entry: _Loaded) -> bool:
    """Nothing the form was read from changed; for a broken form, no file came or went."""
    files = _files_in(entry.file, entry.tree) if entry.tree else list(entry.stamps)
    return _stamps(files) == entry.stamps


def _stamps(files: list[Path]) -> Stamps:
    return {file: _stamp(file) for file in files}


def _stamp(file: Path) -> Stamp:
    try:
        found = file.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size, found.st_ino
