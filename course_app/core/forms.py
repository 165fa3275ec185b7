"""Form pieces shared by several blueprints, and the base every form of the app derives from: the
fields that read a day or a clock time as people type them (Danish messages), and chosen ids."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.widgets import DateInput, TimeInput

from course_app.core import form_messages
from course_app.core.db import is_possible_id
from course_app.core.text import strip_control_characters


class BaseForm(FlaskForm):
    """Every form of the app. Its text fields (``StringField`` and its kinds: text areas, hidden,
    password, e-mail fields) drop NUL and the other C0/C1 control characters as they read what was
    posted; tab and line breaks stay (a one-line field's own checks refuse line breaks where they
    matter). In one place, so no form can forget it: PostgreSQL refuses NUL (a 500 that lost the
    typed text), and nobody types these characters on purpose, so dropping them is kinder than
    refusing a long answer for an invisible character.

    A form whose service checks control characters itself, with a message that names the field
    (round names, dates, sender names, events), keeps them for that check:
    ``Meta.strip_control_characters = False``.
    """

    class Meta(FlaskForm.Meta):
        strip_control_characters = True

        def get_translations(self, form):
            """WTForms' own messages in the person's language (``core/form_messages.py``)."""
            return form_messages.translations

        def bind_field(self, form, unbound_field, options):
            if self.strip_control_characters and issubclass(unbound_field.field_class, StringField):
                filters = options.get("filters") or unbound_field.kwargs.get("filters") or ()
                options["filters"] = (strip_control_characters, *filters)
            return super().bind_field(form, unbound_field, options)

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Put a service's messages (by field name) on their fields; those of no field of this form
        (the whole thing's) go to ``general_errors``, shown first by the error summary."""
        self.general_errors = []
        for name, message in problems.items():
            if name and name in self:
                self[name].errors = [*self[name].errors, message]
            else:
                self.general_errors.append(message)


class ButtonForm(BaseForm):
    """A form with no fields: a bare button still goes through CSRF protection."""


def optional_id(value: object) -> int | None:
    """A chosen id, or None for anything that is not one (the service then says what to choose)."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if is_possible_id(number) else None


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


class TypedField(StringField):
    """A text field whose text is parsed (``parse``) into ``data`` (a ValueError becomes the
    field's error), shown again as ``shown``. With ``shows_typed_text=True`` a posted form shows
    the text as it was typed, also when it was read (or when it could not be and ``data`` kept its
    default); otherwise the value read, and the typed text only when there is none."""

    def __init__(self, *args: Any, shows_typed_text: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shows_typed_text = shows_typed_text

    def parse(self, text: str) -> object:
        raise NotImplementedError

    def shown(self, value: object) -> str:
        return str(value)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw_data = valuelist
        text = valuelist[0].strip() if valuelist else ""
        self.data = self.parse(text) if text else None

    def _value(self) -> str:
        if self.shows_typed_text and self.raw_data:
            return self.raw_data[0]
        if self.data is not None:
            return self.shown(self.data)
        return self.raw_data[0] if self.raw_data else ""


class DayField(TypedField):
    widget = DateInput()

    def parse(self, text: str) -> dt.date:
        return parse_day(text)

    def shown(self, value: object) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)


class ClockField(TypedField):
    widget = TimeInput()

    def parse(self, text: str) -> dt.time:
        return parse_clock(text)

    def shown(self, value: object) -> str:
        return value.strftime("%H:%M") if isinstance(value, dt.time) else str(value)


class WholeNumberField(IntegerField):
    """An ``IntegerField`` that says "not a number" in the person's language (WTForms has no Danish
    catalogue, so its own message would be English). A number too large for a float reads as no
    number, so the field's ``NumberRange`` refuses it with its own message (its NaN check would
    overflow: a 500)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Skriv et helt tal."))) from error
        if self.data is not None and abs(self.data) > 2**63:
            self.data = None
