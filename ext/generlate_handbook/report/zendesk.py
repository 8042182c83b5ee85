"""Zendesk's incremental ticket export as tickets, mapped through the policy's ``helpdesk`` section.

EXPORT_DIR holds the JSON pages ``GET /api/v2/incremental/tickets/cursor.json?include=metric_sets``
returns (``{"tickets": [...], "metric_sets": [...], "after_cursor": ..., "end_of_stream": ...}``),
one file per page. DuckDB reads them all and maps each ticket to the reference columns:

- ``severity`` from the ticket's ``priority`` (``helpdesk.priorities``); ``plan`` from its tags
  (``helpdesk.plans`` organization tags, copied onto tickets by Zendesk) or a custom field;
- ``type``: ``question`` → question, ``incident`` and ``problem`` → defect, ``task`` →
  improvement; no type → question (Zendesk's default when agents set none);
- ``product`` from a tag ``product_NAME`` (else empty); ``customer`` the organization (else the
  requester); ``assignee`` the assignee id; ``engineering_help`` the ``helpdesk`` tag;
- ``first_response_at`` = created + the metric set's calendar ``reply_time_in_minutes``;
  ``resolved_at`` = its ``solved_at``.

A ticket whose priority or plan the policy does not map is skipped and reported by page and key
path (``page-001.json: tickets[3].priority: …``), like a malformed CSV row.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..policy.model import Policy
from .tickets import Problem, TicketInputError, Tickets, tickets_from_table

MAX_PAGE_BYTES = 200_000_000
MAX_PAGES = 100_000
TYPES = {"question": "question", "incident": "defect", "problem": "defect", "task": "improvement"}


def _pages(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise TicketInputError(f"{folder}: not a folder of Zendesk export pages")
    pages = sorted(p for p in folder.glob("*.json") if p.is_file() and not p.is_symlink())
    if not pages:
        raise TicketInputError(f"{folder}: no *.json export pages")
    if len(pages) > MAX_PAGES:
        raise TicketInputError(f"{folder}: more than {MAX_PAGES:,} pages")
    for page in pages:
        if page.stat().st_size > MAX_PAGE_BYTES:
            raise TicketInputError(f"{page}: larger than {MAX_PAGE_BYTES:,} bytes")
    return pages


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _plan_sql(policy: Policy) -> str:
    helpdesk = policy.helpdesk
    assert helpdesk is not None
    cases = [
        f"WHEN list_contains(tags, {_literal(tag)}) THEN {_literal(plan)}"
        for tag, plan in helpdesk.tag_to_plan().items()
    ] + [
        f"WHEN list_contains(fields, {_literal(f'{field}={value}')}) THEN {_literal(plan)}"
        for (field, value), plan in helpdesk.field_to_plan().items()
    ]
    return f"CASE {' '.join(cases)} END" if cases else "NULL"


def _map_sql(mapping: dict[str, str], column: str) -> str:
    cases = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in mapping.items())
    return f"CASE {column} {cases} END" if cases else "NULL"


def load_zendesk(folder: Path, policy: Policy) -> Tickets:
    """The tickets of an incremental export, checked like the reference CSV's."""
    if policy.helpdesk is None:
        raise TicketInputError("the policy has no helpdesk section to map Zendesk tickets with")
    pages = _pages(folder)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    try:
        con.execute(
            "CREATE TEMP TABLE pages AS SELECT filename, tickets, metric_sets FROM read_json($f, "
            "columns={'tickets': 'JSON[]', 'metric_sets': 'JSON[]'}, filename=true, "
            f"format='auto', maximum_object_size={MAX_PAGE_BYTES})",
            {"f": [str(page) for page in pages]},
        )
    except duckdb.Error as error:
        raise TicketInputError(f"{folder}: not Zendesk export pages ({error})") from None
    _every_page_has_tickets(con, pages)
    _flatten(con, policy)
    where = {
        line: (Path(file).name, i)
        for line, file, i in con.execute("SELECT line, filename, i FROM raw").fetchall()
    }

    def locate(line: int, column: str) -> tuple[str, int, str]:
        file, index = where[line]
        return file, 0, f"tickets[{index}].{_ZENDESK_NAME.get(column, column)}"

    return tickets_from_table(con, policy, [], locate)


_ZENDESK_NAME = {
    "created_at": "created_at",
    "plan": "tags (plan)",
    "severity": "priority",
    "first_response_at": "metric_set.reply_time_in_minutes",
    "resolved_at": "metric_set.solved_at",
    "customer": "organization_id",
}


def _every_page_has_tickets(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> None:
    """Each file is an export page: one object with a ``tickets`` list."""
    read = {
        Path(name).name: has
        for name, has in con.execute("SELECT filename, tickets IS NOT NULL FROM pages").fetchall()
    }
    for page in pages:
        if not read.get(page.name):
            raise TicketInputError(f"{page}: not an incremental export page (no tickets list)")


def _flatten(con: duckdb.DuckDBPyConnection, policy: Policy) -> None:
    helpdesk = policy.helpdesk
    assert helpdesk is not None
    con.execute(
        "CREATE TEMP TABLE raw AS SELECT row_number() OVER (ORDER BY filename, i) AS line, "
        "filename, i - 1 AS i, t FROM (SELECT filename, generate_subscripts(tickets, 1) AS i, "
        "unnest(tickets) AS t FROM pages)"
    )
    con.execute(
        "CREATE TEMP TABLE metrics AS SELECT id, any_value(reply_raw) AS reply_raw, "
        "any_value(TRY_CAST(reply_raw AS BIGINT)) AS reply_minutes, any_value(solved_at) "
        "AS solved_at FROM (SELECT m->>'ticket_id' AS id, m->'reply_time_in_minutes'->>"
        "'calendar' AS reply_raw, m->>'solved_at' AS solved_at FROM "
        "(SELECT unnest(metric_sets) AS m FROM pages)) GROUP BY id"
    )
    con.execute(
        "CREATE TEMP TABLE zd AS SELECT line, t->>'id' AS id, t->>'created_at' AS created_at, "
        "t->>'priority' AS priority, t->>'type' AS kind, "
        "coalesce(from_json(t->'tags', '[\"VARCHAR\"]'), []) AS tags, "
        "coalesce(list_transform(from_json(t->'custom_fields', "
        '\'[{"id": "BIGINT", "value": "VARCHAR"}]\'), '
        "lambda f: f.id::VARCHAR || '=' || coalesce(f.value, '')), []) AS fields, "
        "coalesce(t->>'organization_id', 'requester ' || (t->>'requester_id')) AS customer, "
        "coalesce(t->>'assignee_id', '') AS assignee FROM raw"
    )
    tag = _literal(helpdesk.engineering_help_tag)
    con.execute(
        "CREATE TEMP TABLE tickets AS SELECT zd.line, zd.id, zd.created_at, "
        f"{_plan_sql(policy)} AS plan, "
        f"{_map_sql(helpdesk.priority_to_severity(), 'zd.priority')} AS severity, "
        f"coalesce({_map_sql(TYPES, 'zd.kind')}, CASE WHEN zd.kind IS NULL THEN 'question' END) "
        "AS type, coalesce(list_extract(list_transform(list_filter(zd.tags, "
        "lambda x: starts_with(x, 'product_')), lambda x: x[9:]), 1), '') AS product, "
        "zd.customer, zd.assignee, "
        "CASE WHEN m.reply_raw IS NULL THEN NULL WHEN m.reply_minutes BETWEEN 0 AND 5256000 "
        "THEN strftime(try_cast(zd.created_at AS TIMESTAMPTZ) + to_minutes(m.reply_minutes), "
        "'%Y-%m-%dT%H:%M:%SZ') ELSE 'not a number of minutes: ' || left(m.reply_raw, 40) END "
        "AS first_response_at, "
        "m.solved_at AS resolved_at, "
        f"CASE WHEN list_contains(zd.tags, {tag}) THEN 'true' ELSE 'false' END "
        "AS engineering_help FROM zd LEFT JOIN metrics m USING (id) ORDER BY zd.line"
    )


__all__ = ["Problem", "load_zendesk"]
