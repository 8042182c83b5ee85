"""Values with units, as editors write them in ``policy/*.yaml``.

Every policy value carries its unit, so ``24`` is an error and ``24h`` is a duration. Parsing
turns the text into a typed value; reader-facing wording lives in :mod:`generlate_handbook.wording`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum

from .limits import MAX_COUNT, MAX_DURATION_DAYS, excerpt

# Weekday names, Monday first (``date.weekday()`` order), from the standard library. calendar
# follows LC_TIME, and Sphinx sets the locale from the environment: read them in the C locale
# so the handbook says "Monday" whatever the build machine's language.
with calendar.different_locale("C"):
    DAY_NAMES: tuple[str, ...] = tuple(calendar.day_name)
# The weekday keys of ``schedules.*.hours`` in the YAML: mon, tue, ... sun.
DAY_KEYS: tuple[str, ...] = tuple(name[:3].lower() for name in DAY_NAMES)
MINUTES_PER_DAY = 1440


class DurationUnit(Enum):
    """A unit of time. Business units are measured on the clock the value counts on."""

    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    BUSINESS_DAY = "business day"
    BUSINESS_WEEK = "business week"

    @property
    def is_business(self) -> bool:
        return self in (DurationUnit.BUSINESS_DAY, DurationUnit.BUSINESS_WEEK)

    @property
    def is_calendar_only(self) -> bool:
        """Days and weeks mean 24 and 168 hours: ambiguous on a business clock."""
        return self in (DurationUnit.DAY, DurationUnit.WEEK)


_UNIT_WORDS: dict[str, DurationUnit] = {
    "m": DurationUnit.MINUTE,
    "min": DurationUnit.MINUTE,
    "minute": DurationUnit.MINUTE,
    "minutes": DurationUnit.MINUTE,
    "h": DurationUnit.HOUR,
    "hour": DurationUnit.HOUR,
    "hours": DurationUnit.HOUR,
    "d": DurationUnit.DAY,
    "day": DurationUnit.DAY,
    "days": DurationUnit.DAY,
    "w": DurationUnit.WEEK,
    "week": DurationUnit.WEEK,
    "weeks": DurationUnit.WEEK,
    "business day": DurationUnit.BUSINESS_DAY,
    "business days": DurationUnit.BUSINESS_DAY,
    "business week": DurationUnit.BUSINESS_WEEK,
    "business weeks": DurationUnit.BUSINESS_WEEK,
}
_FIXED_MINUTES = {
    DurationUnit.MINUTE: 1,
    DurationUnit.HOUR: 60,
    DurationUnit.DAY: 24 * 60,
    DurationUnit.WEEK: 7 * 24 * 60,
}
# Numbers are ASCII digits only: re.ASCII keeps \d from matching "２４" or "٠٩".
_DURATION = re.compile(
    r"(?P<amount>\d{1,12}(?:\.\d{1,6})?)\s*(?P<unit>[a-z]+(?: [a-z]+)?)", re.ASCII
)
_PERCENTAGE = re.compile(r"(?P<value>\d{1,3}(?:\.\d{1,6})?)\s*%", re.ASCII)
_COUNT = re.compile(
    r"(?P<low>\d{1,12})(?:\s*[-–]\s*(?P<high>\d{1,12}))?\s+(?P<noun>[a-z][a-z ]*)", re.ASCII
)
_HHMM = re.compile(r"(\d{2}):(\d{2})", re.ASCII)
# Days in one of each unit, to bound a target's length (a business day is at most a day).
_UNIT_DAYS = {
    DurationUnit.MINUTE: Decimal(1) / 1440,
    DurationUnit.HOUR: Decimal(1) / 24,
    DurationUnit.DAY: Decimal(1),
    DurationUnit.WEEK: Decimal(7),
    DurationUnit.BUSINESS_DAY: Decimal(1),
    DurationUnit.BUSINESS_WEEK: Decimal(7),
}

DURATION_HELP = "a duration with its unit, such as 30m, 24h, 7d, 1 week or 1 business week"
PERCENTAGE_HELP = "a percentage such as 99.5%"
COUNT_HELP = "a count with its noun, such as 5 cases or 5-7 cases"
WHEN_COMPLETE = "when complete"


class DurationRangeError(ValueError):
    """A well-formed duration that is zero or longer than the longest allowed."""


@dataclass(frozen=True)
class Duration:
    """An amount of time in one unit, e.g. ``24 hour`` or ``1 business week``."""

    amount: Decimal
    unit: DurationUnit

    def fixed(self) -> timedelta:
        """The length of a calendar unit (minutes, hours, days, weeks)."""
        if self.unit.is_business:
            raise ValueError(f"{self} is measured on a business clock")
        return timedelta(minutes=float(self.amount * _FIXED_MINUTES[self.unit]))

    def on_business_clock(self, day_minutes: int | None, week_minutes: int) -> timedelta:
        """Working time on a clock whose business day and week last as given, in minutes."""
        if self.unit is DurationUnit.BUSINESS_WEEK:
            return timedelta(minutes=float(self.amount * week_minutes))
        if self.unit is DurationUnit.BUSINESS_DAY:
            if day_minutes is None:
                raise ValueError("the clock's open days differ in length, so a business day is")
            return timedelta(minutes=float(self.amount * day_minutes))
        return self.fixed()

    def __str__(self) -> str:
        return f"{self.amount.normalize():f} {self.unit.value}"


@dataclass(frozen=True)
class NoDeadline:
    """A target that is met when the work is done (the seed's "when complete")."""

    def __str__(self) -> str:
        return WHEN_COMPLETE


# What a target's ``within:`` holds: a duration, or "when complete".
Within = Duration | NoDeadline


def open_minutes(days: Iterable[Iterable[tuple[int, int]]]) -> tuple[int | None, int]:
    """A weekly schedule's business day and week, in minutes, from each weekday's intervals.

    The business week is all the open minutes of a normal week (no holiday, no DST change);
    the business day is the open minutes of an open day if every open day has the same total,
    else None. The one definition both the policy model and the clock use.
    """
    totals = [sum(end - start for start, end in day) for day in days]
    open_days = {total for total in totals if total}
    return (open_days.pop() if len(open_days) == 1 else None), sum(totals)


@dataclass(frozen=True)
class Percentage:
    value: Decimal

    @property
    def fraction(self) -> Decimal:
        return self.value / 100

    def __str__(self) -> str:
        return f"{self.value.normalize():f}%"


@dataclass(frozen=True)
class Count:
    """A whole number of things, or a range of them: ``1 case``, ``5-7 cases``."""

    low: int
    high: int
    noun: str  # singular

    def __str__(self) -> str:
        return f"{self.low}-{self.high} {self.noun}" if self.low != self.high else f"{self.low}"


def _text(value: object, expected: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float):
            raise ValueError(f"{excerpt(value)} has no unit; expected {expected}")
        raise ValueError(f"expected {expected}, got {excerpt(value)}")
    return value.strip()


def parse_duration(value: object) -> Duration:
    """Parse ``24h``, ``1 business week``...; a bare number is an error."""
    text = _text(value, DURATION_HELP)
    match = _DURATION.fullmatch(text.lower())
    unit = _UNIT_WORDS.get(match["unit"]) if match else None
    if match is None or unit is None:
        raise ValueError(f"{excerpt(text)} is not {DURATION_HELP}")
    amount = Decimal(match["amount"])
    if amount <= 0:
        raise DurationRangeError(f"{excerpt(text)} must be longer than zero")
    if amount * _UNIT_DAYS[unit] > MAX_DURATION_DAYS:
        raise DurationRangeError(
            f"{excerpt(text)} is longer than the longest target allowed,"
            f" {MAX_DURATION_DAYS:,} days (10 years)"
        )
    return Duration(amount, unit)


def parse_within(value: object) -> Within:
    """A duration, or ``when complete`` for a target without a deadline."""
    if isinstance(value, str) and value.strip().lower() == WHEN_COMPLETE:
        return NoDeadline()
    try:
        return parse_duration(value)
    except DurationRangeError:
        raise
    except ValueError as error:
        raise ValueError(f"{error}, or {WHEN_COMPLETE!r}") from None


def parse_percentage(value: object) -> Percentage:
    text = _text(value, PERCENTAGE_HELP)
    match = _PERCENTAGE.fullmatch(text)
    if match is None:
        raise ValueError(f"{excerpt(text)} is not {PERCENTAGE_HELP}")
    try:
        number = Decimal(match["value"])
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValueError(f"{excerpt(text)} is not {PERCENTAGE_HELP}") from None
    if number > 100:
        raise ValueError(f"{excerpt(text)} is above 100%")
    return Percentage(number)


def parse_count(value: object) -> Count:
    text = _text(value, COUNT_HELP)
    match = _COUNT.fullmatch(text)
    if match is None:
        raise ValueError(f"{excerpt(text)} is not {COUNT_HELP}")
    low = int(match["low"])
    high = int(match["high"] or low)
    if high < low:
        raise ValueError(f"{excerpt(text)}: the range's end {high} is below its start {low}")
    if high > MAX_COUNT:
        raise ValueError(f"{excerpt(text)}: a count is at most {MAX_COUNT:,}")
    noun = match["noun"].strip()
    if high > 1 or low != 1:
        noun = noun[:-1] if noun.endswith("s") else noun
    return Count(low, high, noun)


def parse_hhmm(text: str) -> int:
    """``HH:MM`` to minutes after midnight; ``24:00`` is allowed and means the day's end."""
    match = _HHMM.fullmatch(text)
    if match is None:
        raise ValueError(f"{excerpt(text)} is not a time of day written HH:MM")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"{excerpt(text)} is not a time of day between 00:00 and 24:00")
    return hours * 60 + minutes
