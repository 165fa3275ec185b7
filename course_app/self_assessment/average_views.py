"""Average wheels for coordinators and platform admins, with the k-floor (``averages.py`` decides
what may be shown; these views only read the query, draw the wheels and answer).

``?cohort=<id>&slicing=<round|organisation|area|group>``: a missing round is the current one, a round
that does not exist or is out of view is 404 (a number too large or no number at all too), an unknown
slicing is the default; people who are neither coordinator nor platform admin get 403. A coordinator
in a round shared with another organisation is not offered the whole round (her organisation takes
its place: ``averages.py``).
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice

from course_app.assessments.wheel import Wheel, build_wheel
from course_app.assessments.wheel_text import format_score
from course_app.core import clock, spreadsheet
from course_app.core.errors import NotAllowed, NotFound
from course_app.core.forms import BaseForm
from course_app.core.url_values import query_id
from course_app.organisations.access import request_viewer
from course_app.self_assessment import averages_csv as csv_file
from course_app.self_assessment.average_access import averages_scope
from course_app.self_assessment.averages import (
    SLICING_LABELS,
    SLICINGS,
    Averages,
    averages_for,
    slicing_from,
)
from course_app.self_assessment.blueprint import bp
from course_app.self_assessment.publication import WHY_PENDING


class AveragesForm(BaseForm):
    """The round and the slicing: a GET form (no CSRF: it changes nothing), so it works without
    JavaScript and every view has its own link. The choices come from the service."""

    class Meta:
        csrf = False

    cohort = SelectField(_l("Forløb"), coerce=int, validate_choice=False)
    slicing = RadioField(
        _l("Vis gennemsnit for"),
        choices=[SelectChoice(key, SLICING_LABELS[key]) for key in SLICINGS],
        validate_choice=False,
    )


def _averages() -> Averages:
    try:
        scope = averages_scope(request_viewer())
    except NotAllowed:
        abort(403)
    cohort_id = None
    if request.args.get("cohort", ""):
        cohort_id = query_id("cohort")
        if cohort_id is None:
            abort(404)
    try:
        return averages_for(
            scope,
            cohort_id,
            slicing_from(request.args.get("slicing")),
            today=clock.local_day(clock.now()),
        )
    except NotFound:
        abort(404)


def _form(averages: Averages) -> AveragesForm:
    form = AveragesForm(formdata=None)
    form.cohort.choices = [
        SelectChoice(choice.cohort.id, choice.cohort.name) for choice in averages.rounds
    ]
    form.cohort.data = averages.cohort.id if averages.cohort is not None else None
    form.slicing.choices = [SelectChoice(key, SLICING_LABELS[key]) for key in averages.slicings]
    form.slicing.data = averages.slicing
    return form


def _wheels(averages: Averages) -> dict[str, Wheel]:
    return {
        item.key: build_wheel(
            item.wheel,
            id_prefix=f"hjul-{item.key}",
            title=_l("Gennemsnit: %(name)s", name=item.label),
            perspective="group",
        )
        for item in averages.shown_slices
        if item.wheel is not None
    }


@bp.get("/kompetencehjul/gennemsnit")
@login_required
def averages():
    found = _averages()
    return render_template(
        "self_assessment/averages.html",
        averages=found,
        form=_form(found),
        wheels=_wheels(found),
        score=format_score,
        why_pending=WHY_PENDING,
        export_args=({"cohort": found.cohort.id, "slicing": found.slicing} if found.cohort else {}),
    )


@bp.get("/kompetencehjul/gennemsnit.csv")
@login_required
def averages_csv():
    found = _averages()  # without a round in view: the header only
    separator = spreadsheet.separator_from(request.args.get("separator"))
    return spreadsheet.csv_response(
        csv_file.averages_table(found, decimal_comma=separator == ";"),
        filename=csv_file.filename(found, clock.local_day(clock.now()).isoformat()),
        separator=separator,
    )
