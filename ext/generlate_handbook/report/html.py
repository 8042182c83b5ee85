"""The report as one self-contained, accessible HTML file: no script, no request to any host.

Charts are inline SVG (``role="img"`` with a title and a description), each followed by its data
as a table; colours are backed by line styles and labels, so nothing is told by colour alone.
Every string from the tickets or the policy is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .render import percent

MAX_BREACH_ROWS = 1_000
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:70rem;padding:0 1rem;color:#1a1a1a;background:#fff;line-height:1.5}
h1,h2{line-height:1.2}table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:right}
th[scope=row],td.text{text-align:left}.miss{color:#a50000;font-weight:600}
.scroll{overflow-x:auto}.scroll:focus{outline:3px solid #005fcc}
svg text{font-size:12px;fill:#1a1a1a}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(caption: str, header: list[str], rows: list[list[str]], label: str) -> str:
    head = "".join(f'<th scope="col">{_e(cell)}</th>' for cell in header)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{_e(row[0])}</th>'
        + "".join(f"<td>{_e(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    return (
        f'<div class="scroll" role="region" tabindex="0" aria-label="{_e(label)}">'
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def _svg(title: str, desc: str, width: int, height: int, body: str, ident: str) -> str:
    return (
        f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-t">{_e(title)}</title><desc id="{ident}-d">{_e(desc)}</desc>'
        f"{body}</svg>"
    )


def attainment_chart(report: dict[str, Any]) -> str:
    months = report["months"]
    width, height, left, top, bottom = 720, 260, 50, 20, 40
    plot_w, plot_h = width - left - 20, height - top - bottom
    step = plot_w / max(1, len(months) - 1)

    values = [
        m[name]["attainment"]
        for m in months
        for name in ("sla_response", "sla_resolution")
        if m[name]["attainment"] is not None
    ]
    goals = [
        goal
        for name in ("sla_response", "sla_resolution")
        if (goal := _goal(months, name)) is not None
    ]
    low = max(0.0, (int(min([*values, *goals, 1.0]) * 10) - 1) / 10)  # a 10% step below all

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (1 - low))

    parts = [
        f'<line x1="{left}" y1="{y(low)}" x2="{left + plot_w}" y2="{y(low)}" stroke="#767676"/>'
    ]
    for tick in (low, (low + 1) / 2, 1.0):
        parts.append(f'<text x="{left - 8}" y="{y(tick) + 4}" text-anchor="end">{tick:.0%}</text>')
    series = (("sla_response", "#005fcc", ""), ("sla_resolution", "#8a4b00", "6 3"))
    for name, colour, dash in series:
        points = [
            f"{left + i * step:.1f},{y(m[name]['attainment']):.1f}"
            for i, m in enumerate(months)
            if m[name]["attainment"] is not None
        ]
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{dash}" points="{" ".join(points)}"/>'
        )
        goal = _goal(months, name)
        if goal is not None:
            parts.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{y(goal):.1f}" '
                f'y2="{y(goal):.1f}" stroke="{colour}" stroke-dasharray="1 3"/>'
            )
    for i, m in enumerate(months):
        parts.append(
            f'<text x="{left + i * step:.1f}" y="{height - 12}" text-anchor="middle">'
            f"{_e(m['month'][2:])}</text>"
        )
    return _svg(
        "SLA attainment per month against its target",
        "Solid line: response attainment; dashed: resolution attainment; dotted: their targets. "
        "The table below has every value.",
        width,
        height,
        "".join(parts),
        "attainment",
    )


def _goal(months: list[dict[str, Any]], name: str) -> float | None:
    target = months[0][name]["target"] if months else None
    return float(target.rstrip("%")) / 100 if target else None


def bar_chart(title: str, shares: dict[str, dict[str, Any]], ident: str) -> str:
    width, row = 520, 24
    height = row * len(shares) + 10
    largest = max((v["tickets"] for v in shares.values()), default=1) or 1
    parts = []
    for i, (name, value) in enumerate(shares.items()):
        length = 300 * value["tickets"] / largest
        parts.append(f'<text x="110" y="{i * row + 17}" text-anchor="end">{_e(name)}</text>')
        parts.append(
            f'<rect x="120" y="{i * row + 5}" width="{length:.1f}" height="16" fill="#005fcc"/>'
        )
        parts.append(
            f'<text x="{125 + length:.1f}" y="{i * row + 17}">'
            f"{value['tickets']:,} ({percent(value['share'])})</text>"
        )
    return _svg(
        title,
        "Bars are labelled with their counts; the table below has them too.",
        width,
        height,
        "".join(parts),
        ident,
    )


def hour_chart(kpis: dict[str, Any]) -> str:
    week = kpis["hour_of_week"]
    counts, regions = week["tickets"], week["regions_open"]
    width, height, left, base = 760, 220, 10, 170
    largest = max(counts) or 1
    parts = []
    shades = ("#d9e8fb", "#fbe7cf")
    for r, (_, open_hours) in enumerate(regions.items()):
        for hour, is_open in enumerate(open_hours):
            if is_open:
                parts.append(
                    f'<rect x="{left + hour * 4.4:.1f}" y="{10 + r * 8}" width="4.4" '
                    f'height="{base - 10 - r * 8}" fill="{shades[r % 2]}"/>'
                )
    for hour, count in enumerate(counts):
        h = 150 * count / largest
        parts.append(
            f'<rect x="{left + hour * 4.4:.1f}" y="{base - h:.1f}" width="3.6" '
            f'height="{h:.1f}" fill="#1a1a1a"/>'
        )
    for day, name in enumerate(DAYS):
        parts.append(
            f'<text x="{left + day * 105.6 + 52:.1f}" y="{base + 18}" '
            f'text-anchor="middle">{name}</text>'
        )
    names = ", ".join(f"{name} (band {i + 1})" for i, name in enumerate(regions))
    return _svg(
        f"Tickets by hour of the week ({week['zone']})",
        f"Dark bars: tickets created in each hour. Shaded bands: the regions' hours: {names}.",
        width,
        height,
        "".join(parts),
        "hours",
    )


def _team_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = []
    for label, figures in [
        *((m["month"], m) for m in report["months"]),
        ("whole period", report["period"]),
    ]:
        average = figures["average_resolution"]["hours"]
        rows.append(
            [
                label,
                f"{figures['tickets']:,}",
                percent(figures["sla_response"]["attainment"]),
                percent(figures["sla_resolution"]["attainment"]),
                percent(figures["internal_first_response"]["attainment"]),
                percent(figures["engineering_help"]["share"]),
                "–" if average is None else f"{average:.1f} h",
                ", ".join(name.replace("_", " ") for name in figures["missed"]) or "none",
            ]
        )
    return rows


def _engineer_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = []
    for e in report["engineers"]:
        gap, average = e["longest_reply_gap_hours"], e["average_resolution_hours"]
        per_day = e["new_cases_per_working_day"]
        rows.append(
            [
                e["assignee"],
                f"{e['tickets']:,}",
                "–" if per_day is None else f"{per_day:.2f}",
                percent(e["first_response"]["share"]),
                "–" if gap is None else f"{gap:.1f} h",
                "–" if average is None else f"{average:.1f} h",
                str(e["most_active_cases"]),
            ]
        )
    return rows


def _summary(report: dict[str, Any]) -> list[str]:
    meta, period = report["report"], report["period"]
    targets = (
        f"Targets: SLA response {period['sla_response']['target']}, SLA resolution "
        f"{period['sla_resolution']['target']}, engineering help at most "
        f"{period['engineering_help']['limit']} of cases, internal first response within "
        f"{period['internal_first_response']['target']}, average resolution within "
        f"{period['average_resolution']['goal_hours']:g} hours."
    )
    missed = ", ".join(name.replace("_", " ") for name in period["missed"])
    verdict = (
        f'<p class="miss">Missed over the period: {_e(missed)}.</p>'
        if missed
        else "<p>Every team target was met over the period.</p>"
    )
    return [
        f"<h1>SLA report: {meta['tickets']:,} tickets</h1>",
        f"<p>From {_e(meta['source'])}, as of {_e(meta['as_of'])}; months in "
        f"{_e(meta['months_in'])}. {meta['skipped_rows']:,} rows were skipped (listed in the "
        "JSON report).</p>",
        f"<p>{_e(targets)}</p>",
        verdict,
    ]


TEAM_HEADER = [
    "Month",
    "Tickets",
    "SLA response",
    "SLA resolution",
    "Internal first response",
    "Engineering help",
    "Average resolution",
    "Missed",
]
ENGINEER_HEADER = [
    "Engineer",
    "Tickets",
    "Cases per working day",
    "First response within target",
    "Longest reply gap",
    "Average resolution",
    "Most active cases",
]


def _team(report: dict[str, Any]) -> list[str]:
    return [
        "<h2>SLA attainment per month</h2>",
        attainment_chart(report),
        "<p>Solid line: SLA response attainment (blue). Dashed line: SLA resolution attainment "
        "(brown). Dotted lines: their targets, in the same colours.</p>",
        _table("Team figures per month", TEAM_HEADER, _team_rows(report), "Team figures"),
    ]


def _engineers(report: dict[str, Any]) -> list[str]:
    engineers = report["engineers"]
    caption = "Per engineer over the period"
    if engineers:
        first = engineers[0]
        caption += (
            f" (targets: {first['new_cases_target']} a working day, first response within "
            f"{first['first_response']['target']}, replies at most {first['reply_gap_target']} "
            f"apart, average resolution within {first['resolution_target']}, at most "
            f"{first['active_cases_target']} active)"
        )
    return [
        "<h2>Engineers</h2>",
        _table(caption, ENGINEER_HEADER, _engineer_rows(report), "Per engineer"),
    ]


def _shares_table(title: str, noun: str, shares: dict[str, dict[str, Any]]) -> str:
    rows = [[name, f"{v['tickets']:,}", percent(v["share"])] for name, v in shares.items()]
    return _table(title, [noun, "Tickets", "Share"], rows, title)


def _volume(kpis: dict[str, Any]) -> list[str]:
    week = kpis["hour_of_week"]
    regions = [[r["name"], f"{r['tickets']:,}"] for r in kpis["regions"].values()]
    regions.append(["outside all of them", f"{kpis['outside_regions']:,}"])
    hours = [[day, *map(str, week["tickets"][i * 24 : (i + 1) * 24])] for i, day in enumerate(DAYS)]
    customers = [[c["customer"], f"{c['tickets']:,}"] for c in kpis["top_customers"]]
    return [
        "<h2>Volume</h2>",
        bar_chart("Tickets by type", kpis["by_type"], "types"),
        _shares_table("Tickets by type", "Type", kpis["by_type"]),
        bar_chart("Tickets by product", kpis["by_product"], "products"),
        _shares_table("Tickets by product", "Product", kpis["by_product"]),
        hour_chart(kpis),
        _table("Tickets created in each region's hours", ["Region", "Tickets"], regions, "Regions"),
        _table(
            f"Tickets by hour of the week ({week['zone']})",
            ["Day", *[f"{h:02d}" for h in range(24)]],
            hours,
            "Tickets by hour of the week",
        ),
        _table(
            "Customers with the most cases", ["Customer", "Tickets"], customers, "Top customers"
        ),
    ]


def _breaches(report: dict[str, Any]) -> list[str]:
    breaches = report["breaches"]
    shown = breaches[:MAX_BREACH_ROWS]
    rows = [
        [b["ticket"], b["target"], b["due"], b["happened"] or "not yet", f"{b['hours_late']:.1f}"]
        for b in shown
    ]
    note = (
        ""
        if len(shown) == len(breaches)
        else f"<p>The first {len(shown):,} are listed; every breach is in the JSON report.</p>"
    )
    header = ["Ticket", "Target", "Due", "Happened", "Hours late"]
    return [
        f"<h2>Breaches ({len(breaches):,})</h2>",
        note,
        _table("Breaches", header, rows, "Breaches"),
    ]


def as_html(report: dict[str, Any]) -> str:
    """The whole report as one page: summary, team, engineers, volume, breaches."""
    sections = [
        *_summary(report),
        *_team(report),
        *_engineers(report),
        *_volume(report["kpis"]),
        *_breaches(report),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>SLA report as of {_e(report['report']['as_of'])}</title>"
        f"<style>{STYLE}</style></head><body><main>{''.join(sections)}</main></body></html>\n"
    )
