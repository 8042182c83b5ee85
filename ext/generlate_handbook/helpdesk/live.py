"""Read what a Zendesk has: the JSON its list endpoints return, ids and timestamps included.

``schedules.json`` is ``GET /api/v2/business_hours/schedules`` (``{"schedules": [...]}``, or
one ``{"schedule": {...}}``); ``sla_policies.json`` is ``GET /api/v2/slas/policies``
(``{"sla_policies": [...]}``, or one ``{"sla_policy": {...}}``). A schedule's holidays come
from its ``holidays`` key (an export has one) or from ``holidays-<schedule id>.json`` next to
it (``GET .../schedules/{id}/holidays``). Every problem is a :class:`LiveInputError` naming the
file and, where it can, the line or the key path; unknown extra keys are ignored (Zendesk adds
fields over time).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BYTES = 20 * 1024 * 1024


class LiveInputError(ValueError):
    """Unreadable input: ``FILE[:LINE]: [key.path: ]message``."""


@dataclass
class LiveSchedule:
    name: str
    time_zone: str
    intervals: list[tuple[int, int]]
    holidays: list[tuple[str, str, str]] | None  # (start, end, name); None: not known
    id: object = None


@dataclass
class LiveMetric:
    priority: str
    metric: str
    minutes: float
    business_hours: bool


@dataclass
class LivePolicy:
    title: str
    conditions: dict[str, list[tuple[str, str, str]]]
    metrics: list[LiveMetric]
    id: object = None
    description: str = ""


@dataclass
class LiveState:
    schedules: list[LiveSchedule] = field(default_factory=list)
    policies: list[LivePolicy] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_json(path: Path) -> Any:
    if not path.is_file():
        raise LiveInputError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise LiveInputError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise LiveInputError(f"{path}: not UTF-8 text ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise LiveInputError(f"{path}:{error.lineno}: not JSON: {error.msg}") from None
    except RecursionError:
        raise LiveInputError(f"{path}: not JSON the help desk writes: nested too deeply") from None


def read_live(folder: Path) -> LiveState:
    if not folder.is_dir():
        raise LiveInputError(f"{folder}: no such folder")
    state = LiveState()
    path = folder / "schedules.json"
    for index, item in enumerate(_items(read_json(path), path, "schedules", "schedule")):
        state.schedules.append(_schedule(item, path, f"schedules[{index}]", folder, state))
    path = folder / "sla_policies.json"
    for index, item in enumerate(_items(read_json(path), path, "sla_policies", "sla_policy")):
        state.policies.append(parse_policy(item, path, f"sla_policies[{index}]"))
    return state


def _items(data: Any, path: Path, plural: str, singular: str) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get(plural), list):
        return data[plural]
    if isinstance(data, dict) and isinstance(data.get(singular), dict):
        return [data[singular]]
    raise LiveInputError(f"{path}: expected an object with a {plural!r} list or a {singular!r}")


def _get(item: Any, key: str, kind: type | tuple[type, ...], path: Path, where: str) -> Any:
    if not isinstance(item, dict):
        raise LiveInputError(f"{path}: {where}: expected an object")
    value = item.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise LiveInputError(f"{path}: {where}.{key}: expected {names}, got {value!r}"[:300])
    return value


def _schedule(item: Any, path: Path, where: str, folder: Path, state: LiveState) -> LiveSchedule:
    intervals = []
    for index, interval in enumerate(_get(item, "intervals", list, path, where)):
        at = f"{where}.intervals[{index}]"
        start = _get(interval, "start_time", int, path, at)
        end = _get(interval, "end_time", int, path, at)
        if not 0 <= start < end <= 10080:
            raise LiveInputError(f"{path}: {at}: {start}-{end} is not within one week")
        intervals.append((start, end))
    schedule = LiveSchedule(
        _get(item, "name", str, path, where),
        _get(item, "time_zone", str, path, where),
        sorted(intervals),
        None,
        item.get("id"),
    )
    if "holidays" in item:
        schedule.holidays = _holidays(item["holidays"], path, f"{where}.holidays")
    elif schedule.id is not None:
        file = folder / f"holidays-{schedule.id}.json"
        if file.is_file():
            data = read_json(file)
            listed = data.get("holidays") if isinstance(data, dict) else None
            schedule.holidays = _holidays(listed, file, "holidays")
    if schedule.holidays is None:
        state.notes.append(
            f"holidays of schedule {schedule.name!r} not compared: no holidays list"
            + (f" (holidays-{schedule.id}.json)" if schedule.id is not None else "")
        )
    return schedule


def _holidays(value: Any, path: Path, where: str) -> list[tuple[str, str, str]]:
    if not isinstance(value, list):
        raise LiveInputError(f"{path}: {where}: expected a list")
    result = []
    for index, holiday in enumerate(value):
        at = f"{where}[{index}]"
        result.append(
            (
                _get(holiday, "start_date", str, path, at),
                _get(holiday, "end_date", str, path, at),
                _get(holiday, "name", str, path, at),
            )
        )
    return sorted(result)


def parse_policy(item: Any, path: Path, where: str) -> LivePolicy:
    filters = _get(item, "filter", dict, path, where)
    conditions: dict[str, list[tuple[str, str, str]]] = {}
    for group in ("all", "any"):
        found = filters.get(group) or []
        if not isinstance(found, list):
            raise LiveInputError(f"{path}: {where}.filter.{group}: expected a list")
        conditions[group] = sorted(
            (
                _get(c, "field", str, path, f"{where}.filter.{group}[{i}]"),
                _get(c, "operator", str, path, f"{where}.filter.{group}[{i}]"),
                _value(c.get("value")),
            )
            for i, c in enumerate(found)
        )
    metrics = []
    for index, metric in enumerate(_get(item, "policy_metrics", list, path, where)):
        at = f"{where}.policy_metrics[{index}]"
        seconds = metric.get("target_in_seconds") if isinstance(metric, dict) else None
        target = _get(metric, "target", int, path, at)
        minutes = (
            seconds / 60 if isinstance(seconds, int) and not isinstance(seconds, bool) else target
        )
        metrics.append(
            LiveMetric(
                _get(metric, "priority", str, path, at),
                _get(metric, "metric", str, path, at),
                minutes,
                _get(metric, "business_hours", bool, path, at),
            )
        )
    description = item.get("description") if isinstance(item.get("description"), str) else ""
    return LivePolicy(
        _get(item, "title", str, path, where), conditions, metrics, item.get("id"), description
    )


def _value(value: object) -> str:
    """Condition values: Zendesk answers ``"4"`` or ``4`` or a list; compare them as text."""
    if isinstance(value, list):
        return ",".join(sorted(str(v) for v in value))
    return "" if value is None else str(value)
