"""The event form. Fields parse what people type (a day, a clock time) with Danish messages; every
other rule (required fields, lengths, control characters, the round's dates, daylight saving) is the
service's (``schedule/events.py``), so a form and a script meet the same checks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from course_app.core.forms import BaseForm, ClockField, DayField, optional_id
from course_app.schedule.events import EventInput


class EventForm(BaseForm):
    """All of an event's fields; the view removes those the kind has none of (``number`` for
    workshops, ``group`` and ``module`` for leader meetings). Choices are checked by the service."""

    class Meta:
        # The service checks every field for control characters, with a message naming the field.
        strip_control_characters = False

    title = StringField(_l("Titel"))
    number = SelectField(
        _l("Hvilken workshop"),
        choices=[SelectChoice(1, _l("Workshop 1")), SelectChoice(2, _l("Workshop 2"))],
        coerce=optional_id,
        validate_choice=False,
    )
    group = SelectField(_l("Ledergruppe"), coerce=optional_id, validate_choice=False)
    module = SelectField(_l("Hvilket ledermøde"), coerce=optional_id, validate_choice=False)
    day = DayField(_l("Dato"))
    start = ClockField(_l("Fra kl."))
    end_day = DayField(_l("Slutdato (kun hvis den ikke er samme dag)"))
    end = ClockField(_l("Til kl."))
    place = StringField(_l("Sted"))
    description = TextAreaField(_l("Beskrivelse (kan være tom)"), render_kw={"rows": 5})
    save = SubmitField(_l("Gem"))

    def event_input(self) -> EventInput:
        def value(name: str) -> object:
            return self[name].data if name in self else None

        return EventInput(
            title=self.title.data or "",
            day=self.day.data,
            start=self.start.data,
            end_day=self.end_day.data,
            end=self.end.data,
            place=self.place.data or "",
            description=self.description.data or "",
            number=value("number"),  # type: ignore[arg-type]
            group_id=value("group"),  # type: ignore[arg-type]
            module_id=value("module"),  # type: ignore[arg-type]
        )
