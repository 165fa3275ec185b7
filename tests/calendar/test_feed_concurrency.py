"""Two "make my calendar link" requests at once (a double click) leave one feed and no error, on
SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from course_app.accounts.models import User
from course_app.core.db import db, utcnow, writes_from_the_start
from course_app.schedule import feeds
from course_app.schedule.event_models import CalendarFeed
from tests import factories
from tests.notifications.test_concurrency import _at_once, own_app  # noqa: F401 - a fixture


def test_two_renewals_at_once_leave_one_working_feed(own_app):  # noqa: F811
    with own_app.app_context():
        user_id = factories.user(name="Dobbelt Klik").id
        db.session.commit()

    def renew() -> str:
        writes_from_the_start()  # as a POST does (SQLite: the write lock at BEGIN)
        user = db.session.get(User, user_id)
        token = feeds.renew_feed(user, utcnow())
        db.session.commit()
        return token

    tokens = _at_once(own_app, renew)
    with own_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CalendarFeed)) == 1
        working = [token for token in tokens if feeds.user_for_token(token) is not None]
    assert len(working) == 1  # the later renewal replaced the earlier one
