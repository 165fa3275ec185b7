"""The service check's forms. Fields read what people type; the rules (times, lengths, links, the
deadline) are the services', so a form and a test meet the same checks. Forged extra fields
(``user_id``, ``supporter_id`` …) are not fields here, so they are never read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.widgets import NumberInput

from course_app.core.forms import (
    BaseForm,
    ClockField,
    DayField,
    TypedField,
    optional_id,
)
from course_app.service_check.models import (
    LENGTH_MAX_MINUTES,
    LENGTH_MIN_MINUTES,
    LINK_MAX_LENGTH,
    OUTCOME_MAX_LENGTH,
    PLACE_MAX_LENGTH,
    QUESTIONS_MAX_LENGTH,
)
from course_app.service_check.slots import SlotInput


def parse_minutes(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        raise ValueError(str(_l("Skriv varigheden som et helt antal minutter, fx 30.")))
    return int(text)


class MinutesField(TypedField):
    widget = NumberInput(min=LENGTH_MIN_MINUTES, max=LENGTH_MAX_MINUTES, step=5)

    def parse(self, text: str) -> int:
        return parse_minutes(text)


QUESTIONS_HINT = _l(
    "Ingen spørgsmål er for små. Skriv gerne, hvad der driller – fx en app, en printer eller "
    "Teams – så kan din supporter forberede sig. Kun du og din supporter kan læse det."
)


class BookingForm(BaseForm):
    """Choose a free slot and (optionally) write questions in advance."""

    slot = RadioField(_l("Vælg en tid"), coerce=optional_id, validate_choice=False)
    questions = TextAreaField(
        _l("Dine spørgsmål (kan være tomme)"),
        description=QUESTIONS_HINT,
        render_kw={"rows": 6, "maxlength": QUESTIONS_MAX_LENGTH},
    )
    save = SubmitField(_l("Book tiden"))


class ChangeForm(BaseForm):
    """Move a booking to another free slot."""

    slot = RadioField(_l("Vælg en ny tid"), coerce=optional_id, validate_choice=False)
    save = SubmitField(_l("Flyt tiden"))


class QuestionsForm(BaseForm):
    questions = TextAreaField(
        _l("Dine spørgsmål"),
        description=QUESTIONS_HINT,
        render_kw={"rows": 6, "maxlength": QUESTIONS_MAX_LENGTH},
    )
    save = SubmitField(_l("Gem spørgsmålene"))


class SlotForm(BaseForm):
    """A new slot: day and time (Copenhagen), length, and a place or an online link."""

    class Meta:
        # The service checks place and link for control characters, naming the field.
        strip_control_characters = False

    # A posted form shows the times as they were typed.
    day = DayField(_l("Dato"), shows_typed_text=True)
    start = ClockField(_l("Kl."), shows_typed_text=True)
    length_minutes = MinutesField(_l("Varighed i minutter"), default=30, shows_typed_text=True)
    place = StringField(
        _l("Sted (kan være tomt, hvis der er et link)"),
        render_kw={"maxlength": PLACE_MAX_LENGTH, "autocomplete": "off"},
    )
    online_link = StringField(
        _l("Link til onlinemøde (kan være tomt, hvis der er et sted)"),
        description=_l("En https-adresse, fx til Teams."),
        render_kw={"maxlength": LINK_MAX_LENGTH, "inputmode": "url", "autocomplete": "off"},
    )
    save = SubmitField(_l("Opret tiden"))

    def slot_input(self) -> SlotInput:
        return SlotInput(
            day=self.day.data,
            start=self.start.data,
            length_minutes=self.length_minutes.data,
            place=self.place.data or "",
            online_link=self.online_link.data or "",
        )


class OutcomeForm(BaseForm):
    """The supporter's short note and "afholdt"."""

    outcome_note = TextAreaField(
        _l("Kort note (kun du og lederen kan læse den)"),
        render_kw={"rows": 3, "maxlength": OUTCOME_MAX_LENGTH},
    )
    held = BooleanField(_l("Afholdt"))
    save = SubmitField(_l("Gem"))
