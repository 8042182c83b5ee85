"""The ``policy-list`` directive: a list from the policy (e.g. ``kpis``) as bullets."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from ..policy.model import Policy
from ..wording import format_value
from .common import PolicyDirective, paragraph


class PolicyList(PolicyDirective):
    """``{policy-list} KEY.PATH``: each item of a list (or each value of a mapping)."""

    required_arguments = 1

    def render(self, policy: Policy) -> list[nodes.Node]:
        resolved = self.resolve_key(policy, self.arguments[0])
        if resolved is None:
            return []
        value = resolved.value
        items = list(value.values()) if isinstance(value, dict) else value
        if not isinstance(items, list):
            self.warn(
                f"{resolved.path!r} is a single value, not a list: use the policy role", "key"
            )
            return []
        bullets = nodes.bullet_list(classes=["policy-list"])
        for item in items:
            # A mapping of mappings (slas.standard.targets) raises KeyPathError: a located
            # warning from PolicyDirective.run.
            bullets += nodes.list_item("", paragraph(format_value(policy, item, resolved.clock)))
        return [bullets]


def setup_policy_list(app: Sphinx) -> None:
    app.add_directive("policy-list", PolicyList)
