"""`formkit preview`: a form author's forms as citizens see them, read again when saved.

The server modules are imported inside the command, as `_ops` does: the other commands stay
quick to start.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from formkit.forms.catalogue import form_files
from formkit.handling.organisation import ORGANISATION_FILE
from formkit.settings import Settings, SettingsError

OK, USAGE = 0, 2
DEFAULT_PORT = 8000


def add_preview_command(commands: Any, schemas: str) -> None:
    preview = commands.add_parser(
        "preview", help="show forms as citizens see them, reloaded when saved; nothing is filed"
    )
    preview.add_argument(
        "path", nargs="?", default=schemas, metavar="FILE-OR-FOLDER", help="a form or a folder"
    )
    preview.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    preview.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8000)")
    preview.set_defaults(command=_preview)


def _preview(arguments: argparse.Namespace) -> int:
    source = Path(arguments.path)
    refusal = _refusal(source)
    if refusal is not None:
        print(f"formkit: {refusal}", file=sys.stderr)
        return USAGE
    renderers = Path(os.environ.get("FORMKIT_RENDERERS_DIR", "renderers"))
    if not (renderers / "templates").is_dir():
        print(
            f"formkit: no page templates in {renderers}/templates: run formkit in the project "
            "folder, or set FORMKIT_RENDERERS_DIR",
            file=sys.stderr,
        )
        return USAGE
    with tempfile.TemporaryDirectory(prefix="formkit-preview-") as drafts:
        try:
            settings = _settings(source, renderers, Path(drafts), arguments)
        except SettingsError as error:
            print(f"formkit: {error}", file=sys.stderr)
            return USAGE
        _serve(source, settings)
    return OK


def _refusal(source: Path) -> str | None:
    """Why `source` cannot be previewed; None: it can (a form that fails its check can)."""
    if source.is_dir():
        return None if form_files(source) else f"no forms (*.json) in {source}"
    if not source.is_file():
        return f"{source}: no such file or folder"
    if source.suffix != ".json" or source.name == ORGANISATION_FILE:
        return f"{source}: not a form (a form is a *.json file beside defs/)"
    return None


def _settings(
    source: Path, renderers: Path, data_dir: Path, arguments: argparse.Namespace
) -> Settings:
    """The preview's own: drafts in a temporary SQLite database, no outbox, no logins."""
    return Settings(
        data_dir=data_dir,
        schemas_dir=source if source.is_dir() else source.parent,
        renderers_dir=renderers,
        host=arguments.host,
        port=arguments.port,
        filing_writer="thread",
        outbox_worker="0",
    )


def _serve(source: Path, settings: Settings) -> None:
    import uvicorn

    from formkit.web.preview import create_preview_app, watched_forms

    app = create_preview_app(source, settings)
    for problem in watched_forms(app).problems():
        print(problem, file=sys.stderr)
    start = "/formulieren/" + ("" if source.is_dir() else source.stem)
    print(
        f"formkit: preview of {source} on {settings.base_url}{start} (nothing is filed; "
        "Ctrl+C stops)",
        file=sys.stderr,
    )
    # uvicorn stops on SIGINT and SIGTERM, then raises the signal again: both must end here as
    # an interrupt, so that the temporary folder of the drafts is removed on the way out.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt
