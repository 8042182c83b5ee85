"""The ``sla-examples`` directive: worked due dates, computed by the clock at build time.

Editors choose the tickets; the deadlines are computed, so they can never drift from the policy::

    ```{sla-examples} self-hosted
    :severity: sev1
    2026-10-30T16:00:00-07:00 Opened on a Friday afternoon
    2026-10-31T10:00:00-07:00 Opened on a Saturday morning
    ```
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from .. import clock as biz
from ..clock.deadlines import TargetDue, UnknownIdError, ticket_deadlines
from ..policy.model import Policy
from ..wording import format_moment, format_target
from .common import PlanDirective, build_table, paragraph


def _when(moment: datetime, zone: ZoneInfo) -> nodes.Node:
    local = moment.astimezone(zone)
    utc = moment.astimezone(ZoneInfo("UTC"))
    container = nodes.container()
    container += paragraph(f"{format_moment(local)} {local.tzname()}")
    container += paragraph(f"{format_moment(utc, year=False)} UTC", classes=["policy-utc"])
    return container


def _deadline_cell(policy: Policy, deadline: TargetDue, zone: ZoneInfo) -> nodes.Node | str:
    if deadline.due is None:
        return f"No deadline ({format_target(policy, deadline.target)})"
    return _when(deadline.due, zone)


class SlaExamples(PlanDirective):
    """``{sla-examples} PLAN``; content: one ticket per line, ``ISO8601-TIME label``."""

    has_content = True
    option_spec: ClassVar[dict] = {"severity": directives.unchanged_required}

    def render_plan(self, policy: Policy, plan_id: str) -> list[nodes.Node]:
        severity = self.options.get("severity", next(iter(policy.severities))).strip()
        rows: list[list[nodes.Node | str]] = []
        zone: ZoneInfo | None = None
        for offset, line in enumerate(self.content):
            if not line.strip():
                continue
            stamp, _, label = line.strip().partition(" ")
            try:
                ticket = ticket_deadlines(policy, plan_id, severity, datetime.fromisoformat(stamp))
            except (UnknownIdError, biz.InstantError) as error:
                self.warn(f"sla-examples: {str(error).strip(chr(39) + chr(34))}", "example")
                return []
            except ValueError:
                self.warn(
                    f"sla-examples line {offset + 1}: {stamp!r} is not an ISO 8601 time "
                    "with a UTC offset, such as 2026-10-30T16:00:00-07:00",
                    "example",
                )
                return []
            zone = policy.zone(ticket.response.clock)
            rows.append(
                [
                    label.strip() or stamp,
                    _when(ticket.opened, zone),
                    _deadline_cell(policy, ticket.response, zone),
                    _deadline_cell(policy, ticket.resolution, zone),
                    _deadline_cell(policy, ticket.internal_response, zone),
                ]
            )
        if not rows or zone is None:
            self.warn(
                "sla-examples needs at least one ticket: a line 'ISO8601-TIME label'", "example"
            )
            return []
        header = [
            "Ticket",
            "Opened",
            "Response due",
            "Resolution due",
            "Internal first response due",
        ]
        title = (
            f"{policy.plans[plan_id].name}, {policy.severities[severity].name}: response "
            f"{format_target(policy, ticket.response.target)}, resolution "
            f"{format_target(policy, ticket.resolution.target)}, internal "
            f"first response {format_target(policy, ticket.internal_response.target)}"
        )
        table = build_table(
            header, rows, widths=[24, 19, 19, 19, 19], title=title, classes=["sla-examples"]
        )
        return [table]


def setup_sla_examples(app: Sphinx) -> None:
    app.add_directive("sla-examples", SlaExamples)
