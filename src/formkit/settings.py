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
from email.utils import formataddr, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from formkit._errors import FormkitError
from formkit.accounts._roles import RoleMapError, parse_role_map
from formkit.forms._vocabulary import parse_duration

PREFIX = "FORMKIT_"
WRITERS = ("process", "thread")
OUTBOX_WORKERS = ("process", "thread", "0")
SMTP_SECURITY = ("starttls", "tls", "none")


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
    # Requests per window on /verificatie, /aanvullen and the API (web/ratelimit.py); 0: none.
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
    # The citizen's e-mails go to an SMTP server: FORMKIT_SMTP_URL, or the host and the rest
    # one by one. None (the default): written as .eml files under data_dir/mail.
    # smtp://user:password@host:587 (STARTTLS), or smtps://host (TLS from the start, 465)
    smtp_url: str = field(default="", repr=False)
    smtp_host: str = ""
    smtp_port: int = 0  # 0: 465 with tls, else 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_security: str = ""  # starttls, tls or none; empty: tls for smtps://, else starttls
    mail_from: str = ""  # empty: the city's name at noreply@ the public URL's host
    # Citizens log in at the federal authentication service, FAS/CSAM (docs/operators.md); no
    # issuer: on loopback a development login with test citizens, elsewhere no citizen login.
    citizen_issuer: str = ""
    citizen_client_id: str = ""
    citizen_client_secret: str = ""
    citizen_redirect_path: str = "/mijn-dossiers/terug"  # the callback registered at FAS
    citizen_scope: str = "openid profile egovnrn"  # must release the number and the names
    citizen_national_number_claim: str = "egovNRN"
    citizen_given_name_claim: str = "givenName"
    citizen_family_name_claim: str = "surname"
    citizen_level_claim: str = "acr"  # the level of the key the citizen used
    citizen_idle_timeout: timedelta = timedelta(minutes=15)
    citizen_absolute_timeout: timedelta = timedelta(hours=4)
    # Citizens log in with their eID card through the Web eID extension too, checked here
    # against FORMKIT_EID_TRUST_DIR; needs that folder unless on loopback. 0: not offered.
    citizen_eid_login: int = 1
    citizen_eid_origin: str = ""  # the origin the card signs; empty: the public URL's
    extra: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        _one_of("filing_writer", self.filing_writer, WRITERS)
        _one_of("outbox_worker", self.outbox_worker, OUTBOX_WORKERS)
        for name in ("rate_limit_anonymous", "rate_limit_api_key"):
            if getattr(self, name) < 0:
                raise SettingsError(f"{PREFIX}{name.upper()} must be 0 (no limit) or more")
        if self.rate_limit_window <= timedelta(0):
            raise SettingsError(f"{PREFIX}RATE_LIMIT_WINDOW must be longer than nothing")
        try:
            parse_role_map(self.staff_roles)
        except RoleMapError as error:
            raise SettingsError(f"{PREFIX}STAFF_ROLES: {error}") from None
        for kind in ("staff", "citizen"):
            self._check_login(kind)
        self.eid_login_origin  # noqa: B018 - refuses an origin that is none
        self.smtp  # noqa: B018 - refuses a server formkit cannot use
        self.mail_sender  # noqa: B018
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy)
            except ValueError:
                raise SettingsError(
                    f"{PREFIX}TRUSTED_PROXIES: {proxy!r} is no IP address or network"
                ) from None

    def _check_login(self, kind: str) -> None:
        """The `<kind>_*` settings of a login (staff, citizen) hang together."""
        variable = f"{PREFIX}{kind.upper()}"
        issuer, client_id, client_secret = (
            getattr(self, f"{kind}_{name}") for name in ("issuer", "client_id", "client_secret")
        )
        if issuer and not (client_id and client_secret):
            needs = f"{variable}_CLIENT_ID and {variable}_CLIENT_SECRET"
            raise SettingsError(f"{variable}_ISSUER needs {needs}")
        if not getattr(self, f"{kind}_redirect_path").startswith("/"):
            raise SettingsError(f"{variable}_REDIRECT_PATH must be a path starting with /")
        for name in (f"{kind}_idle_timeout", f"{kind}_absolute_timeout"):
            if getattr(self, name) <= timedelta(0):
                raise SettingsError(f"{PREFIX}{name.upper()} must be longer than nothing")

    @property
    def smtp(self) -> SmtpServer | None:
        """The SMTP server the citizen's mails go to; None: none (.eml files instead)."""
        if self.smtp_url and self.smtp_host:
            raise SettingsError(f"set {PREFIX}SMTP_URL or {PREFIX}SMTP_HOST, not both")
        if self.smtp_security:
            _one_of("smtp_security", self.smtp_security, SMTP_SECURITY)
        server = _smtp_url(self.smtp_url, self.smtp_security) if self.smtp_url else None
        if self.smtp_host:
            security = self.smtp_security or "starttls"
            port = self.smtp_port or (465 if security == "tls" else 587)
            server = SmtpServer(self.smtp_host, port, self.smtp_user, self.smtp_password, security)
        if server and server.user and server.security == "none" and not is_loopback(server.host):
            raise SettingsError(f"{PREFIX}SMTP_SECURITY=none would send the password in clear")
        return server

    @property
    def mail_sender(self) -> str:
        """Who the citizen's mails are from: `FORMKIT_MAIL_FROM` or the city at noreply@."""
        if self.mail_from:
            address = parseaddr(self.mail_from)[1]
            if "@" not in address or address.startswith("@") or address.endswith("@"):
                raise SettingsError(f"{PREFIX}MAIL_FROM: {self.mail_from!r} is no e-mail address")
            return self.mail_from
        host = urlsplit(self.base_url).hostname or ""
        domain = host if "." in host and not _is_ip(host) else "localhost"
        return formataddr((self.city_name, f"noreply@{domain}"))

    @property
    def eid_login(self) -> bool:
        """Whether citizens may log in with their eID card (Web eID) here.

        Only against roots the operator chose: the development TEST PKI's keys lie in the data
        folder, and whoever reads them could make a card for anyone. So without
        `FORMKIT_EID_TRUST_DIR` only a server on loopback offers it.
        """
        return bool(self.citizen_eid_login) and (
            self.eid_trust_dir is not None or self.loopback_only
        )

    @property
    def eid_login_origin(self) -> str:
        """The origin a Web eID token must be made for: `scheme://host[:port]`, no path."""
        origin = self.citizen_eid_origin or self.base_url
        parts = urlsplit(origin)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise SettingsError(f"{PREFIX}CITIZEN_EID_ORIGIN: {origin!r} is no web origin")
        if self.citizen_eid_origin and (parts.path.strip("/") or parts.query or parts.fragment):
            raise SettingsError(
                f"{PREFIX}CITIZEN_EID_ORIGIN: an origin has no path: {parts.scheme}://"
                f"{parts.netloc}"
            )
        return f"{parts.scheme}://{parts.netloc}"

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


@dataclass(frozen=True, slots=True)
class SmtpServer:
    host: str
    port: int
    user: str = ""
    password: str = field(default="", repr=False)
    security: str = "starttls"  # starttls, tls (from the first byte) or none


def _smtp_url(url: str, security: str) -> SmtpServer:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SettingsError(f"{PREFIX}SMTP_URL must be smtp://host:port or smtps://host:port")
    security = security or ("tls" if parts.scheme == "smtps" else "starttls")
    try:
        port = parts.port or (465 if security == "tls" else 587)
    except ValueError:
        raise SettingsError(f"{PREFIX}SMTP_URL has no valid port") from None
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    return SmtpServer(parts.hostname, port, user, password, security)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


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
