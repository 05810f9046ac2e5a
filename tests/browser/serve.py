"""The real app under uvicorn, for the browser tests: `python -m tests.browser.serve`.

Settings come from the `FORMKIT_*` environment as in production. One thing only tests may
do: `FORMKIT_TEST_NOW` (an ISO moment) fixes the clock that filing and validation read, so
the lead times of the forms hold whatever day the tests run. Production code never reads it.
Without it the clock is the real one: a login at a real provider needs that, since the
provider signs its tokens with the time of day.
"""

from __future__ import annotations

import os
from datetime import datetime

import uvicorn

from formkit.settings import Settings
from formkit.web.app import create_app
from formkit.web.services import Services


def main() -> None:
    settings = Settings.from_env()
    fixed = os.environ.get("FORMKIT_TEST_NOW")
    if fixed:
        now = datetime.fromisoformat(fixed)
        services = Services.build(settings, clock=lambda: now)
    else:
        services = Services.build(settings)
    app = create_app(settings, services)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


if __name__ == "__main__":
    main()
