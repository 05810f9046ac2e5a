"""The options of a select as markup, made once per list of choices.

A country list of 249 options sits on every address of a page: looping over it in the template
on every render cost 5 ms a select. The markup of the options is made once; a render only
marks the chosen ones.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from formkit.forms._labels import display_text
from formkit.forms._model import Choice
from formkit.render._values import encode_choice


def select_options(choices: tuple[Choice, ...], picked: set[str]) -> Markup:
    """`<option>`s for `choices` in order, those whose posted value is in `picked` selected."""
    try:
        markup = _options(choices)
    except TypeError:  # a constant that cannot be a cache key (an object or a list)
        markup = _options.__wrapped__(choices)
    for value in picked:
        start = f'<option value="{escape(value)}">'
        markup = markup.replace(start, f'{start[:-1]} selected>', 1)
    return Markup(markup)


@lru_cache(maxsize=256)
def _options(choices: tuple[Choice, ...]) -> str:
    return "\n".join(
        f'<option value="{escape(value)}">{escape(display_text(c.title))}</option>'
        for c in choices
        for value in (encode_choice(c.value),)
    )
