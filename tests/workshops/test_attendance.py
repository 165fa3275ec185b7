# ruff: noqa: F811 - pytest fixtures imported by name
"""Attendance on the day and the sign-up report (issue 13, point 2): who may mark, that forged ids
change nothing, that two phones do not undo each other, and the counts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.cohorts.read_only import RoundClosed
from course_app.core.db import db, utcnow
from course_app.core.errors import NotAllowed, ServiceError
from course_app.workshops import attendance, signups
from course_app.workshops.models import WorkshopSignup
from tests.calendar.conftest import clock, copenhagen  # noqa: F401 - clock: a fixture
from tests.conftest import csrf_token_from
from tests.groups.conftest import browser  # noqa: F401 - fixture
from tests.workshops.world import ww  # noqa: F401 - fixture

NOW = copenhagen(2026, 10, 29, 10, 15)


def came() -> set[int]:
    return set(
        db.session.scalars(select(WorkshopSignup.user_id).where(WorkshopSignup.attended.is_(True)))
    )


def url(ww, page: str = "fremmoede") -> str:
    return f"/workshops/{ww.workshop.id}/{page}"


def test_those_who_run_the_day_mark_who_came(ww):
    a, d = ww.people["a"].id, ww.people["d"].id
    assert signups.mark_attendance(ww.workshop, ww.viewer("ka"), NOW, came={a, d}) == 2
    assert came() == {a, d}
    # Marking again changes nothing; someone who never answered has coming NULL.
    assert signups.mark_attendance(ww.workshop, ww.viewer("ad"), NOW, came={a}) == 0
    assert signups.signup_of(ww.workshop, ww.people["a"]).coming is None
    assert signups.mark_attendance(ww.workshop, ww.viewer("kb"), NOW, did_not_come={d}) == 1
    assert came() == {a}


@pytest.mark.parametrize("key", ["a", "h", "e", "kc", "f", "fb"])
def test_others_may_not_mark(ww, key):
    # A leader of the round, its chair, another round's leader, a coordinator of an organisation
    # outside the round, facilitators not assigned to the workshop.
    with pytest.raises(NotAllowed):
        signups.mark_attendance(ww.workshop, ww.viewer(key), NOW, came={ww.people["a"].id})
    assert came() == set()


def test_forged_ids_of_other_rounds_change_nothing(ww):
    forged = {ww.people["a"].id, ww.people["y"].id}  # y: a leader of C, not in the round
    with pytest.raises(ServiceError, match="ikke er tilmeldt"):
        signups.mark_attendance(ww.workshop, ww.viewer("ka"), NOW, came=forged)
    with pytest.raises(ServiceError):
        signups.mark_attendance(ww.workshop, ww.viewer("ka"), NOW, came={2**31 - 1})
    assert came() == set()
    assert db.session.scalar(select(func.count()).select_from(WorkshopSignup)) == 0


def test_a_closed_round_is_not_marked(ww):
    ww.round.closed_at = NOW
    with pytest.raises(RoundClosed):
        signups.mark_attendance(ww.workshop, ww.viewer("ad"), NOW, came={ww.people["a"].id})


def test_the_report_counts_by_organisation_area_and_group(ww):
    signups.answer(ww.workshop, ww.people["a"], True, copenhagen(2026, 9, 2))
    signups.answer(ww.workshop, ww.people["b"], False, copenhagen(2026, 9, 2))
    signups.answer(ww.workshop, ww.people["d"], True, copenhagen(2026, 9, 2))
    signups.mark_attendance(
        ww.workshop, ww.viewer("ad"), NOW, came={ww.people["a"].id, ww.people["c"].id}
    )
    report = attendance.attendance_report(ww.workshop, utcnow())
    cells = {row.organisation: row.counts.cells() for row in report.by_organisation}
    # enrolled, coming, not coming, no answer, came
    assert cells == {ww.org_a.name: [3, 1, 1, 1, 2], ww.org_b.name: [1, 1, 0, 0, 0]}
    by_area = {(row.organisation, row.area): row.counts.came for row in report.by_area}
    assert by_area[(ww.org_a.name, "Børn og unge")] == 1 and by_area[(ww.org_a.name, "Ældre")] == 1
    assert report.total.cells() == [4, 2, 1, 1, 2]
    lines = list(attendance.report_csv_rows(report))
    assert lines[0][0] == "Niveau" and lines[-1] == ["I alt", "", "", "", 4, 2, 1, 1, 2]


# --- The pages ------------------------------------------------------------------------------------


def test_who_reaches_the_list_and_the_report(ww, browser):
    for key in ("a", "d", "h", "e", "kc", "f", "fb"):  # leaders of the round too
        client = browser(ww.people[key])
        for page in ("fremmoede", "tilmeldinger", "tilmeldinger.csv"):
            assert client.get(url(ww, page)).status_code == 404, (key, page)
    for key in ("ka", "kb", "ad"):
        client = browser(ww.people[key])
        for page in ("fremmoede", "tilmeldinger", "tilmeldinger.csv"):
            assert client.get(url(ww, page)).status_code == 200, (key, page)
    assert browser(ww.people["ad"]).get("/workshops/2147483647/fremmoede").status_code == 404


def test_a_leader_posting_attendance_gets_404(ww, browser):
    leader = browser(ww.people["a"])
    token = csrf_token_from(leader.get("/kalender").get_data(as_text=True))
    response = leader.post(url(ww), data={"csrf_token": token, "came": str(ww.people["a"].id)})
    assert response.status_code == 404 and came() == set()


def test_two_phones_keep_each_others_marks(ww, browser):
    first, second = browser(ww.people["ka"]), browser(ww.people["kb"])
    page_1 = first.get(url(ww)).get_data(as_text=True)
    page_2 = second.get(url(ww)).get_data(as_text=True)
    assert "Anna Andersen" in page_1 and "Dorte Dahl" in page_1
    a, d = str(ww.people["a"].id), str(ww.people["d"].id)
    assert (
        first.post(url(ww), data={"csrf_token": csrf_token_from(page_1), "came": a}).status_code
        == 302
    )
    # The second phone showed nobody as came: ticking d does not unmark a.
    assert (
        second.post(url(ww), data={"csrf_token": csrf_token_from(page_2), "came": d}).status_code
        == 302
    )
    assert came() == {ww.people["a"].id, ww.people["d"].id}
    # Saving the first page again (a double post) changes nothing.
    first.post(url(ww), data={"csrf_token": csrf_token_from(page_1), "came": a})
    assert came() == {ww.people["a"].id, ww.people["d"].id}
    # Unticking needs the page to have shown the mark.
    fresh = first.get(url(ww)).get_data(as_text=True)
    assert f'name="was" value="{a}"' in fresh
    first.post(url(ww), data={"csrf_token": csrf_token_from(fresh), "was": [a, d], "came": d})
    assert came() == {ww.people["d"].id}


@pytest.mark.parametrize(
    "data",
    [
        {"came": "abc"},
        {"came": "99999999999999999999"},
        {"was": "\x00"},
        {"came": "2147483647"},
    ],
)
def test_broken_or_forged_posts_change_nothing(ww, browser, data):
    coordinator = browser(ww.people["ka"])
    token = csrf_token_from(coordinator.get(url(ww)).get_data(as_text=True))
    response = coordinator.post(url(ww), data={"csrf_token": token, **data})
    assert response.status_code == 400
    assert came() == set()


def test_forged_person_of_another_organisation_through_the_page(ww, browser):
    coordinator = browser(ww.people["ka"])
    token = csrf_token_from(coordinator.get(url(ww)).get_data(as_text=True))
    response = coordinator.post(
        url(ww),
        data={"csrf_token": token, "came": [str(ww.people["a"].id), str(ww.people["y"].id)]},
    )
    assert response.status_code == 400 and came() == set()


def test_the_report_page_and_csv(ww, browser):
    signups.answer(ww.workshop, ww.people["d"], True, copenhagen(2026, 9, 2))
    db.session.commit()
    admin = browser(ww.people["ad"])
    page = admin.get(url(ww, "tilmeldinger")).get_data(as_text=True)
    assert "<caption" in page and 'class="numeric"' in page
    download = admin.get(url(ww, "tilmeldinger.csv") + "?separator=comma")
    assert download.get_data().startswith("\ufeffNiveau,".encode())
