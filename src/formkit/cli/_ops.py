"""The operators' commands: serve, migrate, purge and manage API keys.

Each command reads the same `FORMKIT_*` settings as the service, so `formkit apikey create`
writes to the database the running service reads. The database and server modules are
imported inside the commands: `formkit check`, run on every save of a form, stays quick.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from formkit.settings import Settings, SettingsError

OK, PROBLEMS, USAGE = 0, 1, 2


def add_operator_commands(commands: Any) -> None:
    serve = commands.add_parser("serve", help="run the service (pages and API)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument("--data-dir", help="data folder (default submissions/)")
    serve.add_argument("--workers", type=int, help="processes (default 1)")
    serve.set_defaults(command=_serve)

    migrate = commands.add_parser("migrate", help="bring the database to the latest schema")
    migrate.set_defaults(command=_migrate)

    purge = commands.add_parser(
        "purge", help="remove expired drafts, unclaimed uploads and unreferenced files now"
    )
    purge.set_defaults(command=_purge)

    apikey = commands.add_parser("apikey", help="create, list or revoke integrators' API keys")
    actions = apikey.add_subparsers(required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a key and print it once")
    create.add_argument("name", help="who the key is for, e.g. the integrator's name")
    create.add_argument("--forms", default="*", help="comma-separated form ids, or * (default)")
    create.add_argument(
        "--scopes", default="write", help="comma-separated: read, write, handle (default: write)"
    )
    create.set_defaults(command=_apikey_create)
    listing = actions.add_parser("list", help="list keys (never their secrets)")
    listing.set_defaults(command=_apikey_list)
    revoke = actions.add_parser("revoke", help="end a key at once")
    revoke.add_argument("key_id", metavar="KEY-ID")
    revoke.set_defaults(command=_apikey_revoke)


def settings_from(arguments: argparse.Namespace) -> Settings:
    overrides = {
        "host": getattr(arguments, "host", None),
        "port": getattr(arguments, "port", None),
        "data_dir": getattr(arguments, "data_dir", None),
        "workers": getattr(arguments, "workers", None),
    }
    # The service's worker processes read the environment: hand the flags on through it.
    for name, value in overrides.items():
        if value is not None:
            os.environ[f"FORMKIT_{name.upper()}"] = str(value)
    try:
        return Settings.from_env()
    except SettingsError as error:
        print(f"formkit: {error}", file=sys.stderr)
        raise SystemExit(USAGE) from None


# How uvicorn serves formkit; benchmarks/filing.py serves its bare baseline the same way.
# X-Forwarded-For is believed from the operator's proxies only (`server_options`): uvicorn's own
# default believes any process on the same machine.
SERVER_OPTIONS: dict[str, Any] = {
    "proxy_headers": False,
    "server_header": False,
    "log_level": "info",
}


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for `settings`: the client named by a trusted proxy, if any."""
    if not settings.trusted_proxies:
        return SERVER_OPTIONS
    trusted = list(settings.trusted_proxies)
    return {**SERVER_OPTIONS, "proxy_headers": True, "forwarded_allow_ips": trusted}


def _serve(arguments: argparse.Namespace) -> int:
    import uvicorn

    settings = settings_from(arguments)
    print(f"formkit: serving on {settings.base_url}/formulieren/", file=sys.stderr)
    uvicorn.run(
        "formkit.web.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        **server_options(settings),
    )
    return OK


@contextmanager
def database(arguments: argparse.Namespace) -> Iterator[Any]:
    """The service's database, migrated, for one command; closed however the command ends."""
    from formkit.store.database import open_database

    settings = settings_from(arguments)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = open_database(settings.database)
    try:
        yield engine
    finally:
        engine.dispose()


def _migrate(arguments: argparse.Namespace) -> int:
    with database(arguments):
        pass
    print("formkit: the database is up to date", file=sys.stderr)
    return OK


def _purge(arguments: argparse.Namespace) -> int:
    """What the service's hourly sweeper does, once: for a cron job, or before a backup."""
    import asyncio

    from formkit.filing.blobs import FileBlobStore
    from formkit.store.drafts import DraftStore
    from formkit.web.pages import purge_stores

    settings = settings_from(arguments)
    with database(arguments) as engine:
        drafts = DraftStore(engine, settings.draft_ttl, settings.upload_ttl)
        blobs = FileBlobStore(settings.data_dir / "blobs")
        purged = asyncio.run(purge_stores(drafts, blobs, datetime.now(UTC)))
    print(
        f"formkit: removed {_count(purged.drafts, 'expired draft')},"
        f" {_count(purged.uploads, 'unclaimed upload')}"
        f" and {_count(len(purged.blobs), 'file nothing refers to', 'files nothing refers to')}"
    )
    for sha256 in purged.blobs:
        print(f"removed file sha256:{sha256}")
    return OK


def _count(number: int, one: str, several: str | None = None) -> str:
    return f"{number} {one if number == 1 else several or one + 's'}"


def check_forms(arguments: argparse.Namespace, forms: list[str]) -> None:
    """Refuse form ids the service does not offer: a typo would make a key good for nothing."""
    from formkit._errors import FormkitError
    from formkit.forms.catalogue import Catalogue

    settings = settings_from(arguments)
    try:
        offered = Catalogue.load(settings.schemas_dir)
    except FormkitError as error:
        raise ValueError(f"the forms cannot be read: {error}") from None
    unknown = sorted(set(forms) - {*offered, "*"})
    if unknown:
        raise ValueError(
            f"no form {', '.join(map(repr, unknown))} in {settings.schemas_dir}"
            f" (the forms are: {', '.join(sorted(offered))}; or * for all)"
        )


def _apikey_create(arguments: argparse.Namespace) -> int:
    from formkit.store.apikeys import ApiKeys

    forms = [f.strip() for f in arguments.forms.split(",") if f.strip()]
    scopes = [s.strip() for s in arguments.scopes.split(",") if s.strip()]
    try:
        check_forms(arguments, forms)
        with database(arguments) as engine:
            key, token = ApiKeys(engine).create(arguments.name, forms, scopes)
    except ValueError as error:
        print(f"formkit: {error}", file=sys.stderr)
        return USAGE
    print(token)
    print(f"formkit: key {key.id} for {key.name}; it is shown only this once", file=sys.stderr)
    return OK


def _apikey_list(arguments: argparse.Namespace) -> int:
    from formkit.store.apikeys import ApiKeys

    with database(arguments) as engine:
        keys = ApiKeys(engine).list()
    for key in keys:
        state = "revoked" if key.revoked_at else "active"
        listed = {"id": key.id, "name": key.name, "forms": key.forms, "scopes": key.scopes}
        print(json.dumps({**listed, "state": state, "created": key.created_at.isoformat()}))
    return OK


def _apikey_revoke(arguments: argparse.Namespace) -> int:
    from formkit.store.apikeys import ApiKeys

    with database(arguments) as engine:
        revoked = ApiKeys(engine).revoke(arguments.key_id)
    if not revoked:
        print(f"formkit: no active key {arguments.key_id}", file=sys.stderr)
        return PROBLEMS
    print(f"formkit: key {arguments.key_id} revoked", file=sys.stderr)
    return OK
