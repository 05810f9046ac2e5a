"""The small types the `x-formkit` vocabulary's Structs are written in."""

from __future__ import annotations

from typing import Annotated

import msgspec

Pointer = Annotated[str, msgspec.Meta(pattern=r"^(/[^/]*)*$", description="A JSON Pointer.")]
Identifier = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]*$", max_length=60)]
Duration = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?)?$",
        description="An ISO 8601 duration such as PT48H, P10D or P6W.",
    ),
]
Period = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$",
        description="A calendar period in ISO 8601 such as P1Y, P6M or P30D.",
    ),
]
Text = Annotated[str, msgspec.Meta(min_length=1)]


class Struct(msgspec.Struct, frozen=True, forbid_unknown_fields=True, rename="camel"):
    pass
