"""A fake Zendesk API on 127.0.0.1 (port 0) that checks every request body against the shapes
documented in Zendesk's API reference (Schedules; SLA Policies), and keeps state in memory.

Any body that does not match is answered ``400`` and recorded in :attr:`FakeZendesk.violations`.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from generlate_handbook.policy.zendesk_zones import ZENDESK_ZONES

PRIORITIES = {"urgent", "high", "normal", "low"}
METRICS = {
    "agent_work_time",
    "first_reply_time",
    "next_reply_time",
    "pausable_update_time",
    "periodic_update_time",
    "requester_wait_time",
    "total_resolution_time",
}
# Zendesk's default hours for a new schedule (the 201 example of Create Schedule).
DEFAULT_INTERVALS = [
    {"start_time": 1980 + day * 1440, "end_time": 2460 + day * 1440} for day in range(5)
]
STAMP = "2026-11-27T10:00:00Z"


class Shape(Exception):
    pass


def _keys(
    value: Any, required: set[str], optional: set[str] = frozenset(), where: str = ""
) -> dict:
    if not isinstance(value, dict):
        raise Shape(f"{where}: expected an object")
    missing, extra = required - value.keys(), value.keys() - required - optional
    if missing or extra:
        raise Shape(f"{where}: missing {sorted(missing)}, unexpected {sorted(extra)}")
    return value


def _type(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Shape(f"{where}: expected {kind.__name__}, got {value!r}")
    return value


def check_schedule(body: Any) -> dict:
    schedule = _keys(
        _keys(body, {"schedule"}, where="body")["schedule"], {"name", "time_zone"}, where="schedule"
    )
    _type(schedule["name"], str, "schedule.name")
    if schedule["time_zone"] not in ZENDESK_ZONES:
        raise Shape(f"schedule.time_zone: {schedule['time_zone']!r} is not a Zendesk zone name")
    return schedule


def check_workweek(body: Any) -> list[dict]:
    week = _keys(
        _keys(body, {"workweek"}, where="body")["workweek"], {"intervals"}, where="workweek"
    )
    intervals = _type(week["intervals"], list, "workweek.intervals")
    for index, interval in enumerate(intervals):
        where = f"intervals[{index}]"
        _keys(interval, {"start_time", "end_time"}, where=where)
        start, end = (
            _type(interval["start_time"], int, where),
            _type(interval["end_time"], int, where),
        )
        if not (0 <= start < end <= 10080) or start // 1440 != (end - 1) // 1440:
            raise Shape(f"{where}: {start}-{end} spans calendar days or leaves the week")
    return intervals


def check_holiday(body: Any) -> dict:
    holiday = _keys(
        _keys(body, {"holiday"}, where="body")["holiday"],
        {"name", "start_date", "end_date"},
        where="holiday",
    )
    _type(holiday["name"], str, "holiday.name")
    start = date.fromisoformat(_type(holiday["start_date"], str, "holiday.start_date"))
    end = date.fromisoformat(_type(holiday["end_date"], str, "holiday.end_date"))
    if end < start:
        raise Shape("holiday: ends before it starts")
    return holiday


def check_sla_policy(body: Any) -> dict:
    policy = _keys(
        _keys(body, {"sla_policy"}, where="body")["sla_policy"],
        {"title", "filter"},
        {"description", "position", "policy_metrics"},
        where="sla_policy",
    )
    _type(policy["title"], str, "sla_policy.title")
    _type(policy.get("description", ""), str, "sla_policy.description")
    conditions = _keys(policy["filter"], {"all", "any"}, where="filter")
    for group in ("all", "any"):
        for index, condition in enumerate(_type(conditions[group], list, f"filter.{group}")):
            where = f"filter.{group}[{index}]"
            _keys(condition, {"field", "operator", "value"}, where=where)
            _type(condition["field"], str, where)
            _type(condition["operator"], str, where)
    seen = set()
    for index, metric in enumerate(_type(policy.get("policy_metrics", []), list, "policy_metrics")):
        where = f"policy_metrics[{index}]"
        _keys(metric, {"priority", "metric", "target", "business_hours"}, where=where)
        if metric["priority"] not in PRIORITIES or metric["metric"] not in METRICS:
            raise Shape(f"{where}: unknown priority or metric")
        if _type(metric["target"], int, where) <= 0:
            raise Shape(f"{where}: target must be a positive number of minutes")
        _type(metric["business_hours"], bool, where)
        key = (metric["priority"], metric["metric"])
        if key in seen:
            raise Shape(f"{where}: {key} given twice")
        seen.add(key)
    return policy


@dataclass
class FakeZendesk:
    authorization: str
    schedules: dict[int, dict] = field(default_factory=dict)
    holidays: dict[int, dict[int, dict]] = field(default_factory=dict)
    policies: dict[int, dict] = field(default_factory=dict)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    rate_limit_next: int = 0  # answer this many requests with 429 first
    page_size: int = 100  # SLA policies per page (next_page beyond)
    base_url: str = ""
    page: int = 1  # the ?page= of the request being answered
    next_id: int = 1000

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    @property
    def writes(self) -> list[tuple[str, str, Any]]:
        return [r for r in self.requests if r[0] != "GET"]

    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        routes = [
            ("GET", r"/api/v2/business_hours/schedules", self.list_schedules),
            ("POST", r"/api/v2/business_hours/schedules", self.create_schedule),
            ("PUT", r"/api/v2/business_hours/schedules/(\d+)", self.update_schedule),
            ("PUT", r"/api/v2/business_hours/schedules/(\d+)/workweek", self.workweek),
            ("GET", r"/api/v2/business_hours/schedules/(\d+)/holidays", self.list_holidays),
            ("POST", r"/api/v2/business_hours/schedules/(\d+)/holidays", self.create_holiday),
            ("PUT", r"/api/v2/business_hours/schedules/(\d+)/holidays/(\d+)", self.update_holiday),
            (
                "DELETE",
                r"/api/v2/business_hours/schedules/(\d+)/holidays/(\d+)",
                self.delete_holiday,
            ),
            ("GET", r"/api/v2/slas/policies", self.list_policies),
            ("POST", r"/api/v2/slas/policies", self.create_policy),
            ("PUT", r"/api/v2/slas/policies/(\d+)", self.update_policy),
        ]
        for verb, pattern, run in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                try:
                    return run(body, *(int(g) for g in match.groups()))
                except Shape as error:
                    self.violations.append(f"{method} {path}: {error}")
                    return 400, {"error": "RecordInvalid", "description": str(error)}
                except KeyError:
                    return 404, {"error": "RecordNotFound"}
        self.violations.append(f"{method} {path}: no such endpoint")
        return 404, {"error": "InvalidEndpoint"}

    def list_schedules(self, body: Any) -> tuple[int, Any]:
        return 200, {"schedules": list(self.schedules.values())}

    def create_schedule(self, body: Any) -> tuple[int, Any]:
        head = check_schedule(body)
        sid = self.new_id()
        self.schedules[sid] = {
            "id": sid,
            **head,
            "intervals": list(DEFAULT_INTERVALS),
            "created_at": STAMP,
            "updated_at": STAMP,
        }
        self.holidays[sid] = {}
        return 201, {"schedule": self.schedules[sid]}

    def update_schedule(self, body: Any, sid: int) -> tuple[int, Any]:
        self.schedules[sid].update(check_schedule(body))
        return 200, {"schedule": self.schedules[sid]}

    def workweek(self, body: Any, sid: int) -> tuple[int, Any]:
        self.schedules[sid]["intervals"] = check_workweek(body)
        return 200, {"workweek": {"intervals": self.schedules[sid]["intervals"]}}

    def list_holidays(self, body: Any, sid: int) -> tuple[int, Any]:
        return 200, {"holidays": list(self.holidays[sid].values())}

    def create_holiday(self, body: Any, sid: int) -> tuple[int, Any]:
        hid = self.new_id()
        self.holidays[sid][hid] = {"id": hid, **check_holiday(body)}
        return 201, {"holiday": self.holidays[sid][hid]}

    def update_holiday(self, body: Any, sid: int, hid: int) -> tuple[int, Any]:
        self.holidays[sid][hid].update(check_holiday(body))
        return 200, {"holiday": self.holidays[sid][hid]}

    def delete_holiday(self, body: Any, sid: int, hid: int) -> tuple[int, Any]:
        del self.holidays[sid][hid]
        return 204, None

    def list_policies(self, body: Any) -> tuple[int, Any]:
        page = self.page
        items = list(self.policies.values())
        chunk = items[(page - 1) * self.page_size : page * self.page_size]
        more = page * self.page_size < len(items)
        following = f"{self.base_url}/api/v2/slas/policies?page={page + 1}" if more else None
        return 200, {
            "sla_policies": chunk,
            "count": len(items),
            "next_page": following,
            "previous_page": None,
        }

    def _stored(self, policy: dict, pid: int, base: str) -> dict:
        metrics = [
            {**m, "target_in_seconds": m["target"] * 60} for m in policy.get("policy_metrics", [])
        ]
        return {
            "id": pid,
            "url": f"{base}/api/v2/slas/policies/{pid}",
            "position": len(self.policies) + 1,
            "description": "",
            **policy,
            "policy_metrics": metrics,
            "created_at": STAMP,
            "updated_at": STAMP,
        }

    def create_policy(self, body: Any) -> tuple[int, Any]:
        pid = self.new_id()
        self.policies[pid] = self._stored(check_sla_policy(body), pid, "")
        return 201, {"sla_policy": self.policies[pid]}

    def update_policy(self, body: Any, pid: int) -> tuple[int, Any]:
        self.policies[pid] = self._stored(check_sla_policy(body), pid, "")
        return 200, {"sla_policy": self.policies[pid]}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeZendesk

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _serve(self) -> None:
        fake = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        path, _, query = self.path.partition("?")
        path = path.removesuffix(".json")
        page = re.search(r"(?:^|&)page=(\d+)", query)
        fake.page = int(page.group(1)) if page else 1
        fake.requests.append((self.command, path, body))
        if self.headers.get("Authorization") != fake.authorization:
            status, answer, headers = 401, {"error": "Couldn't authenticate you"}, {}
        elif fake.rate_limit_next:
            fake.rate_limit_next -= 1
            status, answer, headers = 429, {"error": "TooManyRequests"}, {"Retry-After": "0"}
        else:
            status, answer = fake.handle(self.command, path, body)
            headers = {}
        data = b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _serve


class FakeZendeskServer:
    """``with FakeZendeskServer(auth) as server:`` -> ``server.url``, ``server.fake``."""

    def __init__(self, authorization: str) -> None:
        self.fake = FakeZendesk(authorization)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self.fake  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.fake.base_url = self.url
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeZendeskServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
