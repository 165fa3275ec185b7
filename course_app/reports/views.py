"""Group dashboards and the programme report, with their CSV exports.

Who may see what is decided in ``reports.services`` through ``organisations.access.Viewer``: a group
the person may not follow is 404 (exactly like one that does not exist), a report for someone who is
neither coordinator nor admin is 403, and the per-lesson export for anyone but a platform admin too.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from course_app.core import spreadsheet
from course_app.core.errors import NotAllowed, NotFound
from course_app.core.i18n import today_local
from course_app.core.paging import paged
from course_app.core.url_values import query_id
from course_app.courses.models import ModuleMode
from course_app.organisations.access import request_viewer
from course_app.organisations.services import slugify
from course_app.reports import csv_export, dispatches, services
from course_app.reports import progress_export as lesson_export
from course_app.reports.course_over_time import chart_points, course_over_time, gridlines
from course_app.reports.forms import ReportFilterForm
from course_app.reports.options import ReportOptions, ReportScope, report_options, report_scope
from course_app.reports.planned_mails import MAILING_LABELS
from course_app.reports.programme import ProgrammeReport, programme_report
from course_app.schedule.models import NoticeReason

bp = Blueprint("reports", __name__)

# The report's group table is shown a page at a time: at 500 groups (one large municipality) or
# thousands (every organisation of a platform) the whole table is long to read and slow to send.
GROUPS_PER_PAGE = 100


def _dashboard(group_id: int) -> services.GroupDashboard:
    try:
        return services.group_dashboard(request_viewer(), group_id, today=today_local())
    except NotFound:
        abort(404)


def _options(
    scope: ReportScope,
) -> tuple[ReportOptions, ReportFilterForm]:
    """The report's cohort and filters from the URL (``?cohort=…&organisation=…``), inside ``scope``."""
    form = ReportFilterForm(formdata=request.args)
    cohort_id = None if form.cohort.process_errors else form.cohort.data
    organisation_id = None if form.organisation.process_errors else form.organisation.data
    options = report_options(scope, cohort_id, today=today_local(), organisation_id=organisation_id)
    form.fill(options)
    return options, form


def _report() -> tuple[ProgrammeReport, ReportFilterForm]:
    try:
        scope = report_scope(request_viewer())
    except NotAllowed:
        abort(403)
    options, form = _options(scope)
    return programme_report(options, form.filters()), form


@bp.get("/ledergrupper")
@login_required
def group_list():
    viewer = request_viewer()
    try:
        organisations = services.followed_groups(viewer, today=today_local())
    except NotAllowed:
        abort(403)
    return render_template(
        "reports/group_list.html",
        organisations=organisations,
        viewer=viewer,
    )


@bp.get("/ledergrupper/<int:group_id>")
@login_required
def group_dashboard(group_id: int):
    dashboard = _dashboard(group_id)
    viewer = request_viewer()
    # The group's leader meetings, for those who may read their notes (chair, facilitator).
    meetings = [
        outline.module
        for outline in dashboard.progress.outline
        if outline.module.mode == ModuleMode.GROUP
    ]
    return render_template(
        "reports/group_dashboard.html",
        dashboard=dashboard,
        meetings=meetings if viewer.may_read_meeting_notes(dashboard.group) else [],
        chairs=viewer.may_write_meeting_notes(dashboard.group),
    )


@bp.get("/ledergrupper/<int:group_id>/eksport.csv")
@login_required
def group_export(group_id: int):
    dashboard = _dashboard(group_id)
    name = slugify(dashboard.group.name)
    if not name.startswith("ledergruppe"):
        name = f"ledergruppe-{name}"
    filename = f"{name}-{today_local().isoformat()}.csv"
    return spreadsheet.csv_response(
        csv_export.group_table(dashboard.progress),
        filename=filename,
        separator=spreadsheet.separator_from(request.args.get("separator")),
    )


@bp.get("/rapport")
@login_required
def programme():
    report, form = _report()
    over_time = course_over_time(
        report.options,
        report.filters,
        report.outline,
        report.total.enrolled,
        today_local(),
        report.counted_done_per_day(),
    )
    return render_template(
        "reports/programme.html",
        report=report,
        groups=paged(report.by_group, request.args.get("grupper_side"), GROUPS_PER_PAGE),
        form=form,
        over_time=over_time,
        chart=chart_points(over_time.weeks) if over_time else [],
        gridlines=gridlines(),
        export_args=form.query_args(report.filters),
        may_export_progress=lesson_export.may_export(request_viewer()),
    )


@bp.get("/rapport/eksport.csv")
@login_required
def programme_export():
    report, _form = _report()
    name = slugify(report.cohort.name) if report.cohort else "ingen-forloeb"
    return spreadsheet.csv_response(
        csv_export.report_table(report),
        filename=f"rapport-{name}-{today_local().isoformat()}.csv",
        separator=spreadsheet.separator_from(request.args.get("separator")),
    )


@bp.get("/rapport/lektioner.csv")
@login_required
def progress_export():
    """Every started or finished lesson of the report's cohort, one line per person and lesson."""
    try:
        scope = lesson_export.export_scope(request_viewer())
    except NotAllowed:
        abort(403)
    options, form = _options(scope)
    name = slugify(options.cohort.name) if options.cohort else "ingen-forloeb"
    return spreadsheet.csv_response(
        lesson_export.progress_table(options, form.filters()),
        filename=f"lektioner-{name}-{today_local().isoformat()}.csv",
        separator=spreadsheet.separator_from(request.args.get("separator")),
    )


@bp.get("/rapport/udsendelser")
@login_required
def dispatch_list():
    """A round's planned releases and the e-mails written to its participants (coordinators: their
    own organisation's)."""
    try:
        scope = report_scope(request_viewer())
    except NotAllowed:
        abort(403)
    options, form = _options(scope)
    return render_template(
        "reports/dispatches.html",
        options=options,
        form=form,
        result=dispatches.dispatches(options, before_id=query_id("before_id")),
        states=dispatches.DeliveryState,
        reasons=NoticeReason,
        mailing_labels=MAILING_LABELS,
    )
