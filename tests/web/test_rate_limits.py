"""How fast one client may ask: 429 with Retry-After, per client address or per API key.

In the test process the limits count on the test's clock, which only moves when a test moves
it; a real `formkit serve` (tests/live.py) shows that client addresses count apart, and that
X-Forwarded-For counts only from a trusted proxy.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from tests.conftest import service_settings
from tests.live import start
from tests.web.conftest import Clock, open_page

from formkit.cli._ops import server_options
from formkit.forms.catalogue import Catalogue
from formkit.settings import Settings, SettingsError
from formkit.web._limiter import Limiter
from formkit.web.app import create_app
from formkit.web.problems import MEDIA_TYPE
from formkit.web.ratelimit import client_address
from formkit.web.services import Services

ANONYMOUS, PER_KEY = 3, 5  # per minute: a refused request waits 20 s, or 12 s with a key
TOO_MANY = "U stuurde te veel aanvragen kort na elkaar. Probeer het over 20 seconden opnieuw."


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'formkit.db'}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    limits = {"rate_limit_anonymous": ANONYMOUS, "rate_limit_api_key": PER_KEY}
    return service_settings(tmp_path, database_url, **limits)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def spend(client: TestClient[Any], url: str, count: int, **headers: str) -> None:
    for _ in range(count):
        response = client.get(url, headers=headers)
        assert response.status_code != 429, response.text


# /verificatie: a page in Dutch --------------------------------------------------------------


def test_a_burst_of_look_ups_beyond_the_limit_gets_a_page_that_says_when_to_retry(
    client: TestClient[Any],
) -> None:
    spend(client, "/verificatie?code=AAAAAAAAAAAAAAAAAAAAAA", ANONYMOUS)
    page = open_page(client, "/verificatie?code=BBBBBBBBBBBBBBBBBBBBBB")
    assert page.status == 429
    assert page.response.headers["retry-after"] == "20"
    assert page.response.headers["content-type"].startswith("text/html")
    assert page.title == "Te veel aanvragen"
    assert TOO_MANY in page.html
    assert '<html lang="nl"' in page.html


def test_guessing_completion_links_is_as_slow_as_looking_up_receipts(
    client: TestClient[Any],
) -> None:
    spend(client, "/aanvullen/BAV-2026-000001/geraden", ANONYMOUS)
    page = open_page(client, "/aanvullen/BAV-2026-000001/nog-eens-geraden")
    assert page.status == 429
    assert page.response.headers["retry-after"] == "20"
    assert page.title == "Te veel aanvragen"


def test_checking_receipts_counts_with_the_look_ups(client: TestClient[Any]) -> None:
    spend(client, "/verificatie", ANONYMOUS)
    response = client.post("/verificatie", files={"ontvangstbewijs": ("x.pdf", b"%PDF")})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "20"
    assert TOO_MANY in response.text


def test_after_the_wait_a_client_may_ask_again(client: TestClient[Any], clock: Clock) -> None:
    spend(client, "/verificatie", ANONYMOUS)
    refused = client.get("/verificatie")
    assert refused.status_code == 429
    clock.now += timedelta(seconds=int(refused.headers["retry-after"]) - 1)
    assert client.get("/verificatie").status_code == 429
    clock.now += timedelta(seconds=1)
    assert client.get("/verificatie").status_code == 200
    assert client.get("/verificatie").status_code == 429  # one more, not a new burst
    clock.now += timedelta(minutes=1)
    spend(client, "/verificatie", ANONYMOUS)  # a whole window: the whole burst again


def test_the_citizen_pages_are_not_limited(client: TestClient[Any]) -> None:
    spend(client, "/verificatie", ANONYMOUS)
    spend(client, "/formulieren/", 2 * ANONYMOUS)


# The API: problem details, per key ----------------------------------------------------------


def test_the_api_without_a_key_counts_per_address_and_answers_in_problem_details(
    client: TestClient[Any],
) -> None:
    spend(client, "/verificatie", 1)
    spend(client, "/api/v1/forms", ANONYMOUS - 1)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 429
    assert response.headers["content-type"] == MEDIA_TYPE
    assert response.headers["retry-after"] == "20"
    problem = response.json()
    assert problem["type"].endswith("/api/v1/problems/too-many-requests")
    assert (problem["status"], problem["title"]) == (429, "Te veel aanvragen")
    assert problem["detail"] == TOO_MANY
    described = client.get("/api/v1/problems/too-many-requests", headers=bearer("fk_x_y"))
    assert described.status_code == 429  # a wrong key is no key: still this address's limit


def test_a_valid_key_counts_on_its_own_and_not_against_its_address(
    client: TestClient[Any], services: Services, token: str
) -> None:
    spend(client, "/api/v1/forms", ANONYMOUS)
    assert client.get("/api/v1/forms").status_code == 429
    spend(client, "/api/v1/forms", PER_KEY, **bearer(token))
    response = client.get("/api/v1/dossiers/EVT-2026-000001", headers=bearer(token))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "12"
    assert response.json()["type"].endswith("/too-many-requests")
    _, other = services.api_keys.create("ander", ["*"], ["read"])
    spend(client, "/api/v1/forms", PER_KEY, **bearer(other))


def test_a_limit_of_0_is_no_limit(tmp_path: Path, database_url: str, catalogue: Catalogue) -> None:
    limits = {"rate_limit_anonymous": 0, "rate_limit_api_key": 0}
    settings = service_settings(tmp_path, database_url, **limits)
    services = Services.build(settings, clock=Clock(), catalogue=catalogue)
    _, token = services.api_keys.create("test", ["*"], ["read"])
    with TestClient(create_app(settings, services)) as client:
        spend(client, "/verificatie", 100)
        spend(client, "/api/v1/forms", 100)
        spend(client, "/api/v1/forms", 100, **bearer(token))


# Counting ----------------------------------------------------------------------------------


def test_the_limiter_allows_a_burst_then_one_per_interval_per_key() -> None:
    now = [0.0]
    limiter = Limiter(requests=4, window=60, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(4)] == [0, 0, 0, 0]
    assert limiter.take("a") == pytest.approx(15)
    assert limiter.take("b") == 0
    now[0] = 14.5
    assert limiter.take("a") == pytest.approx(0.5)
    now[0] = 15
    assert limiter.take("a") == 0
    assert limiter.take("a") == pytest.approx(15)


def test_the_limiter_forgets_clients_that_are_back_at_a_full_budget() -> None:
    now = [0.0]
    limiter = Limiter(requests=1, window=1, clock=lambda: now[0])
    for client in range(10_001):
        limiter.take(f"client {client}")
    now[0] = 2
    limiter.take("late")
    limiter.take("later")
    assert len(limiter._full_at) == 2
    assert limiter.take("client 0") == 0


def test_an_ipv6_client_counts_per_64_network_and_an_ipv4_client_per_address() -> None:
    def address(host: str) -> str:
        return client_address({"client": (host, 5000)})  # type: ignore[typeddict-item]

    assert address("2001:db8:1:2::1") == address("2001:0db8:1:2:ffff::9")
    assert address("2001:db8:1:2::1") == "20010db800010002/64"
    assert address("2001:db8:1:3::1") != address("2001:db8:1:2::1")
    assert address("::ffff:192.0.2.7") == "192.0.2.7"  # IPv4 on a dual-stack socket
    assert address("192.0.2.7") == "192.0.2.7"
    assert address("testclient") == "testclient"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("FORMKIT_RATE_LIMIT_ANONYMOUS", "-1", "must be 0 \\(no limit\\) or more"),
        ("FORMKIT_RATE_LIMIT_API_KEY", "-5", "must be 0 \\(no limit\\) or more"),
        ("FORMKIT_RATE_LIMIT_WINDOW", "PT0S", "must be longer than nothing"),
        ("FORMKIT_TRUSTED_PROXIES", "10.0.0.1 proxy.example", "'proxy.example' is no IP"),
        ("FORMKIT_TRUSTED_PROXIES", "*", "'\\*' is no IP address or network"),
    ],
)
def test_limits_and_proxies_that_make_no_sense_are_refused(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({variable: value})


# A real server: client addresses, proxies ----------------------------------------------------


def get_from(url: str, address: str, **headers: str) -> int:
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport) as client:
        return client.get(f"{url}/verificatie", headers=headers).status_code


def test_each_client_address_counts_apart_and_only_a_trusted_proxy_may_name_one(
    tmp_path: Path,
) -> None:
    env = {"FORMKIT_RATE_LIMIT_ANONYMOUS": "2", "FORMKIT_TRUSTED_PROXIES": "127.0.0.1"}
    env["FORMKIT_FILING_WRITER"] = "thread"  # nothing is filed: no writer process to start
    server = start(tmp_path / "data", "", env=env)
    try:
        # 127.0.0.2 is no proxy: it is the client, whatever it forwards.
        first, second = ({"X-Forwarded-For": f"198.51.100.{n}"} for n in (7, 8))
        assert [get_from(server.url, "127.0.0.2", **first) for _ in range(3)] == [200, 200, 429]
        assert get_from(server.url, "127.0.0.2", **second) == 429
        # 127.0.0.1 is the trusted proxy: the address it appended is the client.
        assert [get_from(server.url, "127.0.0.1", **first) for _ in range(3)] == [200, 200, 429]
        assert get_from(server.url, "127.0.0.1", **second) == 200
        # What a client wrote into X-Forwarded-For before the proxy appended is not believed.
        spoofed = {"X-Forwarded-For": "203.0.113.1, 198.51.100.7"}
        assert get_from(server.url, "127.0.0.1", **spoofed) == 429
    finally:
        server.stop()


def test_without_trusted_proxies_uvicorn_believes_no_forwarded_address() -> None:
    assert server_options(Settings())["proxy_headers"] is False
    options = server_options(Settings(trusted_proxies=("10.0.0.0/8", "::1")))
    assert options["proxy_headers"] is True
    assert options["forwarded_allow_ips"] == ["10.0.0.0/8", "::1"]
