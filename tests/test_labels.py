from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formkit.forms._labels import FALLBACK, MAX_BYTES, display_text, sanitise_label


@pytest.mark.parametrize(
    "name",
    [
        "plan.pdf",
        "Plattegrond één – Grote Markt (v2).pdf",
        "Ελληνικά.png",
        "東京の地図.jpg",
        "خريطة.pdf",
        "foto's 2026 #3.jpeg",
    ],
)
def test_an_ordinary_name_in_any_script_is_kept(name: str) -> None:
    assert sanitise_label(name) == name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("C:\\Users\\jan\\Documenten\\plan.pdf", "plan.pdf"),
        ("/home/jan/plan.pdf", "plan.pdf"),
        ("../../etc/passwd", "passwd"),
        ("map\\..\\plan.pdf", "plan.pdf"),
    ],
)
def test_only_the_last_part_of_a_path_is_kept(name: str, expected: str) -> None:
    assert sanitise_label(name) == expected


def test_a_bidi_override_cannot_disguise_the_extension() -> None:
    assert sanitise_label("factuur\u202egpj.exe") == "factuurgpj.exe"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plan\x00.pdf", "plan.pdf"),
        ("plan\r\nX-Evil: 1.pdf", "plan X-Evil_ 1.pdf"),
        ("zero\u200bwidth\ufeff.pdf", "zerowidth.pdf"),
        ("isolate\u2067d\u2069.pdf", "isolated.pdf"),
    ],
)
def test_line_breaks_become_spaces_and_other_control_and_format_characters_go(
    name: str, expected: str
) -> None:
    assert sanitise_label(name) == expected


def test_characters_windows_refuses_become_underscores() -> None:
    assert sanitise_label('a<b>c:d"e|f?g*.pdf') == "a_b_c_d_e_f_g_.pdf"


def test_odd_spaces_are_plain_single_spaces() -> None:
    assert (
        sanitise_label("  plan\u00a0\u00a0\tvan\u2028de  straat .pdf ") == "plan van de straat .pdf"
    )


@pytest.mark.parametrize("name", ["", "   ", "...", "/", "C:\\", "\u202e", "\x00\x01"])
def test_a_name_with_nothing_left_becomes_bijlage(name: str) -> None:
    assert sanitise_label(name) == FALLBACK


def test_a_leading_dot_is_dropped_so_the_file_is_not_hidden() -> None:
    assert sanitise_label(".bashrc") == "bashrc"


def test_a_decomposed_name_is_composed() -> None:
    assert sanitise_label("e\u0301e\u0301n.pdf") == "één.pdf"


def test_a_long_name_is_cut_keeping_its_extension() -> None:
    label = sanitise_label("a" * 400 + ".pdf")
    assert label == "a" * (MAX_BYTES - 4) + ".pdf"


def test_a_long_name_is_cut_between_characters() -> None:
    label = sanitise_label("é" * 300 + ".jpeg")
    assert label.endswith(".jpeg")
    assert len(label.encode()) <= MAX_BYTES
    assert set(label.removesuffix(".jpeg")) == {"é"}


def test_a_long_name_without_extension_is_cut() -> None:
    assert sanitise_label("x" * 300) == "x" * MAX_BYTES


@given(st.text())
def test_every_label_is_safe(name: str) -> None:
    label = sanitise_label(name)
    assert label
    assert len(label.encode()) <= MAX_BYTES
    assert "/" not in label
    assert "\\" not in label
    assert label == label.strip(" .")
    assert not any(unicodedata.category(char)[0] in "CZ" and char != " " for char in label)


@given(st.text())
def test_sanitising_twice_changes_nothing(name: str) -> None:
    label = sanitise_label(name)
    assert sanitise_label(label) == label


@given(st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=60))
def test_letters_and_digits_are_kept(name: str) -> None:
    normal = unicodedata.normalize("NFC", name)
    assert sanitise_label(name + ".pdf") == normal + ".pdf"


@pytest.mark.parametrize(
    "control", list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
)
def test_display_text_drops_every_bidi_control(control: str) -> None:
    assert display_text(f"Tom {control}evil") == "Tom evil"


@pytest.mark.parametrize(
    "text", ["خريطة", "東京", "👩\u200d👩\u200d👧", "e\u0301", "tab\tnewline\n"]
)
def test_display_text_keeps_every_other_character(text: str) -> None:
    assert display_text(text) == text
