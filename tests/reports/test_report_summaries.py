"""The report over every organisation of a round of many, counted ahead by the scheduler
(``reports.summaries``): the same figures as the live count, recounted every ten minutes, never used
when too old, for other lessons or for a report over fewer organisations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from course_app.cli import cli
from course_app.core import clock
from course_app.core.db import db
from course_app.core.i18n import today_local
from course_app.courses.models import Module
from course_app.courses.outlines import lesson_ids_of
from course_app.organisations.access import viewer_for
from course_app.progress.models import ProgressSummary
from course_app.reports import summaries
from course_app.reports.options import ReportFilters, report_options, report_scope
from course_app.reports.programme import ProgrammeReport, programme_report
from course_app.reports.programme_queries import lessons_done_per_day
from tests import factories
from tests.helpers import sign_in
from tests.reports.conftest import World, finish

NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)


def _report(
    world: World, who, now: dt.datetime, *, organisation_id=None, module_id=None
) -> ProgrammeReport:
    scope = report_scope(viewer_for(who))
    options = report_options(scope, None, today=today_local(), organisation_id=organisation_id)
    filters = ReportFilters(organisation_id=organisation_id, module_id=module_id)
    return programme_report(options, filters, now=now)


def _figures(report: ProgrammeReport):
    return (
        report.total,
        [(row.organisation.name, row.completion) for row in report.by_organisation],
        [(row.module.id, row.enrolled, row.started, row.done) for row in report.funnel],
    )


def test_the_scheduler_counts_a_round_of_many_organisations_as_the_live_report_does(crowded):
    live = _report(crowded, crowded.admin, NOW)
    assert live.summary is None
    assert summaries.recount_due(NOW) == 1
    counted = _report(crowded, crowded.admin, NOW + dt.timedelta(minutes=1))
    assert counted.summary is not None and counted.summary.counted_at == NOW
    assert _figures(counted) == _figures(live)
    assert counted.total.enrolled == 6 and counted.total.lessons_done > 0
    # Filtered by a module: that module's figures, as live.
    module = crowded.course_module_id("modul-b")
    live_b = _report(crowded, crowded.admin, NOW + dt.timedelta(hours=1), module_id=module)
    counted_b = _report(crowded, crowded.admin, NOW + dt.timedelta(minutes=1), module_id=module)
    assert live_b.summary is None and counted_b.summary is not None
    assert _figures(counted_b) == _figures(live_b)


def test_lessons_finished_per_day_are_those_of_the_live_count(crowded):
    live = _report(crowded, crowded.admin, NOW)
    live_per_day = lessons_done_per_day(live.options, live.filters, lesson_ids_of(live.outline))
    summaries.recount_due(NOW)
    counted = _report(crowded, crowded.admin, NOW)
    assert live_per_day and counted.counted_done_per_day() == live_per_day
    assert live.counted_done_per_day() is None


def test_figures_are_counted_again_after_ten_minutes_not_before(crowded, session):
    assert summaries.recount_due(NOW) == 1
    finish(crowded.bo_enrolment, crowded.course, "lektion-film")
    session.commit()
    soon = NOW + dt.timedelta(minutes=5)
    assert summaries.recount_due(soon) == 0
    before = _report(crowded, crowded.admin, soon)
    assert before.summary.counted_at == NOW
    later = NOW + summaries.RECOUNT_AFTER + dt.timedelta(minutes=1)
    assert summaries.recount_due(later) == 1
    after = _report(crowded, crowded.admin, later)
    assert after.summary.counted_at == later
    assert after.total.lessons_done == before.total.lessons_done + 1
    assert db.session.scalar(select(func.count()).select_from(ProgressSummary)) == 1


def test_old_figures_or_figures_of_other_lessons_are_not_used(crowded, session):
    summaries.recount_due(NOW)
    too_old = NOW + summaries.USABLE_FOR + dt.timedelta(seconds=1)
    assert _report(crowded, crowded.admin, too_old).summary is None
    # A lesson added to the course: the figures are of other lessons until counted again.
    module = db.session.get(Module, crowded.course_module_id("modul-b"))
    factories._lesson(module, "ny-lektion", "Ny lektion", 5, crowded.course.status)
    session.commit()
    assert _report(crowded, crowded.admin, NOW).summary is None
    assert summaries.recount_due(NOW + dt.timedelta(minutes=1)) == 1
    assert _report(crowded, crowded.admin, NOW + dt.timedelta(minutes=1)).summary is not None


def test_reports_over_fewer_organisations_are_counted_live(crowded):
    summaries.recount_due(NOW)
    # A coordinator's report covers her organisation, broken down by area and group.
    assert _report(crowded, crowded.coordinator, NOW).summary is None
    # The platform admin who chooses an organisation sees it broken down, counted live.
    chosen = _report(crowded, crowded.admin, NOW, organisation_id=crowded.org.id)
    assert chosen.summary is None and chosen.by_group


def test_a_round_of_few_organisations_is_not_counted_ahead(world):
    assert summaries.recount_due(NOW) == 0
    assert db.session.scalar(select(func.count()).select_from(ProgressSummary)) == 0


def test_a_report_from_the_counted_figures_reads_no_progress_rows(crowded, count_statements):
    summaries.recount_due(NOW)
    scope = report_scope(viewer_for(crowded.admin))
    with count_statements() as counter:
        options = report_options(scope, None, today=today_local())
        report = programme_report(options, ReportFilters(), now=NOW)
    assert report.summary is not None
    assert not any("lesson_progress" in statement for statement in counter.statements)


def test_storing_twice_keeps_one_row(crowded):
    summaries.recount_due(NOW)
    later = NOW + dt.timedelta(hours=1)
    summaries.recount_due(later)
    summaries.recount_due(later + dt.timedelta(hours=1))
    rows = db.session.scalars(select(ProgressSummary)).all()
    assert len(rows) == 1 and rows[0].counted_at == later + dt.timedelta(hours=1)


def test_schedule_run_counts_and_the_page_says_when(app, client, crowded):
    result = app.test_cli_runner().invoke(cli, ["schedule", "run"])
    assert "Talte fremdriften i 1 forløb med mange organisationer" in result.output, result.output
    again = app.test_cli_runner().invoke(cli, ["schedule", "run"])
    assert "Talte fremdriften" not in again.output
    sign_in(client, crowded.admin.email)
    html = client.get("/rapport").get_data(as_text=True)
    assert "Tallene er talt" in html and "hvert 10. minut" in html
    assert clock.now() - db.session.scalar(select(ProgressSummary.counted_at)) < dt.timedelta(
        minutes=5
    )
    # With an organisation chosen the figures are live, and the page says nothing of counting.
    chosen = client.get(f"/rapport?organisation={crowded.org.id}").get_data(as_text=True)
    assert "Tallene er talt" not in chosen
