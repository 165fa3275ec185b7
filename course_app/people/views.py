"""Importing people in the admin area: upload a CSV file, check the preview, confirm.

Platform admins import into any organisation, coordinators into their own; everyone else gets 403.
The page can also enrol the file's leaders and chairs in a round ("Tilmeld forløb"): one of the open
rounds the person runs (``cohorts.enrollable``), checked on upload and again on confirm.

The confirm step needs the uploaded file again. It travels in a hidden form field, signed with the
app's secret key for the person who uploaded it and valid for an hour, rather than in a temporary
file on the server: app servers stay stateless (any instance can take the confirm), nothing is left
behind when someone walks away from the preview, and the signature means the posted text is exactly
what was previewed. It is still only trusted as far as the upload was: on confirm the file is parsed
and validated again against the database as it is then, with the person's roles as they are then.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeTimedSerializer

from course_app.cohorts.enrollable import enrollable_cohort, enrollable_cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.i18n import LONG_DATE, format_day
from course_app.notifications import services as notifications
from course_app.organisations.access import Viewer, request_viewer
from course_app.people import importer
from course_app.people.forms import MAX_UPLOAD_BYTES, ConfirmForm, UploadForm

bp = Blueprint("people", __name__)

PREVIEW_VALID_SECONDS = 60 * 60


def _importer() -> Viewer:
    viewer = request_viewer()
    if not (viewer.is_platform_admin or viewer.coordinator_of):
        abort(403)
    return viewer


@dataclass(frozen=True)
class Upload:
    filename: str
    text: str
    cohort_id: int | None = None  # the round to enrol in, as chosen on upload


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="people.import.upload")


def sign_upload(upload: Upload, user_id: int) -> str:
    return _serializer().dumps(
        {
            "user": user_id,
            "filename": upload.filename,
            "text": upload.text,
            "cohort": upload.cohort_id,
        }
    )


def load_upload(token: str, user_id: int) -> Upload | None:
    """The signed upload, or None when it was altered, has expired or belongs to someone else."""
    try:
        data = _serializer().loads(token, max_age=PREVIEW_VALID_SECONDS)
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("user") != user_id:
        return None
    cohort_id = data.get("cohort")
    return Upload(
        filename=str(data.get("filename", "")),
        text=str(data.get("text", "")),
        cohort_id=cohort_id if isinstance(cohort_id, int) else None,
    )


def _upload_form(viewer: Viewer, *, posted: bool, chosen: object = None) -> UploadForm:
    """The upload form (with what was ``posted``, or empty) and the rounds the person may enrol
    into; ``chosen``: the round to preselect, if it is one of them."""
    form = UploadForm() if posted else UploadForm(formdata=None)
    form.cohort.choices = [("", _("Ingen (tilmeld ikke)"))] + [
        (str(cohort.id), _round_label(cohort)) for cohort in enrollable_cohorts(viewer)
    ]
    if chosen is not None and str(chosen) in {value for value, _label in form.cohort.choices}:
        form.cohort.data = str(chosen)
    return form


def _round_label(cohort: Cohort) -> str:
    starts = format_day(cohort.starts_on, LONG_DATE)
    return _(
        "%(name)s (%(course)s, fra %(date)s)",
        name=cohort.name,
        course=cohort.course.title,
        date=starts,
    )


def _render_preview(result: importer.ImportResult, upload: Upload, viewer: Viewer):
    confirm_form = None
    if result.ok:
        confirm_form = ConfirmForm(formdata=None)
        confirm_form.upload.data = sign_upload(upload, current_user.id)
    return render_template(
        "people/preview.html",
        result=result,
        filename=upload.filename,
        confirm_form=confirm_form,
        upload_form=_upload_form(viewer, posted=False, chosen=upload.cohort_id),
        max_upload_kb=MAX_UPLOAD_BYTES // 1024,
    ), 200 if result.ok else 400


@bp.route("/deltagere/import", methods=["GET", "POST"])
@login_required
def import_people():
    viewer = _importer()
    if request.method == "GET":
        form = _upload_form(viewer, posted=False, chosen=request.args.get("forloeb"))
    else:
        form = _upload_form(viewer, posted=True)
    if form.validate_on_submit():
        try:
            cohort = enrollable_cohort(viewer, form.cohort.data)
        except ServiceError as error:  # a forged or since closed round: the form says which
            form.cohort.errors = [*form.cohort.errors, str(error)]
        else:
            data = form.file.data.read()
            filename = form.file.data.filename or ""
            result = importer.import_people(data, actor=viewer, dry_run=True, cohort=cohort)
            db.session.rollback()  # a dry run writes nothing; end the read transaction
            text = data.decode("utf-8-sig") if result.ok else ""
            upload = Upload(filename, text, cohort.id if cohort is not None else None)
            return _render_preview(result, upload, viewer)
    return render_template(
        "people/import.html",
        form=form,
        max_upload_kb=MAX_UPLOAD_BYTES // 1024,
        restricted=not viewer.is_platform_admin,
    ), 400 if form.errors else 200


@bp.post("/deltagere/import/gennemfoer")
@login_required
def confirm_import():
    viewer = _importer()
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    upload = load_upload(form.upload.data or "", current_user.id)
    if upload is None:
        flash(_("Forhåndsvisningen er udløbet eller ugyldig. Upload filen igen."), "error")
        return redirect(url_for("people.import_people"))
    try:
        # The round again, as it is now: closed since, or the person no longer runs it, is refused.
        cohort = enrollable_cohort(viewer, upload.cohort_id)
        result = importer.import_people(upload.text, actor=viewer, cohort=cohort)
    except ServiceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("people.import_people"))
    if not result.ok:
        # Something changed since the preview (or the person's roles did): show what, import nothing.
        db.session.rollback()
        return _render_preview(result, upload, viewer)
    db.session.commit()
    flash(_("Importen er gennemført: %(summary)s.", summary=", ".join(result.summary())), "success")
    if result.invitations:
        _send_invitations(result.invitations)
    return redirect(url_for("people.import_people"))


def _send_invitations(expected: int) -> None:
    """Send the queued invitations now; if the mail server is unreachable they wait in the outbox for
    ``course-app notify send``. The import itself is already committed either way."""
    report = notifications.deliver_outbox()
    sent = report.sent
    if report.error:
        current_app.logger.error("Sending invitations after an import failed: %s", report.error)
    if sent >= expected:
        flash(
            ngettext("%(num)s invitation er sendt.", "%(num)s invitationer er sendt.", sent),
            "success",
        )
    else:
        flash(
            _(
                "Invitationerne kunne ikke alle sendes nu (%(sent)s af %(expected)s). "
                "De ligger i e-mailkøen og sendes, når kommandoen »course-app notify send« køres.",
                sent=sent,
                expected=expected,
            ),
            "error",
        )
