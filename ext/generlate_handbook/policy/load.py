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
from .model import CALENDAR, Policy, Sla
from .source import PolicyError, PolicyErrors, PolicySource, policy_files, read_sources
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
    files = policy_files(location) if isinstance(location, Path) else list(location)
    if isinstance(location, Path) and not files:
        state = "has no *.yaml files" if location.is_dir() else "does not exist"
        name = PolicySource.display_name(location)
        raise PolicyErrors([PolicyError(name, 0, "", f"the policy folder {location} {state}")])
    source = read_sources(files)
    policy = _validate(source)
    errors = list(_resolve_references(policy, source))
    if errors:
        raise PolicyErrors(errors)
    return LoadedPolicy(policy, source)


def load_policy(location: Path | Sequence[Path]) -> Policy:
    """The typed policy alone; see :func:`load`."""
    return load(location).policy


@functools.lru_cache(maxsize=8)
def _load_cached(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> LoadedPolicy:
    return load(Path(folder))


def load_cached(policy_dir: Path) -> LoadedPolicy:
    """:func:`load`, reused while no file in the folder changes (for Sphinx builds)."""
    files = policy_files(policy_dir)
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return _load_cached(str(policy_dir.resolve()), stamp)


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
        return source.error(loc, f"unknown key {loc[-1]!r}{hint}{listing}")
    if kind == "missing":
        return source.error(loc, f"missing required key {loc[-1]!r}")
    message = error["msg"].removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        message = (
            f"{error['input']!r} is not a valid id: use lower-case letters, digits and hyphens"
        )
    elif kind == "too_short":
        message = "must not be empty"
    elif kind in _TYPE_MESSAGES:
        expected = _TYPE_MESSAGES[kind]
        if kind == "literal_error":
            expected = f"expected {error['ctx']['expected']}"
        message = f"{expected}, got {error['input']!r}"
    return source.error(loc, message)


def _is_type_tag(part: str) -> bool:
    """Names pydantic adds to a location for validators and unions; not YAML keys."""
    return part.startswith(("function-", "union[", "constrained-"))


# --- references --------------------------------------------------------------------------------


def _resolve_references(policy: Policy, source: PolicySource) -> list[PolicyError]:
    errors: list[PolicyError] = []

    def clock_ok(name: str, path: Sequence[str | int]) -> bool:
        if name == CALENDAR or name in policy.schedules:
            return True
        known = ", ".join([CALENDAR, *policy.schedules])
        errors.append(source.error(path, f"unknown clock {name!r} (known: {known})"))
        return False

    def duration_ok(value: object, clock: str, path: Sequence[str | int]) -> None:
        if not isinstance(value, Duration) or clock not in {CALENDAR, *policy.schedules}:
            return
        if clock == CALENDAR and value.unit.is_business:
            errors.append(
                source.error(
                    path,
                    f"{value} needs a business clock; this target counts on the calendar clock",
                )
            )
        elif clock != CALENDAR and value.unit.is_calendar_only:
            errors.append(
                source.error(
                    path,
                    f"'{value}' is ambiguous on the {clock} clock: write working time in hours"
                    " (e.g. 24h) or in business days or weeks",
                )
            )
        elif clock != CALENDAR and value.unit.is_business:
            spec = policy.schedules[clock]
            if value.unit.value == "business day" and spec.open_minutes()[0] is None:
                errors.append(
                    source.error(
                        path,
                        f"the {clock} clock's open days differ in length, so"
                        " 'business day' has no fixed length: write hours",
                    )
                )

    for sla_id, sla in policy.slas.items():
        base = ("slas", sla_id)
        clock_ok(sla.clock, (*base, "clock"))
        for index, exclusion in enumerate(sla.excludes):
            if exclusion not in policy.exclusions:
                errors.append(
                    source.error((*base, "excludes", index), f"unknown exclusion {exclusion!r}")
                )
        errors.extend(_severity_coverage(policy, sla, base, source))
        for sev_id, targets in sla.targets.items():
            for kind in ("response", "resolution"):
                target = getattr(targets, kind)
                path = (*base, "targets", sev_id, kind)
                if target.clock is not None and not clock_ok(target.clock, (*path, "clock")):
                    continue
                duration_ok(target.within, policy.target_clock(sla, target), (*path, "within"))
            if isinstance(targets.response.within, NoDeadline):
                errors.append(
                    source.error(
                        (*base, "targets", sev_id, "response", "within"),
                        "a response target needs a deadline; only resolution may be"
                        " 'when complete'",
                    )
                )

    for plan_id, plan in policy.plans.items():
        if plan.sla not in policy.slas:
            known = ", ".join(policy.slas)
            errors.append(
                source.error(
                    ("plans", plan_id, "sla"), f"unknown SLA {plan.sla!r} (known: {known})"
                )
            )
        if (plan.maintenance is None) != (plan.availability is None) and plan.maintenance:
            errors.append(
                source.error(("plans", plan_id), "maintenance needs an availability target")
            )

    for section, name in (
        ("internal", "first_response"),
        ("individual", "first_response"),
        ("internal", "resolution"),
        ("individual", "resolution"),
        ("individual", "reply_gap"),
    ):
        item = getattr(getattr(policy, section), name)
        path = (section, name)
        if clock_ok(item.clock, (*path, "clock")):
            duration_ok(item.amount, item.clock, path)
    errors.extend(helpdesk_errors(policy, source))
    return errors


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
