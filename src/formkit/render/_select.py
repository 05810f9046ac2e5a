"""The options of a select as markup, made once per list of choices; long lists as suggestions.

A select's options are made once per list; a render only marks the chosen ones (looping over
them in the template on every render cost 5 ms a select). A list longer than `LONG_LIST` (the
249 countries of an address) is no select: it is a text input with suggestions, a
`<datalist>` that every input of the page asking from that list shares, so that a page with
three addresses carries the list once (10 KB a select before). The citizen types the name
(`België`, `belgie` and `BE` all read as `BE`, `by_name`); browsers offer the names as they
type, with and without the script.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from formkit.forms._labels import display_text
from formkit.forms._model import Choice
from formkit.render._identity import by_identity
from formkit.render._values import encode_choice

_OPTION = Markup('<option value="{}">{}</option>')
_SELECTED = Markup('<option value="{}" selected>{}</option>')
_LINE = Markup("\n")
_SUGGESTION = Markup("<option>{}")  # its value is its text; no end tag needed
LONG_LIST = 50  # more choices than this: a text input with suggestions


@dataclass(frozen=True, slots=True)
class Suggestions:
    """A `<datalist>` of a list's titles, shared by the inputs of a page that ask from it."""

    id: str
    markup: Markup


def select_options(choices: tuple[Choice, ...], picked: set[str]) -> Markup:
    """`<option>`s for `choices` in order, those whose posted value is in `picked` selected."""
    values, parts, joined = _options(choices)
    if not picked.intersection(values):
        return joined
    shown = list(parts)
    for index, value in enumerate(values):
        if value in picked:
            shown[index] = _SELECTED.format(value, display_text(choices[index].title))
    return _LINE.join(shown)


@by_identity
def _options(choices: tuple[Choice, ...]) -> tuple[tuple[str, ...], tuple[Markup, ...], Markup]:
    values = tuple(encode_choice(c.value) for c in choices)
    parts = tuple(
        _OPTION.format(v, display_text(c.title)) for v, c in zip(values, choices, strict=True)
    )
    return values, parts, _LINE.join(parts)


@by_identity
def suggestions(choices: tuple[Choice, ...]) -> Suggestions:
    values = [encode_choice(c.value) for c in choices]
    digest = hashlib.sha256("\n".join(values).encode()).hexdigest()[:12]
    list_id = f"fk-keuzes-{digest}"
    # Each name's value, in the same order, once for the list (the page script reads them).
    listed = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    opening = Markup("<datalist id=\"{}\" data-fk-values='{}'>").format(
        list_id, single_quoted(listed)
    )
    options = Markup("").join(_SUGGESTION.format(display_text(c.title)) for c in choices)
    return Suggestions(list_id, opening + options + Markup("</datalist>"))


@by_identity
def by_name(choices: tuple[Choice, ...]) -> dict[str, Any]:
    """Each choice's value by its title and by its posted value, both folded (`fold`)."""
    named: dict[str, Any] = {}
    for choice in choices:
        named.setdefault(fold(encode_choice(choice.value)), choice.value)
    for choice in choices:
        named.setdefault(fold(choice.title), choice.value)
    return named


def fold(name: str) -> str:
    """`name` as typed names are matched: no case, accents or extra spaces (`België` = `belgie`)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


def single_quoted(value: str) -> Markup:
    """`value` for an attribute in single quotes: JSON's many `"` stay as they are (each is 5
    bytes as `&#34;`, a kilobyte per address of conditions); `&`, `<`, `>` and `'` escaped."""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(escaped.replace("'", "&#39;"))  # noqa: S704 (escaped on the line above)
