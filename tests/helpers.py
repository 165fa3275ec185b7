"""Small helpers for tests: signing in through the real form (with its CSRF token), and a clock
that stands still in Copenhagen time."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient

from course_app.accounts.models import User
from course_app.core.i18n import COPENHAGEN
from course_app.organisations.access import Viewer, viewer_for
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD
from tests.mail import app_config


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    page = client.get("/log-ind")
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(
        "/log-ind", data={"email": email, "password": password, "csrf_token": token, "next": ""}
    )


def post_form(client: FlaskClient, page_url: str, action_url: str, data: dict[str, str]):
    """Load ``page_url`` for a CSRF token, then post ``data`` to ``action_url``."""
    page = client.get(page_url)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(action_url, data={**data, "csrf_token": token})


def copenhagen(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A Copenhagen wall-clock time as the UTC instant the app stores."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN).astimezone(dt.UTC)


class Clock:
    """The app's ``CLOCK``: ``now`` until a test moves it."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@contextmanager
def clock_at(app: Flask, now: dt.datetime, base_url: str) -> Iterator[Clock]:
    """The app runs on a ``Clock`` standing at ``now`` (and with ``base_url`` for absolute links)."""
    test_clock = Clock(now)
    with app_config(app, CLOCK=test_clock, BASE_URL=base_url):
        yield test_clock


class PeopleByKey:
    """For a test world with ``people`` (key → person): ``world.la`` is ``world.people["la"]``, and
    ``world.viewer("la")`` is that person's ``Viewer``."""

    people: dict[str, User]

    def __getattr__(self, name: str) -> User:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)

    def viewer(self, key: str) -> Viewer:
        return viewer_for(self.people[key])


def at_once(calls: list) -> list:
    """Run ``calls`` (callables without arguments) in threads of their own, released together by a
    barrier: what each returned, in order. The first exception any raised is raised here."""
    start = threading.Barrier(len(calls), timeout=60)
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = calls[index]()
        except BaseException as error:  # raised below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results
