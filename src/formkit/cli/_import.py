"""`formkit import --from jsonforms|rjsf|formio SOURCE [UI] --id FORM-ID > schemas/FORM-ID.json`.

Prints the formkit form on stdout and, on stderr, one line per item that could not be carried
over. The form is checked as `formkit check` checks it: when it does not pass, the problems
follow on stderr and the exit code is 1, so that an author fixes them before using it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from formkit._errors import FormError
from formkit.forms._load import load_form
from formkit.imports import from_formio, from_jsonforms, from_rjsf

OK, PROBLEMS, USAGE = 0, 1, 2
_IMPORTERS = {"formio": from_formio, "jsonforms": from_jsonforms, "rjsf": from_rjsf}


def add_import_command(commands: Any) -> None:
    command: argparse.ArgumentParser = commands.add_parser(
        "import",
        help="print a formkit form made from a JSON Forms, react-jsonschema-form or Form.io one",
    )
    command.add_argument("--from", dest="source", choices=sorted(_IMPORTERS), required=True)
    command.add_argument("schema", metavar="SOURCE.json", type=Path, help="schema or Form.io form")
    command.add_argument("ui", metavar="UI-SCHEMA.json", type=Path, nargs="?")
    command.add_argument("--id", dest="form_id", required=True, help="the new form's id")
    command.add_argument("--prefix", help="dossier number prefix (default: from the title)")
    command.set_defaults(command=_import)


def _import(arguments: argparse.Namespace) -> int:
    schema, ui = _read(arguments.schema), _read(arguments.ui) if arguments.ui else None
    if schema is None or (arguments.ui and ui is None):
        return USAGE
    importer = _IMPORTERS[arguments.source]
    imported = importer(schema, ui, form_id=arguments.form_id, prefix=arguments.prefix)
    text = json.dumps(imported.schema, ensure_ascii=False, indent=2)
    print(text)
    for note in imported.notes:
        print(f"formkit import: {note}", file=sys.stderr)
    return _checked(arguments.form_id, text)


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"formkit import: {path}: {error}", file=sys.stderr)
        return None


def _checked(form_id: str, text: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{form_id}.json"
        path.write_text(text, encoding="utf-8")
        try:
            load_form(path)
        except FormError as error:
            print(f"formkit import: the form does not pass check yet:\n{error}", file=sys.stderr)
            return PROBLEMS
    return OK
