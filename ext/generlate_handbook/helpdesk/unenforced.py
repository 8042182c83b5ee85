"""Every policy fact Zendesk cannot enforce, and why: nothing is dropped silently.

:func:`unenforced_facts` states the known gaps in readers' words, then walks every leaf of the
policy: a fact that is neither exported, nor wording only, nor listed with its reason is listed
anyway ("no help-desk setting"), so a new policy key can never disappear on its way to Zendesk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..policy.helpdesk import PRIORITIES
from ..policy.model import Policy
from ..policy.units import NoDeadline
from ..wording import format_resolved, join_words, resolve


@dataclass(frozen=True)
class Unenforced:
    key_path: str
    reason: str


# Facts the export carries into Zendesk (``*`` matches any id).
EXPORTED = (
    "schedules.*.zone",
    "schedules.*.hours",
    "schedules.*.holidays",
    "slas.*.clock",
    "slas.*.targets.*.response",
    "slas.*.targets.*.resolution.within",
    "slas.*.targets.*.resolution.clock",
    "plans.*.sla",
    "helpdesk",
)
# Names and descriptions: wording for readers, nothing to enforce.
WORDING = (
    "schedules.*.name",
    "schedules.*.description",
    "schedules.*.unit",
    "severities.*.name",
    "slas.*.name",
    "plans.*.name",
    "plans.*.audience",
    "exclusions",
)


def unenforced_facts(policy: Policy) -> list[Unenforced]:
    items = _known_gaps(policy)
    covered = [*EXPORTED, *WORDING, *(item.key_path for item in items)]
    for path in _leaves(policy, ()):
        if not any(_matches(pattern, path) for pattern in covered):
            text = ".".join(path)
            items.append(Unenforced(text, "the help desk has no setting for this; not exported"))
            covered.append(text)
    return items


def _v(policy: Policy, path: str) -> str:
    return format_resolved(policy, resolve(policy, path))


def _known_gaps(policy: Policy) -> list[Unenforced]:
    items = [
        Unenforced(
            "severities",
            "Zendesk does not decide a ticket's severity: agents set the priority that stands for"
            " it (helpdesk.priorities). A ticket without a priority gets no SLA target.",
        )
    ]
    if policy.helpdesk is not None:
        first = next(iter(policy.helpdesk.schedules.values()))
        items.append(
            Unenforced(
                "helpdesk.schedules",
                "an SLA policy names no schedule: business-hours targets count on the ticket's"
                " schedule, which is Zendesk's default schedule unless a trigger sets another."
                f" {first} must be the default (Admin Center, Schedules); neither push nor drift"
                " can see or set which schedule is the default.",
            )
        )
    return [*items, *_sla_gaps(policy), *_plan_gaps(policy), *_goal_gaps(policy)]


def _goal_gaps(policy: Policy) -> list[Unenforced]:
    """Goals that are not per-ticket targets: averages, shares, people, indicators, regions."""
    items = [
        Unenforced(
            "custom_agreements",
            f"customers with their own agreements ({join_words(policy.custom_agreements.plans)})"
            " get their plan's SLA policy in Zendesk; their contracts are not set up there.",
        ),
        Unenforced(
            "internal.first_response",
            f"{_v(policy, 'internal.first_response.within')}: Zendesk applies one SLA policy per"
            " ticket, so this internal target on another schedule cannot be a second SLA.",
        ),
        Unenforced(
            "internal.resolution",
            f"{_v(policy, 'internal.resolution.average_within')} on average: an average over many"
            " tickets, not a per-ticket target.",
        ),
        Unenforced(
            "internal.attainment",
            "Zendesk marks each target achieved or breached, but has no goal for the share met.",
        ),
        Unenforced(
            "internal.engineering_help",
            f"at most {_v(policy, 'internal.engineering_help.at_most')} of cases per"
            f" {policy.internal.engineering_help.per}: a share across tickets. Tickets needing"
            " engineering are tagged so it can be counted, not enforced.",
        ),
        Unenforced(
            "individual",
            "goals for each engineer (new cases, first response, reply gap, resolution, active"
            " cases, ramp-up) are averages per person, not per-ticket targets.",
        ),
        Unenforced("kpis", "indicators the team reports on, not help-desk settings."),
    ]
    if policy.regions:
        items.append(
            Unenforced(
                "regions",
                "the handbook's own US and Europe hours, used only to count cases by region in"
                " the ticket report (handbook-policy report); nothing for the help desk to do.",
            )
        )
    return items


def _sla_gaps(policy: Policy) -> list[Unenforced]:
    items: list[Unenforced] = []
    priorities = policy.helpdesk.priority_to_severity() if policy.helpdesk else {}
    for sla_id, sla in policy.slas.items():
        base = f"slas.{sla_id}"
        if sla.excludes or sla.applies_to:
            items.append(
                Unenforced(
                    f"{base}.applies_to",
                    f"the SLA covers {sla.applies_to} only; Zendesk cannot tell which product a"
                    " ticket is about, so excluded tickets get the SLA policy too.",
                )
            )
            items.append(Unenforced(f"{base}.excludes", "see applies_to."))
        for sev_id, targets in sla.targets.items():
            path = f"{base}.targets.{sev_id}"
            if targets.response.from_:
                items.append(
                    Unenforced(
                        f"{path}.response.from",
                        f"counted from {targets.response.from_}; Zendesk counts first reply time"
                        " from the ticket's creation.",
                    )
                )
            if isinstance(targets.resolution.within, NoDeadline):
                prios = [p for p in PRIORITIES if priorities.get(p) == sev_id]
                items.append(
                    Unenforced(
                        f"{path}.resolution.within",
                        f"'when complete' has no deadline, so priorities {join_words(prios)} have"
                        " no resolution target in Zendesk.",
                    )
                )
            if targets.resolution.effort:
                items.append(
                    Unenforced(
                        f"{path}.resolution.effort",
                        "Zendesk measures the time to resolve, not the effort spent.",
                    )
                )
    return items


def _plan_gaps(policy: Policy) -> list[Unenforced]:
    items = []
    for plan_id, plan in policy.plans.items():
        if plan.availability is not None:
            items.append(
                Unenforced(
                    f"plans.{plan_id}.availability",
                    "service availability is measured by monitoring, not by the help desk.",
                )
            )
        if plan.maintenance is not None:
            items.append(
                Unenforced(
                    f"plans.{plan_id}.maintenance",
                    "maintenance notice and downtime are operations commitments, not tickets.",
                )
            )
    return items


def _leaves(node: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            value = getattr(node, name)
            if value not in (None, "", [], {}):
                yield from _leaves(value, (*path, info.alias or name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, str(key)))
    else:
        yield path


def _matches(pattern: str, path: tuple[str, ...]) -> bool:
    parts = pattern.split(".")
    return len(parts) <= len(path) and all(p in ("*", q) for p, q in zip(parts, path, strict=False))
