"""Where a leader stands in each of her rounds' competence wheels (``my_rounds``), and the external
tool's dispatch (``dispatch``): statuses by the round's dates and her answers, read without writing,
and a fixed number of queries however many rounds she is in."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.cohorts.read_only import RoundClosed
from course_app.core.db import db
from course_app.core.errors import NotFound
from course_app.organisations.models import Organisation
from course_app.paths import COURSES_DIR
from course_app.self_assessment import dispatch, my_rounds, round_tools, taking
from course_app.self_assessment.models import AssessmentResponse, MeasurementPoint
from course_app.self_assessment.my_rounds import PointState
from course_app.self_assessment.pages import pages
from course_app.self_assessment.round_models import AssessmentDispatch
from course_app.self_assessment.taking import SelfAssessmentError
from tests import factories
from tests.helpers import Clock, sign_in
from tests.mail import app_config
from tests.self_assessment.conftest import END_TIME, NOW, World, answer_all

START, END, ADHOC = MeasurementPoint.START, MeasurementPoint.END, MeasurementPoint.ADHOC
EXTERNAL_URL = "https://kompetencehjul.example/"


def another_round(world: World, name: str, *, starts_on=dt.date(2026, 1, 5), ends_on=None):
    """A further round of Anna's (and her colleagues') organisation, Anna enrolled."""
    org = db.session.get(Organisation, world.anna.organisation_id)
    cohort = cohorts.create_cohort(
        factories.course(), name=name, starts_on=starts_on, ends_on=ends_on, organisations=[org]
    )
    cohorts.enrol(world.anna, cohort)
    return cohort


def complete(world: World, cohort: Cohort, point: str, now=NOW, value=3) -> None:
    a = world.assessment
    taking.start_or_resume(world.anna, cohort, a, point, now)
    for number, answers in enumerate(answer_all(a, value), start=1):
        taking.save_page(world.anna, cohort, a, point, number, answers, now)
    taking.complete(world.anna, cohort, a, point, now)


def statuses(found: my_rounds.MyRound) -> dict[str, PointState]:
    return {status.point.value: status.state for status in found.points}


def test_a_round_without_a_tool_is_not_listed(world):
    assert my_rounds.my_overview(world.anna, NOW).rounds == ()
    with pytest.raises(NotFound):
        my_rounds.my_round(world.anna, world.cohort.id, "start", NOW)


def test_statuses_follow_the_dates_and_her_answers(world):
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    (found,) = my_rounds.my_overview(world.anna, NOW).rounds
    assert found.assessment == world.assessment and found.external_url is None
    assert statuses(found) == {"start": "open", "end": "not_open", "adhoc": "open"}
    assert found.status("end").opens_on == dt.date(2026, 5, 31)

    before = my_rounds.my_round(world.anna, world.cohort.id, "start", dt.datetime(2026, 1, 1))
    assert statuses(before) == {"start": "not_open", "end": "not_open", "adhoc": "not_open"}
    assert before.status(START).opens_on == dt.date(2026, 1, 5)

    taking.start_or_resume(world.anna, world.cohort, world.assessment, "start", NOW)
    first = answer_all(world.assessment)[0]
    taking.save_page(world.anna, world.cohort, world.assessment, "start", 1, first, NOW)
    started = my_rounds.my_round(world.anna, world.cohort.id, "start", NOW).status(START)
    assert started.state is PointState.IN_PROGRESS
    assert (started.answered, started.total, started.percent) == (9, 54, 16)

    complete(world, world.cohort, "start", NOW + dt.timedelta(days=3))
    done = my_rounds.my_round(world.anna, world.cohort.id, "start", NOW).status(START)
    assert done.state is PointState.COMPLETED and done.completed_on == dt.date(2026, 2, 13)

    at_end = my_rounds.my_round(world.anna, world.cohort.id, "end", END_TIME)
    assert at_end.status(END).state is PointState.OPEN
    world.cohort.closed_at = END_TIME
    closed = my_rounds.my_round(world.anna, world.cohort.id, "end", END_TIME)
    assert statuses(closed) == {"start": "completed", "end": "closed", "adhoc": "closed"}


def test_an_end_without_a_last_day_has_no_opening_day(world):
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    world.cohort.ends_on = None
    status = my_rounds.my_round(world.anna, world.cohort.id, "end", NOW).status(END)
    assert status.state is PointState.NOT_OPEN and status.opens_on is None
    assert "slutdato" in str(status.refusal)


def test_the_overview_and_the_service_give_the_same_reason_a_point_is_not_open(world):
    """One message for both: what the overview says is what ``taking`` refuses with."""
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    a = world.assessment
    early = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for point, now in ((START, early), (ADHOC, early), (END, early), (END, NOW)):
        status = my_rounds.my_round(world.anna, world.cohort.id, point, now).status(point)
        assert status.state is PointState.NOT_OPEN
        with pytest.raises(SelfAssessmentError) as refused:
            taking.start_or_resume(world.anna, world.cohort, a, point, now)
        assert str(refused.value) == str(status.refusal)
    assert str(status.refusal) == "Slutmålingen åbner 31. maj 2026."
    assert my_rounds.my_round(world.anna, world.cohort.id, START, NOW).status(START).refusal is None


def test_adhoc_counts_her_completed_measurements_and_a_new_one_in_progress(world):
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    complete(world, world.cohort, "adhoc", NOW)
    complete(world, world.cohort, "adhoc", NOW + dt.timedelta(days=7))
    status = my_rounds.my_round(world.anna, world.cohort.id, "adhoc", NOW).status(ADHOC)
    assert status.state is PointState.OPEN
    assert status.completed_count == 2 and status.completed_on == dt.date(2026, 2, 17)
    taking.start_or_resume(world.anna, world.cohort, world.assessment, "adhoc", NOW)
    status = my_rounds.my_round(world.anna, world.cohort.id, "adhoc", NOW).status(ADHOC)
    assert status.state is PointState.IN_PROGRESS and status.answered == 0
    assert status.completed_count == 2


def test_her_status_is_hers_alone(world):
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    complete(world, world.cohort, "start")
    colleague = world.leaders[1]
    found = my_rounds.my_round(colleague, world.cohort.id, "start", NOW)
    assert found.status(START).state is PointState.OPEN
    assert my_rounds.my_overview(colleague, NOW).wheels == ()
    assert my_rounds.my_overview(world.anna, NOW).wheels == (world.assessment,)


def test_not_enrolled_or_a_point_that_does_not_exist_is_not_found(world):
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    stranger = factories.user()
    for user, cohort_id, point in (
        (stranger, world.cohort.id, "start"),
        (world.anna, world.cohort.id, "slut"),
        (world.anna, world.cohort.id, None),
        (world.anna, 10**20, "start"),
        (world.anna, -1, "start"),
    ):
        with pytest.raises(NotFound):
            my_rounds.my_round(user, cohort_id, point, NOW)


def test_a_retired_assessment_is_not_offered(world):
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    world.assessment.retired_at = NOW
    assert my_rounds.my_overview(world.anna, NOW).rounds == ()


def test_open_taking_reads_without_writing(world):
    a = world.assessment
    round_tools.set_tool(world.cohort, assessment=a)
    assessment_pages = pages(a)
    assert taking.open_taking(world.anna, world.cohort, a, START, assessment_pages) is None
    assert db.session.scalar(select(func.count()).select_from(AssessmentResponse)) == 0
    taking.start_or_resume(world.anna, world.cohort, a, "start", NOW)
    first = answer_all(a, 2)[0]
    taking.save_page(world.anna, world.cohort, a, "start", 1, first, NOW)
    current = taking.open_taking(world.anna, world.cohort, a, START, assessment_pages)
    assert current.answers == first and current.next_page == 2
    assert taking.open_taking(world.leaders[1], world.cohort, a, START, assessment_pages) is None
    assert not taking.is_completed(world.anna, world.cohort, a, START, 0)
    for number, answers in enumerate(answer_all(a, 2), start=1):
        taking.save_page(world.anna, world.cohort, a, "start", number, answers, NOW)
    taking.complete(world.anna, world.cohort, a, "start", NOW)
    assert taking.open_taking(world.anna, world.cohort, a, START, assessment_pages) is None
    assert taking.is_completed(world.anna, world.cohort, a, START, 0)
    assert not taking.is_completed(world.anna, world.cohort, a, START, 1)
    assert not taking.is_completed(world.leaders[1], world.cohort, a, START, 0)


def test_lobende_closes_with_the_round_and_the_course_text_says_so(world):
    """Løbende is open while the round is; closed with it. The shipped course text promises it
    "under forløbet", not after."""
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    assert my_rounds.my_round(world.anna, world.cohort.id, ADHOC, END_TIME).status(ADHOC).is_open
    world.cohort.closed_at = END_TIME
    closed = my_rounds.my_round(world.anna, world.cohort.id, ADHOC, END_TIME).status(ADHOC)
    assert closed.state is PointState.CLOSED
    text = (
        COURSES_DIR / "digital-ledelse/03-kompetencehjul-start/om-kompetencehjulet.md"
    ).read_text(encoding="utf-8")
    assert "en løbende måling under forløbet," in text and "efter forløbet" not in text


# --- the external tool ----------------------------------------------------------------------------


def rows() -> list[tuple[int, str]]:
    return [
        (row.cohort_id, row.point.value) for row in db.session.scalars(select(AssessmentDispatch))
    ]


def test_external_dispatch_is_recorded_once_for_start_and_end(world):
    round_tools.set_tool(world.cohort, external_url=EXTERNAL_URL)
    (found,) = my_rounds.my_overview(world.anna, NOW).rounds
    assert found.assessment is None and found.external_url == EXTERNAL_URL
    assert found.status(START).state is PointState.OPEN and not found.status(START).sent
    assert dispatch.send_to_external_tool(world.anna, world.cohort.id, "start", NOW) == EXTERNAL_URL
    assert dispatch.send_to_external_tool(world.anna, world.cohort.id, "start", NOW) == EXTERNAL_URL
    assert rows() == [(world.cohort.id, "start")]
    assert my_rounds.my_round(world.anna, world.cohort.id, "start", NOW).status(START).sent
    assert dispatch.send_to_external_tool(world.anna, world.cohort.id, "adhoc", NOW)
    assert rows() == [(world.cohort.id, "start")]
    with pytest.raises(SelfAssessmentError, match=r"Slutmålingen åbner 31\. maj 2026"):
        dispatch.send_to_external_tool(world.anna, world.cohort.id, "end", NOW)
    dispatch.send_to_external_tool(world.anna, world.cohort.id, "end", END_TIME)
    assert sorted(rows()) == [(world.cohort.id, "end"), (world.cohort.id, "start")]


def test_external_dispatch_refuses_what_is_not_hers_or_not_external(world):
    stranger = factories.user()
    round_tools.set_tool(world.cohort, external_url=EXTERNAL_URL)
    with pytest.raises(NotFound):
        dispatch.send_to_external_tool(stranger, world.cohort.id, "start", NOW)
    with pytest.raises(NotFound):
        dispatch.send_to_external_tool(world.anna, world.cohort.id, "slut", NOW)
    world.cohort.closed_at = NOW
    with pytest.raises(RoundClosed):
        dispatch.send_to_external_tool(world.anna, world.cohort.id, "start", NOW)
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    with pytest.raises(NotFound):
        dispatch.send_to_external_tool(world.anna, world.cohort.id, "start", NOW)
    assert rows() == []


# --- a bounded number of queries ------------------------------------------------------------------


def _rounds_of_every_kind(world: World, count: int, first: int = 0) -> None:
    """``count`` further rounds, in turn: this platform's assessment (start completed, løbende
    begun), an external tool (she was sent there), a closed one, one without a tool."""
    for n in range(first, first + count):
        cohort = another_round(world, f"Runde {n}", ends_on=dt.date(2026, 6, 30))
        kind = n % 4
        if kind == 0:
            round_tools.set_tool(cohort, assessment=world.assessment)
            complete(world, cohort, "start")
            taking.start_or_resume(world.anna, cohort, world.assessment, "adhoc", NOW)
        elif kind == 1:
            round_tools.set_tool(cohort, external_url=EXTERNAL_URL)
            dispatch.send_to_external_tool(world.anna, cohort.id, "start", NOW)
        elif kind == 2:
            round_tools.set_tool(cohort, assessment=world.assessment)
            cohort.closed_at = NOW
    db.session.flush()


def test_the_overview_service_needs_the_same_queries_for_few_rounds_and_for_many(
    world, count_statements
):
    _rounds_of_every_kind(world, 4)
    db.session.expire_all()
    with count_statements() as few:
        assert len(my_rounds.my_overview(world.anna, NOW).rounds) == 3
    _rounds_of_every_kind(world, 12, first=4)
    db.session.expire_all()
    with count_statements() as many:
        assert len(my_rounds.my_overview(world.anna, NOW).rounds) == 12
    assert many.count == few.count <= 9, many.statements


def test_the_overview_page_needs_the_same_queries_for_few_rounds_and_for_many(
    app, client, world, count_statements
):
    _rounds_of_every_kind(world, 4)
    with app_config(app, CLOCK=Clock(NOW)):
        sign_in(client, world.anna.email)
        client.get("/kompetencehjul")
        with count_statements() as few:
            assert client.get("/kompetencehjul").status_code == 200
        _rounds_of_every_kind(world, 12, first=4)
        with count_statements() as many:
            page = client.get("/kompetencehjul")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="assessment-round"') == 12
    assert "Se dit kompetencehjul" in html and "Du er sendt videre" in html
    assert many.count == few.count, many.statements


def test_a_retired_assessment_has_no_wheel_link(world):
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    complete(world, world.cohort, "start")
    world.assessment.retired_at = NOW
    assert my_rounds.my_overview(world.anna, NOW).wheels == ()
