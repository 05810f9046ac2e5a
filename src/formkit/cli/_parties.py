"""The operators' command that records the persons of dossiers filed before formkit did.

    formkit parties backfill

Since "Mijn dossiers", filing records each dossier's applicant, co-applicants and signer by
the keyed hash of their national number. Dossiers filed before get theirs from this command,
run once after upgrading (again does no harm: it adds only what is missing). It needs the
instance's secret, so it runs where the service's data folder is.
"""

from __future__ import annotations

import argparse
import functools
import sys
from typing import Any

from formkit.cli._ops import OK, USAGE, database, settings_from


def add_party_commands(commands: Any) -> None:
    parties = commands.add_parser(
        "parties", help="the persons of each dossier, as Mijn dossiers finds them"
    )
    actions = parties.add_subparsers(required=True, metavar="ACTION")
    backfill = actions.add_parser(
        "backfill", help="record the persons of dossiers filed before they were recorded"
    )
    backfill.set_defaults(command=_backfill)


def _backfill(arguments: argparse.Namespace) -> int:
    from formkit._errors import FormkitError
    from formkit.accounts import national_number_key
    from formkit.forms.catalogue import Catalogue
    from formkit.secret import SECRET_FILE, instance_secret
    from formkit.store.parties import DossierParties

    settings = settings_from(arguments)
    if not (settings.data_dir / SECRET_FILE).exists():
        print(
            f"formkit: no {SECRET_FILE} in {settings.data_dir}: run this where the service's"
            " data folder is (FORMKIT_DATA_DIR), so the persons are found by its secret",
            file=sys.stderr,
        )
        return USAGE
    try:
        catalogue = Catalogue.load(settings.schemas_dir)
    except FormkitError as error:
        print(f"formkit: the forms cannot be read: {error}", file=sys.stderr)
        return USAGE
    key_of = functools.partial(national_number_key, instance_secret(settings.data_dir))
    with database(arguments) as engine:
        done = DossierParties(engine).backfill(catalogue.get, key_of)
    print(
        f"formkit: looked at {done.dossiers} dossier{'s' if done.dossiers != 1 else ''};"
        f" recorded {done.added} part{'ies' if done.added != 1 else 'y'} that were missing",
        file=sys.stderr,
    )
    return OK
