"""Where a leader is in a film and what she has played: the film script's reports (JSON with the
CSRF token in a header), what is refused, "Fortsæt fra" on the page, and the merged stretches."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import partial

import pytest
from sqlalchemy import func, select

from course_app.core.db import db
from course_app.courses.models import Block
from course_app.progress import film_views
from course_app.progress.models import FilmView
from tests import factories
from tests.helpers import at_once, sign_in


def _setup(session, *, placeholder: bool = False):
    org = factories.organisation("Albertslund")
    course = factories.course()
    film = db.session.scalar(
        select(Block).where(Block.course_id == course.id, Block.key == "film-video")
    )
    if placeholder:
        film.data = {**film.data, "placeholder": True}
    cohort = factories.cohort(course, orgs=[org])
    leader, enrolment = factories.enrolled_leader(cohort, org=org)
    session.commit()
    return cohort, leader, enrolment, film


def _token(client, cohort) -> str:
    html = client.get(f"/forloeb/{cohort.id}/moduler/modul-a").get_data(as_text=True)
    return re.search(r'data-csrf="([^"]+)"', html).group(1)


def _report(client, cohort, token, data, block_key="film-video"):
    return client.post(
        f"/forloeb/{cohort.id}/film/{block_key}",
        data=json.dumps(data) if not isinstance(data, str | bytes) else data,
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )


def _views(session) -> list[FilmView]:
    session.expire_all()
    return list(session.scalars(select(FilmView)))


def test_a_report_is_stored_and_offered_as_where_to_go_on(client, session):
    cohort, leader, enrolment, film = _setup(session)
    sign_in(client, leader.email)
    token = _token(client, cohort)

    response = _report(
        client,
        cohort,
        token,
        {"position": 1390.4, "played": [[0, 600], [580, 1390.4]], "duration": 2400},
    )

    assert response.status_code == 204
    (view,) = _views(session)
    assert (view.enrolment_id, view.block_id) == (enrolment.id, film.id)
    assert (view.position_seconds, view.played, view.duration_seconds) == (1390, [[0, 1390]], 2400)
    html = client.get(f"/forloeb/{cohort.id}/moduler/modul-a").get_data(as_text=True)
    assert (
        f'<a href="/forloeb/{cohort.id}/moduler/modul-a?vis=film-video&amp;t=1390#blok-film-video" '
        'data-film="blok-film-video" data-seek="1390">Fortsæt fra 23:10</a>'
    ) in html


def test_a_report_needs_the_csrf_token(client, session):
    cohort, leader, _enrolment, _film = _setup(session)
    sign_in(client, leader.email)

    response = _report(client, cohort, "not-the-token", {"position": 10})

    assert response.status_code == 400
    assert _views(session) == []


@pytest.mark.parametrize(
    "data",
    [
        {"position": -1},
        {"position": 86_401},
        {"position": 1e308},
        {"position": "12"},
        {"position": True},
        {"position": None},
        {},
        [],
        "{not json",
        {"position": 10, "played": [[5, 1]]},
        {"position": 10, "played": [[0, 10, 20]]},
        {"position": 10, "played": [[0, -10]]},
        {"position": 10, "played": [[0, 1]] * 21},
        {"position": 10, "played": "0-10"},
        {"position": 10, "duration": 0},
        {"position": 10, "duration": 10**12},
        {"position": 10, "played": [["\x00", 5]]},
    ],
)
def test_bad_reports_are_refused_and_write_nothing(client, session, data):
    cohort, leader, _enrolment, _film = _setup(session)
    sign_in(client, leader.email)
    token = _token(client, cohort)

    response = _report(client, cohort, token, data)

    assert response.status_code == 400
    assert _views(session) == []


def test_no_write_for_a_film_the_leader_cannot_see(client, session):
    cohort, leader, _enrolment, _film = _setup(session)
    other_course = factories.course()
    other_cohort = factories.cohort(other_course, orgs=[factories.organisation("Glostrup")])
    session.commit()
    sign_in(client, leader.email)
    token = _token(client, cohort)

    refused = [
        _report(client, other_cohort, token, {"position": 10}),  # a round she is not in
        _report(client, cohort, token, {"position": 10}, block_key="spoergsmaal-1"),  # no film
        _report(client, cohort, token, {"position": 10}, block_key="findes-ikke"),
    ]

    assert [response.status_code for response in refused] == [404, 404, 404]
    assert _views(session) == []


def test_a_flood_of_reports_writes_once_in_the_interval(client, session, app):
    cohort, leader, _enrolment, _film = _setup(session)
    sign_in(client, leader.email)
    token = _token(client, cohort)

    statuses = [
        _report(client, cohort, token, {"position": 10 + i, "played": [[i, i + 1]]}).status_code
        for i in range(20)
    ]

    assert statuses[0] == 204 and set(statuses[1:]) == {202}
    (view,) = _views(session)
    assert (view.position_seconds, view.played) == (10, [[0, 1]])


def test_the_page_offers_nothing_for_a_placeholder_film(client, session):
    cohort, leader, enrolment, film = _setup(session, placeholder=True)
    db.session.add(
        FilmView(enrolment_id=enrolment.id, block_id=film.id, position_seconds=600, played=[])
    )
    session.commit()
    sign_in(client, leader.email)

    html = client.get(f"/forloeb/{cohort.id}/moduler/modul-a").get_data(as_text=True)

    assert "Fortsæt fra" not in html and "data-film-report" not in html


# --- The stretches ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stretches", "merged"),
    [
        ([], []),
        ([[0, 10], [5, 20]], [[0, 20]]),
        ([[10, 20], [0, 10]], [[0, 20]]),
        ([[0, 10], [30, 40], [10, 12]], [[0, 12], [30, 40]]),
        ([[5, 5], [7, 3]], []),
    ],
)
def test_stretches_are_merged(stretches, merged):
    assert film_views.merge(stretches) == merged


def test_stored_stretches_are_bounded_by_joining_the_closest():
    stretches = [[i * 10, i * 10 + 5] for i in range(film_views.MAX_STORED + 5)]

    merged = film_views.merge(stretches)

    assert len(merged) == film_views.MAX_STORED
    assert merged[0][0] == 0 and merged[-1][1] == stretches[-1][1]


def test_seeking_ahead_counts_nothing_and_watching_twice_counts_once(session):
    _cohort, _leader, enrolment, film = _setup(session)
    start = dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC)
    reports = [
        film_views.Report(300, [(0, 300)], 2400),
        film_views.Report(2390, [], 2400),  # sought to the end: nothing played
        film_views.Report(300, [(100, 300)], 2400),  # watched again
    ]
    for minute, report in enumerate(reports):
        film_views.record(enrolment.id, film.id, report, start + dt.timedelta(minutes=minute))

    view = db.session.scalar(select(FilmView))
    assert film_views.played_seconds(view) == 300
    assert film_views.played_share(view, None) == pytest.approx(300 / 2400)
    assert session.scalar(select(func.count()).select_from(FilmView)) == 1


# --- completion: watched ---------------------------------------------------------------------------


def _watched_lesson(session, film, percent=None):
    from course_app.courses.models import CompletionRule, Lesson

    lesson = session.get(Lesson, film.lesson_id)
    lesson.completion = CompletionRule.WATCHED
    lesson.watched_percent = percent
    session.commit()
    return lesson


def _complete(client, cohort, *, film_script: bool):
    html = client.get(f"/forloeb/{cohort.id}/moduler/modul-a").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = {"csrf_token": token, **({"filmscript": "1"} if film_script else {})}
    client.post(f"/forloeb/{cohort.id}/lektioner/lektion-film/faerdig", data=data)
    return client.get(f"/forloeb/{cohort.id}/moduler/modul-a").get_data(as_text=True)


def _answer_required(client, cohort):
    html = client.get(f"/forloeb/{cohort.id}/moduler/modul-a").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    client.post(
        f"/forloeb/{cohort.id}/svar/spoergsmaal-1",
        data={"csrf_token": token, "version": "0", "text": "Svar", "submit_answer": "1"},
    )


def test_a_lesson_done_by_watching_needs_the_film_played(client, session):
    cohort, leader, enrolment, film = _setup(session)  # the film: 40 minutes
    _watched_lesson(session, film)
    sign_in(client, leader.email)
    _answer_required(client, cohort)
    page = client.get(f"/forloeb/{cohort.id}/moduler/modul-a").get_data(as_text=True)
    assert "Du kan markere lektionen som færdig, når du har set mindst 90 % af filmen." in page
    assert "data-film-rule" in page and "<noscript>" in page
    now = dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC)
    film_views.record(enrolment.id, film.id, film_views.Report(2390, [(0, 300)], 2400), now)
    session.commit()

    refused = _complete(client, cohort, film_script=True)

    assert "Du har set 12 % af filmen »Film«. Se mindst 90 %" in refused
    assert "Du har gennemført lektionen." not in refused
    film_views.record(
        enrolment.id, film.id, film_views.Report(2400, [(300, 2200)], 2400), now + dt.timedelta(1)
    )
    session.commit()

    done = _complete(client, cohort, film_script=True)

    assert "Du har gennemført lektionen." in done


def test_without_the_film_script_the_leaders_word_counts(client, session):
    cohort, leader, _enrolment, film = _setup(session)
    _watched_lesson(session, film, percent=50)
    sign_in(client, leader.email)
    _answer_required(client, cohort)

    done = _complete(client, cohort, film_script=False)

    assert "Du har gennemført lektionen." in done


def test_a_placeholder_film_leaves_the_leader_to_say_so(client, session):
    cohort, leader, _enrolment, film = _setup(session, placeholder=True)
    _watched_lesson(session, film)
    sign_in(client, leader.email)
    _answer_required(client, cohort)

    done = _complete(client, cohort, film_script=True)

    assert "Du har gennemført lektionen." in done
    assert "af filmen." not in done.split("Du har gennemført")[0].split("lektion-film")[-1]


def test_no_write_in_a_locked_module_or_a_closed_round(client, session):
    from course_app.core.db import utcnow
    from course_app.courses.models import Lesson, Module

    cohort, leader, _enrolment, film = _setup(session)
    sign_in(client, leader.email)
    token = _token(client, cohort)
    module = session.get(Module, session.get(Lesson, film.lesson_id).module_id)
    module.release = {"date": "2099-01-05"}
    session.commit()

    locked = _report(client, cohort, token, {"position": 10})

    module.release = None
    cohort.closed_at = utcnow()
    session.commit()
    closed = _report(client, cohort, token, {"position": 10})

    assert (locked.status_code, closed.status_code) == (403, 409)
    assert _views(session) == []


# --- simultaneous first reports, on committed data in a database of the test's own -------------


def test_simultaneous_first_reports_store_one_row_and_never_fail(fresh_app):
    """Two tabs (or a report and its beacon) send the first report of a film at once: one is
    stored, the others are dropped quietly (202), none is a 500. On PostgreSQL these are separate
    connections racing for the unique (enrolment, film) row."""
    app = fresh_app()
    workers = 8
    with app.app_context():
        cohort, leader, enrolment, film = _setup(db.session)
        cohort_id, email, enrolment_id = cohort.id, leader.email, enrolment.id

    clients = []
    for _ in range(workers):
        client = app.test_client()
        sign_in(client, email)
        clients.append((client, _token(client, _Cohort(cohort_id))))

    def post(number: int) -> int:
        client, token = clients[number]
        report = {"position": 10 + number, "played": [[0, 10 + number]], "duration": 2400}
        return _report(client, _Cohort(cohort_id), token, report).status_code

    statuses = at_once([partial(post, number) for number in range(workers)])

    assert sorted(statuses) == [202] * (workers - 1) + [204], statuses
    with app.app_context():
        views = list(db.session.scalars(select(FilmView)))
        assert [(view.enrolment_id, view.block_id) for view in views] == [(enrolment_id, film.id)]
        (view,) = views
        assert view.played == [[0, view.position_seconds]]  # the one stored report, whole


@dataclass(frozen=True)
class _Cohort:
    """The cohort's id where the helpers above want a cohort (its rows live in another session)."""

    id: int


# The statements of one report: the person with her roles and group, her enrolment with its round
# and course, her lesson states, the round's release rules with her unlocks (one statement; the course
# outline is in the process's memory), the film's row, and its write. A dropped report (too soon)
# writes nothing.
REPORT_BUDGET = 6


def test_a_report_has_a_statement_budget(client, session, count_statements):
    cohort, leader, _enrolment, _film = _setup(session)
    sign_in(client, leader.email)
    token = _token(client, cohort)
    report = {"position": 30, "played": [[0, 30]], "duration": 2400}
    with count_statements() as stored:
        assert _report(client, cohort, token, report).status_code == 204
    with count_statements() as dropped:
        assert _report(client, cohort, token, report).status_code == 202
    assert stored.count <= REPORT_BUDGET, stored.statements
    assert dropped.count <= stored.count - 1, dropped.statements
