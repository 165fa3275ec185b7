"""The calendar's pages: a round's events for those who plan them, the forms to set them, each
event's page and ``.ics`` file for everyone who takes part, and each person's "Kalender" page with
their secret feed address. Who sees and sets what: ``schedule/event_access.py``; anything a person
may not see is 404, an event they see but may not change is 403."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from course_app.calendar.forms import EventForm, optional_id
from course_app.cohorts.models import Cohort
from course_app.cohorts.read_only import RoundClosed, require_open_round
from course_app.cohorts.services import cohort_by_id
from course_app.core import clock
from course_app.core.db import db
from course_app.core.errors import NotAllowed, NotFound
from course_app.core.forms import ButtonForm
from course_app.core.i18n import COPENHAGEN, danish_sort_key
from course_app.core.links import absolute_url
from course_app.organisations.access import request_viewer
from course_app.schedule import event_access, event_pages, events, feeds, ics
from course_app.schedule.event_access import Audience
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.event_text import KIND_LABELS, ListedEvent, kind_label, when_text
from course_app.schedule.events import EventProblems
from course_app.workshops import access as workshop_access

bp = Blueprint("calendar", __name__)

# The kinds in URLs (Danish, as people read them) and in the order a round's page offers them.
KIND_SLUGS = {
    "kick-off": EventKind.KICKOFF,
    "ledermoede": EventKind.LEADER_MEETING,
    "workshop": EventKind.WORKSHOP,
    "servicetjek": EventKind.SERVICE_CHECK,
    "afslutning": EventKind.ROUND_END,
}
UPCOMING_LIMIT = 50


@bp.app_template_filter("event_when")
def _event_when(event: ListedEvent) -> str:
    return when_text(event)


@bp.app_template_filter("event_kind")
def _event_kind(event: ListedEvent) -> str:
    return kind_label(event)


def _audience() -> Audience:
    if "calendar_audience" not in g:
        g.calendar_audience = event_access.audience_for(request_viewer())
    return g.calendar_audience


def _event_url(event: Event) -> str:
    return absolute_url("calendar.event_page", event_id=event.id)


def _visible_event(event_id: int) -> tuple[Event, frozenset[int]]:
    """The event and its round's organisations, when the person may see it; else 404."""
    try:
        event = events.event_by_id(event_id)
    except NotFound:
        abort(404)
    cohort_orgs = event_access.cohort_organisation_ids(event.cohort_id)
    if not event_access.may_see(_audience(), event, cohort_orgs):
        abort(404)
    return event, cohort_orgs


def _settable_event(event_id: int) -> Event:
    event, cohort_orgs = _visible_event(event_id)
    if not event_access.may_set(request_viewer(), event, cohort_orgs):
        abort(403)
    return event


def _plannable_round(cohort_id: int) -> tuple[Cohort, frozenset[int]]:
    """A round whose calendar the person plans (any event they may set); else 404."""
    try:
        cohort = cohort_by_id(cohort_id)  # NotFound also for ids no row can have
    except NotFound:
        cohort = None
    if cohort is None:
        abort(404)
    cohort_orgs = event_access.cohort_organisation_ids(cohort.id)
    if not event_access.may_open_round(_audience(), cohort_orgs):
        abort(404)
    return cohort, cohort_orgs


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- Each person's calendar ---------------------------------------------------------------------------


def _render_my_calendar(feed_url: str | None = None):
    audience = _audience()
    now = clock.now()
    upcoming = events.events_where(
        event_access.followed_condition(audience) & (Event.ends_at > now), limit=UPCOMING_LIMIT
    )
    return render_template(
        "calendar/my_calendar.html",
        upcoming=upcoming,
        feed=feeds.feed_of(current_user),
        feed_url=feed_url,
        rounds=event_access.cohorts_to_plan(audience),
        form=ButtonForm(),
    )


@bp.get("/kalender")
@login_required
def my_calendar():
    return _render_my_calendar()


@bp.post("/kalender/link")
@login_required
def renew_feed():
    """A new secret address, shown once on the page this answers with (never stored)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    token = feeds.renew_feed(current_user, clock.now())
    db.session.commit()
    return _render_my_calendar(absolute_url("calendar.feed", token=token))


@bp.post("/kalender/link/slet")
@login_required
def revoke_feed():
    if not ButtonForm().validate_on_submit():
        abort(400)
    if feeds.revoke_feed(current_user):
        db.session.commit()
        flash(_("Dit kalenderlink er slettet og virker ikke længere."), "success")
    return redirect(url_for("calendar.my_calendar"))


@bp.get("/kalender/feed/<token>.ics")
def feed(token: str):
    """The feed a calendar app fetches without signing in: the token is the key."""
    user = feeds.user_for_token(token)
    if user is None:
        abort(404)
    now = clock.now()
    with force_locale(user.locale):  # the person's language, whoever fetches it
        body = ics.calendar_file(
            feeds.followed_events(user, now - feeds.FEED_HISTORY),
            _event_url,
            releases=feeds.release_days(
                user,
                lambda cohort, key: absolute_url(
                    "learning.module", cohort_id=cohort.id, module_key=key
                ),
            ),
            name=_("Forløbsplatformen"),
            now=now,
        )
    response = _ics_response(body, "kalender.ics")
    response.headers["Content-Disposition"] = 'inline; filename="kalender.ics"'
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- One event ------------------------------------------------------------------------------------


@bp.get("/kalender/<int:event_id>")
@login_required
def event_page(event_id: int):
    event, cohort_orgs = _visible_event(event_id)
    viewer = request_viewer()
    group = event.group
    return render_template(
        "calendar/event.html",
        event=event,
        may_set=event_access.may_set(viewer, event, cohort_orgs),
        may_open_group=group is not None
        and (viewer.is_member(group) or viewer.may_write_meeting_notes(group)),
        may_plan_round=event_access.may_open_round(_audience(), cohort_orgs),
        may_open_workshop=event.kind == EventKind.WORKSHOP
        and workshop_access.access_for(viewer, event, cohort_orgs).may_see,
        form=ButtonForm(),
    )


@bp.get("/kalender/<int:event_id>.ics")
@login_required
def event_file(event_id: int):
    event, _cohort_orgs = _visible_event(event_id)
    body = ics.calendar_file([event], _event_url, now=clock.now())
    return _ics_response(body, f"begivenhed-{event.id}.ics")


# --- Planning a round -------------------------------------------------------------------------------


def _addable_kinds(cohort: Cohort, cohort_orgs: frozenset[int]) -> list[tuple[str, str]]:
    viewer = request_viewer()
    kinds = []
    for slug, kind in KIND_SLUGS.items():
        if kind == EventKind.LEADER_MEETING:
            allowed = bool(event_access.settable_groups(viewer, cohort_orgs))
        else:
            allowed = event_access.may_set_round_events(viewer, cohort_orgs)
        if allowed:
            kinds.append((slug, str(KIND_LABELS[kind])))
    return kinds


@bp.get("/kalender/forloeb/<int:cohort_id>")
@login_required
def round_events(cohort_id: int):
    cohort, cohort_orgs = _plannable_round(cohort_id)
    listed = event_pages.listing(
        (Event.cohort_id == cohort.id) & event_access.visible_condition(_audience()),
        clock.now(),
        request.args.get("side"),
    )
    viewer = request_viewer()
    return render_template(
        "calendar/round.html",
        cohort=cohort,
        listed=listed,
        settable={
            event.id
            for event in listed.page.items
            if event_access.may_set(viewer, event, cohort_orgs)
        },
        # A kind the round has once is not offered again once it is there (edit it instead).
        kinds=[
            (slug, name)
            for slug, name in _addable_kinds(cohort, cohort_orgs)
            if KIND_SLUGS[slug] not in events.SINGLE_KINDS or KIND_SLUGS[slug] not in listed.kinds
        ],
    )


def _form_for(kind: EventKind, cohort: Cohort, cohort_orgs: frozenset[int], *, new: bool):
    """The form with the kind's own fields (and their choices) only."""
    form = EventForm()
    if kind != EventKind.WORKSHOP:
        del form.number
    if kind != EventKind.LEADER_MEETING:
        del form.group
        del form.module
        return form
    if new:
        groups = event_access.settable_groups(request_viewer(), cohort_orgs)
        form.group.choices = [
            SelectChoice(group.id, group.name)
            for group in sorted(groups, key=lambda g: danish_sort_key(g.name))
        ]
    else:
        del form.group
    modules = events.meeting_modules(cohort)
    if modules:
        form.module.choices = [SelectChoice(module.id, module.title) for module in modules]
    else:
        del form.module
    return form


def _render_form(form: EventForm, *, cohort: Cohort, kind: EventKind, event=None, status=200):
    return (
        render_template(
            "calendar/event_form.html",
            form=form,
            cohort=cohort,
            kind=kind,
            kind_name=str(KIND_LABELS[kind]),
            event=event,
        ),
        status,
    )


def _save(form: EventForm, save, *, cohort: Cohort, kind: EventKind, event=None):
    """Validate, call the service, commit and go to the event; or the form again with the errors."""
    if not form.validate_on_submit():
        return _render_form(form, cohort=cohort, kind=kind, event=event, status=400)
    try:
        saved = save(form.event_input())
    except EventProblems as refused:
        db.session.rollback()
        form.show_problems(refused.problems)
        return _render_form(form, cohort=cohort, kind=kind, event=event, status=400)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except RoundClosed as closed:
        db.session.rollback()
        return _refuse_closed(closed, event)
    db.session.commit()
    flash(_("Begivenheden er gemt."), "success")
    return redirect(url_for("calendar.event_page", event_id=saved.id))


def _refuse_closed(closed: RoundClosed, event: Event | None = None):
    """A closed round's events stay as they are: say so where they are listed."""
    flash(str(closed), "error")
    if event is not None:
        return redirect(url_for("calendar.event_page", event_id=event.id))
    return redirect(url_for("calendar.round_events", cohort_id=closed.cohort.id))


@bp.route("/kalender/forloeb/<int:cohort_id>/ny/<kind_slug>", methods=["GET", "POST"])
@login_required
def new_event(cohort_id: int, kind_slug: str):
    cohort, cohort_orgs = _plannable_round(cohort_id)
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        abort(404)
    if kind_slug not in dict(_addable_kinds(cohort, cohort_orgs)):
        abort(403)
    form = _form_for(kind, cohort, cohort_orgs, new=True)
    if request.method == "GET":
        try:
            require_open_round(cohort)
        except RoundClosed as closed:
            return _refuse_closed(closed)
        form.title.data = _default_title(kind)
        if "group" in form:
            form.group.data = optional_id(request.args.get("gruppe"))
        if "module" in form:
            form.module.data = optional_id(request.args.get("modul"))
        return _render_form(form, cohort=cohort, kind=kind)
    return _save(
        form,
        lambda data: events.create_event(
            cohort, kind, data, actor=request_viewer(), now=clock.now()
        ),
        cohort=cohort,
        kind=kind,
    )


def _default_title(kind: EventKind) -> str:
    if kind == EventKind.LEADER_MEETING:
        return _("Lokalt ledermøde")
    return str(KIND_LABELS[kind])


@bp.route("/kalender/<int:event_id>/rediger", methods=["GET", "POST"])
@login_required
def edit_event(event_id: int):
    event = _settable_event(event_id)
    cohort_orgs = event_access.cohort_organisation_ids(event.cohort_id)
    form = _form_for(event.kind, event.cohort, cohort_orgs, new=False)
    if request.method == "GET":
        try:
            require_open_round(event.cohort)
        except RoundClosed as closed:
            return _refuse_closed(closed, event)
        _fill(form, event)
        return _render_form(form, cohort=event.cohort, kind=event.kind, event=event)
    return _save(
        form,
        lambda data: events.update_event(event, data, actor=request_viewer(), now=clock.now()),
        cohort=event.cohort,
        kind=event.kind,
        event=event,
    )


def _fill(form: EventForm, event: Event) -> None:
    start = event.starts_at.astimezone(COPENHAGEN)
    end = event.ends_at.astimezone(COPENHAGEN)
    form.title.data = event.title
    form.day.data = start.date()
    form.start.data = start.time()
    form.end_day.data = end.date() if end.date() != start.date() else None
    form.end.data = end.time()
    form.place.data = event.place
    form.description.data = event.description
    if "number" in form:
        form.number.data = event.number
    if "module" in form:
        form.module.data = event.module_id


@bp.post("/kalender/<int:event_id>/slet")
@login_required
def delete_event(event_id: int):
    event = _settable_event(event_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    cohort_id = event.cohort_id
    try:
        events.delete_event(event, actor=request_viewer())
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except RoundClosed as closed:
        db.session.rollback()
        return _refuse_closed(closed, event)
    db.session.commit()
    flash(_("Begivenheden er slettet."), "success")
    return redirect(url_for("calendar.round_events", cohort_id=cohort_id))
