"""Strict JSON: msgspec's decoding exactly, without duplicate keys, deep nesting or bad UTF-8."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formkit.forms._strict_json import (
    MAX_DEPTH,
    DuplicateKeyError,
    InvalidJsonError,
    JsonError,
    TooDeepError,
    decode,
    explain,
)

# Documents are written by hand below, so that an object may name a key twice and every way
# of writing a string or a number that JSON allows turns up: escapes (`\u003a` for a colon
# too), exponents, whitespace anywhere it may go.


@dataclass(frozen=True)
class Pairs:
    """A JSON object as written: its members in order, a key possibly twice."""

    members: tuple[tuple[str, Any], ...]


KEYS = st.text(alphabet=st.sampled_from(list('ab:"\\\u00e9\u202e\U0001f600 ')), max_size=3)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | KEYS
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(st.tuples(KEYS, inner), max_size=4).map(lambda m: Pairs(tuple(m)))
    ),
    max_leaves=20,
)


def write(node: Any, rng: random.Random) -> str:
    space = lambda: rng.choice(["", "", " ", "\n", "\t ", "\r\n"])  # noqa: E731
    if isinstance(node, Pairs):
        members = [f"{space()}{string(k, rng)}{space()}:{write(v, rng)}" for k, v in node.members]
        return f"{space()}{{{','.join(members) or space()}}}{space()}"
    if isinstance(node, list):
        return f"{space()}[{','.join(write(item, rng) for item in node) or space()}]{space()}"
    if isinstance(node, str):
        return space() + string(node, rng) + space()
    if isinstance(node, float):
        return space() + rng.choice([repr(node), f"{node:.17e}", f"{node:.17E}"]) + space()
    return space() + msgspec.json.encode(node).decode() + space()


def string(text: str, rng: random.Random) -> str:
    parts = []
    for char in text:
        if char in '"\\' or rng.random() < 0.3:
            parts.append(escape(char, rng))
        else:
            parts.append(char)
    return '"' + "".join(parts) + '"'


def escape(char: str, rng: random.Random) -> str:
    if char in '"\\' and rng.random() < 0.5:
        return "\\" + char
    code = ord(char)
    if code > 0xFFFF:  # a surrogate pair
        code -= 0x10000
        high, low = 0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)
        return f"\\u{high:04x}\\u{low:04X}"
    return f"\\u{code:04x}" if rng.random() < 0.5 else f"\\u{code:04X}"


def has_duplicates(node: Any) -> bool:
    if isinstance(node, Pairs):
        keys = [key for key, _ in node.members]
        return len(set(keys)) < len(keys) or any(has_duplicates(v) for _, v in node.members)
    if isinstance(node, list):
        return any(has_duplicates(item) for item in node)
    return False


def same(found: Any, expected: Any) -> bool:
    """Equal with the same types all the way down: 1, 1.0 and True are three answers."""
    return msgspec.json.encode(found) == msgspec.json.encode(expected)


@settings(max_examples=400)
@given(DOCUMENTS, st.randoms(use_true_random=False))
def test_decodes_as_msgspec_does_and_refuses_exactly_the_duplicate_keys(
    document: Any, rng: random.Random
) -> None:
    text = write(document, rng).encode()
    try:
        expected = msgspec.json.decode(text)
    except msgspec.DecodeError:  # a number msgspec does not take: refused alike
        with pytest.raises(InvalidJsonError):
            decode(text)
        return
    if has_duplicates(document):
        with pytest.raises(DuplicateKeyError):
            decode(text)
    else:
        assert same(decode(text), expected)


@settings(max_examples=300)
@given(DOCUMENTS, st.randoms(use_true_random=False), st.binary(min_size=1, max_size=3))
def test_a_damaged_document_is_refused_when_msgspec_refuses_it(
    document: Any, rng: random.Random, damage: bytes
) -> None:
    text = bytearray(write(document, rng).encode())
    at = rng.randrange(len(text) + 1)
    text[at:at] = damage
    try:
        expected = msgspec.json.decode(text)
    except (msgspec.DecodeError, UnicodeDecodeError):
        with pytest.raises(InvalidJsonError):
            decode(bytes(text))
        return
    try:
        found = decode(bytes(text))
    except DuplicateKeyError:
        return  # the damage may well have written a key twice
    assert same(found, expected)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a": 1, "b": {"c": [1, {"d": 1, "d": 1}]}}',
        '{"a": 1, "\\u0061": 2}',  # the same key, written two ways
        '{"\\u003a": 1, ":": 2}',  # an escaped colon cannot hide a duplicate
        '{"": 1, "": 2}',
    ],
)
def test_a_key_named_twice_in_one_object_is_refused(text: str) -> None:
    with pytest.raises(DuplicateKeyError):
        decode(text)


def test_the_same_key_in_different_objects_is_no_duplicate() -> None:
    text = '[{"a": 1}, {"a": {"a": 2}}, {"\\u003a": 3, "a:": 4}]'
    assert decode(text) == [{"a": 1}, {"a": {"a": 2}}, {":": 3, "a:": 4}]


def nested(levels: int, kind: str) -> str:
    if kind == "array":
        return "[" * levels + "]" * levels
    return '{"a":' * (levels - 1) + "{}" + "}" * (levels - 1)


@pytest.mark.parametrize("kind", ["array", "object"])
def test_nesting_is_limited(kind: str) -> None:
    assert decode(nested(MAX_DEPTH, kind))
    with pytest.raises(TooDeepError):
        decode(nested(MAX_DEPTH + 1, kind))


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 100_000, "[" * 1000 + "]" * 1000],
)
def test_hostile_nesting_is_refused_not_a_crash(text: str) -> None:
    with pytest.raises(JsonError):
        decode(text)


def test_brackets_inside_strings_are_not_nesting() -> None:
    text = '["' + "[{" * 200 + '"]'
    assert decode(text) == ["[{" * 200]


def test_bytes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(InvalidJsonError, match="UTF-8"):
        decode(b'{"a":"\xff\xfe"}')


@pytest.mark.parametrize(
    ("text", "where"),
    [('{"organisator": \n  {,}\n}', "(line 2, column 4)"), ('{"é": ', "(line 1, column 7)")],
)
def test_a_syntax_error_says_where(text: str, where: str) -> None:
    with pytest.raises(InvalidJsonError) as refused:
        decode(text)
    assert explain(refused.value, text).startswith(f"invalid JSON {where}: ")


def test_numbers_are_msgspecs() -> None:
    text = "[1, 1.0, -0.0, 1E2, 12345678901234567890123456789, 9007199254740993]"
    assert same(decode(text), msgspec.json.decode(text))
    with pytest.raises(InvalidJsonError):
        decode("[1e400]")
