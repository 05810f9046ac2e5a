"""Belgian numbers checked on the filing path: the national number, the enterprise number, IBAN.

python-stdnum knows these rules and stays the reference: `tests/test_check_digits.py` checks
these functions against it on every generated input. On the filing path it is too slow: 15 to
65 µs a value (cleaning, exceptions, a linear scan of its bank registry per call), which made
format checks 90% of validating a filing. The rules themselves are a few lines of ISO 7064
mod 97 arithmetic; the IBAN structures of other countries are stdnum's.

A Belgian IBAN is accepted on its two checksums alone: a bank code that stdnum's registry does
not list is not a reason to refuse a citizen's account (BE68 5390 0754 7034, bank code 539,
was), since registries lag behind the banks and a typing mistake is what checksums catch.

Every function takes a value as stored: compact, ASCII, nothing around the digits.
"""

from __future__ import annotations

from datetime import date

from stdnum import iban as stdnum_iban

_NN_MONTHS = frozenset(range(13)) | frozenset(range(20, 33)) | frozenset(range(40, 53))


def is_national_number(value: str) -> bool:
    """A rijksregisternummer or BIS number: YYMMDD, serial, 97 - (first nine mod 97).

    For births from 2000 on a `2` is put before the nine digits; that reading only exists for
    years that have begun. A BIS number adds 20 or 40 to the month; month 0 (unknown) is valid.
    """
    if len(value) != 11 or not (value.isascii() and value.isdigit()) or int(value) == 0:
        return False
    if int(value[2:4]) not in _NN_MONTHS:
        return False
    check, base = int(value[9:]), int(value[:9])
    if 97 - base % 97 == check:
        return True
    born_2000s = int(value[:2]) + 2000 <= date.today().year
    return born_2000s and 97 - (2_000_000_000 + base) % 97 == check


def is_enterprise_number(value: str) -> bool:
    """A KBO number: ten digits starting with 0 or 1, the last two 97 - (first eight mod 97)."""
    if len(value) != 10 or not (value.isascii() and value.isdigit()) or value[0] not in "01":
        return False
    return int(value) > 0 and (int(value[:8]) + int(value[8:])) % 97 == 0


def is_iban(value: str) -> bool:
    """An IBAN in upper case without spaces; Belgian ones also by their own check digits."""
    if not (value.isascii() and value.isalnum() and value.upper() == value):
        return False
    if not value.startswith("BE"):
        return bool(stdnum_iban.is_valid(value))  # other countries: rare here, stdnum decides
    if len(value) != 16 or not value[2:].isdigit():
        return False
    if int(value[4:] + "1114" + value[2:4]) % 97 != 1:  # ISO 13616: B = 11, E = 14
        return False
    bban = value[4:]
    return int(bban[10:]) == (int(bban[:10]) % 97 or 97)
