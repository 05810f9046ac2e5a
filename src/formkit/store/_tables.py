"""The database tables, declared once with SQLModel; Alembic migrations are written from these.

Times are stored in UTC. Hot paths use the tables through SQLAlchemy Core (`Model.__table__`):
filing inserts many rows per commit and an ORM unit of work per filing halves the rate
(PERFORMANCE.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlmodel import Field, SQLModel

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _json(nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(JSON, nullable=nullable))


def _day() -> Any:
    return Field(default=None, sa_column=sa.Column(sa.Date, nullable=True, index=True))


def _time(nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=nullable, index=index))


class FormVersion(SQLModel, table=True):
    """Every schema version a dossier was filed under: readable forever."""

    __tablename__ = "form_version"
    version: str = Field(primary_key=True, max_length=80)
    form_id: str = Field(max_length=100, index=True)
    schema_: dict[str, Any] = Field(sa_column=sa.Column("schema", JSON, nullable=False))
    first_filed_at: datetime = _time()


class DossierSequence(SQLModel, table=True):
    """The last number handed out per prefix and year; updated in the filing's transaction."""

    __tablename__ = "dossier_sequence"
    prefix: str = Field(primary_key=True, max_length=10)
    year: int = Field(primary_key=True)
    last: int = 0


NO_DUE = date(9999, 12, 31)  # sorts after every real deadline, and keeps the index whole


class Dossier(SQLModel, table=True):
    __tablename__ = "dossier"
    # Worklists page through (next_due, id), alone or within a phase or an official's dossiers.
    __table_args__ = (
        sa.Index("ix_dossier_next_due", "next_due", "id"),
        sa.Index("ix_dossier_phase_next_due", "phase", "next_due", "id"),
        sa.Index("ix_dossier_handler_next_due", "handler", "next_due", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40, unique=True)
    form_id: str = Field(max_length=100, index=True)
    form_version: str = Field(foreign_key="form_version.version", max_length=80)
    answers: dict[str, Any] = _json()
    channel: str = Field(max_length=120)
    phase: str = Field(max_length=40, index=True)
    filed_at: datetime = _time(index=True)
    changed_at: datetime = _time(index=True)  # the last event's moment: "changed since"
    idempotency_key: str | None = Field(default=None, max_length=300, unique=True)
    request_digest: str = Field(max_length=64)
    signer: dict[str, Any] | None = _json(nullable=True)
    # Or the login that filed instead of a signature (`formkit.filing._login.Login.record`).
    authentication: dict[str, Any] | None = _json(nullable=True)
    # The handling, as its events say (formkit.handling.state): kept here to list and filter.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # events; ETag
    handler: str | None = Field(default=None, max_length=200)
    handler_name: str | None = Field(default=None, max_length=200)
    track: str | None = Field(default=None, max_length=60)
    completeness_due: date | None = _day()
    decision_due: date | None = _day()
    # The earliest of the two, NO_DUE without: worklists page through (next_due, id).
    next_due: date = Field(default=NO_DUE, sa_column_kwargs={"server_default": NO_DUE.isoformat()})
    search: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))


class Attachment(SQLModel, table=True):
    __tablename__ = "attachment"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    pointer: str = Field(max_length=500)
    sha256: str = Field(max_length=64, index=True)
    size: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    media_type: str = Field(max_length=100)
    label: str = Field(max_length=255)


class WritingTransaction(sa.sql.expression.FunctionElement[int]):
    """The id of the transaction that writes the row (PostgreSQL's xid8, as a BIGINT), 0 on
    SQLite. PostgreSQL hands out ids at the first write, not in commit order: the change feed
    (`store/feed.py`) orders by it and holds back rows of transactions that may still commit.
    SQLite has one writer at a time, so there the ids alone are in commit order."""

    type = sa.BigInteger()
    inherit_cache = True


@compiles(WritingTransaction)
def _no_transaction_id(element: WritingTransaction, compiler: Any, **kw: Any) -> str:
    return "0"


@compiles(WritingTransaction, "postgresql")
def _transaction_id(element: WritingTransaction, compiler: Any, **kw: Any) -> str:
    return "CAST(CAST(pg_current_xact_id() AS text) AS bigint)"


class Event(SQLModel, table=True):
    """The dossier's history: appended to, never updated or deleted."""

    __tablename__ = "event"
    # The change feed pages through (xact, id) (store/feed.py).
    __table_args__ = (sa.Index("ix_event_xact_id", "xact", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    at: datetime = _time()
    actor: str = Field(max_length=200)
    kind: str = Field(max_length=60)
    data: dict[str, Any] = _json()
    by: dict[str, Any] | None = _json(nullable=True)  # who handled: kind, id, name, department
    # Set by the database as the row is written; nobody writes it.
    xact: int = Field(
        default=None,
        sa_column=sa.Column(sa.BigInteger, nullable=False, server_default=WritingTransaction()),
    )


class AdviceRequest(SQLModel, table=True):
    """A department's advice on a dossier, as the events say: what advisers' lists show."""

    __tablename__ = "advice_request"
    # An adviser's list: the department's open requests, earliest deadline first.
    __table_args__ = (
        sa.Index(
            "ix_advice_request_open",
            "department",
            "due",
            "dossier_id",
            sqlite_where=sa.text("opinion IS NULL AND NOT late"),
            postgresql_where=sa.text("opinion IS NULL AND NOT late"),
        ),
        # An adviser's scope: every dossier that ever asked their department, open or answered.
        sa.Index("ix_advice_request_department", "department", "dossier_id"),
    )
    dossier_id: int = Field(foreign_key="dossier.id", primary_key=True)
    department: str = Field(max_length=60, primary_key=True)
    asked_at: datetime = _time()
    due: date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    opinion: str | None = Field(default=None, max_length=40)
    late: bool = False


class Upload(SQLModel, table=True):
    """Bytes handed in ahead of a filing (two-phase attachments); purged when never claimed."""

    __tablename__ = "upload"
    id: str = Field(primary_key=True, max_length=64)
    owner: str = Field(max_length=120, index=True)
    sha256: str = Field(max_length=64, index=True)
    size: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    media_type: str = Field(max_length=100)
    label: str = Field(max_length=255)
    created_at: datetime = _time(index=True)
    claimed_by: int | None = Field(default=None, foreign_key="dossier.id")
    used_at: datetime | None = _time(nullable=True)  # an API upload taken by a filing under way


class Draft(SQLModel, table=True):
    """A citizen's answers between steps, until filed or expired."""

    __tablename__ = "draft"
    id: str = Field(primary_key=True, max_length=64)
    form_id: str = Field(max_length=100)
    answers: dict[str, Any] = _json()
    reached: int = 0  # index of the furthest step the citizen has posted
    resume_hash: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime = _time()
    updated_at: datetime = _time()
    expires_at: datetime = _time(index=True)
    dossier_number: str | None = Field(default=None, max_length=40)
    # Started by a logged-in citizen: their number's keyed hash ("Mijn dossiers" lists the
    # draft), and the applicant's answers the login gave, which the pages do not change.
    owner: str | None = Field(default=None, max_length=64, index=True)
    prefill: dict[str, Any] | None = _json(nullable=True)
    # When the citizen declared these answers true on the Overzicht; any change clears it.
    declared_at: datetime | None = _time(nullable=True)


class ApiKey(SQLModel, table=True):
    """An integrator's key: only a hash of the secret is kept."""

    __tablename__ = "api_key"
    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=120)
    secret_hash: str = Field(max_length=64)
    forms: list[str] = _json()  # form ids; ["*"] for every form
    scopes: list[str] = _json()  # "read", "write"
    created_at: datetime = _time()
    revoked_at: datetime | None = _time(nullable=True)


class Webhook(SQLModel, table=True):
    __tablename__ = "webhook"
    id: str = Field(primary_key=True, max_length=32)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=200)
    events: list[str] = _json()
    forms: list[str] = _json()
    created_at: datetime = _time()
    active: bool = True


class Outbox(SQLModel, table=True):
    """Work after a filing, written in the filing's transaction and done at least once."""

    __tablename__ = "outbox"
    # Polls look only at rows still to do; done rows (kept a week) stay out of that index.
    __table_args__ = (
        sa.Index(
            "ix_outbox_due",
            "available_at",
            sqlite_where=sa.text("done_at IS NULL AND dead_at IS NULL"),
            postgresql_where=sa.text("done_at IS NULL AND dead_at IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=60, index=True)
    payload: dict[str, Any] = _json()
    created_at: datetime = _time()
    available_at: datetime = _time(index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=2000)
    done_at: datetime | None = _time(nullable=True)
    dead_at: datetime | None = _time(nullable=True)


metadata = SQLModel.metadata

# Made by the migrations on PostgreSQL only, so not declared above: search finds any part of a
# word through trigrams there (pg_trgm's GIN index), by a scan on SQLite.
POSTGRES_ONLY_INDEXES = frozenset({"ix_dossier_search"})


def declared(item: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's include_object: what autogenerate compares (not the PostgreSQL-only)."""
    return not (kind == "index" and name in POSTGRES_ONLY_INDEXES)


class LogState(SQLModel, table=True):
    """The size of the log of filings: one row, updated (and so locked) by each batch."""

    __tablename__ = "log_state"
    id: int = Field(default=1, primary_key=True)
    size: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))


class LogLeaf(SQLModel, table=True):
    """One sealed document's place in the log: a dossier's receipt or its decision letter
    (`document`), each at most once; appended, never changed."""

    __tablename__ = "log_leaf"
    __table_args__ = (sa.UniqueConstraint("dossier_id", "document", name="uq_log_leaf_document"),)
    idx: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    dossier_id: int = Field(foreign_key="dossier.id")
    leaf_hash: str = Field(max_length=64)  # hex
    document: str = Field(
        default="receipt", max_length=20, sa_column_kwargs={"server_default": "receipt"}
    )


class TreeHead(SQLModel, table=True):
    """Every signed tree head the city published, one per batch of filings."""

    __tablename__ = "tree_head"
    size: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    root_hash: str = Field(max_length=64)  # hex
    timestamp_ms: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    signature: str = Field(max_length=1000)  # base64url
    created_at: datetime = _time()


class Receipt(SQLModel, table=True):
    """A dossier's receipt: the JSON made with its filing; JWS and PDF issued once, then kept."""

    __tablename__ = "receipt"
    dossier_id: int = Field(foreign_key="dossier.id", primary_key=True)
    document: dict[str, Any] = _json()
    jws: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    pdf_sha256: str | None = Field(default=None, max_length=64)
    # The random code in the receipt's verify_url (the QR code): the public look-up's key.
    # None for receipts issued before codes existed: their link names the dossier number.
    verification_code: str | None = Field(default=None, max_length=32, unique=True, index=True)


class DecisionLetter(SQLModel, table=True):
    """A dossier's decision letter: the JSON logged once it was decided; JWS and PDF issued
    once, then kept. One per dossier: a second decision is refused by the procedure."""

    __tablename__ = "decision_letter"
    dossier_id: int = Field(foreign_key="dossier.id", primary_key=True)
    document: dict[str, Any] = _json()
    jws: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    pdf_sha256: str | None = Field(default=None, max_length=64)
    created_at: datetime = _time()


class StaffSession(SQLModel, table=True):
    """A logged-in member of staff: only a hash of the session id the browser holds is kept."""

    __tablename__ = "staff_session"
    id_hash: str = Field(primary_key=True, max_length=64)
    subject: str = Field(max_length=255)
    name: str = Field(max_length=255)
    roles: list[str] = _json()
    created_at: datetime = _time()
    last_seen: datetime = _time()
    idle_expires: datetime = _time()
    absolute_expires: datetime = _time(index=True)


class StaffRead(SQLModel, table=True):
    """Who of the staff read which dossier, and when: appended to, never updated or deleted."""

    __tablename__ = "staff_read"
    # A dossier's readers, newest first.
    __table_args__ = (sa.Index("ix_staff_read_dossier_at", "dossier_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id")
    at: datetime = _time()
    subject: str = Field(max_length=255)  # the identity provider's subject
    name: str = Field(max_length=255)
    what: str = Field(max_length=20)  # "dossier", "bijlage", "beslissingsbrief": `Read`
    pointer: str | None = Field(default=None, max_length=500)  # the attachment's place


class CitizenSession(SQLModel, table=True):
    """A logged-in citizen. The national number is never in the clear: its keyed hash finds a
    citizen's rows, and the number itself (with the provider's subject) is sealed under a key
    only the browser's session id gives (`formkit.accounts.seal`)."""

    __tablename__ = "citizen_session"
    id_hash: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=255)
    level: str = Field(max_length=255)  # the provider's level of the login (acr), as it came
    national_number_key: str = Field(max_length=64, index=True)
    identity_sealed: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = _time()
    last_seen: datetime = _time()
    idle_expires: datetime = _time()
    absolute_expires: datetime = _time(index=True)


class EidChallenge(SQLModel, table=True):
    """A Web eID challenge nonce handed to a browser and not yet used: by its SHA-256 only (the
    nonce itself is in that browser's cookie), until its login or its expiry, whichever first."""

    __tablename__ = "eid_challenge"
    nonce_hash: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = _time(index=True)


class DossierParty(SQLModel, table=True):
    """A person of a dossier (applicant, co-applicant, signer: `formkit.filing.Role`), by the
    keyed hash of their national number: a citizen's "Mijn dossiers" finds their dossiers by
    the number they log in with, while a copy of the database alone names nobody. Written in
    the filing's transaction; `formkit parties backfill` for dossiers filed before."""

    __tablename__ = "dossier_party"
    dossier_id: int = Field(foreign_key="dossier.id", primary_key=True)
    national_number_key: str = Field(max_length=64, primary_key=True, index=True)
    role: str = Field(max_length=20, primary_key=True)
