"""An integrator's advice with files: the uploads it names, resolved and then claimed.

`give-advice` names files by the ids of the key's own uploads (`POST /api/v1/uploads`). They
are resolved here to the bytes they stand for, checked against the advice's limits
(`formkit.handling.advice_files`), and claimed by the advice in the transaction that records
it (`store.advice_uploads.claim`): each upload goes with one advice, at most. An upload used
before still resolves, so that a retry with the same Idempotency-Key answers as the first
request did; any other advice that names it is refused when it claims it.
"""

from __future__ import annotations

from dataclasses import replace

from formkit.forms._problems import Problem
from formkit.handling import actions, advice_files
from formkit.store.advice_uploads import Claim
from formkit.store.apikeys import ApiKey
from formkit.store.uploads import OWNER_PREFIX, Found
from formkit.web._actions import Action, GiveAdviceAction, command
from formkit.web._api_uploads import UNUSABLE
from formkit.web.problems import ProblemError
from formkit.web.services import Services


def with_files(
    found: Services, key: ApiKey, action: Action
) -> tuple[actions.Command, Claim | None]:
    """The command `action` asks for, with the files it names, and the uploads to claim."""
    wanted = command(action)
    if not isinstance(action, GiveAdviceAction) or not action.attachments:
        return wanted, None
    assert isinstance(wanted, actions.GiveAdvice)
    ids = tuple(dict.fromkeys(action.attachments))
    rows = found.uploads.find(key.id, ids, found.clock())
    _check(action.attachments, rows)
    files = tuple(rows[upload_id].record.blob for upload_id in ids)
    return replace(wanted, attachments=files), Claim(OWNER_PREFIX + key.id, ids)


def _check(ids: list[str], rows: dict[str, Found]) -> None:
    problems = []
    for index, upload_id in enumerate(ids):
        row = rows.get(upload_id)
        if row is None or (row.expired and not row.used):
            problems.append(Problem(f"/attachments/{index}", "upload-unusable", UNUSABLE))
            continue
        refused = advice_files.refusal(row.record.blob)
        if refused is not None:
            problems.append(Problem(f"/attachments/{index}", "attachment-refused", refused))
    if problems:
        raise ProblemError(
            "invalid-action",
            "Niet alle bijlagen van dit advies kunnen mee; zie de lijst van problemen.",
            problems=problems,
        )
