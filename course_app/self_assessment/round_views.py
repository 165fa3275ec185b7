"""Which self-assessment a round uses (this platform's or an external tool), set by round staff, and
the line on the round's page that says so.

Thin: ``round_tools.tool_access`` says who sees the page (403 without a rounds role, 404 for a
round outside a coordinator's organisation) and who may change it; ``round_tools.change_tool``
checks and saves; this view commits once and redirects. A refused post changes nothing and shows
the page again with what was typed: 400 for a choice to correct, 403 for someone who may only
read, 409 for a closed round or a page older than the round's current choice.

It also plugs the competence wheel's reminders into the scheduler (``reminders``): the schedule
floor sits below this package and cannot reach it itself.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from course_app.cohorts.models import Cohort
from course_app.cohorts.read_only import RoundClosed
from course_app.core.db import db
from course_app.core.errors import NotAllowed, NotFound
from course_app.organisations.access import request_viewer
from course_app.self_assessment import round_tools
from course_app.self_assessment.blueprint import bp
from course_app.self_assessment.round_forms import TOOL_LABELS, RoundToolForm
from course_app.self_assessment.round_models import RoundAssessment
from course_app.self_assessment.round_tools import StaleTool, ToolAccess, ToolInvalid, kind_of
from course_app.self_assessment.texts import language


def _access(cohort_id: int) -> ToolAccess:
    try:
        return round_tools.tool_access(request_viewer(), cohort_id)
    except NotAllowed:
        abort(403)
    except NotFound:
        abort(404)


def _render(
    access: ToolAccess,
    form: RoundToolForm | None = None,
    *,
    problem: str | None = None,
    status: int = 200,
):
    cohort = access.cohort
    row = round_tools.tool_of(cohort)
    closed = cohort.is_closed
    editing = access.may_change and not closed
    assessments = round_tools.assessment_choices()
    if editing and form is None:
        form = RoundToolForm(formdata=None)
        form.show_stored(row)
    if form is not None:
        form.fill(assessments, language())
    return render_template(
        "self_assessment/round_settings.html",
        access=access,
        cohort=cohort,
        current=describe_tool(row, language()),
        current_row=row,
        form=form if editing else None,
        closed=closed,
        shared=not access.may_change,
        measured=round_tools.measurements_exist(cohort),
        problem=problem,
        labels=TOOL_LABELS,
    ), status


@bp.route("/forloeb/<int:cohort_id>/kompetencehjul", methods=["GET", "POST"])
@login_required
def round_settings(cohort_id: int):
    access = _access(cohort_id)
    if request.method == "GET":
        return _render(access)
    if not access.may_change:
        abort(403)
    form = RoundToolForm()
    if access.cohort.is_closed:
        db.session.rollback()
        return _render(access, status=409)
    if not form.validate_on_submit():  # only the CSRF token can fail here
        return _render(access, form, status=400)
    try:
        changed = round_tools.change_tool(access, form.wanted(), version=form.version.data or "")
    except StaleTool as stale:
        db.session.rollback()
        form.version.data = round_tools.tool_version(round_tools.tool_of(access.cohort))
        return _render(access, form, problem=str(stale), status=409)
    except RoundClosed:
        db.session.rollback()
        return _render(access, status=409)
    except ToolInvalid as invalid:
        db.session.rollback()
        form.show_problems(invalid.problems)
        return _render(access, form, status=400)
    db.session.commit()
    if not changed:
        flash(_("Der var ingen ændringer at gemme."), "info")
    elif round_tools.measurements_exist(access.cohort):
        flash(
            _(
                "Kompetencehjulet er gemt. De svar, lederne allerede har givet, hører stadig til "
                "den selvevaluering, de svarede på; intet er slettet."
            ),
            "success",
        )
    else:
        flash(_("Kompetencehjulet er gemt."), "success")
    return redirect(url_for("self_assessment.round_settings", cohort_id=cohort_id))


# --- the line on the round's page ------------------------------------------------------------------


def describe_tool(row: RoundAssessment | None, language: str) -> str:
    """What the round uses, in words: "Ingen", the assessment's title, or the external address."""
    kind = kind_of(row)
    if row is None:
        return str(TOOL_LABELS[kind])
    if row.assessment is not None:
        return _(
            "%(kind)s: %(title)s", kind=TOOL_LABELS[kind], title=row.assessment.title(language)
        )
    return _("%(kind)s: %(url)s", kind=TOOL_LABELS[kind], url=row.external_url)


@bp.app_template_global("round_self_assessment")
def round_self_assessment(cohort: Cohort) -> str:
    """For ``rounds/round.html``: the round's competence wheel in words."""
    return describe_tool(round_tools.tool_of(cohort), language())
