"""Business-hours clock: schedules as per-weekday intervals in an IANA zone, results in UTC.

The public API lives in :mod:`.schedule`; it is re-exported here so callers write
``from generlate_handbook import clock`` and ``clock.due(...)``.
"""

from .schedule import *  # noqa: F403
from .schedule import __all__  # noqa: F401
