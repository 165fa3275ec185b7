from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField

# Who can see an answer, in the order the form offers them (private is the default).
VISIBILITY_CHOICES = (
    ("private", _l("Privat")),
    ("group", _l("Delt med min ledergruppe (med mit navn)")),
)


class AnswerForm(FlaskForm):
    """One reflection answer; the question is named by the URL, the field ids by the template."""

    text = TextAreaField(_l("Dit svar"))
    # One of VISIBILITY_CHOICES, rendered as radio buttons by the template. Absent or unknown (e.g.
    # a page from before sharing existed) means "leave the visibility as it is".
    visibility = StringField(_l("Hvem kan se dit svar?"))
    save_draft = SubmitField(_l("Gem kladde"))
    submit_answer = SubmitField(_l("Indsend"))
