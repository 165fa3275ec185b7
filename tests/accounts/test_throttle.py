"""Sign-in throttling (accounts/throttle.py) and the equal cost of unknown and known e-mails.

The database counter runs on the test database (SQLite, or PostgreSQL with
COURSE_APP_TEST_DATABASE_URL); the Redis counter when Redis answers on 127.0.0.1:6379.
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select
from werkzeug import security

from course_app import create_app
from course_app.accounts import services as accounts
from course_app.accounts.models import SignInFailure
from course_app.config import DEFAULTS
from course_app.core import migrate
from course_app.core.db import db, make_engine
from tests import factories
from tests.conftest import TEST_CONFIG, csrf_token_from

NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
WRONG = "Forkert e-mail eller adgangskode"
TOO_MANY = "Du har prøvet for mange gange."
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def leader(session):
    person = factories.user(email="lone.laas@test.example", name="Lone Lås")
    session.commit()
    return person


def _attempt(client, email: str, password: str, address: str = "192.0.2.1"):
    environ = {"REMOTE_ADDR": address}
    page = client.get("/log-ind", environ_base=environ)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(
        "/log-ind",
        data={"email": email, "password": password, "next": "", "csrf_token": token},
        environ_base=environ,
    )


def _fail(client, email: str, times: int, address: str = "192.0.2.1") -> None:
    for _ in range(times):
        response = _attempt(client, email, "forkert kodeord", address)
        assert response.status_code == 400 and WRONG in response.get_data(as_text=True)


def _signed_in(client) -> bool:
    return client.get("/mit-forloeb").status_code == 200


def test_the_limits_are_settings_with_sensible_defaults():
    assert DEFAULTS["SIGN_IN_FAILURES_PER_ACCOUNT"] == 10
    assert DEFAULTS["SIGN_IN_FAILURES_PER_ADDRESS"] == 50
    assert DEFAULTS["SIGN_IN_WINDOW_MINUTES"] == 15
    assert DEFAULTS["REDIS_URL"] is None


def test_the_eleventh_wrong_attempt_is_refused_with_retry_after(client, leader, clock):
    _fail(client, leader.email, 10)

    response = _attempt(client, leader.email, "forkert kodeord")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "900"
    page = response.get_data(as_text=True)
    assert "Du har prøvet for mange gange. Vent 15 minutter, og prøv igen." in page
    assert f'value="{leader.email}"' in page  # the e-mail typed stays in the form
    assert WRONG not in page

    # The right password is refused too while the account is locked: the wait is short.
    assert _attempt(client, leader.email, factories.PASSWORD).status_code == 429
    assert not _signed_in(client)


def test_the_window_expires_by_itself(client, leader, clock):
    _fail(client, leader.email, 10)

    clock.now = NOW + dt.timedelta(minutes=14, seconds=30)
    response = _attempt(client, leader.email, factories.PASSWORD)
    assert response.status_code == 429 and response.headers["Retry-After"] == "30"
    assert "Vent et minut, og prøv igen." in response.get_data(as_text=True)

    clock.now = NOW + dt.timedelta(minutes=15, seconds=1)
    assert _attempt(client, leader.email, factories.PASSWORD).status_code == 302
    assert _signed_in(client)


def test_refused_attempts_do_not_lengthen_the_wait(client, leader, clock):
    _fail(client, leader.email, 10)
    clock.now = NOW + dt.timedelta(minutes=10)
    for _ in range(5):
        assert _attempt(client, leader.email, "forkert kodeord").status_code == 429

    clock.now = NOW + dt.timedelta(minutes=15, seconds=1)
    assert _attempt(client, leader.email, factories.PASSWORD).status_code == 302


def test_the_window_moves_one_failure_at_a_time(client, leader, clock):
    for minute in range(10):
        clock.now = NOW + dt.timedelta(minutes=minute)
        _fail(client, leader.email, 1)
    clock.now = NOW + dt.timedelta(minutes=15, seconds=1)  # only the first has left the window
    _fail(client, leader.email, 1)
    assert _attempt(client, leader.email, "forkert kodeord").status_code == 429


def test_another_account_is_not_blocked_by_the_per_account_limit(client, leader, clock):
    other = factories.user(email="ole.anden@test.example", name="Ole Anden")
    db.session.commit()
    _fail(client, leader.email, 10)
    assert _attempt(client, leader.email, "forkert kodeord").status_code == 429

    assert _attempt(client, other.email, factories.PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_per_address_limit_spans_e_mails(client, leader, clock, monkeypatch, app):
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURES_PER_ADDRESS", 4)
    for number in range(4):
        _fail(client, f"gaet{number}@test.example", 1, address="203.0.113.9")

    response = _attempt(client, leader.email, factories.PASSWORD, address="203.0.113.9")
    assert response.status_code == 429 and response.headers["Retry-After"] == "900"
    # The same account from another address is not blocked.
    assert (
        _attempt(client, leader.email, factories.PASSWORD, address="198.51.100.7").status_code
        == 302
    )


def test_a_success_forgives_the_account_but_not_the_address(
    client, app, leader, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURES_PER_ADDRESS", 15)
    _fail(client, leader.email, 9)
    assert _attempt(client, leader.email, factories.PASSWORD).status_code == 302

    browser = app.test_client()
    _fail(browser, leader.email, 6)  # the account starts again from 0 ...
    # ... but the address has now failed 15 times
    assert _attempt(browser, leader.email, "forkert kodeord").status_code == 429


def test_failures_are_kept_as_hashes_and_expired_ones_are_deleted(client, leader, clock, session):
    _fail(client, leader.email, 3)
    keys = session.scalars(select(SignInFailure.key)).all()
    assert len(keys) == 6  # one per account and one per address for each failure
    assert all(leader.email not in key and "192.0.2.1" not in key for key in keys)

    clock.now = NOW + dt.timedelta(minutes=16)
    _fail(client, "en.anden@test.example", 1)
    assert session.scalar(select(func.count()).select_from(SignInFailure)) == 2


def test_successful_sign_ins_are_never_counted(client, app, leader, clock):
    for _ in range(12):
        browser = app.test_client()
        assert _attempt(browser, leader.email, factories.PASSWORD).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SignInFailure)) == 0


def test_an_unknown_e_mail_costs_one_hash_and_generates_none(app, session, monkeypatch):
    checks: list[str] = []
    real_check = security.check_password_hash

    def counting_check(pwhash: str, password: str) -> bool:
        checks.append(pwhash)
        return real_check(pwhash, password)

    def no_generating(*args, **kwargs):
        raise AssertionError("a hash was generated while signing in")

    monkeypatch.setattr(accounts, "check_password_hash", counting_check)
    monkeypatch.setattr(accounts, "generate_password_hash", no_generating)
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:777")
    assert accounts.authenticate("ukendt@test.example", "gæt") is None
    assert len(checks) == 1 and checks[0].startswith("pbkdf2:sha256:777$")


def test_unknown_and_known_e_mails_take_the_same_time(app, session, monkeypatch):
    # A realistic cost for this test (the suite hashes cheaply), small enough to stay quick.
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:40000")
    person = factories.user(email="tid.maaling@test.example")
    session.flush()

    def timed(email: str) -> float:
        # The thread's CPU time: the hash is CPU work, and the other suites CI runs on the same cores
        # stretch the wall clock of whichever side they happen to interrupt (once 60 % apart).
        start = time.thread_time()
        assert accounts.authenticate(email, "forkert kodeord") is None
        return time.thread_time() - start

    known, unknown = [], []
    for number in range(30):  # interleaved, so a busy moment hits both alike
        known.append(timed(person.email))
        unknown.append(timed(f"ukendt{number}@test.example"))
    # The fastest of each: the work itself. What this must catch is a missing hash (unknown
    # addresses a hundred times faster) or a second one (twice as slow): a third apart is neither.
    fastest_known, fastest_unknown = min(known), min(unknown)
    assert abs(fastest_known - fastest_unknown) / fastest_known < 0.33, (
        fastest_known,
        fastest_unknown,
        statistics.median(known),
        statistics.median(unknown),
    )


def test_parallel_failures_are_all_counted(fresh_database_url, tmp_path):
    """Each failure is a row of its own: workers failing at once lose none of them."""
    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    config = {
        **TEST_CONFIG,
        "DATABASE_URL": fresh_database_url,
        "SIGN_IN_FAILURES_PER_ACCOUNT": 100,
    }
    app = create_app(config, instance_path=str(tmp_path))
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            client = app.test_client()
            for _ in range(3):
                response = _attempt(client, "samme@test.example", "forkert", f"192.0.2.{number}")
                assert response.status_code == 400
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        counts = dict(
            db.session.execute(
                select(SignInFailure.scope, func.count()).group_by(SignInFailure.scope)
            ).all()
        )
        db.session.remove()
    db.engine(app).dispose()
    assert counts == {"account": 18, "address": 18}


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_the_counts_live_in_redis(client, app, session, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    # Keys of their own on a shared Redis; they expire with the window, as in production.
    email = f"redis-{uuid.uuid4().hex[:8]}@test.example"
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    _fail(client, email, 10, address)
    response = _attempt(client, email, "forkert kodeord", address)
    assert response.status_code == 429
    assert 890 <= int(response.headers["Retry-After"]) <= 900
    assert TOO_MANY in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(SignInFailure)) == 0
    # Another account from the same address is not blocked (the address has failed 10 of 50).
    assert _attempt(client, f"x{email}", "forkert kodeord", address).status_code == 400
