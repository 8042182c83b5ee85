"""The report as a terminal table, JSON (the documented shape) or CSV (one row per month)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any


def as_json(report: dict[str, Any]) -> str:
    # No indent: the standard library's C encoder then writes a million breaches in seconds.
    return json.dumps(report, ensure_ascii=False, separators=(",", ":")) + "\n"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _row(label: str, figures: dict[str, Any]) -> list[str]:
    help_ = figures["engineering_help"]
    average = figures["average_resolution"]["hours"]
    return [
        label,
        str(figures["tickets"]),
        percent(figures["sla_response"]["attainment"]),
        percent(figures["sla_resolution"]["attainment"]),
        percent(figures["internal_first_response"]["attainment"]),
        percent(help_["share"]),
        "–" if average is None else f"{average:.1f} h",
        ", ".join(name.replace("_", " ") for name in figures["missed"]) or "none",
    ]


HEADER = [
    "month",
    "tickets",
    "SLA response",
    "SLA resolution",
    "1st response (internal)",
    "eng. help",
    "avg resolution",
    "missed",
]


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def as_table(report: dict[str, Any]) -> str:
    meta, period = report["report"], report["period"]
    lines = [
        f"SLA report: {meta['tickets']:,} tickets from {meta['source']} as of {meta['as_of']}"
        f" ({meta['skipped_rows']:,} rows skipped)",
        f"targets: SLA response {period['sla_response']['target']}, SLA resolution "
        f"{period['sla_resolution']['target']}, engineering help at most "
        f"{period['engineering_help']['limit']}, average resolution within "
        f"{period['average_resolution']['goal_hours']:g} h",
        "",
    ]
    rows = [HEADER] + [_row(month["month"], month) for month in report["months"]]
    rows.append(_row("whole period", period))
    lines += _table(rows)
    lines += ["", "Engineers"]
    rows = [
        [
            "assignee",
            "tickets",
            "cases/working day",
            "1st response ≤ target",
            "avg resolution",
            "most active",
            "longest reply gap",
        ]
    ]
    for e in report["engineers"]:
        gap = e["longest_reply_gap_hours"]
        average = e["average_resolution_hours"]
        rows.append(
            [
                e["assignee"],
                str(e["tickets"]),
                "–"
                if e["new_cases_per_working_day"] is None
                else f"{e['new_cases_per_working_day']:.2f}",
                percent(e["first_response"]["share"]),
                "–" if average is None else f"{average:.1f} h",
                str(e["most_active_cases"]),
                "–" if gap is None else f"{gap:.1f} h",
            ]
        )
    lines += _table(rows)
    kpis = report["kpis"]
    regions = ", ".join(f"{r['name']} {r['tickets']:,}" for r in kpis["regions"].values())
    lines += [
        "",
        f"KPIs: {kpis['volume']:,} cases; {kpis['average_cases_per_customer'] or 0:.1f} per "
        f"customer; {regions}; outside them {kpis['outside_regions']:,}",
        f"breaches: {len(report['breaches']):,} (every one is in --format json, csv or html)",
    ]
    return "\n".join(lines) + "\n"


CSV_FIELDS = [
    "month",
    "tickets",
    "sla_response_met",
    "sla_response_breached",
    "sla_response_pending",
    "sla_response_attainment",
    "sla_response_target",
    "sla_resolution_met",
    "sla_resolution_breached",
    "sla_resolution_pending",
    "sla_resolution_attainment",
    "sla_resolution_target",
    "internal_first_response_met",
    "internal_first_response_breached",
    "internal_first_response_pending",
    "internal_first_response_attainment",
    "engineering_help_count",
    "engineering_help_share",
    "engineering_help_limit",
    "average_resolution_hours",
    "average_resolution_goal_hours",
    "missed",
]


def _flat(label: str, figures: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"month": label, "tickets": figures["tickets"]}
    for name in ("sla_response", "sla_resolution", "internal_first_response"):
        for key in ("met", "breached", "pending", "attainment", "target"):
            if f"{name}_{key}" in CSV_FIELDS:
                row[f"{name}_{key}"] = figures[name][key]
    help_ = figures["engineering_help"]
    row |= {
        "engineering_help_count": help_["count"],
        "engineering_help_share": help_["share"],
        "engineering_help_limit": help_["limit"],
        "average_resolution_hours": figures["average_resolution"]["hours"],
        "average_resolution_goal_hours": figures["average_resolution"]["goal_hours"],
        "missed": " ".join(figures["missed"]),
    }
    return row


def as_csv(report: dict[str, Any]) -> str:
    """One row per month and one for the whole period (``month`` = ``all``)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for month in report["months"]:
        writer.writerow(_flat(month["month"], month))
    writer.writerow(_flat("all", report["period"]))
    return out.getvalue()
