"""WTForms' own messages reach no page in English: every message it can give has a Danish id of
ours, and forms show it in the person's language."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from course_app.core import form_messages
from course_app.core.forms import BaseForm


def test_every_message_wtforms_can_give_has_ours():
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    catalogue = read_po(io.BytesIO(pot.read_bytes()))
    theirs = {message.id for message in catalogue if message.id}

    ours = set(form_messages.MESSAGES) | set(form_messages.PLURAL_MESSAGES)

    assert theirs - ours == set()


class _Form(BaseForm):
    class Meta:
        csrf = False

    name = StringField(validators=[DataRequired(), Length(max=3)])
    count = IntegerField(validators=[NumberRange(min=1, max=10)])
    choice = SelectField(choices=[SelectChoice("a", "A")])


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "da",
            {
                "name": ["Skriv højst 3 tegn."],
                "count": ["Skriv et helt tal.", "Skriv et tal mellem 1 og 10."],
                "choice": ["Vælg en af mulighederne på listen."],
            },
        ),
        (
            "en",
            {
                "name": ["Write at most 3 characters."],
                "count": ["Enter a whole number.", "Write a number between 1 and 10."],
                "choice": ["Choose one of the options in the list."],
            },
        ),
    ],
)
def test_a_form_says_what_to_fix_in_the_persons_language(app, language, expected):
    data = {"name": "abcd", "count": "mange", "choice": "z"}
    with app.test_request_context(
        "/", method="POST", data=data, headers={"Accept-Language": language}
    ):
        form = _Form()  # the language from Accept-Language, as for a visitor (core/i18n.py)
        assert not form.validate()
        assert form.errors == expected
