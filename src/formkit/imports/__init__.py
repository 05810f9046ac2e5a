"""Importing forms written for other form generators, so that a city can move its forms.

    imported = from_jsonforms(schema, uischema, form_id="subsidie")
    imported = from_rjsf(schema, ui_schema, form_id="subsidie")
    imported.schema   # a formkit form: `formkit check` passes it
    imported.notes    # per item, what could not be carried over, in plain English

Both start from a JSON Schema the other library renders (`_schema`: draft-07 spellings made
2020-12, a title for every field) and carry over what their UI schema says where formkit has
an equivalent: steps, labels, help, order, widgets, show/hide rules. What has none is said in
a note, never dropped silently. Form.io's own component format is not imported yet.
"""

from __future__ import annotations

from formkit.imports._form import Imported
from formkit.imports._jsonforms import from_jsonforms
from formkit.imports._rjsf import from_rjsf

__all__ = ["Imported", "from_jsonforms", "from_rjsf"]
