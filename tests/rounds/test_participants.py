"""The participants page: each person's organisation, area, current group, state, progress and last
activity; filters; the CSV; a coordinator sees only their own organisation's people; the number of
statements does not grow with the number of people."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select, update

from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Enrolment
from course_app.cohorts.round_access import round_access
from course_app.learning import services as learning
from course_app.organisations import services as directory
from course_app.organisations.access import viewer_for
from course_app.progress.models import LessonProgress
from course_app.reflections.models import ReflectionAnswer
from course_app.rounds.participants import ParticipantFilters, ParticipantState, participant_list
from tests import factories
from tests.helpers import sign_in

NOW = dt.datetime(2027, 1, 20, 12, tzinfo=dt.UTC)


def _enrolment(session, world, person) -> Enrolment:
    return session.scalar(
        select(Enrolment).where(
            Enrolment.user_id == person.id, Enrolment.cohort_id == world.shared.id
        )
    )


@pytest.fixture
def activity(session, world, app):
    """Anna has finished film 1 (one lesson of six) and answered at 10:00 on 15 January; she has
    signed in. Bo has never signed in. Dorte is deactivated."""
    anna = _enrolment(session, world, world.people.anna)
    learning.complete_lesson(anna, "film-1-lektion", now=dt.datetime(2027, 1, 14, tzinfo=dt.UTC))
    learning.answer_question(
        anna, "lg-1-q1", "Mit svar", submit=True, now=dt.datetime(2027, 1, 15, 9, tzinfo=dt.UTC)
    )
    # The rows' own clock is the wall clock: set the moments this story needs.
    session.execute(
        update(LessonProgress)
        .where(LessonProgress.enrolment_id == anna.id)
        .values(updated_at=dt.datetime(2027, 1, 14, 8, tzinfo=dt.UTC))
    )
    session.execute(
        update(ReflectionAnswer)
        .where(ReflectionAnswer.enrolment_id == anna.id)
        .values(updated_at=dt.datetime(2027, 1, 15, 9, tzinfo=dt.UTC))
    )
    world.people.anna.last_sign_in_at = dt.datetime(2027, 1, 14, tzinfo=dt.UTC)
    world.people.dorte.deactivated_at = dt.datetime(2027, 1, 16, tzinfo=dt.UTC)
    session.commit()


def _list(world, person, **filters):
    access = round_access(viewer_for(person), world.shared.id)
    return participant_list(access, ParticipantFilters(**filters), NOW)


def test_each_person_with_organisation_area_group_state_and_progress(session, world, activity):
    rows = {row.name: row for row in _list(world, world.people.adam).rows}
    assert list(rows) == ["Anna", "Bo", "Dorte"]
    anna = rows["Anna"]
    assert (anna.organisation, anna.area, anna.group) == ("Albertslund", "Børn", "Gruppe Børn")
    assert anna.state == ParticipantState.SIGNED_IN
    assert (anna.lessons_done, anna.percent) == (1, 17)
    assert anna.last_activity_at == dt.datetime(2027, 1, 15, 9, tzinfo=dt.UTC)
    assert rows["Bo"].state == ParticipantState.INVITED
    assert (rows["Bo"].percent, rows["Bo"].last_activity_at) == (0, None)
    assert rows["Dorte"].state == ParticipantState.DEACTIVATED
    assert (rows["Dorte"].organisation, rows["Dorte"].area) == ("Glostrup", None)


def test_filters(session, world, activity):
    def names(**filters) -> list[str]:
        return [row.name for row in _list(world, world.people.adam, **filters).rows]

    assert names(organisation_id=world.orgs["b"].id) == ["Dorte"]
    assert names(area_id=world.areas["elderly"].id) == ["Bo"]
    assert names(group_id=world.groups["ga1"].id) == ["Anna"]
    assert names(state=ParticipantState.INVITED) == ["Bo"]
    assert names(state=ParticipantState.SIGNED_IN) == ["Anna"]
    # A coordinator's filter naming another organisation is dropped (their own part remains).
    karin = _list(world, world.people.karin, organisation_id=world.orgs["b"].id)
    assert karin.filters.organisation_id is None
    assert [row.name for row in karin.rows] == ["Anna", "Bo"]


def test_a_coordinator_sees_only_their_organisations_people(session, world, activity, browser):
    page = (
        browser(world.people.karin)
        .get(f"/forloeb/{world.shared.id}/deltagere")
        .get_data(as_text=True)
    )
    assert "Anna" in page and "Bo" in page
    assert "Dorte" not in page and "dorte@test.example" not in page and "Glostrup" not in page
    assert "Du ser kun din egen organisations deltagere." in page
    csv_text = (
        browser(world.people.karin)
        .get(f"/forloeb/{world.shared.id}/deltagere.csv?group={world.groups['gb'].id}")
        .get_data(as_text=True)
    )
    assert "Dorte" not in csv_text and "Anna" in csv_text


def test_page_and_csv_with_filters(session, world, activity, browser):
    client = browser(world.people.adam)
    page = client.get(f"/forloeb/{world.shared.id}/deltagere?state=invited").get_data(as_text=True)
    assert "Bo" in page and "Anna" not in page
    assert "Inviteret, ikke logget ind endnu" in page
    assert f"/forloeb/{world.shared.id}/deltagere.csv?state=invited" in page
    response = client.get(f"/forloeb/{world.shared.id}/deltagere.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="deltagere-foraar-2027-' in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0][:6] == ["Navn", "E-mail", "Organisation", "Område", "Ledergruppe", "Status"]
    anna = next(line for line in lines if line[0] == "Anna")
    assert anna[2:8] == ["Albertslund", "Børn", "Gruppe Børn", "Har logget ind", "1", "17"]
    assert anna[8].startswith("2027-01-15 10:00")  # the answer, in Copenhagen time


def test_bad_filters_are_dropped_not_errors(session, world, browser):
    client = browser(world.people.adam)
    for query in ("group=x", "area=%00", "state=%00", "organisation=99999999999999999999999"):
        response = client.get(f"/forloeb/{world.shared.id}/deltagere?{query}")
        assert response.status_code == 200, query


def test_a_person_who_signs_in_is_no_longer_invited(session, world, client):
    assert sign_in(client, world.people.bo.email).status_code == 302
    rows = {row.name: row for row in _list(world, world.people.adam).rows}
    assert rows["Bo"].state == ParticipantState.SIGNED_IN


def _crowd(session, world, count: int):
    org = world.orgs["a"]
    course = world.course
    cohort = cohorts.create_cohort(
        course, name=f"Hold med {count}", starts_on=dt.date(2027, 1, 11), organisations=[org]
    )
    group = factories.group(org)
    for index in range(count):
        person, enrolment = factories.enrolled_leader(cohort, org=org, name=f"Leder {index:02}")
        person.area_id = world.areas["children"].id
        directory.move_to_group(person, group)
        learning.complete_lesson(enrolment, "film-1-lektion")
        learning.answer_question(enrolment, "lg-1-q1", f"Svar {index}", submit=True)
    session.commit()
    return cohort


def test_statements_do_not_grow_with_participants(session, world, browser, count_statements):
    small, large = _crowd(session, world, 5), _crowd(session, world, 50)
    client = browser(world.people.adam)
    counts = []
    for cohort, size in ((small, 5), (large, 50)):
        for suffix in ("deltagere", "deltagere.csv"):
            url = f"/forloeb/{cohort.id}/{suffix}"
            client.get(url)  # the course outline is cached per process after the first page
            with count_statements() as counter:
                response = client.get(url)
                body = response.get_data(as_text=True)
            assert response.status_code == 200
            assert body.count("Leder ") >= size
            counts.append((suffix, counter.count))
    assert counts[:2] == counts[2:], counts
    assert max(count for _, count in counts) <= 12, counts
    assert session.scalar(select(User).where(User.name == "Leder 49")) is not None
