"""The `formkit` command: what form authors and operators run.

Exit status: 0 all is well, 1 the forms or answers have problems, 2 the command was used
wrongly or its input could not be read (with line and column for broken JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from formkit._errors import FormError, SchemaProblem
from formkit.cli._import import add_import_command
from formkit.cli._ops import add_operator_commands
from formkit.cli._outbox import add_outbox_commands
from formkit.cli._parties import add_party_commands
from formkit.cli._preview import add_preview_command
from formkit.cli._testcard import add_test_card_command
from formkit.eid import add_sign_command
from formkit.forms import _strict_json
from formkit.forms._countries import land_schema
from formkit.forms._example import ExampleError, example, invalid
from formkit.forms._load import load_form
from formkit.forms._metaschema import meta_schema
from formkit.forms._model import Form
from formkit.forms._rules import CITY_TIME_ZONE
from formkit.forms._scaffold import scaffold
from formkit.forms._validate import validate
from formkit.forms.catalogue import form_files
from formkit.handling.organisation import (
    ORGANISATION_FILE,
    load_organisation,
    organisation_file,
    organisation_meta_schema,
)
from formkit.receipts import add_verify_command

OK, PROBLEMS, USAGE = 0, 1, 2
CLOSED_PIPE = 128 + 13  # as a program killed by SIGPIPE: `formkit example x | head` is fine
DEFAULT_SCHEMAS = "schemas"


class UsageError(Exception):
    """The command cannot run as asked: exit status 2."""


def main(argv: Sequence[str] | None = None) -> NoReturn:
    parser = _parser()
    arguments = parser.parse_args(argv)
    try:
        status = arguments.command(arguments)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
    except BrokenPipeError:
        _quiet_after_closed_pipe()
        status = CLOSED_PIPE
    except UsageError as error:
        print(f"formkit: {error}", file=sys.stderr)
        status = USAGE
    except FormError as error:
        print(error, file=sys.stderr)
        status = USAGE
    sys.exit(status)


def _quiet_after_closed_pipe() -> None:
    """The reader left (`| head`): nothing more to say, and no traceback at exit.

    Python's documented way (signal module, "Note on SIGPIPE"): point stdout at devnull so that
    the interpreter's final flush has nowhere to fail.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="formkit", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    schemas = os.environ.get("FORMKIT_SCHEMAS_DIR", DEFAULT_SCHEMAS)

    check = commands.add_parser("check", help="check form definitions")
    check.add_argument("paths", nargs="*", metavar="PATH", default=[schemas])
    check.set_defaults(command=_check)

    validate_ = _form_command(commands, "validate", "validate an answer document", schemas)
    validate_.add_argument("answers", metavar="ANSWERS.json", help="answers; - reads stdin")
    validate_.set_defaults(command=_validate)

    example_ = _form_command(commands, "example", "print a generated answer document", schemas)
    example_.add_argument("--invalid", action="store_true", help="break exactly one field")
    example_.set_defaults(command=_example)

    new = commands.add_parser("new", help="create a new form that passes check")
    new.add_argument("form_id", metavar="FORM-ID")
    new.add_argument("--prefix", help="dossier number prefix (default: from the id)")
    new.add_argument("--schemas", default=schemas, help="folder of the forms")
    new.set_defaults(command=_new)

    meta = commands.add_parser("meta-schema", help="print the meta-schema of formkit forms")
    meta.add_argument(
        "--organisation", action="store_true", help="the meta-schema of organisatie.json instead"
    )
    meta.set_defaults(command=_meta_schema)

    countries = commands.add_parser(
        "countries", help="print schemas/defs/land.json: the countries an address can lie in"
    )
    countries.set_defaults(command=_countries)

    add_import_command(commands)
    add_preview_command(commands, schemas)
    add_operator_commands(commands)
    add_outbox_commands(commands)
    add_party_commands(commands)
    add_sign_command(commands)
    add_verify_command(commands)
    add_test_card_command(commands)
    return parser


def _form_command(commands: Any, name: str, help: str, schemas: str) -> argparse.ArgumentParser:
    command: argparse.ArgumentParser = commands.add_parser(name, help=help)
    command.add_argument("form", metavar="FORM", help="a form id or the path of a form file")
    command.add_argument("--now", type=_moment, help="moment of filing (default: now)")
    command.add_argument("--schemas", default=schemas, help="folder of the forms")
    return command


def _check(arguments: argparse.Namespace) -> int:
    files = [file for path in arguments.paths for file in _checked_files(Path(path))]
    status = OK
    said: set[SchemaProblem] = set()  # a broken shared file is said once, not once per form
    for file in files:
        try:
            summary = _check_file(file)
        except FormError as error:
            status = PROBLEMS
            for problem in error.problems:
                if problem not in said:
                    print(problem)
            said.update(error.problems)
        else:
            print(f"{file}: ok{summary}", file=sys.stderr)
    return status


def _check_file(file: Path) -> str:
    if file.name == ORGANISATION_FILE:
        organisation = load_organisation(file)
        return f" ({len(organisation.departments)} departments)"
    return f" ({load_form(file).version})"


def _checked_files(path: Path) -> list[Path]:
    """The forms in a folder and the organisation file beside them, or the one file named."""
    if path.is_dir():
        files = form_files(path)
        if not files:
            raise UsageError(f"no forms (*.json) in {path}")
        organisation = organisation_file(path)
        return [organisation, *files] if organisation.is_file() else files
    if path.is_file():
        return [path]
    raise UsageError(f"{path}: no such file or folder")


def _validate(arguments: argparse.Namespace) -> int:
    form = _form(arguments)
    answers = _read_answers(arguments.answers)
    problems = validate(form, answers, now=arguments.now or datetime.now(UTC))
    for problem in problems:
        print(f"{problem.pointer}: {problem.message} [{problem.code}]")
    if not problems:
        print("geldig")
    return PROBLEMS if problems else OK


def _example(arguments: argparse.Namespace) -> int:
    form = _form(arguments)
    now = arguments.now or datetime.now(UTC)
    try:
        answers = invalid(form, now=now)[0] if arguments.invalid else example(form, now=now)
    except ExampleError as error:
        print(f"formkit: no valid example for {form.id}: {error}", file=sys.stderr)
        return PROBLEMS
    _print_json(answers)
    return OK


def _new(arguments: argparse.Namespace) -> int:
    try:
        path = scaffold(Path(arguments.schemas), arguments.form_id, arguments.prefix)
    except (ValueError, FileExistsError) as error:
        raise UsageError(str(error)) from None
    print(path)
    return OK


def _meta_schema(arguments: argparse.Namespace) -> int:
    _print_json(organisation_meta_schema() if arguments.organisation else meta_schema())
    return OK


def _countries(arguments: argparse.Namespace) -> int:
    _print_json(land_schema())
    return OK


def _form(arguments: argparse.Namespace) -> Form:
    name = arguments.form
    path = Path(name) if name.endswith(".json") else Path(arguments.schemas) / f"{name}.json"
    if not path.is_file():
        raise UsageError(f"unknown form {name!r}: {path} does not exist")
    return load_form(path)


def _read_answers(name: str) -> Any:
    """The answers as the API would read them: strictly (no key twice, no deep nesting)."""
    data: bytes | str
    if name == "-":
        data, label = sys.stdin.read(), "stdin"
    elif Path(name).is_file():
        data, label = Path(name).read_bytes(), name
    else:
        raise UsageError(f"{name}: no such file")
    try:
        return _strict_json.decode(data)
    except _strict_json.JsonError as error:
        raise UsageError(f"{label}: {_strict_json.explain(error, data)}") from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 moment: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CITY_TIME_ZONE)


def _print_json(document: Any) -> None:
    print(json.dumps(document, ensure_ascii=False, indent=2))
