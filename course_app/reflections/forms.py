"""Forms for the group's conversation: comments on shared answers and the chair's meeting notes.

Length and emptiness are checked by the services (after line endings are normalised), so the person
gets the same Danish message whichever way the text arrives; the forms carry the text and CSRF.
"""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SubmitField, TextAreaField

from course_app.core.forms import BaseForm


class CommentForm(BaseForm):
    """A comment on one shared answer; the answer is named by the URL, never by a form field."""

    text = TextAreaField(_l("Din kommentar"))
    submit = SubmitField(_l("Send kommentar"))


class MeetingNoteForm(BaseForm):
    """The chair's meeting note. ``version`` is the version the chair started from (0: none yet)."""

    text = TextAreaField(_l("Mødenoter"))
    version = HiddenField()
    submit = SubmitField(_l("Gem mødenoter"))

    @property
    def seen_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None
