"""Forms for the course-material screens in the admin area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional

from course_app.core.forms import BaseForm
from course_app.resources import sniffing


class UploadForm(BaseForm):
    # Size and type are checked by the service (by content); the extension list only helps the
    # browser's file picker.
    file = FileField(
        _l("Fil"),
        validators=[FileRequired(_l("Vælg en fil."))],
        render_kw={"accept": ",".join(f".{ext}" for ext in sniffing.ALLOWED_EXTENSIONS)},
    )
    title = StringField(
        _l("Titel (valgfri)"),
        validators=[Optional(), Length(max=200, message=_l("Titlen må højst være 200 tegn."))],
    )
