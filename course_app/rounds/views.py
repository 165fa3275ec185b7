"""The rounds pages ("Forløb"): the list, a new round, the round's page with its release table,
enrolment forms and each organisation's sender name, its participants (page and CSV), and closing
(and reopening) the round.

Thin: load what the person may see (``access.round_access``: 403 for people without a rounds role,
404 for a round outside a coordinator's organisation), call a service, commit once, redirect.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from course_app.cohorts.enrolling import EnrolmentRefused
from course_app.cohorts.read_only import RoundClosed, require_open_round
from course_app.cohorts.round_access import RoundAccess, may_manage_rounds, round_access
from course_app.core import clock, spreadsheet
from course_app.core.db import db
from course_app.core.error_pages import typed_texts
from course_app.core.errors import NotAllowed, NotFound, ServiceError
from course_app.core.forms import ButtonForm
from course_app.organisations.access import Viewer, request_viewer
from course_app.organisations.sender_name import set_sender_name
from course_app.organisations.services import slugify
from course_app.rounds import closing, moves, services
from course_app.rounds.enrolment import enrol_options, enrol_people
from course_app.rounds.forms import (
    EnrolForm,
    MoveForm,
    ParticipantFilterForm,
    ReleaseTableForm,
    RoundForm,
    SenderNameForm,
    release_table_form,
)
from course_app.rounds.participants import STATE_LABELS, participant_list, participant_table
from course_app.rounds.release_table import (
    ReleaseRulesInvalid,
    StaleReleaseTable,
    release_table,
    save_release_rules,
)
from course_app.schedule.releases import describe_rule

bp = Blueprint("rounds", __name__)


def _staff() -> Viewer:
    viewer = request_viewer()
    if not may_manage_rounds(viewer):
        abort(403)
    return viewer


def _round(cohort_id: int) -> RoundAccess:
    try:
        return round_access(request_viewer(), cohort_id)
    except NotAllowed:
        abort(403)
    except NotFound:
        abort(404)


def _refuse_closed(closed: RoundClosed, endpoint: str = "rounds.round_page"):
    """A closed round's settings stay as they are: say so on its page."""
    db.session.rollback()
    flash(str(closed), "error")
    return redirect(url_for(endpoint, cohort_id=closed.cohort.id))


@bp.app_errorhandler(RoundClosed)
def round_closed(closed: RoundClosed):
    """The safety net for any page that lets ``RoundClosed`` through: a page that says why nothing
    was saved, with the texts the person typed (409: the round's state refuses the change)."""
    db.session.rollback()
    return render_template(
        "errors/round_closed.html", message=str(closed), typed_texts=typed_texts()
    ), 409


@bp.get("/forloeb")
@login_required
def round_list():
    viewer = _staff()
    return render_template(
        "rounds/list.html", lines=services.round_lines(viewer), is_admin=viewer.is_platform_admin
    )


@bp.route("/forloeb/nyt", methods=["GET", "POST"])
@login_required
def round_new():
    viewer = _staff()
    form = RoundForm()
    organisations = services.organisation_choices(viewer)
    form.course.choices = [SelectChoice("", _("Vælg et kursus"))] + [
        SelectChoice(course.id, course.title) for course in services.course_choices(viewer)
    ]
    form.organisations.choices = [SelectChoice(o.id, o.name) for o in organisations]
    if request.method == "GET":
        form.starts_on.data = clock.local_day(clock.now()).isoformat()
    elif form.validate_on_submit():
        data = form.round_input()  # a date it cannot read is an error at its field already
        cohort = None
        try:
            cohort = services.create_round(viewer, data)
        except services.RoundInvalid as invalid:
            form.add_errors(invalid.errors)
        if cohort is not None and not form.errors:
            db.session.commit()
            flash(_("Forløbet »%(name)s« er oprettet.", name=cohort.name), "success")
            return redirect(url_for("rounds.round_page", cohort_id=cohort.id))
        db.session.rollback()
    return render_template(
        "rounds/new.html",
        form=form,
        organisations=organisations,
        is_admin=viewer.is_platform_admin,
    ), 400 if form.errors else 200


def _render_round(
    access: RoundAccess,
    *,
    release_form: ReleaseTableForm | None = None,
    enrol_form: EnrolForm | None = None,
    enrol_problems: list[str] | None = None,
    stale: str | None = None,
    sender_form: tuple[int, SenderNameForm] | None = None,
    status: int = 200,
):
    closed = access.cohort.is_closed
    table = release_table(access.cohort)
    if release_form is None and access.may_change_releases and not closed:
        release_form = release_table_form(table)
    options = enrol_options(access)
    if enrol_form is None:
        enrol_form = EnrolForm(formdata=None)
    enrol_form.fill(options, is_platform_admin=access.is_platform_admin)
    counts = services.enrolled_counts([access.cohort.id], access.organisation_ids)
    sender_forms = {}
    for organisation in access.organisations:
        form = SenderNameForm(formdata=None)
        form.sender_name.data = organisation.mail_sender_name
        sender_forms[organisation.id] = form
    if sender_form is not None:
        sender_forms[sender_form[0]] = sender_form[1]
    return render_template(
        "rounds/round.html",
        access=access,
        cohort=access.cohort,
        table=table,
        describe=describe_rule,
        release_form=release_form,
        enrol_form=enrol_form,
        enrol_problems=enrol_problems or [],
        enrolled=counts.get(access.cohort.id, 0),
        shared=len(access.cohort.organisations) > len(access.organisations),
        stale=stale,
        closed=closed,
        sender_forms=sender_forms,
        button_form=ButtonForm(formdata=None),
    ), status


@bp.get("/forloeb/<int:cohort_id>")
@login_required
def round_page(cohort_id: int):
    return _render_round(_round(cohort_id))


@bp.post("/forloeb/<int:cohort_id>/aabninger")
@login_required
def save_releases(cohort_id: int):
    access = _round(cohort_id)
    if not access.may_change_releases:
        abort(403)
    try:
        require_open_round(access.cohort)
    except RoundClosed as closed:
        return _refuse_closed(closed)
    form = release_table_form(release_table(access.cohort), formdata=request.form)
    if not form.validate_on_submit():
        return _render_round(access, release_form=form, status=400)
    rules = form.rules()
    if rules is None:
        return _render_round(access, release_form=form, status=400)
    try:
        changed = save_release_rules(access, rules, version=form.version.data or "")
    except StaleReleaseTable as stale:
        db.session.rollback()
        form.refresh_untouched(release_table(access.cohort), rules)
        return _render_round(access, release_form=form, stale=str(stale), status=409)
    except RoundClosed as closed:
        return _refuse_closed(closed)
    except ReleaseRulesInvalid as invalid:
        db.session.rollback()
        for key, problem in invalid.problems.items():
            form[f"rule-{key}"].errors = [*form[f"rule-{key}"].errors, problem]
        return _render_round(access, release_form=form, status=400)
    db.session.commit()
    if changed:
        table = release_table(access.cohort)
        words = [
            f"{row.module.title} ({describe_rule(row.rule, table.titles)})"
            for row in table.rows
            if row.module.key in changed
        ]
        flash(_("Åbningerne er gemt: %(changes)s.", changes="; ".join(words)), "success")
    else:
        flash(_("Der var ingen ændringer at gemme."), "info")
    return redirect(url_for("rounds.round_page", cohort_id=cohort_id, _anchor="aabninger"))


@bp.post("/forloeb/<int:cohort_id>/tilmeld")
@login_required
def enrol(cohort_id: int):
    access = _round(cohort_id)
    try:
        require_open_round(access.cohort)
    except RoundClosed as closed:
        return _refuse_closed(closed)
    form = EnrolForm()
    if not form.validate_on_submit():
        return _render_round(access, enrol_form=form, status=400)
    confirm = bool(form.confirm.data)
    try:
        report = enrol_people(access, form.choice(), dry_run=not confirm)
    except RoundClosed as closed:
        return _refuse_closed(closed)
    except EnrolmentRefused as refused:
        db.session.rollback()
        return _render_round(access, enrol_form=form, enrol_problems=refused.problems, status=400)
    except ServiceError as error:
        db.session.rollback()
        return _render_round(access, enrol_form=form, enrol_problems=[str(error)], status=400)
    if not confirm:
        db.session.rollback()  # a dry run writes nothing; end the read transaction
        return render_template(
            "rounds/enrol_preview.html",
            access=access,
            cohort=access.cohort,
            form=form,
            report=report,
        )
    db.session.commit()
    flash(" ".join(report.summary()), "success")
    return redirect(url_for("rounds.round_page", cohort_id=cohort_id, _anchor="tilmeld"))


def _participants(cohort_id: int):
    access = _round(cohort_id)
    form = ParticipantFilterForm(formdata=request.args)
    participants = participant_list(access, form.filters(), clock.now())
    form.fill(participants.options, participants.filters)
    return participants, form


@bp.get("/forloeb/<int:cohort_id>/deltagere")
@login_required
def participants(cohort_id: int):
    participants, form = _participants(cohort_id)
    return render_template(
        "rounds/participants.html",
        participants=participants,
        cohort=participants.access.cohort,
        form=form,
        export_args=form.query_args(),
        state_labels=STATE_LABELS,
    )


@bp.get("/forloeb/<int:cohort_id>/deltagere.csv")
@login_required
def participants_export(cohort_id: int):
    participants, _form = _participants(cohort_id)
    name = slugify(participants.access.cohort.name)
    return spreadsheet.csv_response(
        participant_table(participants),
        filename=f"deltagere-{name}-{clock.local_day(clock.now()).isoformat()}.csv",
        separator=spreadsheet.separator_from(request.args.get("separator")),
    )


@bp.route("/forloeb/<int:cohort_id>/deltagere/<int:user_id>/ledergruppe", methods=["GET", "POST"])
@login_required
def move(cohort_id: int, user_id: int):
    """Move a participant to another leader group; her shared answers stay where she shared them."""
    access = _round(cohort_id)
    try:
        choice = moves.move_choice(access, user_id)
    except NotFound:
        abort(404)
    try:
        require_open_round(access.cohort)
    except RoundClosed as closed:
        return _refuse_closed(closed, "rounds.participants")
    form = MoveForm()
    form.group.choices = [SelectChoice(group.id, group.name) for group in choice.groups]
    if request.method == "GET" and choice.current is not None:
        form.group.data = choice.current.id
    if form.validate_on_submit():
        try:
            moved = moves.move_participant(access, user_id, form.group.data)
        except ServiceError as error:
            db.session.rollback()
            form.group.errors = [str(error)]
        else:
            db.session.commit()
            if moved:
                flash(
                    _("%(name)s er flyttet til en ny ledergruppe.", name=choice.person.name),
                    "success",
                )
            return redirect(url_for("rounds.participants", cohort_id=cohort_id))
    status = 400 if form.errors else 200
    return render_template(
        "rounds/move.html", cohort=access.cohort, choice=choice, form=form
    ), status


# --- closing the round ----------------------------------------------------------------------------


@bp.route("/forloeb/<int:cohort_id>/luk", methods=["GET", "POST"])
@login_required
def close_round(cohort_id: int):
    """A page that says what closing means, and its button; closing twice changes nothing."""
    access = _round(cohort_id)
    if not access.may_close:
        abort(403)
    cohort = access.cohort
    form = ButtonForm()
    if request.method == "GET" and cohort.is_closed:
        flash(_("Forløbet »%(name)s« er allerede lukket.", name=cohort.name), "info")
        return redirect(url_for("rounds.round_page", cohort_id=cohort_id))
    if form.validate_on_submit():
        try:
            closing.close_round(cohort, by=access.viewer, now=clock.now())
        except closing.AlreadyClosed as already:
            db.session.rollback()
            flash(str(already), "info")
        else:
            db.session.commit()
            flash(_("Forløbet »%(name)s« er lukket.", name=cohort.name), "success")
        return redirect(url_for("rounds.round_page", cohort_id=cohort_id))
    status = 400 if request.method == "POST" else 200
    return render_template("rounds/close.html", access=access, cohort=cohort, form=form), status


@bp.post("/forloeb/<int:cohort_id>/genaabn")
@login_required
def reopen_round(cohort_id: int):
    """Platform admins only: a round closed by mistake is opened again."""
    access = _round(cohort_id)
    if not access.may_reopen:
        abort(403)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        closing.reopen_round(access.cohort, by=access.viewer, now=clock.now())
    except closing.NotClosed as not_closed:
        db.session.rollback()
        flash(str(not_closed), "info")
    else:
        db.session.commit()
        flash(_("Forløbet »%(name)s« er åbnet igen.", name=access.cohort.name), "success")
    return redirect(url_for("rounds.round_page", cohort_id=cohort_id))


# --- the sender name of each organisation's kick-off invitation ------------------------------------


@bp.post("/forloeb/<int:cohort_id>/afsendernavn/<int:organisation_id>")
@login_required
def sender_name(cohort_id: int, organisation_id: int):
    """One organisation's sender name: only an organisation of the viewer's part of the round (a
    coordinator's own); any other id is 404, as on the rest of the round's pages."""
    access = _round(cohort_id)
    organisation = next((o for o in access.organisations if o.id == organisation_id), None)
    if organisation is None:
        abort(404)
    form = SenderNameForm()
    if form.validate_on_submit():
        try:
            changed = set_sender_name(
                organisation, form.sender_name.data or "", actor=access.viewer
            )
        except NotAllowed:
            db.session.rollback()
            abort(403)
        except ServiceError as error:
            db.session.rollback()
            form.sender_name.errors = [*form.sender_name.errors, str(error)]
        else:
            db.session.commit()
            if changed:
                flash(
                    _(
                        "Afsendernavnet for %(organisation)s er gemt.",
                        organisation=organisation.name,
                    ),
                    "success",
                )
            else:
                flash(_("Der var ingen ændringer at gemme."), "info")
            return redirect(url_for("rounds.round_page", cohort_id=cohort_id, _anchor="afsender"))
    return _render_round(access, sender_form=(organisation.id, form), status=400)
