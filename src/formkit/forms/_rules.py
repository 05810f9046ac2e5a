"""Cross-field rules: what JSON Schema cannot say, evaluated against an injected `now`.

A rule about a field that is missing or not a valid date says nothing: the schema already
reports that, and one problem per mistake is what a citizen can act on.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from formkit.forms import _amounts, _pointer
from formkit.forms._model import CompiledRule
from formkit.forms._problems import Problem
from formkit.forms._vocabulary import (
    AfterRule,
    CompareRule,
    DistinctRule,
    LeadTimeRule,
    parse_duration,
)

# Dates without a time are days in the city's calendar: a lead time counts from midnight there.
CITY_TIME_ZONE = ZoneInfo("Europe/Brussels")


def rule_problems(
    rules: tuple[CompiledRule, ...], answers: Any, now: datetime
) -> Iterator[Problem]:
    for compiled in rules:
        if not compiled.applies(answers):
            continue
        rule = compiled.rule
        if isinstance(rule, LeadTimeRule):
            yield from _lead_time(rule, answers, now)
        elif isinstance(rule, AfterRule):
            yield from _after(rule, answers)
        elif isinstance(rule, DistinctRule):
            yield from _distinct(rule, answers)
        elif isinstance(rule, CompareRule):
            yield from _compare(rule, answers)
        # A HistoryRule needs the earlier dossiers: the store checks it when filing.


def _lead_time(rule: LeadTimeRule, answers: Any, now: datetime) -> Iterator[Problem]:
    value = _pointer.resolve(answers, rule.field)
    moment = _moment(value)
    earliest = now + parse_duration(rule.minimum)
    if moment is not None and moment < earliest:
        yield Problem(rule.field, "leadTime", f"{rule.message} {_earliest(value, earliest)}")


def _earliest(value: str, earliest: datetime) -> str:
    """The earliest answer the rule allows, in words: a moment to the minute, or a day."""
    from formkit.forms._dutch import day_text, moment_text  # _dutch imports this module

    local = earliest.astimezone(CITY_TIME_ZONE)
    if "T" in value or "t" in value:
        minute = local.replace(second=0, microsecond=0)
        shown = moment_text(minute if minute == local else minute + timedelta(minutes=1))
    else:
        day = local.date()
        shown = day_text(day if local.time() == time() else day + timedelta(days=1))
    return f"De vroegste datum die u kunt kiezen, is {shown}."


def _after(rule: AfterRule, answers: Any) -> Iterator[Problem]:
    later = _moment(_pointer.resolve(answers, rule.field))
    earlier = _moment(_pointer.resolve(answers, rule.reference))
    if later is not None and earlier is not None and later < earlier:
        yield Problem(rule.field, "after", rule.message)


def _distinct(rule: DistinctRule, answers: Any) -> Iterator[Problem]:
    items = _pointer.resolve(answers, rule.field)
    if not isinstance(items, list):
        return
    seen: set[str] = set()
    for index, item in enumerate(items):
        key = _pointer.resolve(item, rule.key)
        if _blank(key):  # nothing to compare yet: the schema says what is missing
            continue
        normalised = _normalise(key)
        if normalised in seen:
            yield Problem(_pointer.join(rule.field, index) + rule.key, "distinct", rule.message)
        seen.add(normalised)


def _compare(rule: CompareRule, answers: Any) -> Iterator[Problem]:
    """Exact decimal arithmetic (`_amounts`): euros are never added as binary floats."""
    named: dict[str, Decimal] = {}
    left = _amounts.evaluate(rule.left, answers, named)
    right = _amounts.evaluate(rule.right, answers, named)
    if left is None or right is None or _amounts.holds(left, rule.operator, right):
        return
    amounts = {**named, "left": left, "right": right}
    yield Problem(rule.field, "compare", _amounts.message(rule.message, amounts))


def _blank(value: Any) -> bool:
    """Nothing filled in: missing, whitespace, or an object or list of only blanks."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    return False


def _normalise(value: Any) -> str:
    if isinstance(value, dict):
        return "|".join(f"{k}={_normalise(v)}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return "[" + ",".join(_normalise(v) for v in value) + "]"
    return " ".join(str(value).split()).casefold()


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        if "T" in value or "t" in value:
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo is not None else None
        return datetime.combine(date.fromisoformat(value), time(), CITY_TIME_ZONE)
    except ValueError:
        return None
