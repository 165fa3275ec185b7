from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField


class AnswerForm(FlaskForm):
    """One reflection answer; the question is named by the URL, the field ids by the template."""

    text = TextAreaField(_l("Dit svar"))
    save_draft = SubmitField(_l("Gem kladde"))
    submit_answer = SubmitField(_l("Indsend"))
