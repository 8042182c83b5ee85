"""Sphinx extension: render the support policy into the handbook.

Add ``generlate_handbook.sphinxext`` to ``extensions`` and set ``policy_dir`` (relative to
``conf.py``). One small module per feature, each with its ``setup_*`` function:

- ``{policy}`key.path``` role: one value in prose (:mod:`.role`);
- ``sla-table`` directive: a plan's SLA table (:mod:`.sla_table`);
- ``support-hours`` directive: schedules in several zones, per DST regime (:mod:`.support_hours`);
- ``availability-budget`` directive: downtime allowed per period (:mod:`.availability_budget`);
- ``sla-examples`` directive: worked due dates computed by the clock (:mod:`.sla_examples`);
- ``policy-list`` directive: a list from the policy as bullets (:mod:`.policy_list`);
- ``policy-history`` directive: the policy's git history in readers' words (:mod:`.policy_history`);
- edit links from a page to the policy lines it renders (:mod:`.policy_source`);
- ``zendesk-setup`` directive: the SLAs as Zendesk has them, from the export
  (:mod:`.zendesk_setup`);
- page titles escaped in the theme's top navigation (:mod:`.escaping`).

Warnings have type ``policy`` (suppress with ``suppress_warnings = ["policy.key"]`` etc.).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from .availability_budget import setup_availability_budget
from .common import setup_policy_loading, try_load
from .dependency import setup_policy_dependency
from .escaping import setup_escaping
from .policy_history import setup_policy_history
from .policy_list import setup_policy_list
from .policy_source import setup_policy_source
from .role import setup_role
from .sla_examples import setup_sla_examples
from .sla_table import setup_sla_table
from .support_hours import setup_support_hours
from .zendesk_setup import setup_zendesk_setup


def setup(app: Sphinx) -> dict[str, Any]:
    setup_policy_loading(app)
    setup_policy_dependency(app, try_load)
    setup_role(app)
    setup_sla_table(app)
    setup_support_hours(app)
    setup_availability_budget(app)
    setup_sla_examples(app)
    setup_policy_list(app)
    setup_policy_history(app)
    setup_policy_source(app)
    setup_zendesk_setup(app)
    setup_escaping(app)  # titles escaped in the theme's top navigation
    return {
        "version": "1",
        "env_version": 1,
        # Tested with -j 2 (tests/test_sphinxext.py): directives keep no state of their own in
        # the environment, and Sphinx merges each document's noted dependencies.
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
