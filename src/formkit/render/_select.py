"""The options of a select as markup, made once per list of choices.

A country list of 249 options sits on every address of a page: looping over it in the template
on every render cost 5 ms a select. The markup of the options is made once; a render only
marks the chosen ones.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from formkit.forms._labels import display_text
from formkit.forms._model import Choice
from formkit.render._values import encode_choice

_OPTION = Markup('<option value="{}">{}</option>')
_SELECTED = Markup('<option value="{}" selected>{}</option>')
_LINE = Markup("\n")


def select_options(choices: tuple[Choice, ...], picked: set[str]) -> Markup:
    """`<option>`s for `choices` in order, those whose posted value is in `picked` selected."""
    try:
        values, parts, joined = _options(choices)
    except TypeError:  # a constant that cannot be a cache key (an object or a list)
        values, parts, joined = _options.__wrapped__(choices)
    if not picked.intersection(values):
        return joined
    shown = list(parts)
    for index, value in enumerate(values):
        if value in picked:
            shown[index] = _SELECTED.format(value, display_text(choices[index].title))
    return _LINE.join(shown)


@lru_cache(maxsize=256)
def _options(choices: tuple[Choice, ...]) -> tuple[tuple[str, ...], tuple[Markup, ...], Markup]:
    values = tuple(encode_choice(c.value) for c in choices)
    parts = tuple(
        _OPTION.format(v, display_text(c.title)) for v, c in zip(values, choices, strict=True)
    )
    return values, parts, _LINE.join(parts)
