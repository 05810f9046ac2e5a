"""Filing, as the web pages and the API both ask for it: validate, bind attachments, store once.

The store is handed in (`FilingQueue`), so this module holds no SQL; the clock is handed in so
that lead times are checked against the moment of filing in tests as in production.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from formkit.eid.signing import (
    CitizenSignature,
    EidTrust,
    check_signature,
    digest_to_sign,
    signer_record,
)
from formkit.filing._filing import (
    Attachment,
    Blob,
    Filed,
    Filing,
    IdempotencyConflict,
    Limit,
    Outcome,
    OverLimit,
    Party,
    bind_attachments,
    filing_request_digest,
)
from formkit.filing._limits import limits
from formkit.filing._login import Login, check_login
from formkit.filing._parties import parties
from formkit.forms._alternatives import strip_choices
from formkit.forms._model import Form
from formkit.forms._problems import Problem
from formkit.forms._validate import validate


class Queue(Protocol):
    async def file(self, filing: Filing, schema: Mapping[str, Any]) -> Outcome: ...

    async def earlier(
        self, key: str, request_digest: str
    ) -> Filed | IdempotencyConflict | None: ...


@dataclass(frozen=True, slots=True)
class Refused:
    """The answers have problems; nothing was filed."""

    problems: tuple[Problem, ...]


FilingResult = Filed | IdempotencyConflict | Refused


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Filer:
    queue: Queue
    trust: EidTrust  # what citizens' eID certificates must chain to
    clock: Callable[[], datetime] = _utc_now
    # The keyed hash of a national number (`formkit.accounts.national_number_key` under the
    # instance's secret): each dossier records its parties by it. None records none.
    national_number_key: Callable[[str], str] | None = None

    async def file(
        self,
        form: Form,
        answers: Any,
        blobs: Mapping[str, Blob],
        *,
        channel: str,
        idempotency_key: str | None,
        before_commit: Callable[[], Awaitable[None]] | None = None,
        signature: CitizenSignature | None = None,
        login: Login | None = None,
    ) -> FilingResult:
        """Validate and file; `before_commit` runs once the filing is accepted (staged files).

        A form that needs a signature takes `signature`; one that accepts a sure login
        (`eid-or-login`) takes `login` instead when no signature is given (`_login`).

        A key filed before answers without validating again: the dossier exists, whatever
        the clock says now.
        """
        digest = filing_request_digest(form.id, answers, blobs)
        if idempotency_key is not None:
            earlier = await self.queue.earlier(idempotency_key, digest)
            if earlier is not None:
                return earlier
        now = self.clock()
        checked_answers = self._checked(form, answers, blobs, now)
        if isinstance(checked_answers, Refused):
            return checked_answers
        bound, attachments = checked_answers
        signer = authentication = None
        if form.signature_required and signature is None and login is not None:
            problem = check_login(form, bound, login)
            if problem is not None:
                return Refused((problem,))
            authentication = login.record()
        elif form.signature_required:
            checked = await check_signature(form, bound, signature, self.trust, now)
            if isinstance(checked, Problem):
                return Refused((checked,))
            assert signature is not None
            signer = signer_record(checked, signature, digest_to_sign(form, bound), self.trust)
        filing = Filing(
            form_id=form.id,
            form_title=form.title,
            prefix=form.prefix,
            version=form.version,
            answers=bound,
            attachments=attachments,
            channel=channel,
            idempotency_key=idempotency_key,
            request_digest=digest,
            signer=signer,
            authentication=authentication,
            parties=self._parties(form, bound, signer or authentication),
            limits=self.limits_of(form, bound),
        )
        if before_commit is not None:
            await before_commit()
        outcome = await self.queue.file(filing, form.schema)
        return Refused(outcome.problems) if isinstance(outcome, OverLimit) else outcome

    def _parties(
        self, form: Form, answers: Mapping[str, Any], signer: Mapping[str, Any] | None
    ) -> tuple[Party, ...]:
        key = self.national_number_key
        return () if key is None else parties(form, answers, signer, key)

    def limits_of(self, form: Form, answers: Mapping[str, Any]) -> tuple[Limit, ...]:
        """The history rules' limits on the persons the answers name (`_limits`)."""
        key = self.national_number_key
        return () if key is None else limits(form, answers, key)

    def data_to_sign(self, form: Form, answers: Any, blobs: Mapping[str, Blob]) -> bytes | Refused:
        """The digest the citizen's card signs, for answers that can be filed as they are."""
        checked = self._checked(form, answers, blobs, self.clock())
        if isinstance(checked, Refused):
            return checked
        return digest_to_sign(form, checked[0])

    def _checked(
        self, form: Form, answers: Any, blobs: Mapping[str, Blob], now: datetime
    ) -> tuple[dict[str, Any], tuple[Attachment, ...]] | Refused:
        """Validated answers with their attachments bound, or what is wrong with them. The
        choices a page made between alternatives (`#keuze`) are no answers: never filed."""
        answers = strip_choices(answers)
        problems = validate(form, answers, now=now)
        if problems:
            return Refused(tuple(problems))
        bound, attachments, problems = bind_attachments(form, answers, blobs)
        if problems:
            return Refused(tuple(problems))
        return bound, attachments
