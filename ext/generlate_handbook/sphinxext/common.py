"""Loading the policy once per build, and what every policy directive and role shares."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from ..checks import check_policy
from ..policy.load import LoadedPolicy, load_cached
from ..policy.model import Policy
from ..policy.source import PolicyError, PolicyErrors
from ..wording import KeyPathError, Resolved, resolve
from .dependency import policy_for_page

logger = logging.getLogger(__name__)
WARNING_TYPE = "policy"


def setup_policy_loading(app: Sphinx) -> None:
    app.add_config_value(
        "policy_dir",
        "policy",
        "env",
        types=frozenset({str}),
        description="Folder of the policy YAML, relative to conf.py",
    )
    app.add_config_value(
        "policy_check",
        True,
        "env",
        types=frozenset({bool}),
        description="Report policy invariant violations as build warnings",
    )
    app.connect("config-inited", _resolve_policy_dir)
    app.connect("builder-inited", _report_policy_problems)


def _resolve_policy_dir(app: Sphinx, config: Config) -> None:
    config.policy_dir = str((Path(app.confdir) / config.policy_dir).resolve())


def _report_policy_problems(app: Sphinx) -> None:
    """Report a broken or inconsistent policy once, located in the YAML, before reading pages."""
    loaded = try_load(app.config)
    if loaded is None:
        for error in load_errors(app.config):
            _warn_at_source(error, "load")
        return
    if app.config.policy_check:
        years = (date.today().year, date.today().year + 1)
        for error in check_policy(loaded.policy, loaded.source, years):
            _warn_at_source(error, "check")


def _warn_at_source(error: PolicyError, subtype: str) -> None:
    message = f"{error.key_path}: {error.message}" if error.key_path else error.message
    if error.line:
        location: str | None = f"{error.file}:{error.line}"
    else:  # Sphinx would read a location without a line as a document name
        location, message = None, f"{error.file}: {message}"
    logger.warning(message, location=location, type=WARNING_TYPE, subtype=subtype)


def load_errors(config: Config) -> list[PolicyError]:
    try:
        load_cached(Path(config.policy_dir))
    except PolicyErrors as errors:
        return errors.errors
    return []


def try_load(config: Config) -> LoadedPolicy | None:
    """The loaded policy, or None when it has errors (reported once by builder-inited)."""
    folder = Path(config.policy_dir)
    if not folder.is_dir():
        return None
    try:
        return load_cached(folder)
    except PolicyErrors:
        return None


class PolicyMixin:
    """Shared by the role and the directives: load, note dependencies, warn with a location."""

    env: object
    config: Config

    def policy_loaded(self) -> LoadedPolicy | None:
        return policy_for_page(self.env, self.config, try_load)  # type: ignore[arg-type]

    def warn(self, message: str, subtype: str) -> None:
        logger.warning(
            message,
            location=self.get_location(),  # type: ignore[attr-defined]
            type=WARNING_TYPE,
            subtype=subtype,
        )

    def resolve_key(self, policy: Policy, key_path: str) -> Resolved | None:
        try:
            return resolve(policy, key_path)
        except KeyPathError as error:
            self.warn(f"unknown policy key path: {error}", "key")
            return None


class PolicyDirective(PolicyMixin, SphinxDirective):
    """A directive whose output comes from the policy."""

    def policy_and_plan(self) -> tuple[Policy, str] | None:
        """The policy and the directive's argument as a plan id; None (after a warning, if the
        plan is unknown) when the directive cannot render."""
        loaded = self.policy_loaded()
        if loaded is None:
            return None
        plan_id = self.arguments[0].strip()
        if plan_id not in loaded.policy.plans:
            known = ", ".join(loaded.policy.plans)
            self.warn(f"unknown plan {plan_id!r} (known: {known})", "plan")
            return None
        return loaded.policy, plan_id


class PolicyRole(PolicyMixin, SphinxRole):
    """A role whose output comes from the policy."""


def paragraph(text: str, classes: list[str] | None = None) -> nodes.paragraph:
    return nodes.paragraph("", "", nodes.Text(text), classes=classes or [])


def build_table(
    header: list[str],
    rows: list[list[nodes.Node | str]],
    widths: list[int],
    title: str = "",
    classes: list[str] | None = None,
    row_ids: list[str] | None = None,
) -> nodes.table:
    """A docutils table; string cells become paragraphs (escaped by the writer)."""
    table = nodes.table("", classes=["policy-table", *(classes or [])])
    if title:
        table += nodes.title(title, title)
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row(header)
    body = nodes.tbody()
    group += body
    for index, cells in enumerate(rows):
        row = _row(cells)
        if row_ids:
            row["ids"].append(row_ids[index])
        body += row
    return table


def _row(cells: list[nodes.Node | str]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += paragraph(cell) if isinstance(cell, str) else cell
        row += entry
    return row
