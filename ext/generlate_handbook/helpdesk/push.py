"""Create or update Zendesk's schedules and SLA policies from the export, idempotently.

Reads what Zendesk has first, then writes only what differs: a second run makes no write.
Schedules and SLA policies are matched by name and title; ones the policy does not define are
left alone (``drift`` reports them). Without ``apply`` nothing is written: the actions are listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..policy.zendesk_zones import iana_of
from .client import Client, ZendeskError
from .export import ZendeskExport, json_text, write_atomic
from .live import LiveInputError, parse_policy

SCHEDULES = "/api/v2/business_hours/schedules"
POLICIES = "/api/v2/slas/policies"
MAX_PAGES = 50


def list_policies(client: Client) -> list[dict[str, Any]]:
    """Every SLA policy, following ``next_page`` on the same host (bounded)."""
    items: list[dict[str, Any]] = []
    path: str | None = POLICIES
    for _ in range(MAX_PAGES):
        if path is None:
            return items
        page = _object(client.get(path), path)
        items += _list(page, "sla_policies", path)
        following = page.get("next_page")
        path = _same_host(client, following) if following else None
    raise ZendeskError(f"GET {POLICIES}: more than {MAX_PAGES} pages")


def _same_host(client: Client, url: str) -> str:
    parts, base = urlsplit(str(url)), urlsplit(client.base)
    if parts.netloc != base.netloc:
        raise ZendeskError(f"next_page {url!r} points away from {client.base}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _id(item: dict[str, Any], what: str) -> int:
    value = item.get("id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise ZendeskError(f"Zendesk's {what} has no numeric id")
    return value


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ZendeskError(f"GET {path}: expected a JSON object")
    return value


def _list(value: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
    items = value.get(key)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ZendeskError(f"GET {path}: expected a {key!r} list")
    return items


def fetch(client: Client, out: Path) -> list[Path]:
    """Write what Zendesk has as ``drift`` reads it: schedules, SLA policies, holidays."""
    out.mkdir(parents=True, exist_ok=True)
    schedules = _object(client.get(SCHEDULES), SCHEDULES)
    files = {
        "schedules.json": schedules,
        "sla_policies.json": {"sla_policies": list_policies(client)},
    }
    for schedule in _list(schedules, "schedules", SCHEDULES):
        sid = schedule.get("id")
        if isinstance(sid, int) and not isinstance(sid, bool):
            files[f"holidays-{sid}.json"] = _object(
                client.get(f"{SCHEDULES}/{sid}/holidays"), "holidays"
            )
    return [write_atomic(out, name, json_text(data)) for name, data in files.items()]


@dataclass
class _Actions:
    """What a sync does: each action is listed, and sent only when ``apply``."""

    client: Client
    apply: bool
    done: list[str] = field(default_factory=list)

    def do(self, description: str, method: str, path: str, body: object = None) -> Any:
        self.done.append(description)
        return self.client.send(method, path, body) if self.apply else None


def sync(client: Client, export: ZendeskExport, apply: bool) -> list[str]:
    """Bring Zendesk to the export; returns the actions taken (or, without ``apply``, planned)."""
    act = _Actions(client, apply)
    live = {
        s.get("name"): s
        for s in _list(_object(client.get(SCHEDULES), SCHEDULES), "schedules", SCHEDULES)
    }
    for wanted in export.schedules:
        _sync_schedule(act, wanted, live.get(wanted["name"]))
    policies = {p.get("title"): p for p in list_policies(client)}
    for wanted in export.sla_policies:
        _sync_policy(act, wanted, policies.get(wanted["title"]))
    return act.done


def _sync_schedule(act: _Actions, wanted: dict[str, Any], have: dict[str, Any] | None) -> None:
    name = wanted["name"]
    head = {"name": name, "time_zone": wanted["time_zone"]}
    holidays: list[dict[str, Any]] = []
    if have is None:
        created = act.do(
            f"create schedule {name!r} ({wanted['time_zone']})",
            "POST",
            SCHEDULES,
            {"schedule": head},
        )
        if not act.apply:
            act.done.append(f"set the hours of schedule {name!r}")
            act.done += [
                f"add holiday {h['start_date']} ({h['name']}) to {name!r}"
                for h in wanted["holidays"]
            ]
            return
        have = _object(_object(created, SCHEDULES).get("schedule"), SCHEDULES)
    else:
        path = f"{SCHEDULES}/{_id(have, repr(name))}"
        holidays = _list(
            _object(act.client.get(f"{path}/holidays"), "holidays"), "holidays", "holidays"
        )
        if iana_of(str(have.get("time_zone"))) != iana_of(wanted["time_zone"]):
            act.do(
                f"change the time zone of {name!r} to {wanted['time_zone']}",
                "PUT",
                path,
                {"schedule": head},
            )
    sid = _id(have, f"schedule {name!r}")
    current = sorted(
        (i.get("start_time"), i.get("end_time"))
        for i in have.get("intervals") or []
        if isinstance(i, dict)
    )
    if current != [(i["start_time"], i["end_time"]) for i in wanted["intervals"]]:
        act.do(
            f"set the hours of schedule {name!r}",
            "PUT",
            f"{SCHEDULES}/{sid}/workweek",
            {"workweek": {"intervals": wanted["intervals"]}},
        )
    _sync_holidays(act, name, sid, wanted["holidays"], holidays)


def _sync_holidays(
    act: _Actions, name: str, sid: object, wanted: list[dict[str, str]], have: list[dict[str, Any]]
) -> None:
    existing = {(h.get("start_date"), h.get("end_date")): h for h in have}
    holidays = f"{SCHEDULES}/{sid}/holidays"
    for holiday in wanted:
        found = existing.pop((holiday["start_date"], holiday["end_date"]), None)
        if found is None:
            act.do(
                f"add holiday {holiday['start_date']} ({holiday['name']}) to {name!r}",
                "POST",
                holidays,
                {"holiday": holiday},
            )
        elif found.get("name") != holiday["name"]:
            act.do(
                f"rename holiday {holiday['start_date']} of {name!r} to {holiday['name']!r}",
                "PUT",
                f"{holidays}/{_id(found, 'holiday')}",
                {"holiday": holiday},
            )
    for extra in existing.values():
        act.do(
            f"remove holiday {extra.get('start_date')} ({extra.get('name')}) from {name!r}",
            "DELETE",
            f"{holidays}/{_id(extra, 'holiday')}",
        )


def _sync_policy(act: _Actions, wanted: dict[str, Any], have: dict[str, Any] | None) -> None:
    title = wanted["title"]
    if have is None:
        act.do(f"create SLA policy {title!r}", "POST", POLICIES, {"sla_policy": wanted})
    elif _policy_key(have) != _policy_key(wanted):
        act.do(
            f"update SLA policy {title!r}",
            "PUT",
            f"{POLICIES}/{_id(have, repr(title))}",
            {"sla_policy": wanted},
        )


def _policy_key(item: dict[str, Any]) -> tuple[object, ...]:
    try:
        parsed = parse_policy(item, Path("zendesk"), "sla_policy")
    except LiveInputError:
        return ("unreadable", id(item))
    metrics = sorted((m.priority, m.metric, m.minutes, m.business_hours) for m in parsed.metrics)
    return (parsed.conditions["all"], parsed.conditions["any"], metrics, parsed.description)
