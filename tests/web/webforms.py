"""A browser without a browser: read a page's form and post it back as a browser would.

Enough HTML for formkit's own pages: inputs, selects, textareas and submit buttons of the
page's `form.fk-form`, in document order. The real browser tests (tests/browser) prove the
same flows in Chromium; these keep the page logic's tests fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from litestar.testing import TestClient


@dataclass
class Control:
    tag: str
    name: str
    type: str = "text"
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # selects: value, selected
    file: tuple[str, bytes, str] | None = None


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[Control] = []
        self.action: str | None = None
        self._in_form = False
        self._select: Control | None = None
        self._textarea: Control | None = None
        self._option: tuple[str, bool] | None = None
        self._option_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "fk-form" in a.get("class", ""):
            self._in_form = True
            self.action = a.get("action")
        if not self._in_form:
            return
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            self.controls.append(
                Control(
                    "input",
                    a["name"],
                    kind,
                    a.get("value", "on" if kind in {"radio", "checkbox"} else ""),
                    "checked" in a,
                )
            )
        elif tag == "button" and "name" in a:
            self.controls.append(Control("button", a["name"], "submit", a.get("value", "")))
        elif tag == "select":
            self._select = Control("select", a.get("name", ""), "select")
            self.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value", ""), "selected" in a)
            self._option_text = ""
        elif tag == "textarea":
            self._textarea = Control("textarea", a.get("name", ""), "textarea")
            self.controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "option" and self._select is not None and self._option is not None:
            self._select.options.append(self._option)
            self._option = None
        elif tag == "select":
            self._select = None


class Page:
    """A page as a browser shows it, with the controls of its form to fill in and post."""

    def __init__(self, client: TestClient[Any], response: Any) -> None:
        self.client = client
        self.response = response
        self.url = str(response.url)
        self.status = response.status_code
        self.html: str = response.text
        parser = _FormParser()
        parser.feed(self.html)
        self.controls = parser.controls
        self.action = parser.action or self.url

    def named(self, name: str) -> list[Control]:
        found = [c for c in self.controls if c.name == name]
        assert found, f"no control named {name!r} on {self.url}"
        return found

    def fill(self, name: str, value: str) -> Page:
        control = self.named(name)[0]
        if control.tag == "select":
            control.options = [(v, v == value) for v, _ in control.options]
            assert any(selected for _, selected in control.options), f"{name}: no option {value!r}"
        else:
            control.value = value
        return self

    def choose(self, name: str, value: str) -> Page:
        """Check the radio (or a checkbox) with `value`."""
        options = [c for c in self.named(name) if c.type in {"radio", "checkbox"}]
        assert any(c.value == value for c in options), f"{name}: no option {value!r}"
        for control in options:
            if control.value == value:
                control.checked = True
            elif control.type == "radio":
                control.checked = False
        return self

    def attach(
        self, name: str, filename: str, content: bytes, media_type: str = "application/pdf"
    ) -> Page:
        control = next(c for c in self.named(name) if c.type == "file")
        control.file = (filename, content, media_type)
        return self

    def press(self, value: str, **headers: str) -> Page:
        """Post the form with the button of `value`, as a browser sends it, and follow."""
        buttons = [c for c in self.controls if c.tag == "button" and c.value == value]
        offered = [c.value for c in self.controls if c.tag == "button"]
        assert buttons, f"no button {value!r} on {self.url}: {offered}"
        parts = self.parts(buttons[0])
        response = self.client.post(self.action, files=parts, headers=headers)
        return Page(self.client, response)

    def parts(self, button: Control | None) -> list[tuple[str, Any]]:
        parts: list[tuple[str, Any]] = []
        for control in self.controls:
            if control.tag == "button":
                if control is button:
                    parts.append((control.name, (None, control.value)))
            elif control.type == "file":
                parts.append((control.name, control.file or ("", b"", "application/octet-stream")))
            elif control.type in {"radio", "checkbox"}:
                if control.checked:
                    parts.append((control.name, (None, control.value)))
            elif control.tag == "select":
                picked = [v for v, selected in control.options if selected]
                value = picked[0] if picked else (control.options[0][0] if control.options else "")
                parts.append((control.name, (None, value)))
            else:
                parts.append((control.name, (None, control.value)))
        return parts

    def value(self, name: str) -> str:
        return self.named(name)[0].value

    @property
    def errors(self) -> list[str]:
        """The messages of the error summary, in order."""
        summary = re.search(r'class="fk-error-summary".*?</ul>', self.html, re.S)
        if summary is None:
            return []
        return [
            re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
        ]

    @property
    def title(self) -> str:
        found = re.search(r"<h1[^>]*>(.*?)</h1>", self.html, re.S)
        return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""
