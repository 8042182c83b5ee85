"""Did we meet our SLAs? Tickets → the policy's clock over arrays → the handbook's measures.

tickets (DuckDB reads and checks the CSV) → measures (due times and verdicts, bulk clock) →
aggregate (team, engineers, KPIs, breaches) → build (one document) → render / html.
"""
