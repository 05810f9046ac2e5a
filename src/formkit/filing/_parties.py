"""Who a dossier is about: the persons named in it by their national register number.

A citizen logged in at "Mijn dossiers" sees every dossier in which their number is the
applicant's, a co-applicant's or the signer's. The rule is kept simple, so that a form author
can predict it without reading code:

- every answer of a field with the `be-national-number` format is a person of the dossier;
- the first of these in the form's reading order (a list's items in their order) is the
  applicant, every other one a co-applicant;
- the eID certificate that signed the filing names the signer.

A person named twice in one role counts once; one person may hold two roles (the applicant
who signed). The numbers leave this module only as their keyed hash (`key`, under the
instance's secret: `formkit.accounts.national_number_key`): a table of parties lists no number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from formkit.filing._filing import Party, Role, concrete_pointers
from formkit.forms import _pointer
from formkit.forms._check_digits import is_national_number
from formkit.forms._model import Form

NATIONAL_NUMBER_FORMAT = "be-national-number"


def parties(
    form: Form | None,
    answers: Any,
    signer: Mapping[str, Any] | None,
    key: Callable[[str], str],
) -> tuple[Party, ...]:
    """The dossier's parties by the rule above; `form` None (a form taken out of service):
    the signer only."""
    named = list(_answered_numbers(form, answers)) if form is not None else []
    found = [(number, Role.CO_APPLICANT if n else Role.APPLICANT) for n, number in enumerate(named)]
    signed = signer.get("national_number") if signer is not None else None
    if isinstance(signed, str) and is_national_number(signed):
        found.append((signed, Role.SIGNER))
    return tuple(dict.fromkeys(Party(key(number), role) for number, role in found))


def _answered_numbers(form: Form, answers: Any) -> Iterator[str]:
    for field in form.walk():
        if field.format != NATIONAL_NUMBER_FORMAT:
            continue
        for pointer in concrete_pointers(answers, field.pointer):
            value = _pointer.resolve(answers, pointer)
            if isinstance(value, str) and is_national_number(value):
                yield value
