"""Instants as the clock computes with them: integer nanoseconds since 1970-01-01T00:00Z.

Every public entry point converts here, once: an aware :class:`~datetime.datetime` becomes an
``int`` (exact: datetimes have whole microseconds), a naive one is rejected with a message that
says how to write it, and results go back as UTC datetimes. NumPy callers pass
``datetime64[ns]`` (read as UTC) or ``int64`` nanoseconds directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

import numpy as np
import numpy.typing as npt

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "NAT",
    "InstantError",
    "NaiveDatetimeError",
    "OutOfRangeError",
    "duration_ns",
    "from_ns",
    "iso_utc",
    "ns_of_date",
    "to_ns",
    "to_utc",
]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NS_PER_US = 1_000
NS_PER_SECOND = 1_000_000_000
NS_PER_DAY = 86_400 * NS_PER_SECOND
NAT = np.iinfo(np.int64).min  # numpy's "not a time" as int64
# int64 nanoseconds reach 1677-09-21 .. 2262-04-11; the clock answers in whole years inside that.
FIRST_YEAR, LAST_YEAR = 1700, 2260
LONGEST_DAYS = 200 * 365  # a bulk duration beyond this is a unit mistake (and would overflow)


class InstantError(ValueError):
    """An instant the clock cannot take: one without a UTC offset, or out of its years."""


class NaiveDatetimeError(InstantError):
    """A datetime without a UTC offset was given where an instant is needed."""


class OutOfRangeError(InstantError):
    """An instant, or an answer, outside the years the clock handles (1700 to 2260)."""


def _ns(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * NS_PER_SECOND + delta.microseconds * NS_PER_US


_LOW = _ns(datetime(FIRST_YEAR, 1, 1, tzinfo=UTC) - EPOCH)
_HIGH = _ns(datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC) - EPOCH)


def check_answer(latest: int, label: str) -> None:
    """Raise :class:`OutOfRangeError` if an answer lies after the years the clock handles."""
    if latest >= _HIGH:
        raise OutOfRangeError(
            f"{label}: the answer lies after the years the clock handles ({FIRST_YEAR}–{LAST_YEAR})"
        )


def to_ns(t: datetime, zone: tzinfo, what: str) -> int:
    """``t`` as nanoseconds since the epoch; ``zone`` is only suggested in a naive-time error."""
    if not isinstance(t, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(t).__name__}")
    if t.tzinfo is None or t.utcoffset() is None:
        naive = t.replace(tzinfo=None).isoformat()
        local = t.replace(tzinfo=zone).isoformat()
        raise NaiveDatetimeError(
            f"{naive} has no UTC offset; write it as {local} ({zone}) or, if it is UTC, {naive}Z"
        )
    delta = t - EPOCH
    ns = (delta.days * 86_400 + delta.seconds) * NS_PER_SECOND + delta.microseconds * NS_PER_US
    if not _LOW <= ns < _HIGH:
        check_range(ns, ns, what)
    return ns


def check_range(low: int, high: int, what: str) -> None:
    """Raise :class:`ValueError` unless ``low .. high`` lies in the years the clock handles."""
    if low < _LOW or high >= _HIGH:
        bad = low if low < _LOW else high
        raise OutOfRangeError(
            f"{what} {_describe(bad)} is outside the years the clock handles "
            f"({FIRST_YEAR}–{LAST_YEAR})"
        )


def _describe(ns: int) -> str:
    try:
        return iso_utc(from_ns(ns))
    except OverflowError:
        return f"{ns} ns after 1970"


def from_ns(ns: int) -> datetime:
    """A UTC datetime (``tzinfo is datetime.UTC``), to the microsecond."""
    return EPOCH + timedelta(0, 0, ns // NS_PER_US)


def to_utc(t: datetime, zone: tzinfo, what: str = "time") -> datetime:
    """``t`` converted to UTC; a naive ``t`` is rejected (suggesting ``zone``)."""
    return from_ns(to_ns(t, zone, what))


def duration_ns(duration: timedelta) -> int:
    if not isinstance(duration, timedelta):
        raise TypeError(f"duration must be a timedelta, not {type(duration).__name__}")
    days = duration.days
    if days < 0:
        raise ValueError(f"duration must not be negative, got {duration}")
    return (days * 86_400 + duration.seconds) * NS_PER_SECOND + duration.microseconds * NS_PER_US


def ns_of_date(day: date, zone: tzinfo, minute: int = 0) -> int:
    """Local ``day`` + ``minute`` (1440 = the next day's 00:00) as an instant, ``fold=0``."""
    if minute == 1440:
        day += timedelta(days=1)
        minute = 0
    hour, minute = divmod(minute, 60)
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    return _ns(local - EPOCH)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``: ``2026-11-05T00:00:00Z``."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def instants_array(values: npt.ArrayLike, what: str) -> npt.NDArray[np.int64]:
    """``datetime64`` (any unit, read as UTC) or integer nanoseconds -> int64 ns; NaT kept."""
    array = np.asarray(values)
    if array.dtype.kind == "M":
        # Check in the array's own unit: a conversion to ns would wrap around silently.
        low = np.datetime64(f"{FIRST_YEAR}-01-01").astype(array.dtype)
        high = np.datetime64(f"{LAST_YEAR + 1}-01-01").astype(array.dtype)
        outside = np.flatnonzero((array < low) | (array >= high))
        if outside.size:
            raise OutOfRangeError(
                f"{what}[{outside[0]}] {array.flat[outside[0]]} is outside the years the clock "
                f"handles ({FIRST_YEAR}–{LAST_YEAR})"
            )
        return array.astype("datetime64[ns]", copy=False).view(np.int64)
    if array.dtype.kind in "iu":
        return array.astype(np.int64, copy=False)
    raise TypeError(
        f"{what} must be datetime64 (UTC) or int64 nanoseconds since 1970, not {array.dtype}"
    )


def durations_array(values: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """``timedelta64`` (any unit) or integer nanoseconds -> int64 ns; NaT kept; none negative."""
    array = np.asarray(values)
    if array.dtype.kind == "m":
        longest = np.timedelta64(LONGEST_DAYS, "D").astype(array.dtype)
        too_long = np.flatnonzero(array > longest)
        if too_long.size:
            raise ValueError(
                f"durations[{too_long[0]}] {array.flat[too_long[0]]} is longer than "
                f"{LONGEST_DAYS} days"
            )
        array = array.astype("timedelta64[ns]", copy=False).view(np.int64)
    elif array.dtype.kind in "iu":
        array = array.astype(np.int64, copy=False)
    else:
        raise TypeError(f"durations must be timedelta64 or int64 nanoseconds, not {array.dtype}")
    negative = np.flatnonzero((array < 0) & (array != NAT))
    if negative.size:
        first = int(negative[0])
        raise ValueError(
            f"durations must not be negative: {int(array.flat[first])} ns at index {first}"
        )
    return array
