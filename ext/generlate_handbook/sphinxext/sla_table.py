"""The ``sla-table`` directive: one plan's contractual SLA as a table, from the policy.

Each severity row carries a stable anchor, ``sla-<plan>-<severity>``, that pages can link to
(``[Severity 1](slas.md#sla-self-hosted-sev1)`` or ``{ref}`text <sla-self-hosted-sev1>```).
"""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..policy.model import CALENDAR, Policy, Sla, Target
from ..policy.units import NoDeadline
from ..wording import format_duration, format_schedule
from .common import PlanDirective, build_table

HEADER = ["Severity", "Description", "Response time", "Resolution time"]


def target_text(policy: Policy, sla: Sla, target: Target) -> str:
    """``Within 24 working hours (3 business days) of becoming aware of the issue``."""
    clock = policy.target_clock(sla, target)
    if isinstance(target.within, NoDeadline):
        text = "When complete"
    else:
        text = f"Within {format_duration(policy, target.within, clock)}"
    if target.from_:
        text += f" of {target.from_}"
    if target.effort:
        text += f", {target.effort}"
    return f"{text}."


def clock_caption(policy: Policy, sla: Sla) -> str:
    if sla.clock == CALENDAR:
        return "targets count calendar time"
    spec = policy.schedules[sla.clock]
    return f"targets count {spec.name.lower()}, {format_schedule(spec)}"


class SlaTable(PlanDirective):
    """``{sla-table} PLAN``: the plan's SLA, one row per severity, highest first."""

    has_content = False
    option_spec: ClassVar[dict] = {"class": directives.class_option}

    def render_plan(self, policy: Policy, plan_id: str) -> list[nodes.Node]:
        plan, sla = policy.plans[plan_id], policy.sla_for(plan_id)
        rows: list[list[nodes.Node | str]] = []
        anchors = []
        for sev_id, severity in policy.severities.items():
            targets = sla.targets[sev_id]
            name = nodes.paragraph("", "", nodes.strong(severity.name, severity.name))
            rows.append(
                [
                    name,
                    severity.description,
                    target_text(policy, sla, targets.response),
                    target_text(policy, sla, targets.resolution),
                ]
            )
            anchors.append(f"sla-{plan_id}-{sev_id}")
        table = build_table(
            HEADER,
            rows,
            widths=[14, 42, 22, 22],
            title=f"{plan.name}: {clock_caption(policy, sla)}",
            classes=["sla-table", *self.options.get("class", [])],
        )
        self.set_source_info(table)
        warn = True  # once per table
        for row, anchor in zip(table.findall(nodes.row), [None, *anchors], strict=True):
            if anchor:  # the header row has none
                self.set_source_info(row)
                warn &= self.anchor(row, anchor, label=True, warn=warn)  # a {ref} target too
        return [table]


def setup_sla_table(app: Sphinx) -> None:
    app.add_directive("sla-table", SlaTable)
