"""HTML names and ids of the controls, derived from JSON Pointers into the answers.

A control's `name` is the JSON Pointer of the value it holds (`/organisator/adres/straat`, a row
of a repeatable group with its index: `/initiatiefnemers/1/voornaam`), so decoding a post needs
no table: every posted name says where its value goes. Names that do not start with `/` (the
action button, the CSRF token) are not answers.

Ids must be unique and valid, and safe in a URL fragment and a CSS selector: each pointer token
keeps its ASCII letters and digits, every other character becomes `_<hex>_`, and tokens are
joined with `-`. A token can then never hold `-`, so the suffixes after `--` (an option, a hint,
an error message) never collide with the id of another field.
"""

from __future__ import annotations

from functools import lru_cache

from formkit.forms import _pointer

ACTION = "_actie"  # the name of the buttons that say what to do after saving the step
# The review page's checkbox by which the citizen declares the answers true before filing;
# like ACTION no pointer, so it is never taken for an answer.
DECLARATION = "_verklaring"
ID_PREFIX = "fk"


def name_for(pointer: str) -> str:
    return pointer


def pointer_for(name: str) -> str | None:
    """The pointer a posted name stands for, or None when the name is not an answer."""
    return name if name.startswith("/") else None


@lru_cache(maxsize=4096)
def element_id(pointer: str) -> str:
    return "-".join([ID_PREFIX, *(_token_id(t) for t in _pointer.tokens(pointer))])


def option_id(pointer: str, index: int) -> str:
    """The first option carries the field's own id: an error link lands on it."""
    return element_id(pointer) if index == 0 else f"{element_id(pointer)}--{index}"


KEY_SUFFIX = "#sleutel"  # a map's row: the name of the input that holds its key


def key_name(row: str) -> str:
    """The name of the input that holds the key of the map's row at `row`."""
    return f"{row}{KEY_SUFFIX}"


HINT_SUFFIX = "--hint"
ERROR_SUFFIX = "--fout"


def _token_id(token: str) -> str:
    if not token:
        return "_"
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in token)
