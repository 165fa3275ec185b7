"""The application's clock: real UTC time, or a clock the tests set (``app.config["CLOCK"]``).

Services take ``now`` as an argument and never read a clock themselves; views and CLI commands ask
this module, so a test can move time forward without sleeping or patching.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from course_app.core.db import utcnow
from course_app.core.i18n import COPENHAGEN


def now() -> dt.datetime:
    """The current moment, timezone-aware UTC."""
    clock = current_app.config.get("CLOCK")
    return clock() if clock is not None else utcnow()


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day in Copenhagen at ``moment`` (release dates are Copenhagen days)."""
    return moment.astimezone(COPENHAGEN).date()
