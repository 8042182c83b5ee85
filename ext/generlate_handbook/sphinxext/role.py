"""The ``policy`` role: one policy value in prose, e.g. ``{policy}`plans.managed.availability```."""

from __future__ import annotations

from docutils import nodes
from docutils.nodes import Node, system_message
from sphinx.application import Sphinx

from ..wording import KeyPathError, format_resolved
from .common import PolicyRole


class PolicyValueRole(PolicyRole):
    """Resolve ``self.text`` as a dotted key path and render the value in a reader's words."""

    def run(self) -> tuple[list[Node], list[system_message]]:
        key_path = self.text.strip()
        loaded = self.policy_loaded()
        if loaded is None:
            return [nodes.inline(self.rawtext, key_path, classes=["policy-missing"])], []
        resolved = self.resolve_key(loaded.policy, key_path)
        if resolved is None:
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        try:
            text = format_resolved(loaded.policy, resolved)
        except KeyPathError as error:
            self.warn(f"policy key path {key_path!r}: {error}", "key")
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        node = nodes.inline(text, text, classes=["policy-value"])
        node["policy-key"] = key_path
        return [node], []


def setup_role(app: Sphinx) -> None:
    app.add_role("policy", PolicyValueRole())
