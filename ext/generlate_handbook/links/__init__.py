"""Dead-link checks for the handbook.

Two gates, one package::

    make check      gate.py        fresh strict HTML build; Sphinx + MyST warnings plus our own
                                   (absolute links to the handbook itself, allowlist errors),
                                   printed as ``handbook/page.md:LINE: message`` + a ``hint:``
    make linkcheck  external.py    Sphinx's linkcheck builder, configured in conf.py, with the
                                   allowlist and a 24-hour cache of working links (sphinxext.py);
                                   a summary table read from Sphinx's ``output.json``

:mod:`.allowlist` (validated like the policy, each pattern held to one host by
:mod:`.patterns`), :mod:`.cache`, :mod:`.report`, :mod:`.diagnostics` and :mod:`.files` (report
files written whole or not at all) are plain Python; :mod:`.sphinxext` is the Sphinx extension
listed in ``conf.py``, and :mod:`.linkcheck` the strict ``linkcheck`` builder it installs (GET
only, 5xx and non-standard statuses broken, 429 waits capped).
"""

from __future__ import annotations

#: The allowlist, relative to the Sphinx configuration folder (``handbook/``).
ALLOWLIST = "_links/allowlist.yaml"
#: The cache of checked links, in the linkcheck output folder.
CACHE_FILE = "cache.json"
#: The URLs one linkcheck run took from the cache (written by the extension, read by the runner).
FROM_CACHE_FILE = "from-cache.json"
#: Every place each external URL is linked from (Sphinx's report names only the first).
OCCURRENCES_FILE = "occurrences.json"
#: Sphinx's own linkcheck report.
REPORT_FILE = "output.json"
