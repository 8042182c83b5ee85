"""The Generlate Support handbook's policy, as code.

Data flows one way, and imports point the same way (``tests/test_layers.py`` enforces it)::

    policy/*.yaml --policy/--> typed Policy --clock/--> due times --wording--> reader's words
                                                                      |
                      checks, cli, lint, sphinxext, links  <----------+

:mod:`.policy` (source, units, zones, model, load) imports nothing above it; :mod:`.clock`
(schedule, index, bulk, api, deadlines, regimes, availability) only the policy;
:mod:`.wording` the clock and the policy. Only the top layer imports Sphinx or docutils, so
support tooling can use the policy and the clock without a docs toolchain.
"""
