from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, SubmitField, TextAreaField

from course_app.core.forms import BaseForm

# Who can see an answer, in the order the form offers them (private is the default).
VISIBILITY_CHOICES = (
    ("private", _l("Privat")),
    ("group", _l("Delt med min ledergruppe (med mit navn)")),
)


class AnswerForm(BaseForm):
    """One reflection answer; the question is named by the URL, the field ids by the template."""

    text = TextAreaField(_l("Dit svar"))
    # One of VISIBILITY_CHOICES, rendered as radio buttons by the template. Absent or unknown (e.g.
    # a page from before sharing existed) means "leave the visibility as it is".
    visibility = StringField(_l("Hvem kan se dit svar?"))
    save_draft = SubmitField(_l("Gem kladde"))
    submit_answer = SubmitField(_l("Indsend"))
    # The answer's version the page showed (0: none yet), so a save from a stale tab is caught.
    version = HiddenField()

    @property
    def seen_version(self) -> int | None:
        """The posted version, or None when absent or not a number (then nothing is compared)."""
        value = (self.version.data or "").strip()
        if not value.isascii() or not value.isdigit() or len(value) > 10:
            return None
        return int(value)


@dataclass(frozen=True)
class AnswerFields:
    """What one question's form on the module page shows: the text, the answer's version the page
    starts from, the sharing choice. ``learning/_blocks.html`` writes the fields as AnswerForm's
    widgets would (a WTForms form built and rendered per question cost about 0.6 ms, a tenth of a
    module page with one question); what is posted is still read and checked by AnswerForm."""

    text: str = ""
    version: str = "0"
    visibility: str = "private"
