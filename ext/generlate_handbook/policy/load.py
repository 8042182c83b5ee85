"""Load the policy: read YAML (located) -> validate structure (pydantic) -> resolve references.

Every failure becomes a :class:`~.source.PolicyError` naming file, line and key path; callers
get a :class:`~.source.PolicyErrors` exception, never a traceback from a library.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .helpdesk import helpdesk_errors
from .limits import excerpt
from .model import CALENDAR, Policy, Sla
from .source import (
    PolicyError,
    PolicyErrors,
    PolicySource,
    Snapshot,
    parse_snapshots,
    policy_files,
    take_snapshots,
)
from .tree import keys_at
from .units import Duration, NoDeadline

DEFAULT_POLICY_DIR = "policy"


def find_policy_dir(start: Path | None = None) -> Path:
    """``$HANDBOOK_POLICY_DIR``, else the nearest ``policy/`` folder at or above ``start``."""
    if env := os.environ.get("HANDBOOK_POLICY_DIR"):
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DEFAULT_POLICY_DIR).is_dir():
            return folder / DEFAULT_POLICY_DIR
    return here / DEFAULT_POLICY_DIR


@dataclass(frozen=True)
class LoadedPolicy:
    """The typed policy and the located YAML it came from (for errors and dependencies)."""

    policy: Policy
    source: PolicySource

    @property
    def files(self) -> list[Path]:
        return self.source.files


def load(location: Path | Sequence[Path]) -> LoadedPolicy:
    """Load a policy folder (every ``*.yaml`` in it) or an explicit list of files."""
    return _load_snapshots(take_snapshots(_files(location)))


def _files(location: Path | Sequence[Path]) -> list[Path]:
    files = policy_files(location) if isinstance(location, Path) else list(location)
    if isinstance(location, Path) and not files:
        state = "has no *.yaml files" if location.is_dir() else "does not exist"
        name = PolicySource.display_name(location)
        raise PolicyErrors([PolicyError(name, 0, "", f"the policy folder {location} {state}")])
    return files


def _load_snapshots(snapshots: tuple[Snapshot, ...]) -> LoadedPolicy:
    source = parse_snapshots(snapshots)
    policy = _validate(source)
    errors = list(_resolve_references(policy, source))
    if errors:
        raise PolicyErrors(errors)
    return LoadedPolicy(policy, source)


def load_policy(location: Path | Sequence[Path]) -> Policy:
    """The typed policy alone; see :func:`load`."""
    return load(location).policy


# Keyed by the files' names and whole texts: a file is read (consistently, see
# ``source.snapshot``) on every call, and parsed only when its text changed.
_load_cached = functools.lru_cache(maxsize=8)(_load_snapshots)


def load_cached(policy_dir: Path) -> LoadedPolicy:
    """:func:`load`, reused while no file in the folder changes (for Sphinx builds)."""
    return _load_cached(take_snapshots(_files(policy_dir)))


# --- structure ---------------------------------------------------------------------------------

_TYPE_MESSAGES = {
    "string_type": "expected text",
    "dict_type": "expected a mapping",
    "list_type": "expected a list",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "literal_error": "expected one of",
    "date_type": "expected a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date written YYYY-MM-DD",
}


def _validate(source: PolicySource) -> Policy:
    try:
        return Policy.model_validate(source.data)
    except ValidationError as exc:
        raise PolicyErrors(_located(source, error) for error in exc.errors()) from None


def validate_located(root: Any, data: Any, source: PolicySource) -> Any:
    """Validate ``data`` as ``root`` (a model, or a type such as ``list[Model]``), with every
    error located in ``source`` like the policy's; raise :class:`PolicyErrors`."""
    try:
        return TypeAdapter(root).validate_python(data)
    except ValidationError as exc:
        raise PolicyErrors(_located(source, error, root) for error in exc.errors()) from None


def _located(source: PolicySource, error: Any, root: Any = Policy) -> PolicyError:
    """Turn one pydantic error into a located, plain-language one (``root``: the model)."""
    loc = [part for part in error["loc"] if part != "[key]"]
    kind: str = error["type"]
    # Unions and constrained types add their own names to the location: drop them.
    loc = [part for part in loc if not (isinstance(part, str) and _is_type_tag(part))]
    if kind == "extra_forbidden":
        allowed = keys_at(root, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listing = f" (allowed: {', '.join(allowed)})" if allowed and not close else ""
        return source.error(loc, f"unknown key {excerpt(loc[-1])}{hint}{listing}")
    if kind == "missing":
        return source.error(loc, f"missing required key {excerpt(loc[-1])}")
    message = error["msg"].removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        message = (
            f"{excerpt(error['input'])} is not a valid id: use lower-case letters, digits and"
            " hyphens"
        )
    elif kind == "too_short":
        message = "must not be empty"
    elif kind in _TYPE_MESSAGES:
        expected = _TYPE_MESSAGES[kind]
        if kind == "literal_error":
            expected = f"expected {error['ctx']['expected']}"
        message = f"{expected}, got {excerpt(error['input'])}"
    return source.error(loc, message)


def _is_type_tag(part: str) -> bool:
    """Names pydantic adds to a location for validators and unions; not YAML keys."""
    return part.startswith(("function-", "union[", "constrained-"))


# --- references --------------------------------------------------------------------------------


def _resolve_references(policy: Policy, source: PolicySource) -> list[PolicyError]:
    """Cross-references the model alone cannot check: clocks, SLAs, exclusions, units."""
    check = _References(policy, source)
    check.slas()
    check.plans()
    check.named_targets()
    return [*check.errors, *helpdesk_errors(policy, source)]


class _References:
    """Collects located errors about names that point elsewhere in the policy."""

    def __init__(self, policy: Policy, source: PolicySource) -> None:
        self.policy, self.source = policy, source
        self.errors: list[PolicyError] = []

    def error(self, path: Sequence[str | int], message: str) -> None:
        self.errors.append(self.source.error(path, message))

    def clock_ok(self, name: str, path: Sequence[str | int]) -> bool:
        if name == CALENDAR or name in self.policy.schedules:
            return True
        known = ", ".join([CALENDAR, *self.policy.schedules])
        self.error(path, f"unknown clock {name!r} (known: {known})")
        return False

    def duration_ok(self, value: object, clock: str, path: Sequence[str | int]) -> None:
        if not isinstance(value, Duration) or clock not in {CALENDAR, *self.policy.schedules}:
            return
        if clock == CALENDAR and value.unit.is_business:
            self.error(
                path, f"{value} needs a business clock; this target counts on the calendar clock"
            )
        elif clock != CALENDAR and value.unit.is_calendar_only:
            self.error(
                path,
                f"'{value}' is ambiguous on the {clock} clock: write working time in hours"
                " (e.g. 24h) or in business days or weeks",
            )
        elif (
            clock != CALENDAR
            and value.unit.value == "business day"
            and self.policy.schedules[clock].open_minutes()[0] is None
        ):
            self.error(
                path,
                f"the {clock} clock's open days differ in length, so"
                " 'business day' has no fixed length: write hours",
            )

    def slas(self) -> None:
        policy = self.policy
        for sla_id, sla in policy.slas.items():
            base = ("slas", sla_id)
            self.clock_ok(sla.clock, (*base, "clock"))
            for index, exclusion in enumerate(sla.excludes):
                if exclusion not in policy.exclusions:
                    self.error((*base, "excludes", index), f"unknown exclusion {exclusion!r}")
            self.errors.extend(_severity_coverage(policy, sla, base, self.source))
            for sev_id, targets in sla.targets.items():
                self.targets(sla, base, sev_id, targets)

    def targets(self, sla: Sla, base: tuple[str, ...], sev_id: str, targets: Any) -> None:
        for kind in ("response", "resolution"):
            target = getattr(targets, kind)
            path = (*base, "targets", sev_id, kind)
            if target.clock is not None and not self.clock_ok(target.clock, (*path, "clock")):
                continue
            clock = self.policy.target_clock(sla, target)
            self.duration_ok(target.within, clock, (*path, "within"))
        if isinstance(targets.response.within, NoDeadline):
            self.error(
                (*base, "targets", sev_id, "response", "within"),
                "a response target needs a deadline; only resolution may be 'when complete'",
            )

    def plans(self) -> None:
        for plan_id, plan in self.policy.plans.items():
            if plan.sla not in self.policy.slas:
                known = ", ".join(self.policy.slas)
                self.error(("plans", plan_id, "sla"), f"unknown SLA {plan.sla!r} (known: {known})")
            if (plan.maintenance is None) != (plan.availability is None) and plan.maintenance:
                self.error(("plans", plan_id), "maintenance needs an availability target")

    def named_targets(self) -> None:
        for section, name in (
            ("internal", "first_response"),
            ("individual", "first_response"),
            ("internal", "resolution"),
            ("individual", "resolution"),
            ("individual", "reply_gap"),
        ):
            item = getattr(getattr(self.policy, section), name)
            if self.clock_ok(item.clock, (section, name, "clock")):
                self.duration_ok(item.amount, item.clock, (section, name))


def _severity_coverage(
    policy: Policy, sla: Sla, base: tuple[str, ...], source: PolicySource
) -> list[PolicyError]:
    errors = []
    for sev_id in sla.targets:
        if sev_id not in policy.severities:
            known = ", ".join(policy.severities)
            errors.append(
                source.error(
                    (*base, "targets", sev_id), f"unknown severity {sev_id!r} (known: {known})"
                )
            )
    missing = [sev for sev in policy.severities if sev not in sla.targets]
    if missing:
        errors.append(
            source.error((*base, "targets"), f"no targets for severity {', '.join(missing)}")
        )
    return errors
