"""What a browser posts for a rendered page: its successful controls, as the HTML spec says.

Only what is needed to post formkit's pages without JavaScript: inputs (text-like values
sanitised by type, checked radios and checkboxes, hidden fields; no file inputs), the selected
option of a select (the first one when none is selected), textareas (the newline right after
the start tag is not part of the value), and the one button pressed. Every value is posted
with CRLF line ends, as multipart/form-data does.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from formkit.render import decode_step

_DATE = re.compile(r"\d{4,}-\d{2}-\d{2}")
_LOCAL_MOMENT = re.compile(r"\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?")
_LINE_FREE = {"text", "search", "tel", "password", "email"}


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str]] = []
        self.ids: list[str] = []
        self._in_form = False
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: tuple[str | None, bool, list[str]] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v if v is not None else "" for k, v in attrs}
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "form":
            self._in_form = True
        if not self._in_form or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            self._input(name, attributes)
        elif tag == "button" and name:
            self.buttons.append((name, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._option = (attributes.get("value"), "selected" in attributes, [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            self.controls.append((name, "".join(parts).removeprefix("\n")))
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select[1].append((value if value is not None else "".join(text), selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, options = self._select
            chosen = [value for value, selected in options if selected] or [options[0][0]]
            self.controls.append((name, chosen[-1]))
            self._select = None

    def _input(self, name: str, attributes: dict[str, str]) -> None:
        kind = attributes.get("type", "text").lower()
        value = attributes.get("value", "")
        if kind in {"checkbox", "radio"}:
            if "checked" in attributes:
                self.controls.append((name, value or "on"))
        elif kind in {"submit", "image", "button", "reset", "file"}:
            return
        else:
            self.controls.append((name, _sanitised(kind, value)))


def _sanitised(kind: str, value: str) -> str:
    if kind in _LINE_FREE:
        value = value.replace("\r", "").replace("\n", "")
    if kind == "email":
        value = value.strip(" \t\n\f\r")
    if kind == "date" and not _DATE.fullmatch(value):
        return ""
    if kind == "datetime-local" and not _LOCAL_MOMENT.fullmatch(value):
        return ""
    return value


def post(html: str, press: str = "volgende") -> list[tuple[str, str]]:
    """The fields a browser posts when the button with value `press` is pressed."""
    page = Page(html)
    pressed = [b for b in page.buttons if b[1] == press]
    assert pressed, f"no button {press!r} on the page: {page.buttons}"
    fields = [*page.controls, pressed[0]]
    return [(name, _crlf(value)) for name, value in fields]


def _crlf(value: str) -> str:
    return re.sub(r"\r\n|\r|\n", "\r\n", value)


def conditions_table(page: str) -> list[Any]:
    """The page's guards, each condition written out where the table gives its index
    (`formkit.render._script.tabulate_conditions`)."""
    found = re.search(r'<script type="application/json" id="fk-when">(.*?)</script>', page, re.S)
    assert found is not None, "the page has no table of conditions"
    table: dict[str, Any] = json.loads(found.group(1))
    conditions = table["conditions"]
    return [[[conditions[i] for i in guard] for guard in any_of] for any_of in table["guards"]]


def through_the_pages(renderer: Any, form: Any, answers: Any, ctx: Any) -> dict[str, Any]:
    """Render every step filled in with `answers`, post it as a browser, decode step by step."""
    decoded: dict[str, Any] = {}
    for step in form.steps:
        html = renderer.step(form, step.id, answers, [], ctx)
        decoded = decode_step(form, step.id, post(html), decoded).answers
    return decoded


def exactly(document: Any) -> str:
    """Equal as JSON: 1 is not 1.0 and True is not 1."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False)
