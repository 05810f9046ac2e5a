"""formkit's fast Belgian checks agree with python-stdnum on every value, valid or not.

stdnum is the reference; formkit checks compact values only, so the reference is stdnum on
values that are already compact. The strategies build valid numbers (so the interesting branch
is reached, not just refused at the first digit) and then mutate them.
"""

from __future__ import annotations

from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st
from stdnum import iban
from stdnum.be import iban as be_iban
from stdnum.be import ssn, vat

from formkit.forms._check_digits import is_enterprise_number, is_iban, is_national_number

DIGITS = "0123456789"


def reference_national_number(value: str) -> bool:
    return len(value) == 11 and value.isascii() and value.isdigit() and ssn.is_valid(value)


def reference_enterprise_number(value: str) -> bool:
    return len(value) == 10 and value.isascii() and value.isdigit() and vat.is_valid(value)


def reference_iban(value: str) -> bool:
    compact = value.isascii() and value.isalnum() and value.upper() == value
    # ISO 13616 check digits are digits; stdnum also takes letters there ("BEX4...") when the
    # mod 97 sum happens to work out. formkit is strict on Belgian ones.
    strict = not value.startswith("BE") or value[2:4].isdigit()
    if not (compact and strict):
        return False
    if not value.startswith("BE"):
        return bool(iban.is_valid(value))
    # stdnum's Belgian rules but its bank registry: any bank code with right checksums holds.
    if not iban.is_valid(value, check_country=False) or len(value) != 16:
        return False
    return value[-2:] == be_iban._calc_check_digits(value[4:-2])


@st.composite
def national_numbers(draw: st.DrawFn) -> str:
    year = draw(st.integers(0, 99))
    month = draw(st.sampled_from([*range(14), *range(19, 34), *range(39, 54), 60, 99]))
    day = draw(st.integers(0, 32))
    serial = draw(st.integers(0, 999))
    base = f"{year:02d}{month:02d}{day:02d}{serial:03d}"
    after_1999 = draw(st.booleans())
    check = 97 - int(("2" if after_1999 else "") + base) % 97
    return f"{base}{check:02d}"


@st.composite
def enterprise_numbers(draw: st.DrawFn) -> str:
    first8 = f"{draw(st.integers(0, 29_999_999)):08d}"
    return f"{first8}{97 - int(first8) % 97:02d}"


@st.composite
def belgian_ibans(draw: st.DrawFn) -> str:
    bank = f"{draw(st.integers(0, 999)):03d}"
    account = f"{draw(st.integers(0, 9_999_999)):07d}"
    national = int(bank + account) % 97 or 97
    bban = f"{bank}{account}{national:02d}"
    check = 98 - int(bban + "111400") % 97
    return f"BE{check:02d}{bban}"


def mutated(valid: st.SearchStrategy[str], alphabet: str = DIGITS) -> st.SearchStrategy[str]:
    """Valid values, and the same with one character replaced, dropped or added."""

    @st.composite
    def one(draw: st.DrawFn) -> str:
        value = draw(valid)
        how = draw(st.sampled_from(["keep", "replace", "drop", "add"]))
        if how == "keep" or not value:
            return value
        at = draw(st.integers(0, len(value) - 1))
        char = draw(st.sampled_from(alphabet))
        if how == "replace":
            return value[:at] + char + value[at + 1 :]
        if how == "drop":
            return value[:at] + value[at + 1 :]
        return value[:at] + char + value[at:]

    return one()


def _born_in_2000s(yymmdd: str, serial: str = "001") -> str:
    return f"{yymmdd}{serial}{97 - int('2' + yymmdd + serial) % 97:02d}"


NEXT_YEAR_BIRTH = _born_in_2000s(f"{(date.today().year + 1) % 100:02d}0101")
ANY_TEXT = st.text(alphabet=DIGITS + "ABENLZbe +-./\u0663", max_size=20)


@given(st.one_of(mutated(national_numbers()), ANY_TEXT))
@example("00000000000")
@example(NEXT_YEAR_BIRTH)  # the 2000s reading exists only for years that have begun
def test_national_number_agrees_with_stdnum(value: str) -> None:
    assert is_national_number(value) == reference_national_number(value)


@given(st.one_of(mutated(enterprise_numbers()), ANY_TEXT))
@example("0000000000")
@example("0000000097")
def test_enterprise_number_agrees_with_stdnum(value: str) -> None:
    assert is_enterprise_number(value) == reference_enterprise_number(value)


@given(st.one_of(mutated(belgian_ibans(), DIGITS + "BEX"), ANY_TEXT))
@example("NL91ABNA0417164300")
@example("DE89370400440532013000")
@example("BE")
@example("BEX4100133347045")
def test_iban_agrees_with_stdnum(value: str) -> None:
    assert is_iban(value) == reference_iban(value)


def test_the_strategies_reach_valid_numbers() -> None:
    """Without valid examples the agreement above would only ever compare refusals."""
    assert is_national_number("85073003328")
    assert is_national_number(_born_in_2000s(f"{date.today().year % 100:02d}0101"))
    assert not is_national_number(NEXT_YEAR_BIRTH)
    assert is_enterprise_number("0403170701")
    assert is_iban("BE71096123456769")


def test_a_bank_code_missing_from_a_registry_does_not_refuse_a_belgian_iban() -> None:
    assert is_iban("BE68539007547034")  # bank code 539: right checksums, in no bank list
    assert not is_iban("BE68539007547035")
