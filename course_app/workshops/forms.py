"""The forms of the area map, the sign-up, the attendance list and the facilitator page. Ids arrive as
text and are read with ``posted_id`` (anything that cannot be a row's id is None: the service then
says "choose from the list"), so no posted value can reach the database as something else."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from course_app.core.db import is_possible_id
from course_app.core.forms import BaseForm

MAX_UPLOAD_BYTES = 256 * 1024
COMING = "kommer"
NOT_COMING = "kommer-ikke"


def posted_id(value: object) -> int | None:
    text = value if isinstance(value, str) else ""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if is_possible_id(number) else None


def posted_ids(values: list[str]) -> set[int] | None:
    """A list of ids, or None when any of them cannot be an id (a forged or broken form)."""
    found = set()
    for value in values:
        number = posted_id(value)
        if number is None:
            return None
        found.add(number)
    return found


class PairForm(BaseForm):
    """Two areas of different organisations; the choices are the areas, by organisation."""

    first = SelectField(_l("Område"), validate_choice=False)
    second = SelectField(_l("Tilsvarende område"), validate_choice=False)


class RemovePairForm(BaseForm):
    first = HiddenField()
    second = HiddenField()


class AreaImportForm(BaseForm):
    file = FileField(
        _l("CSV-fil med tilsvarende områder"),
        validators=[
            FileRequired(_l("Vælg en CSV-fil.")),
            FileAllowed(["csv", "txt"], _l("Filen skal være en CSV-fil (.csv eller .txt).")),
            FileSize(max_size=MAX_UPLOAD_BYTES, message=_l("Filen er for stor (højst 256 kB).")),
        ],
        render_kw={"accept": ".csv,.txt,text/csv,text/plain"},
    )
    replace = BooleanField(_l("Fjern de koblinger, som du kan ændre, og som ikke står i filen"))


class SignupForm(BaseForm):
    coming = RadioField(
        _l("Kommer du til workshoppen?"),
        choices=[
            SelectChoice(COMING, _l("Jeg kommer")),
            SelectChoice(NOT_COMING, _l("Jeg kommer ikke")),
        ],
        validators=[InputRequired(_l("Vælg, om du kommer."))],
    )


def signup_form_for(signup) -> SignupForm:
    """The sign-up form showing the leader's current answer (``signup``: her ``WorkshopSignup`` or
    None). On a POST the form reads the posted answer instead."""
    form = SignupForm()
    if not form.is_submitted() and signup is not None and signup.coming is not None:
        form.coming.data = COMING if signup.coming else NOT_COMING
    return form


class FacilitatorForm(BaseForm):
    user = SelectField(_l("Facilitator"), validate_choice=False)


class RemoveFacilitatorForm(BaseForm):
    user = HiddenField()
