"""Loading the policy once per build, and what every policy directive and role shares.

- Config values are declared typed (``policy_dir: str``, ``policy_check: bool``); a value of the
  wrong type is a warning at its line in conf.py, never a traceback.
- The build's date is ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today: it is
  the only date the output depends on.
- :class:`PolicyDirective` does the shared work once: load the policy (or render nothing when it
  failed to load, which ``builder-inited`` has reported), note the policy files as dependencies,
  turn a bad key path into a located warning, and register anchors with docutils so an id is
  never used twice on a page.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
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
NO_POLICY = ""  # policy_dir after a value of the wrong type (reported): load nothing


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
    # After Sphinx's own type check (priority 800), so its message comes first.
    app.connect("config-inited", _check_config, priority=850)
    app.connect("builder-inited", _report_policy_problems)
    app.connect("doctree-read", _warn_on_shadowed_headings)
    app.connect("env-get-outdated", _dated_outdated)
    app.connect("env-purge-doc", _dated_purge)
    app.connect("env-merge-info", _dated_merge)


def _check_config(app: Sphinx, config: Config) -> None:
    """A value of the wrong type is a warning located in conf.py (the policy is then not
    loaded); a valid ``policy_dir`` is made absolute, relative to conf.py."""
    if not isinstance(config.policy_check, bool):
        _warn_config(
            app,
            "policy_check",
            f"policy_check must be True or False; got {config.policy_check!r}",
        )
        config.policy_check = True
    if not isinstance(config.policy_dir, str | os.PathLike):
        _warn_config(
            app,
            "policy_dir",
            "policy_dir must be a folder path relative to conf.py, such as 'policy' or "
            f"'../policy'; got {config.policy_dir!r}; no policy value is rendered",
        )
        config.policy_dir = NO_POLICY
        return
    config.policy_dir = str((Path(app.confdir) / config.policy_dir).resolve())


def _warn_config(app: Sphinx, name: str, message: str) -> None:
    """A warning at the line of conf.py that sets ``name``."""
    conf = Path(app.confdir) / "conf.py"
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    # The last assignment is the one in force.
    found = [n for n, text in enumerate(lines, start=1) if re.match(rf"{name}\s*[:=]", text)]
    line = found[-1] if found else 0
    location = f"{conf}:{line}" if line else None
    logger.warning(message, location=location, type=WARNING_TYPE, subtype="config")


def build_date() -> date:
    """The day the build is for: ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when set,
    so two builds of one commit give the same pages on any day; else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        return datetime.fromtimestamp(int(epoch), UTC).date()
    except (ValueError, OverflowError, OSError):  # unset (Sphinx itself refuses a malformed one)
        return date.today()


def _report_policy_problems(app: Sphinx) -> None:
    """Report a broken or inconsistent policy once, located in the YAML, before reading pages."""
    loaded = try_load(app.config)
    if loaded is None:
        for error in load_errors(app.config):
            _warn_at_source(error, "load")
        return
    if app.config.policy_check:
        year = build_date().year
        for error in check_policy(loaded.policy, loaded.source, (year, year + 1)):
            _warn_at_source(error, "check")


def _warn_at_source(error: PolicyError, subtype: str) -> None:
    message = f"{error.key_path}: {error.message}" if error.key_path else error.message
    if error.line:
        location: str | None = f"{error.file}:{error.line}"
    else:  # Sphinx would read a location without a line as a document name
        location, message = None, f"{error.file}: {message}"
    logger.warning(message, location=location, type=WARNING_TYPE, subtype=subtype)


def load_errors(config: Config) -> list[PolicyError]:
    if config.policy_dir == NO_POLICY:
        return []
    try:
        load_cached(Path(config.policy_dir))
    except PolicyErrors as errors:
        return errors.errors
    return []


def try_load(config: Config) -> LoadedPolicy | None:
    """The loaded policy, or None when it has errors (reported once by builder-inited)."""
    folder = Path(config.policy_dir)
    if config.policy_dir == NO_POLICY or not folder.is_dir():
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
    """A directive whose output comes from the policy: subclasses implement :meth:`render`.

    ``run`` loads the policy once (nothing is rendered when it failed to load: the load errors
    are reported once, at the YAML, by ``builder-inited``) and turns a value the policy cannot
    word into a located warning.
    """

    def run(self) -> list[nodes.Node]:
        loaded = self.policy_loaded()
        if loaded is None:
            return []
        try:
            result = self.render(loaded.policy)
        except KeyPathError as error:
            self.warn(f"{self.name}: {error}", "key")
            return []
        for node in result:
            self.set_source_info(node)
        return result

    def render(self, policy: Policy) -> list[nodes.Node]:
        raise NotImplementedError

    def year(self) -> int:
        """The directive's ``:year:`` option, else the build's year (``SOURCE_DATE_EPOCH``);
        a page that shows the build's year is re-read when that year changes."""
        if year := self.options.get("year"):
            return year
        note_dated(self.env, self.env.docname)
        return build_date().year

    def anchor(
        self, node: nodes.Element, anchor: str, *, label: bool = False, warn: bool = True
    ) -> bool:
        """Give ``node`` the id ``anchor``, registered with docutils. When the page already uses
        that id, warn here (unless ``warn`` is False) and let docutils choose another, so no id
        is ever used twice; return False. ``label=True`` also makes it a ``{ref}`` target."""
        document = self.state.document
        wanted = nodes.make_id(anchor)
        if wanted in document.ids:
            if warn:
                self.warn(
                    f"the id {wanted!r} is already used on this page by "
                    f"{_describe(document.ids[wanted])}; this {self.name} gets another id, "
                    f"so links to #{wanted} go there. Show each {self.name} once per page, or "
                    "rename the heading",
                    "id",
                )
            document.set_id(node, node)
            return False
        node["ids"].append(wanted)
        if label:
            node["names"].append(anchor)
            document.note_explicit_target(node, node)
        else:
            document.set_id(node, node)
        return True


class PlanDirective(PolicyDirective):
    """A directive whose argument is a plan id: ``render_plan`` gets a plan that exists."""

    required_arguments = 1

    def render(self, policy: Policy) -> list[nodes.Node]:
        plan_id = self.arguments[0].strip()
        if plan_id not in policy.plans:
            known = ", ".join(policy.plans)
            self.warn(f"unknown plan {plan_id!r} (known: {known})", "plan")
            return []
        return self.render_plan(policy, plan_id)

    def render_plan(self, policy: Policy, plan_id: str) -> list[nodes.Node]:
        raise NotImplementedError


# --- Pages that show the build's year ----------------------------------------------------------
# Stored in the environment (merged after a parallel read), so an incremental build in a new
# year re-reads exactly the pages whose content depends on the year.
_DATED = "policy_dated_docs"
_DATED_YEAR = "policy_dated_year"


def note_dated(env: BuildEnvironment, docname: str) -> None:
    dated: set[str] = getattr(env, _DATED, set())
    dated.add(docname)
    setattr(env, _DATED, dated)


def _dated_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    year = build_date().year
    previous = getattr(env, _DATED_YEAR, year)
    setattr(env, _DATED_YEAR, year)
    if previous == year:
        return []
    return sorted(getattr(env, _DATED, set()) - removed)


def _dated_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, _DATED, set()).discard(docname)


def _dated_merge(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    note = getattr(other, _DATED, set()) & docnames
    setattr(env, _DATED, getattr(env, _DATED, set()) | note)


def _generated(node: nodes.Node) -> bool:
    """Whether a policy directive made ``node`` (its table, or a row of it)."""
    table: nodes.Node | None = node
    while table is not None and not isinstance(table, nodes.table):
        table = table.parent
    return table is not None and "policy-table" in table["classes"]


def _describe(node: nodes.Node) -> str:
    line = f" on line {node.line}" if node.line else ""
    if isinstance(node, nodes.section):
        return f"the heading {node[0].astext()!r}{line}"
    return f"a {node.tagname}{line}"


def _warn_on_shadowed_headings(app: Sphinx, doctree: nodes.document) -> None:
    """A heading after a directive that took the heading's id gets another id: say so."""
    for section in doctree.findall(nodes.section):
        for name in [*section["names"], *section["dupnames"]]:
            owner = doctree.ids.get(nodes.make_id(name))
            if owner is not None and owner is not section and _generated(owner):
                logger.warning(
                    f"the heading {section[0].astext()!r} would have the id "
                    f"{nodes.make_id(name)!r}, which {_describe(owner)} uses; the heading "
                    "gets another id. Rename the heading",
                    location=section,
                    type=WARNING_TYPE,
                    subtype="id",
                )


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
    for cells in rows:
        body += _row(cells)
    return table


def _row(cells: list[nodes.Node | str]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += paragraph(cell) if isinstance(cell, str) else cell
        row += entry
    return row
