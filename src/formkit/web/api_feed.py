"""The change feed on the API: what happened to the key's dossiers since its last cursor.

Webhooks are sent at least once, but a system that was down past their last retry missed
some; it reads on from the cursor it kept (`store/feed.py`) and catches up by itself.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, Router, get

from formkit.store.apikeys import ALL_FORMS
from formkit.store.feed import CursorError, FeedItem
from formkit.web._handling_documents import event_document
from formkit.web.api import authorise, json_response
from formkit.web.api_handling import page_limit
from formkit.web.problems import ProblemError
from formkit.web.services import services


@get("/events", sync_to_thread=True)
def list_changes(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Events of the key's dossiers in commit order, from the cursor `after` on."""
    found = services(request)
    key = authorise(request, "read", None)
    if "read" not in key.scopes:
        raise ProblemError("forbidden", "Deze API-sleutel mag geen dossiers lezen.")
    parameters = request.query_params
    limit = page_limit(parameters.get("limit"))
    forms = None if ALL_FORMS in key.forms else key.forms
    try:
        page = found.feed.page(forms, after=parameters.get("after"), limit=limit)
    except CursorError:
        raise ProblemError("malformed-request", "Deze cursor komt niet van deze feed.") from None
    base = found.settings.base_url
    following = f"{base}/api/v1/events?" + urlencode({"after": page.next, "limit": limit})
    return json_response(
        {
            "events": [_item(item, base) for item in page.items],
            "next": page.next,
            "next_url": following,
            "more": page.more,
        }
    )


router = Router(path="/api/v1", route_handlers=[list_changes])


def _item(item: FeedItem, base: str) -> dict[str, Any]:
    return {
        "number": item.number,
        "form": item.form_id,
        "version": item.version,
        **event_document(item.event),
        "url": f"{base}/api/v1/dossiers/{item.number}",
    }
