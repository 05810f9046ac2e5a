"""Browser tests: the real app under uvicorn, Debian's Chromium driven by Playwright.

One server and one browser per session; each test gets a fresh browser context (no cookies,
no cache). A second small HTTP server on another address plays the city's site that embeds
a form: another origin, and another site, so its iframe is a third-party one.

Needs chromium on PATH (`apt-get install chromium`) and axe-core in tests/browser/node_modules
(`npm ci --prefix tests/browser`); without them these tests fail, they do not skip.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from tests.conftest import NOW, ROOT, trust_folder
from tests.live import START_TIMEOUT

from formkit.eid._testcard import TestCard
from formkit.settings import Settings
from formkit.store.database import connect
from formkit.store.drafts import DraftStore
from formkit.web.services import Services

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")  # as tests/preflight.py
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-output" / "browser"
HOST_ADDRESS = "127.0.0.2"  # the city's site: another site than the forms' 127.0.0.1
FOREIGN_ADDRESS = "127.0.0.3"  # a site that may not embed them


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path
    # The server's now, an ISO moment (serve.py) that `live_clock` moves; None: the real clock.
    clock_file: Path | None = None


def resume_link(live_server: LiveServer, form_id: str, answers: Any, reached: int) -> str:
    """A draft made in the live server's database, and the link that resumes it on the step
    after `reached` (a step's index): a citizen who saved there and comes back. For a test
    about one step, whose steps before are other tests' work."""
    engine = connect(f"sqlite:///{live_server.data_dir / 'formkit.db'}")
    try:
        drafts = DraftStore(engine, timedelta(days=30), timedelta(days=1))
        draft = drafts.create(form_id, answers, reached, NOW)
        token = drafts.issue_resume_token(draft.id)
    finally:
        engine.dispose()
    return f"{live_server.url}/formulieren/{form_id}/hervatten/{token}"


def set_clock(path: Path, moment: datetime) -> None:
    """Whole or not at all: the server reads the file at any moment."""
    draft = path.with_name(f".{path.name}.part")
    draft.write_text(moment.isoformat(), encoding="utf-8")
    draft.replace(path)


def _free_port(address: str) -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped: {log.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not start: {log.read_text()}", pytrace=False)


@pytest.fixture(scope="session")
def host_origin() -> str:
    return f"http://{HOST_ADDRESS}:{_free_port(HOST_ADDRESS)}"


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, host_origin: str, ec_card: TestCard
) -> Iterator[LiveServer]:
    """The app, trusting the P-384 test card's PKI for citizens' signatures."""
    data_dir = tmp_path_factory.mktemp("live")
    clock_file = tmp_path_factory.mktemp("clock") / "now"
    set_clock(clock_file, NOW)
    eid_trust = trust_folder(ec_card.pki, tmp_path_factory.mktemp("eid-trust"))
    port = _free_port("127.0.0.1")
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FORMKIT_DATA_DIR": str(data_dir),
        "FORMKIT_DATABASE_URL": "",
        "FORMKIT_SCHEMAS_DIR": str(ROOT / "schemas"),
        "FORMKIT_RENDERERS_DIR": str(ROOT / "renderers"),
        "FORMKIT_HOST": "127.0.0.1",
        "FORMKIT_PORT": str(port),
        "FORMKIT_FRAME_ANCESTORS": host_origin,
        "FORMKIT_TEST_NOW_FILE": str(clock_file),
        # The clock stands still (serve.py) unless a test moves it, so a rate limit's budget
        # would never refill.
        "FORMKIT_RATE_LIMIT_ANONYMOUS": "0",
        "FORMKIT_EID_TRUST_DIR": str(eid_trust),
    }
    log = data_dir / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.browser.serve"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, log)
        yield LiveServer(url, data_dir, clock_file)
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def live_stores(server: LiveServer) -> Iterator[Services]:
    """The live server's own database, blobs, seal and secret, opened from the test process:
    to file and handle dossiers as the city would, and to check what the server made."""
    settings = Settings(
        data_dir=server.data_dir,
        schemas_dir=ROOT / "schemas",
        renderers_dir=ROOT / "renderers",
        filing_writer="thread",
    )
    services = Services.build(settings)
    try:
        yield services
    finally:
        services.close()


@pytest.fixture
def live_clock(live_server: LiveServer) -> Iterator[Callable[[datetime], None]]:
    """Set the live server's clock; after the test it stands at NOW again, for the others."""
    path = live_server.clock_file
    assert path is not None
    yield partial(set_clock, path)
    set_clock(path, NOW)


@pytest.fixture(scope="session")
def host_pages(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The city's site: one page that embeds the evenement form in the documented way."""
    folder = tmp_path_factory.mktemp("host")
    (folder / "evenement.html").write_text(
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        "<title>Evenementen – Stad Mechelen</title></head><body><main>"
        "<h1>Een evenement aanvragen</h1><p>Vul het formulier hieronder in.</p>"
        f'<script src="{live_server.url}/embed.js" data-form="evenement" '
        'data-title="Formulier: evenement melden of aanvragen" async></script>'
        "<p>Vragen? Bel 015 29 76 00.</p></main></body></html>\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="session")
def host_site(host_pages: Path, host_origin: str) -> Iterator[str]:
    """The site allowed to embed the forms (FORMKIT_FRAME_ANCESTORS)."""
    address, port = host_origin.removeprefix("http://").split(":")
    yield from _serve(host_pages, address, int(port))


@pytest.fixture(scope="session")
def foreign_site(host_pages: Path) -> Iterator[str]:
    """The same page on a site nobody allowed to embed the forms."""
    yield from _serve(host_pages, FOREIGN_ADDRESS, _free_port(FOREIGN_ADDRESS))


def _serve(folder: Path, address: str, port: int) -> Iterator[str]:
    server = ThreadingHTTPServer((address, port), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{address}:{port}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


# Module scope, not session: Playwright's sync API runs an event loop in this thread while it
# lives, and tests elsewhere call asyncio.run, which refuses to run inside one.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install chromium", pytrace=False)
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _context(browser: Browser, *, javascript: bool) -> Iterator[BrowserContext]:
    context = browser.new_context(java_script_enabled=javascript, locale="nl-BE")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    yield from _context(browser, javascript=True)


@pytest.fixture
def no_script_context(browser: Browser) -> Iterator[BrowserContext]:
    yield from _context(browser, javascript=False)


def screenshot(page: Page, name: str) -> None:
    """Keep a picture of the page in test-output/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds wrong with the page: the WCAG 2.0, 2.1 and 2.2 A and AA rules and
    its best practices (landmarks, one main, headings in order, a page heading, ...)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix tests/browser", pytrace=False)
    # Not `add_script_tag`: an inline script is exactly what the pages' CSP refuses. What the
    # test evaluates runs as DevTools does, outside the page's policy.
    page.evaluate(_axe_source())
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',"
        " 'best-practice']})"
    )
    return [
        {
            "id": v["id"],
            "help": v["help"],
            "nodes": [n["html"][:200] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
    ]
