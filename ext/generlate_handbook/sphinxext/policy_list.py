"""The ``policy-list`` directive: a list from the policy (e.g. ``kpis``) as bullets."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from ..wording import KeyPathError, format_value
from .common import PolicyDirective, paragraph


class PolicyList(PolicyDirective):
    """``{policy-list} KEY.PATH``: each item of a list (or each value of a mapping)."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        loaded = self.policy_loaded()
        if loaded is None:
            return []
        resolved = self.resolve_key(loaded.policy, self.arguments[0])
        if resolved is None:
            return []
        value = resolved.value
        items = list(value.values()) if isinstance(value, dict) else value
        if not isinstance(items, list):
            self.warn(
                f"{resolved.path!r} is a single value, not a list: use the policy role", "key"
            )
            return []
        try:
            texts = [format_value(loaded.policy, item, resolved.clock) for item in items]
        except KeyPathError:
            keys = ", ".join(value) if isinstance(value, dict) else "items"
            self.warn(
                f"{resolved.path!r} holds {keys}, each with several values, not one: list a"
                " list or a mapping of single values, or use the policy role on one key",
                "key",
            )
            return []
        bullets = nodes.bullet_list(classes=["policy-list"])
        for text in texts:
            bullets += nodes.list_item("", paragraph(text))
        self.set_source_info(bullets)
        return [bullets]


def setup_policy_list(app: Sphinx) -> None:
    app.add_directive("policy-list", PolicyList)
