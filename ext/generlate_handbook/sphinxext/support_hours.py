"""The ``support-hours`` directive: schedules in their own zone and others, per DST regime."""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..clock import Schedule
from ..clock.regimes import regimes
from ..policy.limits import policy_year
from ..policy.model import Policy
from ..policy.zones import parse_zone, reader_name
from ..wording import format_day_month, format_schedule
from .common import PolicyDirective, build_table, paragraph


def _words(argument: str | None) -> list[str]:
    return (argument or "").replace(",", " ").split()


class SupportHours(PolicyDirective):
    """``{support-hours}`` with ``:schedules: a b``, ``:zones: UTC Europe/London``, ``:year:``."""

    option_spec: ClassVar[dict] = {
        "schedules": directives.unchanged,
        "zones": directives.unchanged,
        "year": policy_year,
    }

    def render(self, policy: Policy) -> list[nodes.Node]:
        schedule_ids = _words(self.options.get("schedules")) or list(policy.schedules)
        zones = []
        for key in _words(self.options.get("zones")) or ["UTC"]:
            try:
                zones.append(parse_zone(key))
            except ValueError as error:
                self.warn(f"support-hours :zones: {error}", "zone")
                return []
        # The year's DST dates are part of the page: the :year: option, else the build's year
        # (SOURCE_DATE_EPOCH when set, so a rebuild of one commit is identical on any day).
        year = self.year()
        result: list[nodes.Node] = []
        for schedule_id in schedule_ids:
            if schedule_id not in policy.schedules:
                known = ", ".join(policy.schedules)
                self.warn(f"unknown schedule {schedule_id!r} (known: {known})", "schedule")
                continue
            spec = policy.schedules[schedule_id]
            header = [f"Dates in {year}"] + [
                f"{reader_name(zone)} ({zone.key})" if reader_name(zone) != zone.key else zone.key
                for zone in (spec.zone, *zones)
            ]
            rows: list[list[nodes.Node | str]] = []
            for regime in regimes(Schedule.from_spec(spec), zones, year):
                dates = f"{format_day_month(regime.first)} – {format_day_month(regime.last)}"
                cells = [
                    f"{cell} {abbr}" if abbr and abbr != "UTC" else cell
                    for cell, abbr in zip(regime.cells, regime.abbreviations, strict=True)
                ]
                rows.append([dates, *cells])
            intro = paragraph(
                f"{spec.name}: {format_schedule(spec)}."
                + (f" {spec.description.strip()}" if spec.description else ""),
                classes=["policy-intro"],
            )
            table = build_table(
                header,
                rows,
                widths=[20] + [80 // (len(zones) + 1)] * (len(zones) + 1),
                title=f"{spec.name} in {year}, by daylight-saving period",
                classes=["support-hours"],
            )
            self.set_source_info(table)
            self.anchor(table, f"hours-{schedule_id}")
            result += [intro, table]
        return result


def setup_support_hours(app: Sphinx) -> None:
    app.add_directive("support-hours", SupportHours)
