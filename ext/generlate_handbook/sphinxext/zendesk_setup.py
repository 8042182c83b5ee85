"""The ``zendesk-setup`` directive: how the SLAs are set up in Zendesk, from the same export
``handbook-policy zendesk export`` writes (so the page and the help desk cannot disagree).

``{zendesk-setup} PART`` renders one part: ``priorities`` (Zendesk priority -> severity),
``plans`` (each plan's SLA policy and how its tickets are recognised, the engineering-help tag),
``schedules`` (as Zendesk shows them), ``targets`` (each SLA policy's metrics) or
``unenforced`` (what Zendesk does not enforce, and why).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from docutils import nodes
from sphinx.application import Sphinx

from ..helpdesk.drift import ZENDESK_DAYS, by_day, hours_text
from ..helpdesk.export import ZendeskExport, build_export
from ..policy.helpdesk import PRIORITIES
from ..policy.model import Policy
from ..wording import format_timedelta, join_words
from .common import PolicyDirective, build_table

PARTS = ("priorities", "plans", "schedules", "targets", "unenforced")
METRIC_LABELS = {
    "first_reply_time": "First reply time",
    "total_resolution_time": "Total resolution time",
}


def _literal(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def _para(*children: nodes.Node | str) -> nodes.paragraph:
    para = nodes.paragraph()
    for child in children:
        para += nodes.Text(child) if isinstance(child, str) else child
    return para


class ZendeskSetup(PolicyDirective):
    """``{zendesk-setup} priorities|plans|schedules|targets|unenforced``."""

    required_arguments = 1

    def render(self, policy: Policy) -> list[nodes.Node]:
        part = self.arguments[0].strip()
        if part not in PARTS:
            self.warn(f"unknown part {part!r} (known: {', '.join(PARTS)})", "zendesk")
            return []
        if policy.helpdesk is None:
            self.warn("the policy has no helpdesk section", "zendesk")
            return []
        export = build_export(policy)
        render: Callable[[Policy, ZendeskExport], list[nodes.Node]] = getattr(self, f"_{part}")
        return render(policy, export)

    def _priorities(self, policy: Policy, export: ZendeskExport) -> list[nodes.Node]:
        helpdesk = policy.helpdesk
        assert helpdesk is not None
        mapping = helpdesk.priority_to_severity()
        rows: list[list[nodes.Node | str]] = [
            [prio.capitalize(), policy.severities[mapping[prio]].name]
            for prio in PRIORITIES
            if prio in mapping
        ]
        unmapped = [p.capitalize() for p in PRIORITIES if p not in mapping]
        if unmapped:
            rows.append([join_words(unmapped), "none: no SLA target"])
        table = build_table(
            ["Zendesk priority", "Severity"], rows, [50, 50], classes=["zendesk-priorities"]
        )
        self.set_source_info(table)
        self.anchor(table, "zendesk-priorities")
        return [table]

    def _plans(self, policy: Policy, export: ZendeskExport) -> list[nodes.Node]:
        helpdesk = policy.helpdesk
        assert helpdesk is not None
        rows: list[list[nodes.Node | str]] = []
        for plan_id, title in export.plan_titles.items():
            match = helpdesk.plans[plan_id]
            if match.organization_tag:
                how = _para("organization tag ", _literal(match.organization_tag))
            else:
                assert match.ticket_field is not None
                how = _para(
                    f"ticket field {match.ticket_field.id} set to ",
                    _literal(match.ticket_field.value),
                )
            rows.append([policy.plans[plan_id].name, title, how])
        table = build_table(
            ["Plan", "Zendesk SLA policy", "Applies to tickets with"],
            rows,
            [25, 35, 40],
            classes=["zendesk-plans"],
        )
        self.set_source_info(table)
        self.anchor(table, "zendesk-plans")
        tag = _para(
            "Tickets that need help from engineering carry the tag ",
            _literal(helpdesk.engineering_help_tag),
            ".",
        )
        tag["classes"].append("zendesk-engineering-help")
        return [table, tag]

    def _schedules(self, policy: Policy, export: ZendeskExport) -> list[nodes.Node]:
        rows: list[list[nodes.Node | str]] = []
        for schedule in export.schedules:
            days = by_day([(i["start_time"], i["end_time"]) for i in schedule["intervals"]])
            hours = nodes.line_block()
            for day, name in enumerate(ZENDESK_DAYS):
                if day in days:
                    hours += nodes.line("", f"{name} {hours_text(days[day])}")
            holidays = [f"{h['start_date']} ({h['name']})" for h in schedule["holidays"]] or [
                "none"
            ]
            rows.append([schedule["name"], schedule["time_zone"], hours, ", ".join(holidays)])
        table = build_table(
            ["Zendesk schedule", "Time zone", "Business hours", "Holidays"],
            rows,
            [25, 25, 30, 20],
            classes=["zendesk-schedules"],
        )
        self.set_source_info(table)
        self.anchor(table, "zendesk-schedules")
        return [table]

    def _targets(self, policy: Policy, export: ZendeskExport) -> list[nodes.Node]:
        tables: list[nodes.Node] = []
        mapping = policy.helpdesk.priority_to_severity() if policy.helpdesk else {}
        for plan_id, title in export.plan_titles.items():
            body = next(p for p in export.sla_policies if p["title"] == title)
            metrics = {(m["priority"], m["metric"]): m for m in body["policy_metrics"]}
            rows: list[list[nodes.Node | str]] = []
            for prio in PRIORITIES:
                if prio not in mapping:
                    continue
                row: list[nodes.Node | str] = [
                    prio.capitalize(),
                    policy.severities[mapping[prio]].name,
                ]
                for metric in METRIC_LABELS:
                    found = metrics.get((prio, metric))
                    row.append(_target(found) if found else "no target")
                rows.append(row)
            table = build_table(
                ["Priority", "Severity", *METRIC_LABELS.values()],
                rows,
                [15, 20, 32, 33],
                title=title,
                classes=["zendesk-targets"],
            )
            self.set_source_info(table)
            self.anchor(table, f"zendesk-targets-{plan_id}")
            tables.append(table)
        return tables

    def _unenforced(self, policy: Policy, export: ZendeskExport) -> list[nodes.Node]:
        bullets = nodes.bullet_list(classes=["policy-list", "zendesk-unenforced"])
        for item in export.unenforced:
            bullets += nodes.list_item("", _para(_literal(item.key_path), f": {item.reason}"))
        return [bullets]


def _target(metric: dict[str, object]) -> str:
    minutes = int(metric["target"])  # type: ignore[call-overload]
    clock = "business hours" if metric["business_hours"] else "calendar hours"
    length = format_timedelta(timedelta(minutes=minutes), use_days=False)
    return f"{minutes} minutes ({length}), {clock}"


def setup_zendesk_setup(app: Sphinx) -> None:
    app.add_directive("zendesk-setup", ZendeskSetup)
