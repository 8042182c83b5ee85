"""The policy in the help desk (Zendesk): export, drift, push.

- :mod:`.zones`: IANA zone names to Zendesk's own zone names (one table, tested);
- :mod:`.export`: the policy as Zendesk request bodies, plus what Zendesk cannot enforce;
- :mod:`.drift`: what a live Zendesk has against what the policy says, in readers' words;
- :mod:`.push`: create or update schedules and SLA policies through the REST API, idempotently;
- :mod:`.cli`: ``handbook-policy zendesk export|drift|push``.

The policy's ``helpdesk`` section is modelled in :mod:`generlate_handbook.policy.helpdesk`.
This package imports no Sphinx; nothing here is imported by ``__init__`` so the policy model can
use :mod:`.zones` without a cycle.
"""
