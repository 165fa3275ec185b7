"""The erasure's confirmation: a box to tick, so a stray click erases nobody."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import DataRequired

from course_app.core.forms import BaseForm


class EraseForm(BaseForm):
    confirm = BooleanField(
        _l("Jeg forstår, at personens data slettes, og at det ikke kan fortrydes"),
        validators=[DataRequired(_l("Sæt kryds, hvis du vil slette personens data."))],
    )
