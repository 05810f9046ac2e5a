"""formkit: city forms defined once in JSON Schema, filed once, verifiable for years."""

from formkit._errors import FormError, FormkitError, SchemaProblem
from formkit.forms._load import load_form
from formkit.forms._model import Choice, Condition, Field, Form, Kind, Step
from formkit.forms._problems import Problem
from formkit.forms._validate import validate

__all__ = [
    "Choice",
    "Condition",
    "Field",
    "Form",
    "FormError",
    "FormkitError",
    "Kind",
    "Problem",
    "SchemaProblem",
    "Step",
    "load_form",
    "validate",
]
