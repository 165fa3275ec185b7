"""The programme report's course over time: lessons opened by the plan against lessons finished,
week by week, as an SVG chart with the same numbers in a table."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update

from course_app.courses.models import Module
from course_app.organisations.access import viewer_for
from course_app.progress.models import LessonProgress, ProgressState
from course_app.reports.course_over_time import course_over_time
from course_app.reports.options import ReportFilters, report_options, report_scope
from tests.helpers import sign_in


def _weeks(world, today):
    options = report_options(report_scope(viewer_for(world.admin)), world.cohort.id, today=today)
    participants = 5  # the world's Albertslund and Glostrup leaders in the round
    return course_over_time(options, ReportFilters(), options.outline, participants, today).weeks


def test_planned_follows_the_release_plan(session, world):
    second = session.scalar(
        select(Module).where(Module.course_id == world.course.id, Module.key == "modul-b")
    )
    second.release = {"days_after_start": 10}
    session.commit()
    start = world.cohort.starts_on
    weeks = _weeks(world, start + dt.timedelta(days=20))
    assert [week.number for week in weeks] == [1, 2, 3]
    # module A (2 of 3 lessons) is open from the start; module B's lesson from day 10 (week 2)
    assert [week.planned_percent for week in weeks] == [67, 100, 100]


def test_done_counts_finished_lessons_by_the_end_of_each_week(session, world):
    start = world.cohort.starts_on
    finished_on = dt.datetime.combine(start + dt.timedelta(days=8), dt.time(12), tzinfo=dt.UTC)
    session.execute(
        update(LessonProgress)
        .where(LessonProgress.state == ProgressState.DONE)
        .values(completed_at=finished_on)
    )
    session.commit()
    done_rows = session.scalar(
        select(LessonProgress.id).where(LessonProgress.state == ProgressState.DONE).limit(1)
    )
    assert done_rows is not None
    weeks = _weeks(world, start + dt.timedelta(days=13))
    assert weeks[0].done_percent == 0
    assert weeks[1].done_percent > 0


def test_the_report_page_draws_the_chart_with_its_table(client, world):
    sign_in(client, world.admin.email)
    page = client.get(f"/rapport?cohort={world.cohort.id}").get_data(as_text=True)
    assert "Forløbet over tid" in page
    assert re.search(r'<svg class="over-time-chart"[^>]*role="img"', page)
    assert '<caption id="over-tid-tabel">Planlagt og gennemført pr. uge</caption>' in page
