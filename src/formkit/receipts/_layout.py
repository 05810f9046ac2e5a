"""The look of the PDF receipt, as a city sets it in `renderers/receipt/layout.json`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from formkit.receipts._members import ReceiptError

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_FONTS = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True, slots=True)
class ReceiptLayout:
    """Colours, margin, fonts, logo and footer of the PDF receipt; the defaults need no file."""

    accent_colour: str = "#1d4f91"
    text_colour: str = "#1a1a1a"
    muted_colour: str = "#5a5a5a"
    margin_mm: float = 18
    regular_font: Path | None = _FONTS / "DejaVuSans.ttf"
    bold_font: Path | None = _FONTS / "DejaVuSans-Bold.ttf"
    mono_font: Path | None = _FONTS / "DejaVuSansMono.ttf"
    logo: Path | None = None
    footer: str = "Bewaar dit ontvangstbewijs: het bewijst wat u indiende en wanneer."

    def __post_init__(self) -> None:
        for colour in (self.accent_colour, self.text_colour, self.muted_colour):
            if not _COLOUR.fullmatch(colour):
                raise ReceiptError(f"a colour is written #rrggbb, not {colour!r}")
        if not 5 <= self.margin_mm <= 40:
            raise ReceiptError("margin_mm must be between 5 and 40")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], folder: Path) -> ReceiptLayout:
        """A layout from `layout.json`'s members; paths are relative to `folder`."""
        known = {spec.name for spec in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ReceiptError(f"unknown layout settings: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = dict(data)
        for name in ("regular_font", "bold_font", "mono_font", "logo"):
            if values.get(name) is not None:
                values[name] = folder / str(values[name])
        return cls(**values)


def read_layout(path: Path) -> ReceiptLayout:
    """The layout in a `layout.json` file (see renderers/receipt/README.md)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ReceiptError(f"cannot read the receipt layout {path}: {error}") from None
    if not isinstance(data, dict):
        raise ReceiptError(f"{path}: the receipt layout is a JSON object")
    return ReceiptLayout.from_dict(data, path.parent)
