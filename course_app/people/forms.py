from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from course_app.core.forms import BaseForm

# The confirmed file travels back in a signed hidden field, and Flask keeps non-file form fields
# under MAX_FORM_MEMORY_SIZE (500 kB): 256 KiB is about 2,500 people. Bigger files: the CLI.
MAX_UPLOAD_BYTES = 256 * 1024


class UploadForm(BaseForm):
    file = FileField(
        _l("CSV-fil med deltagere"),
        validators=[
            FileRequired(_l("Vælg en CSV-fil.")),
            FileAllowed(["csv", "txt"], _l("Filen skal være en CSV-fil (.csv eller .txt).")),
            FileSize(
                max_size=MAX_UPLOAD_BYTES,
                message=_l(
                    "Filen er for stor (højst 256 kB). Del den op, eller brug kommandolinjen."
                ),
            ),
        ],
        render_kw={"accept": ".csv,.txt,text/csv,text/plain"},
    )
    # The id as posted; the view checks it against the rounds the person may enrol into.
    cohort = SelectField(_l("Tilmeld forløb"), validate_choice=False)


class ConfirmForm(BaseForm):
    """The previewed file, signed for the person who uploaded it; checked again when posted."""

    upload = HiddenField(validators=[DataRequired()])
