"""What `formkit preview` shows around a page: never set when the service serves it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from formkit._errors import SchemaProblem


@dataclass(frozen=True, slots=True)
class PreviewPanel:
    """The preview's banner, `formkit check`'s problems and the answers as they would be filed.

    The page's script asks `stand_url` for the stand of the files now; another answer than
    `stand` means they changed, and the page loads again.
    """

    stand_url: str
    stand: str
    problems: Sequence[SchemaProblem] = ()  # of the form shown, or of every form on the list
    stale: bool = False  # the form has problems: the page shows its last version without any
    fill_url: str | None = None  # where "Voorbeeld invullen" posts; None: not on this page
    draft_id: str | None = None  # the draft the example goes into; None: a new one
    answers_json: str | None = None  # the draft's answers as they would be filed; None: none yet
    answer_problems: Sequence[str] = ()  # what filing them now would refuse, one line each
