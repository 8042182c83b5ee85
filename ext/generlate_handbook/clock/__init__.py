"""The business-hours clock: a policy schedule's open time, answered from one index.

Data flow: :mod:`.schedule` (the :class:`Schedule` value: zone, weekly hours, holidays) →
:mod:`.index` (its open intervals as UTC instants with running totals; scalar queries by
binary search) → :mod:`.bulk` (the same queries over NumPy arrays) → :mod:`.api` (datetimes
and arrays in, UTC out). :mod:`.deadlines` applies a policy's targets to a ticket,
:mod:`.regimes` splits a year by daylight-saving periods, :mod:`.availability` does downtime
arithmetic. Nothing here imports Sphinx, docutils, the wording layer or the CLI.

The public API is re-exported here: ``from generlate_handbook import clock``, ``clock.due(...)``.
"""

from . import api
from .api import *  # noqa: F403
from .instants import InstantError, NaiveDatetimeError, OutOfRangeError, iso_utc, to_utc
from .schedule import Schedule, Segment, open_intervals_on, schedule_for

__all__ = [
    *api.__all__,
    "InstantError",
    "NaiveDatetimeError",
    "OutOfRangeError",
    "Schedule",
    "Segment",
    "iso_utc",
    "open_intervals_on",
    "schedule_for",
    "to_utc",
]
