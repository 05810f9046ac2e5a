"""The real app under uvicorn, for the browser tests: `python -m tests.browser.serve`.

Settings come from the `FORMKIT_*` environment as in production. One thing only tests may
do: set the clock that filing, validation, sessions and actions read, so the lead times of the
forms hold whatever day the tests run. `FORMKIT_TEST_NOW_FILE` names a file holding an ISO
moment, read at every look at the clock, so that a test can let weeks pass (a late advice) by
writing another moment into it; `FORMKIT_TEST_NOW` (an ISO moment) stands still. Production
code never reads either. Without them the clock is the real one: a login at a real provider
needs that, since the provider signs its tokens with the time of day.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import uvicorn

from formkit.settings import Settings
from formkit.web.app import create_app
from formkit.web.services import Services


def chosen_clock() -> Callable[[], datetime] | None:
    """The clock the environment sets; None: the real one."""
    moving = os.environ.get("FORMKIT_TEST_NOW_FILE")
    if moving:
        path = Path(moving)
        return lambda: datetime.fromisoformat(path.read_text(encoding="utf-8").strip())
    fixed = os.environ.get("FORMKIT_TEST_NOW")
    if fixed:
        now = datetime.fromisoformat(fixed)
        return lambda: now
    return None


def main() -> None:
    settings = Settings.from_env()
    services = Services.build(settings, clock=chosen_clock())
    app = create_app(settings, services)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


if __name__ == "__main__":
    main()
