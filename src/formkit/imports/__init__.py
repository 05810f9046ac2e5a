"""Importing forms written for other form generators, so that a city can move its forms.

    imported = from_jsonforms(schema, uischema, form_id="subsidie")
    imported = from_rjsf(schema, ui_schema, form_id="subsidie")
    imported = from_formio(form_json, form_id="subsidie")
    imported.schema   # a formkit form: `formkit check` passes it
    imported.notes    # per item, what could not be carried over, in plain English

JSON Forms and react-jsonschema-form start from a JSON Schema (`_schema`: draft-07 spellings
made 2020-12, a title for every field) and carry over what their UI schema says where formkit
has an equivalent: steps, labels, help, order, widgets, show/hide rules. Form.io's components
(`_formio`) are turned into a schema first. What has no equivalent is said in a note, never
dropped silently.
"""

from __future__ import annotations

from formkit.imports._form import Imported
from formkit.imports._formio import from_formio
from formkit.imports._jsonforms import from_jsonforms
from formkit.imports._rjsf import from_rjsf

__all__ = ["Imported", "from_formio", "from_jsonforms", "from_rjsf"]
