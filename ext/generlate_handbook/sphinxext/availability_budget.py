"""The ``availability-budget`` directive: downtime a plan's availability allows, computed."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from ..clock.availability import budgets, share_of
from ..policy.model import Policy
from ..wording import format_percentage, format_timedelta
from .common import PolicyDirective, build_table


class AvailabilityBudget(PolicyDirective):
    """``{availability-budget} PLAN``: allowed downtime per month, quarter and year.

    The table's id is ``availability-PLAN``."""

    required_arguments = 1

    def render(self, policy: Policy) -> list[nodes.Node]:
        plan_id = self.arguments[0].strip()
        plan = policy.plans.get(plan_id)
        if plan is None or plan.availability is None:
            with_targets = [p for p, v in policy.plans.items() if v.availability]
            self.warn(
                f"plan {plan_id!r} has no availability target (plans with one: "
                f"{', '.join(with_targets) or 'none'})",
                "plan",
            )
            return []
        window = plan.maintenance.max_downtime.fixed() if plan.maintenance else None
        header = ["Period", "Allowed downtime"]
        if window:
            header.append(f"Used by one maintenance window ({format_timedelta(window)})")
        rows: list[list[nodes.Node | str]] = []
        for budget in budgets(plan.availability):
            row: list[nodes.Node | str] = [
                f"{budget.period} ({budget.days} days)",
                format_timedelta(budget.allowed),
            ]
            if window:
                row.append(f"{share_of(window, budget.allowed):.0%}")
            rows.append(row)
        table = build_table(
            header,
            rows,
            widths=[30, 35, 35] if window else [40, 60],
            title=f"{plan.name}: downtime allowed by "
            f"{format_percentage(plan.availability)} availability",
            classes=["availability-budget"],
        )
        self.set_source_info(table)
        self.anchor(table, f"availability-{plan_id}")
        return [table]


def setup_availability_budget(app: Sphinx) -> None:
    app.add_directive("availability-budget", AvailabilityBudget)
