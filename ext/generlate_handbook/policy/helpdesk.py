"""The ``helpdesk`` policy section: how the help desk (Zendesk) sees the policy.

Zendesk knows ticket *priorities*, not our severities; it recognises a customer's plan by an
organization tag (Zendesk copies an organization's tags onto its tickets) or by a ticket field;
it counts business time on named schedules. This module holds that mapping as a typed model,
with the lookups ticket tooling needs (severity of a priority, plan of a ticket, the
engineering-help tag), and :func:`helpdesk_errors`, the cross-reference checks
:mod:`.load` runs. Turning the policy into Zendesk's JSON lives in ``generlate_handbook.helpdesk``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .zendesk_zones import zendesk_zone_name

if TYPE_CHECKING:
    from .model import Policy
    from .source import PolicyError, PolicySource

Priority = Literal["urgent", "high", "normal", "low"]
PRIORITIES: tuple[Priority, ...] = ("urgent", "high", "normal", "low")
# Zendesk lower-cases tags and splits them at spaces.
Tag = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_:./-]*$", max_length=80)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
DEFAULT_PRIORITIES: dict[str, list[Priority]] = {
    "sev1": ["urgent", "high"],
    "sev2": ["normal", "low"],
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TicketField(_Model):
    """A custom ticket field and the value that marks the plan (a drop-down option's tag)."""

    id: int = Field(gt=0)
    value: Name


class PlanMatch(_Model):
    """How a ticket's plan is recognised: exactly one of an organization tag or a ticket field."""

    organization_tag: Tag | None = None
    ticket_field: TicketField | None = None
    title: Name | None = Field(None, description="The SLA policy's title in Zendesk")

    @model_validator(mode="after")
    def _exactly_one(self) -> PlanMatch:
        if (self.organization_tag is None) == (self.ticket_field is None):
            raise ValueError("give exactly one of organization_tag or ticket_field")
        return self

    def condition(self) -> dict[str, str]:
        """The Zendesk filter condition (conditions reference) that selects this plan's tickets."""
        if self.organization_tag is not None:
            return {"field": "current_tags", "operator": "includes", "value": self.organization_tag}
        assert self.ticket_field is not None
        field = self.ticket_field
        return {"field": f"custom_fields_{field.id}", "operator": "is", "value": field.value}

    def describe(self) -> str:
        if self.organization_tag is not None:
            return f"organization tag {self.organization_tag}"
        assert self.ticket_field is not None
        return f"ticket field {self.ticket_field.id} set to {self.ticket_field.value}"


class Helpdesk(_Model):
    """The ``helpdesk`` section of the policy."""

    priorities: dict[str, list[Priority]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_PRIORITIES.items()}
    )
    plans: dict[str, PlanMatch]
    engineering_help_tag: Tag
    schedules: dict[str, Name]

    # --- lookups for ticket tooling ------------------------------------------------------------

    def severity_of(self, priority: str | None) -> str | None:
        """The severity id a Zendesk priority maps to; None for no priority or an unknown one."""
        return self.priority_to_severity().get(priority or "")

    def priority_to_severity(self) -> dict[str, str]:
        """``{"urgent": "sev1", "high": "sev1", ...}``: ready for a columnar ``replace``."""
        return {prio: sev for sev, prios in self.priorities.items() for prio in prios}

    def tag_to_plan(self) -> dict[str, str]:
        """Organization tag -> plan id, for plans recognised by a tag."""
        return {m.organization_tag: p for p, m in self.plans.items() if m.organization_tag}

    def field_to_plan(self) -> dict[tuple[int, str], str]:
        """(ticket field id, value) -> plan id, for plans recognised by a ticket field."""
        return {
            (m.ticket_field.id, m.ticket_field.value): p
            for p, m in self.plans.items()
            if m.ticket_field is not None
        }

    def plan_of(
        self, tags: Iterable[str], fields: Mapping[int, object] | None = None
    ) -> str | None:
        """The plan of a ticket with these tags and custom field values; None if none matches.

        A ticket matching two plans is an error in the help desk's data: :class:`ValueError`.
        """
        tag_set = set(tags)
        found = {plan for tag, plan in self.tag_to_plan().items() if tag in tag_set}
        for (field_id, value), plan in self.field_to_plan().items():
            if fields is not None and str(fields.get(field_id)) == value:
                found.add(plan)
        if len(found) > 1:
            raise ValueError(f"the ticket matches more than one plan: {', '.join(sorted(found))}")
        return found.pop() if found else None

    def is_engineering_help(self, tags: Iterable[str]) -> bool:
        return self.engineering_help_tag in set(tags)

    def title_for(self, plan_id: str, plan_name: str) -> str:
        match = self.plans[plan_id]
        return match.title or f"{plan_name} plan SLA"


# --- cross-reference checks ----------------------------------------------------------------------


def helpdesk_errors(policy: Policy, source: PolicySource) -> list[PolicyError]:
    """Every severity, plan and schedule mapped exactly once; no priority, tag or name twice."""
    helpdesk = policy.helpdesk
    if helpdesk is None:
        return []
    errors: list[PolicyError] = []
    base = ("helpdesk",)
    errors += _coverage(
        source, (*base, "priorities"), helpdesk.priorities, policy.severities, "severity"
    )
    errors += _coverage(source, (*base, "plans"), helpdesk.plans, policy.plans, "plan")
    errors += _coverage(
        source, (*base, "schedules"), helpdesk.schedules, policy.schedules, "schedule"
    )
    claimed: dict[str, str] = {}
    for sev_id, prios in helpdesk.priorities.items():
        if not prios:
            errors.append(
                source.error((*base, "priorities", sev_id), "needs at least one priority")
            )
        for index, prio in enumerate(prios):
            if prio in claimed:
                errors.append(
                    source.error(
                        (*base, "priorities", sev_id, index),
                        f"priority {prio!r} is already claimed by {claimed[prio]}",
                    )
                )
            claimed.setdefault(prio, sev_id)
    errors += _unique(
        source,
        (*base, "plans"),
        {p: m.condition()["value"] for p, m in helpdesk.plans.items()},
        "marker",
    )
    errors += _unique(
        source, (*base, "schedules"), dict(helpdesk.schedules), "Zendesk schedule name"
    )
    for plan_id, match in helpdesk.plans.items():
        if match.organization_tag == helpdesk.engineering_help_tag:
            errors.append(
                source.error(
                    (*base, "plans", plan_id, "organization_tag"),
                    "the engineering-help tag cannot also mark a plan",
                )
            )
    for schedule_id, spec in policy.schedules.items():
        if schedule_id in helpdesk.schedules:
            try:
                zendesk_zone_name(spec.zone.key)
            except ValueError as error:
                errors.append(source.error(("schedules", schedule_id, "zone"), str(error)))
    return errors


def _coverage(
    source: PolicySource,
    path: tuple[str, ...],
    mapped: Mapping[str, object],
    known: Mapping[str, object],
    what: str,
) -> list[PolicyError]:
    errors = [
        source.error((*path, key), f"unknown {what} {key!r} (known: {', '.join(known)})")
        for key in mapped
        if key not in known
    ]
    missing = [key for key in known if key not in mapped]
    if missing:
        errors.append(source.error(path, f"no help-desk mapping for {what} {', '.join(missing)}"))
    return errors


def _unique(
    source: PolicySource, path: tuple[str, ...], values: Mapping[str, str], what: str
) -> list[PolicyError]:
    seen: dict[str, str] = {}
    errors = []
    for key, value in values.items():
        if value in seen:
            errors.append(
                source.error((*path, key), f"{what} {value!r} is already used by {seen[value]}")
            )
        seen.setdefault(value, key)
    return errors


def priorities_in_order(helpdesk: Helpdesk, severities: Sequence[str]) -> list[tuple[str, str]]:
    """``[(priority, severity id), ...]`` from the highest priority to the lowest."""
    mapping = helpdesk.priority_to_severity()
    return [(prio, mapping[prio]) for prio in PRIORITIES if mapping.get(prio) in severities]
