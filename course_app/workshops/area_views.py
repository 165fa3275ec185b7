"""The map of corresponding areas (``/workshops/omraader``): every organisation's areas with their
corresponding areas, a form to add a pair, a remove button per pair the person may change, the CSV
download and upload. Platform admins and coordinators (``access.may_open_area_map``); everyone else
404."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from course_app.core.db import db
from course_app.core.errors import NotAllowed, ServiceError
from course_app.core.spreadsheet import csv_response, separator_from
from course_app.organisations.access import Viewer, request_viewer
from course_app.workshops import areas as area_services
from course_app.workshops import areas_csv
from course_app.workshops.access import may_map_area, may_open_area_map
from course_app.workshops.blueprint import bp
from course_app.workshops.forms import (
    MAX_UPLOAD_BYTES,
    AreaImportForm,
    PairForm,
    RemovePairForm,
    posted_id,
)


def _mapper() -> Viewer:
    viewer = request_viewer()
    if not may_open_area_map(viewer):
        abort(404)
    return viewer


def _pair_form(viewer: Viewer, areas: dict[int, area_services.AreaRef]) -> PairForm:
    """The first list: the areas the person may map (her own side); the second: every area (the
    service refuses a pair of one organisation, with a message)."""
    form = PairForm()
    ordered = sorted(areas.values(), key=lambda area: area.sort_key)
    own = [area for area in ordered if may_map_area(viewer, area.organisation_id)]
    blank = [SelectChoice("", _("Vælg et område"))]

    def grouped(choices: list[area_services.AreaRef]) -> dict[str | None, list[SelectChoice]]:
        groups: dict[str | None, list[SelectChoice]] = {None: blank}  # no optgroup
        for area in choices:
            groups.setdefault(area.organisation_name, []).append(
                SelectChoice(str(area.id), area.name)
            )
        return groups

    form.first.choices = grouped(own)
    form.second.choices = grouped(ordered)
    return form


def _render(
    viewer: Viewer,
    *,
    pair_form: PairForm | None = None,
    import_form: AreaImportForm | None = None,
    import_problems: list[areas_csv.Problem] | None = None,
    status: int = 200,
):
    areas = area_services.all_areas()
    organisations = area_services.area_map()
    pairs = area_services.pairs(areas)
    return (
        render_template(
            "workshops/areas.html",
            organisations=organisations,
            pairs=pairs,
            changeable={pair.key for pair in pairs if area_services.may_change(viewer, pair)},
            pair_form=pair_form or _pair_form(viewer, areas),
            remove_form=RemovePairForm(formdata=None),
            import_form=import_form or AreaImportForm(formdata=None),
            import_problems=import_problems or [],
            max_upload_kb=MAX_UPLOAD_BYTES // 1024,
            is_admin=viewer.is_platform_admin,
        ),
        status,
    )


@bp.route("/workshops/omraader", methods=["GET", "POST"])
@login_required
def areas():
    viewer = _mapper()
    if request.method == "GET":
        return _render(viewer)
    all_areas = area_services.all_areas()
    form = _pair_form(viewer, all_areas)
    if not form.validate_on_submit():
        return _render(viewer, pair_form=form, status=400)
    try:
        added = area_services.add_pair(
            viewer, posted_id(form.first.data), posted_id(form.second.data), areas=all_areas
        )
    except ServiceError as refused:  # NotAllowed too: the message says what she may do
        db.session.rollback()
        form.second.errors = [*form.second.errors, str(refused)]
        return _render(
            viewer, pair_form=form, status=403 if isinstance(refused, NotAllowed) else 400
        )
    db.session.commit()
    if added:
        flash(_("De to områder er koblet som tilsvarende områder."), "success")
    else:
        flash(_("De to områder var allerede koblet. Intet er ændret."), "info")
    return redirect(url_for("workshops.areas"))


@bp.post("/workshops/omraader/fjern")
@login_required
def remove_area_pair():
    viewer = _mapper()
    form = RemovePairForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        removed = area_services.remove_pair(
            viewer, posted_id(form.first.data), posted_id(form.second.data)
        )
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except ServiceError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("workshops.areas"))
    db.session.commit()
    if removed:
        flash(_("Koblingen er fjernet."), "success")
    else:
        flash(_("Koblingen var allerede fjernet."), "info")
    return redirect(url_for("workshops.areas"))


@bp.get("/workshops/omraader.csv")
@login_required
def areas_export():
    _mapper()
    return csv_response(
        areas_csv.export_rows(),
        filename="tilsvarende-omraader.csv",
        separator=separator_from(request.args.get("separator")),
    )


@bp.post("/workshops/omraader/import")
@login_required
def areas_import():
    viewer = _mapper()
    form = AreaImportForm()
    if not form.validate_on_submit():
        return _render(viewer, import_form=form, status=400)
    result = areas_csv.import_pairs(viewer, form.file.data.read(), replace=form.replace.data)
    if not result.ok:
        db.session.rollback()
        return _render(viewer, import_form=form, import_problems=result.problems, status=400)
    db.session.commit()
    if not (result.added or result.removed):
        flash(
            _("Filen er indlæst. Intet er ændret: alle koblinger i filen fandtes allerede."), "info"
        )
    else:
        flash(
            _(
                "Filen er indlæst. Tilføjede koblinger: %(added)s. Fjernede koblinger: %(removed)s.",
                added=result.added,
                removed=result.removed,
            ),
            "success",
        )
    return redirect(url_for("workshops.areas"))
