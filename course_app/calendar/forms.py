"""The event form. Fields parse what people type (a day, a clock time) with Danish messages; every
other rule (required fields, lengths, control characters, the round's dates, daylight saving) is the
service's (``schedule/events.py``), so a form and a script meet the same checks."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput, TimeInput

from course_app.core.db import is_possible_id
from course_app.core.forms import BaseForm
from course_app.schedule.events import EventInput

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DANISH_DAY = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?")


def parse_day(text: str) -> dt.date:
    """2026-10-29 (what a date input sends) or 29.10.2026; anything else is refused."""
    if match := _ISO_DAY.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DANISH_DAY.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(str(_l("Skriv datoen som dd.mm.åååå, fx 29.10.2026.")))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(str(_l("Datoen findes ikke i kalenderen."))) from None


def parse_clock(text: str) -> dt.time:
    """14.30 or 14:30 (seconds, if a browser sends them, are dropped)."""
    match = _CLOCK.fullmatch(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(str(_l("Skriv klokkeslættet som tt.mm, fx 14.30.")))
    return dt.time(int(match.group(1)), int(match.group(2)))


class _TypedField(StringField):
    """A text field whose text is parsed (``parse``) into ``data``, shown again as ``shown``."""

    def parse(self, text: str) -> object:
        raise NotImplementedError

    def shown(self, value: object) -> str:
        raise NotImplementedError

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw_data = valuelist
        text = valuelist[0].strip() if valuelist else ""
        self.data = self.parse(text) if text else None  # a ValueError becomes the field's error

    def _value(self) -> str:
        if self.data is not None:
            return self.shown(self.data)
        return self.raw_data[0] if self.raw_data else ""


class DayField(_TypedField):
    widget = DateInput()

    def parse(self, text: str) -> dt.date:
        return parse_day(text)

    def shown(self, value: object) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)


class ClockField(_TypedField):
    widget = TimeInput()

    def parse(self, text: str) -> dt.time:
        return parse_clock(text)

    def shown(self, value: object) -> str:
        return value.strftime("%H:%M") if isinstance(value, dt.time) else str(value)


def optional_id(value: object) -> int | None:
    """A chosen id, or None for anything that is not one (the service then says what to choose)."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if is_possible_id(number) else None


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

    def show_problems(self, problems: dict[str, str]) -> None:
        """Put the service's messages on their fields; those of the whole event go to
        ``general_errors`` (shown first by the error summary)."""
        self.general_errors = []
        for name, message in problems.items():
            if name and name in self:
                self[name].errors = [*self[name].errors, message]
            else:
                self.general_errors.append(message)
