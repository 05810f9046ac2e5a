"""The service's settings, read once from `FORMKIT_*` environment variables.

Every setting has an embedded default so that `make run` needs nothing else: SQLite and files
under `submissions/`. docs/operators.md lists them all; a test checks that it does.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from formkit._errors import FormkitError
from formkit.accounts._roles import RoleMapError, parse_role_map
from formkit.forms._vocabulary import parse_duration

PREFIX = "FORMKIT_"
WRITERS = ("process", "thread")
OUTBOX_WORKERS = ("process", "thread", "0")


class SettingsError(FormkitError):
    """An environment variable holds a value formkit cannot use."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What an operator can set. Field names map to `FORMKIT_<NAME>` in upper case."""

    data_dir: Path = Path("submissions")
    database_url: str = ""  # empty: SQLite in data_dir
    schemas_dir: Path = Path("schemas")
    renderers_dir: Path = Path("renderers")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""  # empty: http://host:port
    city_name: str = "Stad Mechelen"  # who issues the receipts
    frame_ancestors: tuple[str, ...] = ()  # origins allowed to embed the forms
    draft_ttl: timedelta = timedelta(days=30)
    upload_ttl: timedelta = timedelta(days=1)
    max_request_bytes: int = 600_000_000
    batch_size: int = 256  # filings committed together at most
    filing_writer: str = "process"  # where batches commit: "process" (own core) or "thread"
    workers: int = 1
    eid_trust_dir: Path | None = None  # unset: a TEST PKI made in data_dir (development only)
    eid_revocation_required: int = 0  # 1: refuse a signature without CRL data covering it
    seal_trust_file: Path | None = None  # PEM roots for /verificatie; unset: the seal's root
    # Where `formkit serve` does the outbox's work: "process" (one of its own), "thread" (the
    # serving process itself), or "0" (nowhere: `formkit work` processes do it).
    outbox_worker: str = "process"
    outbox_poll: timedelta = timedelta(seconds=1)  # how often a process looks for due work
    outbox_concurrency: int = 16  # outbox rows one process handles at once
    outbox_max_attempts: int = 12  # then a row is a dead letter (about 45 hours)
    webhook_timeout: timedelta = timedelta(seconds=15)  # per delivery attempt
    # Requests per window on /verificatie and the API (web/ratelimit.py); 0: no limit.
    rate_limit_window: timedelta = timedelta(minutes=1)
    rate_limit_anonymous: int = 60  # per client address, and for the API without a valid key
    rate_limit_api_key: int = 6000  # per API key: integrators file in bulk
    trusted_proxies: tuple[str, ...] = ()  # addresses or networks whose X-Forwarded-For counts
    # Staff log in at the city's OpenID Connect provider (docs/operators.md); no issuer: on
    # loopback a development login, elsewhere no staff login at all.
    staff_issuer: str = ""
    staff_client_id: str = ""
    staff_client_secret: str = ""
    staff_redirect_path: str = "/behandeling/terug"  # the callback registered at the provider
    staff_scope: str = "openid profile"  # asked of the provider; must release name and groups
    staff_groups_claim: str = "groups"  # the ID token's claim listing the person's groups
    staff_roles: str = ""  # JSON: {"group": ["role", ...]}; a group not named gives no role
    staff_idle_timeout: timedelta = timedelta(minutes=30)
    staff_absolute_timeout: timedelta = timedelta(hours=10)
    extra: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        _one_of("filing_writer", self.filing_writer, WRITERS)
        _one_of("outbox_worker", self.outbox_worker, OUTBOX_WORKERS)
        for name in ("rate_limit_anonymous", "rate_limit_api_key"):
            if getattr(self, name) < 0:
                raise SettingsError(f"{PREFIX}{name.upper()} must be 0 (no limit) or more")
        if self.rate_limit_window <= timedelta(0):
            raise SettingsError(f"{PREFIX}RATE_LIMIT_WINDOW must be longer than nothing")
        self._check_staff()
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy)
            except ValueError:
                raise SettingsError(
                    f"{PREFIX}TRUSTED_PROXIES: {proxy!r} is no IP address or network"
                ) from None

    def _check_staff(self) -> None:
        try:
            parse_role_map(self.staff_roles)
        except RoleMapError as error:
            raise SettingsError(f"{PREFIX}STAFF_ROLES: {error}") from None
        if self.staff_issuer and not (self.staff_client_id and self.staff_client_secret):
            needs = f"{PREFIX}STAFF_CLIENT_ID and {PREFIX}STAFF_CLIENT_SECRET"
            raise SettingsError(f"{PREFIX}STAFF_ISSUER needs {needs}")
        if not self.staff_redirect_path.startswith("/"):
            raise SettingsError(f"{PREFIX}STAFF_REDIRECT_PATH must be a path starting with /")
        for name in ("staff_idle_timeout", "staff_absolute_timeout"):
            if getattr(self, name) <= timedelta(0):
                raise SettingsError(f"{PREFIX}{name.upper()} must be longer than nothing")

    @property
    def staff_role_map(self) -> dict[str, tuple[str, ...]]:
        return parse_role_map(self.staff_roles)

    @property
    def loopback_only(self) -> bool:
        """Whether the server listens on loopback only, and says so in its public address."""
        hosts = [self.host, urlsplit(self.base_url).hostname or ""]
        return all(is_loopback(host) for host in hosts)

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'formkit.db'}"

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for spec in fields(cls):
            if spec.name == "extra":
                continue
            raw = environ.get(PREFIX + spec.name.upper())
            if raw is not None:
                values[spec.name] = _parse(spec.name, str(spec.type), raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def setting_names() -> list[str]:
    return [PREFIX + spec.name.upper() for spec in fields(Settings) if spec.name != "extra"]


def _one_of(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        listed = ", ".join(choices[:-1]) + " or " + choices[-1]
        raise SettingsError(f"{PREFIX}{name.upper()} must be {listed}, not {value!r}")


def _parse(name: str, kind: str, raw: str) -> object:
    variable = PREFIX + name.upper()
    try:
        if kind.startswith("Path"):
            return Path(raw)
        if kind == "int":
            return int(raw)
        if kind == "timedelta":
            return parse_duration(raw)
        if kind.startswith("tuple"):
            return tuple(item.strip() for item in raw.split() if item.strip())
    except ValueError as error:
        raise SettingsError(f"{variable}={raw!r}: {error}") from None
    return raw
