"""formkit's quick canonical JSON writes exactly what the RFC 8785 reference writes."""

from __future__ import annotations

from typing import Any

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from formkit.filing._canonical import canonical

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


@given(DOCUMENTS)
@settings(max_examples=400)
def test_the_same_bytes_as_the_reference(document: Any) -> None:
    assert canonical(document) == bytes(rfc8785.dumps(document))


def test_control_characters_and_beyond_the_bmp() -> None:
    document = {"\U0001f600": 1, "\ue000": 2, "a\u001fb": "\u007f\u2028\U0001f600", "": [True]}
    assert canonical(document) == bytes(rfc8785.dumps(document))


@given(st.lists(st.floats(min_value=-1e17, max_value=1e17) | st.floats(-1e-3, 1e-3), max_size=30))
@settings(max_examples=400)
def test_numbers_are_written_as_ecmascript_writes_them(numbers: list[float]) -> None:
    assert canonical(numbers) == bytes(rfc8785.dumps(numbers))
