"""The staff's worklist: their dossiers, earliest deadline first, filtered and a page at a time.

    GET /behandeling/dossiers   (filters: `_worklist_filters.py`; `na`: the next page's cursor)

Each member of staff sees only the dossiers their roles let them see
(`formkit.handling.permissions.scope`); the database narrows the list, so a page never holds a
dossier that is not theirs. A filter or cursor that is not one of the page's own answers 400
with an error summary above the filters.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

from litestar import MediaType, Request, Response, get

from formkit.accounts import Staff
from formkit.forms._dutch import day_text
from formkit.forms.catalogue import Catalogue
from formkit.handling.deadlines import LABELS, local_day
from formkit.handling.organisation import Organisation, load_organisation, organisation_file
from formkit.handling.permissions import scope
from formkit.render import PageContext
from formkit.render._pages import SummaryItem
from formkit.store.worklist import CursorError, WorkItem, WorklistQuery, WorkPage
from formkit.web._flow import in_thread
from formkit.web._staff_auth import BASE, require_role
from formkit.web._worklist_filters import Choices, Filters, read_filters, status_of
from formkit.web.pages import STATIC
from formkit.web.services import Services, services

PATH = f"{BASE}/dossiers"
PAGE_SIZE = 50
_BAD_CURSOR = "Deze link naar een volgende pagina is niet geldig. Begin bij de eerste pagina."


@dataclass(frozen=True, slots=True)
class Row:
    """A dossier as the worklist's table shows it."""

    number: str
    url: str
    form: str
    phase: str
    handler: str
    due: str
    due_iso: str
    status: str  # in words: the colour only repeats it
    status_class: str
    filed: str
    filed_iso: str


@get(PATH)
async def worklist(request: Request[Any, Any, Any]) -> Response[str]:
    staff = await require_role(request)
    found = services(request)
    choices = Choices.of(found.catalogue, _organisation(found))
    visible = scope(staff)
    filters = Filters() if visible.empty else read_filters(request.query_params, choices)
    page: WorkPage | None = None
    if not visible.empty and not filters.problems:
        try:
            page = await in_thread(
                functools.partial(
                    found.worklist.page,
                    _query(filters, staff),
                    today=local_day(found.clock()),
                    after=filters.after,
                    limit=PAGE_SIZE,
                )
            )
        except CursorError:
            problem = SummaryItem(_BAD_CURSOR, filters.link(PATH))
            filters = replace(filters, problems=(problem,))
    values = {
        "staff": staff,
        "nothing_to_see": visible.empty,
        "choices": choices,
        "filters": filters,
        "errors": filters.errors,
        "rows": [_row(item, found.catalogue) for item in page.items] if page else [],
        "next_page": filters.link(PATH, page.next) if page and page.next else None,
        "first_page": filters.link(PATH) if filters.after and page else None,
        "path": PATH,
        "advice_deadline": bool(filters.department),
    }
    ctx = PageContext(base_path=BASE, static_url=STATIC)
    html = found.renderer.staff_page("worklist.html", ctx, **values)
    status = 400 if filters.problems else 200
    return Response(html, status_code=status, media_type=MediaType.HTML)


def _query(filters: Filters, staff: Staff) -> WorklistQuery:
    return WorklistQuery(
        forms={filters.form} if filters.form else None,
        department=filters.department or None,
        phase=filters.phase or None,
        status=status_of(filters),
        handler=staff.subject if filters.mine else None,
        text=filters.text,
        scope=scope(staff),
    )


def _row(item: WorkItem, catalogue: Catalogue) -> Row:
    form = catalogue.get(item.form_id)
    procedure = form.annotations.procedure if form else None
    phase = procedure.phase(item.phase) if procedure else None
    filed = local_day(item.filed_at)
    return Row(
        number=item.number,
        url=f"{PATH}/{item.number}",
        form=form.title if form else item.form_id,
        phase=phase.title if phase else item.phase,
        handler=item.handler_name or "Nog niemand",
        due=day_text(item.due) if item.due else "Geen termijn",
        due_iso=item.due.isoformat() if item.due else "",
        status=LABELS[item.status] if item.status else "",
        status_class=item.status.value if item.status else "",
        filed=day_text(filed),
        filed_iso=filed.isoformat(),
    )


def _organisation(found: Services) -> Organisation | None:
    """The departments' names, from the organisation file beside the forms (None without)."""
    path = organisation_file(found.settings.schemas_dir)
    return load_organisation(path) if path.exists() else None
