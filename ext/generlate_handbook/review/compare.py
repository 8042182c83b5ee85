"""Compare two policies fact by fact: each change stricter, looser or neutral for customers.

The verdicts use the invariant checks' semantics: targets on the same clock (same schedule) are
compared by working time; on different clocks by their worst-case calendar time over the years
given; "when complete" is looser than any deadline; a schedule change by the open time it adds
or removes; a commitment that appears is stricter and one that disappears looser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum

from .. import clock as biz
from ..policy.model import Policy
from ..wording import format_timedelta, join_words, plural
from .facts import Better, Fact, KeyPath, downtime_note, policy_facts, working_time


class Verdict(StrEnum):
    STRICTER = "stricter"
    LOOSER = "looser"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Change:
    """One changed fact (or several facts that changed alike, e.g. the same target of two plans)."""

    label: str
    before: str | None  # None: the fact is new
    after: str | None  # None: the fact is gone
    verdict: Verdict
    detail: str = ""
    qualifiers: tuple[str, ...] = ()
    paths: tuple[KeyPath, ...] = ()
    pages: tuple[str, ...] = field(default=(), compare=False)

    @property
    def subject(self) -> str:
        """``Severity 1 response, self-hosted and managed``."""
        qualifiers = join_words(list(self.qualifiers))
        return f"{self.label}, {qualifiers}" if qualifiers else self.label

    @property
    def change(self) -> str:
        """``24 working hours → 16 working hours``, ``added: 48 hours``, ``removed (was …)``."""
        if self.before is None:
            return f"added: {self.after}"
        if self.after is None:
            return f"removed (was {self.before})"
        return f"{self.before} → {self.after}"

    @property
    def judgement(self) -> str:
        return f"{self.verdict}; {self.detail}" if self.detail else str(self.verdict)

    def line(self) -> str:
        return f"{self.subject}: {self.change} ({self.judgement})"


def diff_policies(old: Policy | None, new: Policy | None, years: Sequence[int]) -> list[Change]:
    """Every fact that differs between ``old`` and ``new`` (either may be absent)."""
    before = policy_facts(old) if old is not None else {}
    after = policy_facts(new) if new is not None else {}
    changes: list[tuple[Change, str]] = []
    for key in [*before, *(key for key in after if key not in before)]:
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and a.text == b.text and _same_measure(a, b):
            continue
        change = _judge(a, b, years)
        if change is not None and (change.before != change.after or change.verdict != "neutral"):
            changes.append((change, (b or a).qualifier))  # type: ignore[union-attr]
    return _grouped(changes)


def _same_measure(a: Fact, b: Fact) -> bool:
    return (a.amount, a.deadline, a.clock) == (b.amount, b.deadline, b.clock) and (
        a.better is not Better.LESS_TIME or _same_schedule(a, b)
    )


def _same_schedule(a: Fact, b: Fact) -> bool:
    if a.spec is None or b.spec is None:
        return a.spec is b.spec
    return (a.spec.zone.key, a.spec.hours, a.spec.holidays) == (
        b.spec.zone.key,
        b.spec.hours,
        b.spec.holidays,
    )


def _judge(a: Fact | None, b: Fact | None, years: Sequence[int]) -> Change | None:
    fact = b or a
    if fact is None:
        return None
    paths = fact.paths
    if a is None or b is None:
        presence = fact.added_is
        appeared = a is None
        verdict = (
            Verdict.NEUTRAL
            if presence is Better.NEUTRAL
            else _verdict((presence is Better.HIGHER) == appeared)
        )
        detail = _closed_note(fact) if fact.better is Better.MORE_OPEN else ""
        return Change(fact.label, a and a.text, b and b.text, verdict, detail, paths=paths)
    if a.better is Better.NEUTRAL and a.added_is is not Better.NEUTRAL:
        return None  # a presence fact: its wording is reported by the facts it names
    verdict, detail = _compare(a, b, years)
    return Change(fact.label, a.text, b.text, verdict, detail, paths=paths)


def _verdict(stricter: bool | None) -> Verdict:
    if stricter is None:
        return Verdict.NEUTRAL
    return Verdict.STRICTER if stricter else Verdict.LOOSER


def _compare(a: Fact, b: Fact, years: Sequence[int]) -> tuple[Verdict, str]:
    match b.better:
        case Better.LESS_TIME:
            return _compare_deadlines(a, b, years)
        case Better.HIGHER | Better.LOWER | Better.MORE_OPEN if a.amount != b.amount:
            assert a.amount is not None and b.amount is not None
            higher = b.amount > a.amount
            stricter = higher if b.better is not Better.LOWER else not higher
            return _verdict(stricter), _amount_note(a, b)
    return Verdict.NEUTRAL, ""


def _amount_note(a: Fact, b: Fact) -> str:
    if downtime_note(a):
        return f"allowed downtime {downtime_note(a)} → {downtime_note(b)} a month"
    if b.better is Better.MORE_OPEN and b.spec is not None and a.amount is not None:
        minutes = b.amount - a.amount  # type: ignore[operator]
        word = "more" if minutes > 0 else "fewer"
        hours = plural(abs(minutes) / Decimal(60), b.spec.hour_unit)
        amount, _, unit = hours.partition(" ")
        return f"{amount} {word} {unit} a week"
    return ""


def _closed_note(fact: Fact) -> str:
    """A holiday: how much open time it closes."""
    if fact.spec is None or not fact.amount:
        return ""
    return f"{plural(abs(fact.amount) / Decimal(60), fact.spec.hour_unit)} closed"


def _compare_deadlines(a: Fact, b: Fact, years: Sequence[int]) -> tuple[Verdict, str]:
    """Same clock and schedule: working time; otherwise worst-case calendar time."""
    if a.clock == b.clock and _same_schedule(a, b):
        first, second, note = working_time(a), working_time(b), ""
    else:
        first, second = _worst_case(a, years), _worst_case(b, years)
        note = (
            f"at their worst on the calendar over {', '.join(map(str, years))}: "
            f"{_maybe(first)} → {_maybe(second)}"
        )
    if first == second:
        return Verdict.NEUTRAL, note
    if first is None or second is None:
        return _verdict(second is not None), note
    return _verdict(second < first), note


def _worst_case(fact: Fact, years: Sequence[int]) -> timedelta | None:
    working = working_time(fact)
    if working is None or fact.spec is None:
        return working
    schedule = biz.Schedule.from_spec(fact.spec)
    return max(biz.worst_case_elapsed(working, schedule, year) for year in years)


def _maybe(value: timedelta | None) -> str:
    return "no deadline" if value is None else format_timedelta(value, use_days=False)


def _grouped(changes: list[tuple[Change, str]]) -> list[Change]:
    """Changes alike but for their qualifier (the plan) become one, naming every qualifier."""
    groups: dict[tuple[object, ...], list[tuple[Change, str]]] = {}
    for change, qualifier in changes:
        key = (change.label, change.before, change.after, change.verdict, change.detail)
        groups.setdefault(key, []).append((change, qualifier))
    merged = []
    for members in groups.values():
        first = members[0][0]
        qualifiers = tuple(qualifier for _, qualifier in members if qualifier)
        paths = tuple(dict.fromkeys(path for change, _ in members for path in change.paths))
        merged.append(replace(first, qualifiers=qualifiers, paths=paths))
    return merged


def worst_verdict(changes: Sequence[Change]) -> Verdict | None:
    """LOOSER if any change is looser, else STRICTER/NEUTRAL if anything changed, else None."""
    verdicts = {change.verdict for change in changes}
    if not verdicts:
        return None
    if Verdict.LOOSER in verdicts:
        return Verdict.LOOSER
    return Verdict.STRICTER if Verdict.STRICTER in verdicts else Verdict.NEUTRAL
