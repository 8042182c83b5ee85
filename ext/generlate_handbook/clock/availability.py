"""Availability arithmetic: how much downtime a percentage allows, and what maintenance uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..policy.units import Percentage

# Periods the handbook reports budgets for. Uptime is usually quoted per 30-day month.
BUDGET_PERIODS: tuple[tuple[str, int], ...] = (("Month", 30), ("Quarter", 90), ("Year", 365))
# The consistency check uses the shortest month: what fits there fits in every month.
SHORTEST_MONTH_DAYS = 28


@dataclass(frozen=True)
class Budget:
    period: str
    days: int
    allowed: timedelta


def allowed_downtime(availability: Percentage, days: int) -> timedelta:
    """Downtime that ``availability`` allows over ``days`` days."""
    seconds = (1 - availability.fraction) * days * 86400
    return timedelta(seconds=float(seconds))


def budgets(availability: Percentage) -> list[Budget]:
    return [
        Budget(name, days, allowed_downtime(availability, days)) for name, days in BUDGET_PERIODS
    ]


def share_of(part: timedelta, whole: timedelta) -> float:
    """``part`` as a fraction of ``whole`` (infinite when the whole is zero)."""
    return part / whole if whole else float("inf")
