"""The leader's pages: her measurements per round, the intro, the pages of statements, finishing,
and the way to a round's external tool.

Only a leader enrolled in the round reaches a round's pages; a round without a competence wheel, a
point that is not start, end or adhoc, a page number that does not exist: 404. The services decide
everything else (``my_rounds``: where she stands, reading only; ``taking``: start, save, complete;
``dispatch``: the external tool). A refused request writes nothing (the view rolls back) and shows
why on the page it came from; no message or log line carries a value she answered.

CSRF is checked before the views run. A page of statements or the finish page posted with a token
that is no longer valid is shown again by ``recover_page_after_csrf_failure`` and
``recover_finish_after_csrf_failure`` (``configure_error_pages``' ``csrf_recovery``): her choices
kept, nothing saved, and a message that says so.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from course_app.cohorts.read_only import RoundClosed
from course_app.core import clock
from course_app.core.db import db
from course_app.core.errors import NotFound, ServiceError
from course_app.core.html import classify_video_url
from course_app.organisations.access import request_viewer
from course_app.self_assessment import dispatch as dispatching
from course_app.self_assessment import my_rounds, taking, texts
from course_app.self_assessment.average_access import may_see_averages
from course_app.self_assessment.blueprint import bp
from course_app.self_assessment.forms import (
    BUTTON_LABELS,
    LATER,
    PREVIOUS,
    DispatchForm,
    FinishForm,
    PageForm,
    StartForm,
    fieldset_id,
    posted_action,
    posted_answers,
    posted_sequence,
    statement_groups,
)
from course_app.self_assessment.models import MeasurementPoint
from course_app.self_assessment.my_rounds import MyRound, PointState
from course_app.self_assessment.pages import Page, pages
from course_app.self_assessment.pseudonyms import SelfAssessmentUnavailable
from course_app.self_assessment.taking import AlreadyCompleted, SelfAssessmentError, Taking

# About how long a measurement takes (the programme's own words: "ca. 30 minutter").
MINUTES = 30

POINT_PATH = "/kompetencehjul/<int:cohort_id>/<point>"


def _needs_the_key(view: Callable) -> Callable:
    """Without the operator's pseudonym key no answer can be stored or found: say so (503)."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except SelfAssessmentUnavailable as error:
            db.session.rollback()
            return render_template(
                "self_assessment/overview.html", overview=None, unavailable=str(error)
            ), 503

    return guarded


@dataclass(frozen=True)
class Problem:
    """Why a request was refused, for the page's error summary; ``anchor``: the id of the
    statement's fieldset it is about (the summary links there)."""

    text: str
    anchor: str | None = None


def _problems(
    problems: Sequence[object] = (), statements: Sequence[str | None] = ()
) -> tuple[list[Problem], dict[str, str]]:
    """The summary's problems, and item key → message for the statements they are about."""
    keys = list(statements) + [None] * (len(problems) - len(statements))
    listed = [
        Problem(str(problem), fieldset_id(key) if key else None)
        for problem, key in zip(problems, keys, strict=False)
    ]
    return listed, {key: str(problem) for problem, key in zip(problems, keys, strict=False) if key}


def _my_round(cohort_id: int, point: str, *, external: bool = False) -> MyRound:
    """Her round with this platform's assessment (``external``: with an external tool) at
    ``point``; 404 for anything else."""
    try:
        found = my_rounds.my_round(current_user, cohort_id, point, clock.now())
    except NotFound:
        abort(404)
    if (found.external_url if external else found.assessment) is None:
        abort(404)
    return found


def _page_of(assessment_pages: tuple[Page, ...], number: int) -> Page:
    try:
        return taking.page_of(assessment_pages, number)
    except SelfAssessmentError:
        abort(404)


# --- overview -------------------------------------------------------------------------------------


@bp.get("/kompetencehjul")
@login_required
@_needs_the_key
def overview():
    viewer = request_viewer()
    return render_template(
        "self_assessment/overview.html",
        overview=my_rounds.my_overview(current_user, clock.now()),
        point_labels=texts.POINT_LABELS,
        dispatch_form=DispatchForm(formdata=None),
        may_see_averages=may_see_averages(viewer),
        language=texts.language(),
        PointState=PointState,
    )


# --- intro ----------------------------------------------------------------------------------------


def _render_intro(found: MyRound, point: str, *, problems=(), status: int = 200):
    assessment = found.assessment
    point_status = found.status(MeasurementPoint(point))
    language = texts.language()
    return (
        render_template(
            "self_assessment/intro.html",
            found=found,
            cohort=found.cohort,
            assessment=assessment,
            point=point_status.point,
            point_label=texts.POINT_LABELS[point_status.point],
            status=point_status,
            refusal=point_status.refusal,
            problems=_problems(problems)[0],
            paragraphs=texts.paragraphs(assessment.intro(language)),
            anonymity_text=texts.ANONYMITY_TEXT,
            minutes=MINUTES,
            form=StartForm(formdata=None),
            play=request.args.get("vis") == "intro",
            classify_video_url=classify_video_url,
            language=language,
            PointState=PointState,
        ),
        status,
    )


@bp.route(POINT_PATH, methods=["GET", "POST"])
@login_required
@_needs_the_key
def intro(cohort_id: int, point: str):
    found = _my_round(cohort_id, point)
    if request.method == "GET":
        return _render_intro(found, point)
    if not StartForm().validate_on_submit():
        return _render_intro(
            found, point, problems=[_("Siden var for gammel. Tryk på knappen igen.")], status=400
        )
    try:
        started = taking.start_or_resume(
            current_user, found.cohort, found.assessment, point, clock.now()
        )
    except (SelfAssessmentError, RoundClosed) as refused:
        db.session.rollback()
        return _refused(cohort_id, point, refused)
    db.session.commit()
    return _continue(found, point, started)


def _refused(cohort_id: int, point: str, refused: ServiceError):
    """The intro again (read afresh: where she stands now) with why her request was refused."""
    problems = getattr(refused, "problems", None) or (refused,)
    return _render_intro(_my_round(cohort_id, point), point, problems=problems, status=409)


def _continue(found: MyRound, point: str, started: Taking):
    if started.next_page is None:
        return redirect(url_for(".finish", cohort_id=found.cohort.id, point=point))
    return redirect(
        url_for(".page", cohort_id=found.cohort.id, point=point, page=started.next_page)
    )


# --- a page of statements -------------------------------------------------------------------------


def _render_page(
    found: MyRound,
    point: str,
    page: Page,
    current: Taking,
    *,
    chosen: dict[str, object] | None = None,
    problems: Sequence[object] = (),
    statements: Sequence[str | None] = (),
    status: int = 200,
):
    form = PageForm(formdata=None)
    form.sequence.data = str(current.response.sequence)
    language = texts.language()
    listed, errors = _problems(problems, statements)
    return (
        render_template(
            "self_assessment/page.html",
            **_taking_context(found, current, form, listed, language),
            page=page,
            groups=statement_groups(
                found.assessment,
                page,
                current.answers if chosen is None else chosen,
                language,
                errors,
            ),
            area_title=page.area.title(language),
            buttons=BUTTON_LABELS,
        ),
        status,
    )


def _taking_context(
    found: MyRound, current: Taking, form, problems: list[Problem], language: str
) -> dict:
    """What the statement pages and the finish page both show: the round, the measurement, how far
    she has come, the form and what was refused."""
    return {
        "cohort": found.cohort,
        "assessment": found.assessment,
        "point": current.response.point,
        "point_label": texts.POINT_LABELS[current.response.point],
        "taking": current,
        "problems": problems,
        "form": form,
        "percent": current.answered * 100 // current.total if current.total else 0,
        "language": language,
    }


def _measurement(found: MyRound, point: str) -> Taking | None:
    """Her measurement in progress at ``point`` (None: not started, or completed)."""
    return taking.open_taking(
        current_user,
        found.cohort,
        found.assessment,
        MeasurementPoint(point),
        pages(found.assessment),
    )


@bp.route(POINT_PATH + "/side/<int:page>", methods=["GET", "POST"])
@login_required
@_needs_the_key
def page(cohort_id: int, point: str, page: int):
    found = _my_round(cohort_id, point)
    current = _measurement(found, point)
    shown = _page_of(current.pages if current else pages(found.assessment), page)
    if request.method == "GET":
        if current is None or not found.status(point).is_open:
            # Not started, completed, or not open: the intro says which and what she can do.
            return redirect(url_for(".intro", cohort_id=cohort_id, point=point))
        return _render_page(found, point, shown, current)

    # CSRF was checked before the view (a failure: ``recover_page_after_csrf_failure``).
    answers = posted_answers(request.form)
    sequence = posted_sequence(PageForm())
    if current is not None and sequence is None:
        problem = _("Siden kunne ikke læses, så dine svar blev ikke gemt. Indlæs siden igen.")
        return _render_page(
            found, point, shown, current, chosen=answers, problems=[problem], status=400
        )
    # Without a measurement in progress the service refuses (not started, or completed).
    try:
        saved = taking.save_page(
            current_user,
            found.cohort,
            found.assessment,
            point,
            shown.number,
            answers,
            clock.now(),
            sequence=sequence,
        )
    except (AlreadyCompleted, RoundClosed) as refused:
        db.session.rollback()
        return _refused(cohort_id, point, refused)
    except SelfAssessmentError as refused:
        db.session.rollback()
        if current is None:
            return _refused(cohort_id, point, refused)
        return _render_page(
            found,
            point,
            shown,
            current,
            chosen=answers,
            problems=refused.problems,
            statements=refused.statements,
            status=422,
        )
    db.session.commit()
    action = posted_action(request.form)
    if action == LATER:
        flash(_("Dine svar er gemt. Du kan fortsætte, når du vil."), "success")
        return redirect(url_for(".overview"))
    if action == PREVIOUS:
        if shown.number == 1:
            return redirect(url_for(".intro", cohort_id=cohort_id, point=point))
        return redirect(url_for(".page", cohort_id=cohort_id, point=point, page=shown.number - 1))
    if shown.number < len(saved.pages):
        return redirect(url_for(".page", cohort_id=cohort_id, point=point, page=shown.number + 1))
    return redirect(url_for(".finish", cohort_id=cohort_id, point=point))


# --- finishing ------------------------------------------------------------------------------------


def _render_finish(
    found: MyRound, point: str, current: Taking, *, problems: Sequence[object] = (), status=200
):
    form = FinishForm(formdata=None)
    form.sequence.data = str(current.response.sequence)
    language = texts.language()
    missing = [
        (page, page.area.title(language), sum(key not in current.answers for key in page.item_keys))
        for page in current.pages
    ]
    return (
        render_template(
            "self_assessment/finish.html",
            **_taking_context(found, current, form, _problems(problems)[0], language),
            missing=missing,
            missing_count=current.total - current.answered,
        ),
        status,
    )


@bp.route(POINT_PATH + "/afslut", methods=["GET", "POST"])
@login_required
@_needs_the_key
def finish(cohort_id: int, point: str):
    found = _my_round(cohort_id, point)
    current = _measurement(found, point)
    if request.method == "GET":
        if current is None or not found.status(point).is_open:
            return redirect(url_for(".intro", cohort_id=cohort_id, point=point))
        return _render_finish(found, point, current)

    # CSRF was checked before the view (a failure: ``recover_finish_after_csrf_failure``).
    sequence = posted_sequence(FinishForm())
    if current is not None and sequence is None:
        problem = _("Siden kunne ikke læses, så målingen blev ikke afsluttet. Indlæs siden igen.")
        return _render_finish(found, point, current, problems=[problem], status=400)
    try:
        taking.complete(
            current_user, found.cohort, found.assessment, point, clock.now(), sequence=sequence
        )
    except AlreadyCompleted as refused:
        db.session.rollback()
        if sequence is not None and taking.is_completed(
            current_user, found.cohort, found.assessment, MeasurementPoint(point), sequence
        ):
            # The button pressed twice (or the page sent again): this measurement is done, so
            # her wheel, as after the first press.
            return redirect(url_for(".wheel", assessment_id=found.assessment.id))
        return _refused(cohort_id, point, refused)
    except RoundClosed as refused:
        db.session.rollback()
        return _refused(cohort_id, point, refused)
    except SelfAssessmentError as refused:
        db.session.rollback()
        if current is None:
            return _refused(cohort_id, point, refused)
        return _render_finish(found, point, current, problems=refused.problems, status=422)
    db.session.commit()
    flash(_("Tak. Din måling er gemt."), "success")
    return redirect(url_for(".wheel", assessment_id=found.assessment.id))


# --- a page that was too old (CSRF) ---------------------------------------------------------------


def _recovered() -> tuple[MyRound, str, Taking] | None:
    """The round, point and measurement a post refused for its CSRF token was for, while it is
    still hers to answer and the post was for it (None: the general page for a CSRF failure)."""
    args = request.view_args or {}
    if not current_user.is_authenticated or "cohort_id" not in args:
        return None
    point = args.get("point")
    try:
        found = my_rounds.my_round(current_user, args["cohort_id"], point, clock.now())
    except NotFound:
        return None
    if found.assessment is None or not found.status(point).is_open:
        return None
    current = _measurement(found, point)
    if current is None or posted_sequence(PageForm(meta={"csrf": False})) != (
        current.response.sequence
    ):
        return None
    return found, point, current


@_needs_the_key
def recover_page_after_csrf_failure():
    """For ``configure_error_pages(csrf_recovery=…)``: a page of statements posted with a token that
    is no longer valid (e.g. the session expired while she answered) is shown again with the
    options she chose checked. Nothing was saved, and the page says so."""
    recovered = _recovered()
    if recovered is None:
        return None
    found, point, current = recovered
    try:
        shown = taking.page_of(current.pages, (request.view_args or {}).get("page"))
    except SelfAssessmentError:
        return None
    problem = _(
        "Dine svar blev ikke gemt, fordi siden var for gammel. Dine valg står her stadig – tryk "
        "på knappen igen for at gemme."
    )
    return _render_page(
        found,
        point,
        shown,
        current,
        chosen=posted_answers(request.form),
        problems=[problem],
        status=400,
    )


@_needs_the_key
def recover_finish_after_csrf_failure():
    """The same for the finish page: nothing was completed; she presses the button again."""
    recovered = _recovered()
    if recovered is None:
        return None
    found, point, current = recovered
    problem = _(
        "Målingen blev ikke afsluttet, fordi siden var for gammel. Dine svar er gemt – tryk på "
        "»Afslut og se dit hjul« igen."
    )
    return _render_finish(found, point, current, problems=[problem], status=400)


# --- the external tool ----------------------------------------------------------------------------


@bp.post(POINT_PATH + "/ekstern")
@login_required
@_needs_the_key
def dispatch(cohort_id: int, point: str):
    _my_round(cohort_id, point, external=True)
    if not DispatchForm().validate_on_submit():
        flash(_("Siden var for gammel. Tryk på knappen igen."), "error")
        return redirect(url_for(".overview"))
    try:
        url = dispatching.send_to_external_tool(current_user, cohort_id, point, clock.now())
    except NotFound:
        db.session.rollback()
        abort(404)
    except ServiceError as refused:  # not open yet, or the round is closed
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for(".overview"))
    db.session.commit()
    return redirect(url)
