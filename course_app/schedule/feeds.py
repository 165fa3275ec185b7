"""Each person's calendar feed: a secret address a calendar app fetches without signing in.

The address holds a random token (``secrets.token_urlsafe(32)``, 256 bits); only its SHA-256 hash is
stored, as for invitations, so the database alone never gives the address away. A person has at most
one: renewing replaces the hash (the old address stops working at once), deleting revokes it. A
wrong, old or malformed token finds nothing and changes nothing (the view answers 404).

The feed holds what the person follows (``event_access.followed_condition``) from a year ago on, and,
for the rounds the person is enrolled in, the days modules open (all-day events).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db
from course_app.courses.outlines import course_outline
from course_app.organisations.access import viewer_for
from course_app.schedule import event_access, events
from course_app.schedule.event_models import CalendarFeed, Event
from course_app.schedule.ics import ReleaseDay
from course_app.schedule.releases import opening_day, release_plan

FEED_HISTORY = dt.timedelta(days=365)
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # what token_urlsafe(32) gives


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def renew_feed(user: User, now: dt.datetime) -> str:
    """A new secret address for the person (the old one, if any, stops working). Returns the token:
    shown once, never stored."""
    token = secrets.token_urlsafe(32)
    # Two renewals at once (a double click) queue here instead of both inserting a first feed.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token_hash = _hash(token)
    feed.created_at = now
    db.session.flush()
    return token


def revoke_feed(user: User) -> bool:
    """Delete the person's address; False when there was none."""
    feed = feed_of(user)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    return True


def user_for_token(token: str) -> User | None:
    """The active person whose feed the token opens; None for anything else (read only)."""
    if not _TOKEN_SHAPE.fullmatch(token):
        return None
    user = db.session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == _hash(token))
    )
    if user is None or user.deactivated_at is not None:
        return None
    return user


def followed_events(user: User, since: dt.datetime) -> list[Event]:
    audience = event_access.audience_for(viewer_for(user))
    return events.events_where(event_access.followed_condition(audience) & (Event.ends_at >= since))


def release_days(user: User, module_url: Callable[[Cohort, str], str]) -> list[ReleaseDay]:
    """The days modules open in the person's rounds, from each round's release plan."""
    cohorts = db.session.scalars(
        select(Cohort)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user.id)
        .order_by(Cohort.starts_on, Cohort.id)
    )
    days = []
    for cohort in cohorts:
        modules = [outline.module for outline in course_outline(cohort.course)]
        plan = release_plan(cohort, modules)
        for module in modules:
            day = opening_day(plan[module.id], cohort)
            if day is not None:
                days.append(
                    ReleaseDay(
                        cohort_id=cohort.id,
                        module_id=module.id,
                        summary=str(_l("%(module)s åbner", module=module.title)),
                        day=day,
                        url=module_url(cohort, module.key),
                    )
                )
    return days
