"""Single-use, expiring sign-in links in e-mails, for leaders only, and only when the operator turns
them on (``SIGN_IN_LINKS``; off by default).

Without them, a link in an e-mail is a plain address and the person signs in as usual. With them,
``link_for`` gives a leader an address that signs them in once and then opens the page it points
to. Who never gets one, and whose old links stop working:

- anyone who holds **any role assignment** (platform admin, coordinator, course editor, facilitator
  and also group chair: a chair reads the group's meeting notes and follows its members' progress,
  so a forwarded e-mail would open other people's data);
- a deactivated person.

The role table lives on a higher floor (``organisations``); ``create_app`` hands the check in with
``init_app``. Without it, everyone counts as staff (no links): the safe side.

An e-mail with several links shares one token: ``issue_token`` once, then ``link_with_token`` for
each link (a ``None`` token gives plain addresses). ``link_for`` does both for a single link.

The token is ``secrets.token_urlsafe(32)``; only its SHA-256 hash is stored, as for invitations.
Opening the link (GET) changes nothing, since mail scanners fetch links; the button on that page
(POST) uses it up in one conditional UPDATE, so of two clicks at once exactly one signs in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, current_app

from course_app.accounts import tokens
from course_app.accounts.models import SignInLink, User
from course_app.accounts.sign_in_policy import passwords_allowed
from course_app.core.db import db
from course_app.core.links import absolute_url

StaffCheck = Callable[[User], bool]
_EXTENSION = "course_app.sign_in_links"
ENDPOINT = "accounts.sign_in_link"


def init_app(app: Flask, *, holds_staff_role: StaffCheck) -> None:
    """Tell the app how to recognise staff (``create_app`` passes the directory's check)."""
    app.extensions[_EXTENSION] = holds_staff_role


def _holds_staff_role(user: User) -> bool:
    check: StaffCheck | None = current_app.extensions.get(_EXTENSION)
    return True if check is None else check(user)


def enabled() -> bool:
    return current_app.config["SIGN_IN_LINKS"] is True  # start-up refuses anything but a bool


def may_sign_in_by_link(user: User) -> bool:
    """Whether links in e-mails may sign this person in (now; checked again when one is used)."""
    return (
        enabled()
        and user.is_active
        and not _holds_staff_role(user)
        and passwords_allowed(user)  # else she signs in through her organisation's provider only
    )


def issue_token(user: User, now: dt.datetime) -> str | None:
    """A new single-use token for the person's next e-mail, or None when they get plain links.
    Valid for ``SIGN_IN_LINK_HOURS``; every link of one e-mail may share it."""
    if not may_sign_in_by_link(user):
        return None
    hours = current_app.config["SIGN_IN_LINK_HOURS"]
    token = tokens.issue(SignInLink, user, now, dt.timedelta(hours=hours))
    db.session.flush()
    return token


def link_with_token(token: str | None, endpoint: str, **values: object) -> str:
    """The absolute address of the page ``endpoint`` names; through the sign-in link when a token
    is given (the page's path is its ``next``)."""
    target = absolute_url(endpoint, **values)
    if token is None:
        return target
    parts = urlsplit(target)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return absolute_url(ENDPOINT, token=token, next=path)


def link_for(user: User, endpoint: str, now: dt.datetime, **values: object) -> str:
    """One link for an e-mail to ``user``: a sign-in link when they may have one, else plain."""
    return link_with_token(issue_token(user, now), endpoint, **values)


def _valid(token: str, now: dt.datetime) -> tuple[SignInLink, User] | None:
    row = tokens.find(SignInLink, token) if enabled() else None
    if row is None:
        return None
    link, user = row
    if not tokens.is_usable(link, now) or not may_sign_in_by_link(user):
        return None
    return link, user


def user_for_token(token: str, now: dt.datetime) -> User | None:
    """The person an unused, unexpired link would sign in; None for anything else (reads only)."""
    found = _valid(token, now)
    return None if found is None else found[1]


def use_token(token: str, now: dt.datetime) -> User | None:
    """Use the link up and return its person, who may now be signed in; None when it does not
    work (unknown, used, expired, or the person may no longer sign in by link): nothing changes
    then. Of two uses at once, one gets the person and the other None."""
    found = _valid(token, now)
    if found is None:
        return None
    link, user = found
    if not tokens.use_up(SignInLink, link.id, now):
        return None
    user.last_sign_in_at = now
    db.session.flush()
    return user
