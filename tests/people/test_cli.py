"""``course-app users import`` and ``course-app notify send`` as real processes, against a database of
their own and the local SMTP server (the issue's acceptance: 200 rows, 3 bad)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from course_app import create_app
from course_app.core import migrate
from course_app.core.db import db, make_engine
from tests import factories
from tests.conftest import TEST_CONFIG, FreshContextClient, csrf_token_from
from tests.helpers import sign_in
from tests.mail import Mailbox
from tests.people.conftest import csv_text

pytestmark = pytest.mark.slow
BASE_URL = "http://forloeb.test"
BAD_LINES = {17: "email", 88: "role", 150: "duplicate"}
PASSWORD = "mit eget gode kodeord"


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course_app", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


@pytest.fixture
def env(fresh_database_url: str, tmp_path: Path, mailbox: Mailbox) -> dict[str, str]:
    return {
        "COURSE_APP_DATABASE_URL": fresh_database_url,
        "COURSE_APP_INSTANCE_PATH": str(tmp_path / "instance"),
        "COURSE_APP_SECRET_KEY": "cli-test-key",
        "COURSE_APP_BASE_URL": BASE_URL,
        **mailbox.env,
    }


@pytest.fixture
def web(env, tmp_path):
    """The same database through the app in this process (for seeding and for following links)."""
    app = create_app(
        {**TEST_CONFIG, "DATABASE_URL": env["COURSE_APP_DATABASE_URL"]},
        instance_path=str(tmp_path / "web-instance"),
    )
    app.test_client_class = FreshContextClient
    yield app
    db.engine(app).dispose()


def count(url: str, table: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


def two_hundred_people() -> list[tuple[str, ...]]:
    """Two municipalities, ten leader groups of twenty: a chair, a facilitator and 18 leaders each,
    and a coordinator in each municipality in place of one leader."""
    rows = []
    for n in range(200):
        organisation, area = (
            ("Albertslund", "Børn og unge") if n < 120 else ("Glostrup", "Sundhed og omsorg")
        )
        group = f"Ledergruppe {n // 20 + 1}"
        role = {0: "mødeleder", 1: "facilitator"}.get(n % 20, "leder")
        if n in (2, 122):
            role, group = "koordinator", ""
        rows.append(
            (
                f"Søren Ærø Åberg {n:03d}",
                f"person{n:03d}@{organisation.lower()}.example",
                organisation,
                area,
                group,
                role,
            )
        )
    return rows  # fmt: skip


def bad_copy(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Three bad rows (file lines 17, 88 and 150; line 1 is the header)."""
    bad = list(rows)
    bad[15] = (bad[15][0], "person015(at)albertslund.example", *bad[15][2:])
    bad[86] = (*bad[86][:5], "direktør")
    bad[148] = (bad[148][0], rows[3][1], *bad[148][2:])  # the e-mail on line 5 again
    return bad


def test_two_hundred_rows_three_bad_then_corrected_then_again(env, web, tmp_path, mailbox):
    url = env["COURSE_APP_DATABASE_URL"]
    assert run(["db", "upgrade"], env).returncode == 0
    with web.app_context():
        albertslund = factories.organisation("Albertslund")
        factories.cohort(factories.course(), orgs=[albertslund])
        db.session.commit()

    people = two_hundred_people()
    bad_file = tmp_path / "deltagere-med-fejl.csv"
    bad_file.write_bytes(csv_text(bad_copy(people)).encode("utf-8-sig"))
    failed = run(["users", "import", str(bad_file)], env)
    assert failed.returncode == 1
    problem_lines = re.findall(rf"^{re.escape(str(bad_file))}:(\d+): (.+)$", failed.stderr, re.M)
    assert {int(line) for line, _ in problem_lines} == set(BAD_LINES), failed.stderr
    assert len(problem_lines) == 3, failed.stderr
    reasons = dict((int(line), reason) for line, reason in problem_lines)
    assert "Ugyldig e-mailadresse" in reasons[17]
    assert "direktør" in reasons[88]
    assert "linje 5" in reasons[150]
    assert "Intet blev importeret" in failed.stderr
    assert count(url, "users") == 0
    assert count(url, "outbox_messages") == 0
    assert mailbox.messages() == []

    good_file = tmp_path / "deltagere.csv"
    good_file.write_bytes(csv_text(people).encode("utf-8-sig"))
    dry = run(["users", "import", str(good_file), "--dry-run"], env)
    assert dry.returncode == 0, dry.stderr
    assert "Prøvekørsel" in dry.stdout and "200 nye personer" in dry.stdout
    assert count(url, "users") == 0 and mailbox.messages() == []

    imported = run(["users", "import", str(good_file)], env)
    assert imported.returncode == 0, imported.stderr
    assert "200 nye personer" in imported.stdout
    assert "Sendte 200 invitationer." in imported.stdout
    assert count(url, "users") == 200
    # leaders and chairs in Albertslund (the only organisation with a cohort) are enrolled
    assert count(url, "enrolments") == 120 - 6 - 1
    assert count(url, "organisations") == 2 and count(url, "leader_groups") == 10
    received = mailbox.messages()
    assert len(received) == 200
    assert sorted(r for message in received for r in message.recipients) == sorted(
        row[1] for row in people
    )
    paths = {message.recipients[0]: message.invitation_path for message in received}
    for message in received:
        assert f"{BASE_URL}{message.invitation_path}" in message.body
        assert "Søren Ærø Åberg" in message.body
    assert len(set(paths.values())) == 200

    client = web.test_client()
    for path in paths.values():
        assert client.get(path).status_code == 200
    for email in (
        people[0][1],
        people[5][1],
        people[199][1],
    ):  # a chair, a leader, a Glostrup leader
        page = client.get(paths[email])
        response = client.post(
            paths[email],
            data={
                "csrf_token": csrf_token_from(page.get_data(as_text=True)),
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        dashboard = client.get("/mit-forloeb").get_data(as_text=True)
        client.post("/log-ud", data={"csrf_token": csrf_token_from(dashboard)})
        assert client.get(paths[email]).status_code == 404  # single use
        signed_in = sign_in(client, email, PASSWORD)
        assert signed_in.headers["Location"] == "/forside"
        client.post(
            "/log-ud",
            data={"csrf_token": csrf_token_from(client.get("/mit-forloeb").get_data(as_text=True))},
        )

    again = run(["users", "import", str(good_file)], env)
    assert again.returncode == 0, again.stderr
    assert "Ingen ændringer" in again.stdout
    assert "Sendte" not in again.stdout
    assert count(url, "users") == 200 and count(url, "outbox_messages") == 200
    assert len(mailbox.messages()) == 200


def upgrade_in_process(url: str) -> None:
    """Quicker than another ``course-app db upgrade`` process (the first test runs that one)."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()


def test_notify_send_sends_what_waits_in_the_outbox(env, tmp_path, mailbox):
    upgrade_in_process(env["COURSE_APP_DATABASE_URL"])
    people = tmp_path / "to.csv"
    people.write_text(
        csv_text(
            [
                ("A", "a@test.example", "Org", "", "G", ""),
                ("B", "b@test.example", "Org", "", "G", ""),
            ]
        )
    )
    unreachable = {**env, "COURSE_APP_MAIL_PORT": "1"}
    imported = run(["users", "import", str(people)], unreachable)
    assert imported.returncode == 1
    assert "e-mailkøen" in imported.stderr and "notify send" in imported.stderr
    assert count(env["COURSE_APP_DATABASE_URL"], "users") == 2  # the import itself is kept
    assert mailbox.messages() == []

    sent = run(["notify", "send"], env)
    assert sent.returncode == 0, sent.stderr
    assert "Sendte 2 e-mails." in sent.stdout
    assert sorted(m.recipients[0] for m in mailbox.messages()) == [
        "a@test.example",
        "b@test.example",
    ]
