"""The rounds pages' forms. They carry and type what was posted, with Danish messages for what they
cannot read (a date, a number); the rules themselves (dates in order, a date inside the round, no
circle of "after" rules, who may enrol whom) are the services' and come back as field errors.

Field names never end in ``_id``: ids posted under other names (``organisation_id``,
``course_id`` …) are simply not read.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from course_app.core.db import is_possible_id
from course_app.core.forms import BaseForm
from course_app.courses.release_rules import ReleaseKind, ReleaseRule
from course_app.organisations.models import MAIL_SENDER_NAME_LENGTH
from course_app.rounds.enrolment import EnrolChoice, EnrolOptions, emails_from_text
from course_app.rounds.participants import STATE_LABELS, ParticipantFilters, ParticipantState
from course_app.rounds.release_table import ReleaseTable
from course_app.rounds.services import RoundInput

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHOLE_NUMBER = re.compile(r"\d{1,9}")


def int_or_none(value: Any) -> int | None:
    """A posted id: a positive whole number the database can hold, else None (never an error)."""
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if is_possible_id(number) else None


def parse_day(text: str | None) -> dt.date | None:
    """A day written YYYY-MM-DD (as a date field sends it); ``ValueError`` for anything else."""
    text = (text or "").strip()
    if not _DAY.fullmatch(text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


DAY_FORMAT = _l("Skriv datoen som åååå-mm-dd, fx 2027-01-11.")


class RoundForm(BaseForm):
    class Meta:
        # The service checks every field for control characters, with a message naming the field.
        strip_control_characters = False

    course = SelectField(_l("Kursus"), coerce=int_or_none, validate_choice=False)
    name = StringField(
        _l("Navn"), description=_l("Fx »Digital ledelse, forår 2027«. Højst 200 tegn.")
    )
    starts_on = StringField(_l("Startdato"), render_kw={"type": "date"})
    ends_on = StringField(
        _l("Slutdato"), description=_l("Kan være tom."), render_kw={"type": "date"}
    )
    organisations = SelectMultipleField(
        _l("Organisationer, der deltager"), coerce=int_or_none, validate_choice=False
    )
    save = SubmitField(_l("Opret forløbet"))

    def round_input(self) -> RoundInput:
        """The typed values; a date that cannot be read gets its error here and is None."""
        days = {}
        for field in (self.starts_on, self.ends_on):
            days[field.name] = None
            if not (field.data or "").strip():
                continue  # the service says when a date is needed
            try:
                days[field.name] = parse_day(field.data)
            except ValueError:
                field.errors = [*field.errors, str(DAY_FORMAT)]
        return RoundInput(
            course_id=self.course.data,
            name=self.name.data or "",
            starts_on=days["starts_on"],
            ends_on=days["ends_on"],
            organisation_ids=tuple(i for i in self.organisations.data or () if i is not None),
        )

    def add_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field = self[name]
            if message not in field.errors:
                field.errors = [*field.errors, message]


# --- the release table ---------------------------------------------------------------------------

RULE_CHOICES = [
    SelectChoice(ReleaseKind.ALWAYS.value, _l("Altid åben")),
    SelectChoice(ReleaseKind.ON_DATE.value, _l("På en dato")),
    SelectChoice(ReleaseKind.DAYS_AFTER_START.value, _l("N dage efter start")),
    SelectChoice(ReleaseKind.AFTER_MODULE.value, _l("Når et andet modul er gennemført")),
]


class ReleaseTableForm(BaseForm):
    """One row of fields per module (named ``rule-<key>``, ``date-<key>``, ``days-<key>``,
    ``after-<key>``, and ``was-<key>``: the rule the page showed), added by
    ``release_table_form``."""

    class Meta:
        # The service checks every field for control characters, with a message naming the field.
        strip_control_characters = False

    version = HiddenField()
    save = SubmitField(_l("Gem åbningerne"))

    keys: tuple[str, ...] = ()

    def row(self, key: str) -> dict[str, Any]:
        return {part: self[f"{part}-{key}"] for part in ("rule", "date", "days", "after", "was")}

    def rules(self) -> dict[str, ReleaseRule] | None:
        """The rule of every row, or None when a row cannot be read (its fields carry the error)."""
        rules: dict[str, ReleaseRule] = {}
        for key in self.keys:
            fields = self.row(key)
            rule = _row_rule(fields)
            if rule is not None:
                rules[key] = rule
        return None if any(field.errors for field in self) else rules

    def refresh_untouched(self, table: ReleaseTable, typed: dict[str, ReleaseRule]) -> None:
        """After someone else saved: rows this person did not change show what is stored now, the
        rows they changed keep what they typed; the form now answers ``table``'s version."""
        for row in table.rows:
            fields = self.row(row.module.key)
            rule = typed.get(row.module.key)
            if rule is None or encode_rule(rule) == fields["was"].data:
                _fill_row(fields, row.rule)
            fields["was"].data = encode_rule(row.rule)
        self.version.data = table.version


def encode_rule(rule: ReleaseRule) -> str:
    """A rule as one short text, e.g. ``days_after_start:7`` (the ``was-`` fields)."""
    value = (
        rule.date.isoformat() if rule.date else rule.days if rule.days is not None else rule.after
    )
    return rule.kind.value if rule.kind == ReleaseKind.ALWAYS else f"{rule.kind.value}:{value}"


def _fill_row(fields: dict[str, Any], rule: ReleaseRule) -> None:
    fields["rule"].data = rule.kind.value
    fields["date"].data = rule.date.isoformat() if rule.date else ""
    fields["days"].data = "" if rule.days is None else str(rule.days)
    fields["after"].data = rule.after


def _row_rule(fields: dict[str, Any]) -> ReleaseRule | None:
    kind = fields["rule"].data
    if kind is None:
        return None  # not on the page that was sent (a module added since): it keeps its rule
    if kind == ReleaseKind.ALWAYS:
        return ReleaseRule(ReleaseKind.ALWAYS)
    if kind == ReleaseKind.ON_DATE:
        try:
            return ReleaseRule(ReleaseKind.ON_DATE, date=parse_day(fields["date"].data))
        except ValueError:
            fields["date"].errors = [str(DAY_FORMAT)]
            return None
    if kind == ReleaseKind.DAYS_AFTER_START:
        text = (fields["days"].data or "").strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            fields["days"].errors = [str(_l("Skriv et helt tal fra 0 til 3650."))]
            return None
        return ReleaseRule(ReleaseKind.DAYS_AFTER_START, days=int(text))
    if kind == ReleaseKind.AFTER_MODULE:
        return ReleaseRule(ReleaseKind.AFTER_MODULE, after=fields["after"].data or "")
    fields["rule"].errors = [str(_l("Vælg en regel fra listen."))]
    return None


def release_table_form(table: ReleaseTable, *, formdata: Any = None) -> ReleaseTableForm:
    """The form for ``table``: filled from the table, or from ``formdata`` (what was posted)."""
    titles = table.titles

    class Form(ReleaseTableForm):
        keys = tuple(titles)

    for row in table.rows:
        key, title = row.module.key, row.module.title
        others = [SelectChoice(other, name) for other, name in titles.items() if other != key]
        fields = {
            "rule": SelectField(
                _l("Regel for %(module)s", module=title),
                choices=RULE_CHOICES,
                validate_choice=False,
            ),
            "date": StringField(
                _l("Dato for %(module)s", module=title), render_kw={"type": "date"}
            ),
            "days": StringField(
                _l("Dage efter start for %(module)s", module=title),
                render_kw={"inputmode": "numeric"},
            ),
            "after": SelectField(
                _l("Modul, som %(module)s venter på", module=title),
                choices=others,
                validate_choice=False,
            ),
            "was": HiddenField(),
        }
        for part, field in fields.items():
            setattr(Form, f"{part}-{key}", field)
    form = Form(formdata=formdata)
    if formdata is None:
        for row in table.rows:
            fields = form.row(row.module.key)
            _fill_row(fields, row.rule)
            fields["was"].data = encode_rule(row.rule)
        form.version.data = table.version
    return form


# --- enrolling -----------------------------------------------------------------------------------


def directory_choices(options: EnrolOptions) -> tuple[list, list, list]:
    """(id, label) choices of the organisations, areas and groups; areas and groups carry their
    organisation's name when there are several."""
    several = len(options.organisations) > 1
    names = {organisation.id: organisation.name for organisation in options.organisations}

    def labelled(row) -> str:
        return f"{names[row.organisation_id]}: {row.name}" if several else row.name

    return (
        [SelectChoice(o.id, o.name) for o in options.organisations],
        [SelectChoice(a.id, labelled(a)) for a in options.areas],
        [SelectChoice(g.id, labelled(g)) for g in options.groups],
    )


class EnrolForm(BaseForm):
    """Two small forms on the page share it: ``by`` says which one was sent."""

    by = HiddenField()
    organisation = SelectField(_l("Organisation"), coerce=int_or_none, validate_choice=False)
    area = SelectField(_l("Område"), coerce=int_or_none, validate_choice=False)
    group = SelectField(_l("Ledergruppe"), coerce=int_or_none, validate_choice=False)
    emails = TextAreaField(
        _l("E-mails"),
        description=_l("Én pr. linje, eller adskilt af mellemrum, komma eller semikolon."),
    )
    preview = SubmitField(_l("Vis hvem der tilmeldes"))
    confirm = SubmitField(_l("Tilmeld"))

    def fill(self, options: EnrolOptions, *, is_platform_admin: bool) -> None:
        organisations, areas, groups = directory_choices(options)
        first = [SelectChoice("", _l("Vælg"))] if is_platform_admin else []
        self.organisation.choices = first + organisations
        self.area.choices = [SelectChoice("", _l("Alle områder")), *areas]
        self.group.choices = [SelectChoice("", _l("Alle ledergrupper")), *groups]

    def choice(self) -> EnrolChoice:
        if self.by.data == "emails":
            return EnrolChoice(by_email=True, emails=emails_from_text(self.emails.data or ""))
        return EnrolChoice(
            organisation_id=self.organisation.data,
            area_id=self.area.data,
            group_id=self.group.data,
        )


# --- the participants' filters --------------------------------------------------------------------


class ParticipantFilterForm(BaseForm):
    """A GET form (no CSRF: it changes nothing); values outside the choices are dropped."""

    class Meta:
        csrf = False

    organisation = SelectField(_l("Organisation"), coerce=int_or_none, validate_choice=False)
    area = SelectField(_l("Område"), coerce=int_or_none, validate_choice=False)
    group = SelectField(_l("Ledergruppe"), coerce=int_or_none, validate_choice=False)
    state = SelectField(_l("Status"), validate_choice=False)

    def filters(self) -> ParticipantFilters:
        try:
            state = ParticipantState(self.state.data)
        except ValueError:
            state = None
        return ParticipantFilters(self.organisation.data, self.area.data, self.group.data, state)

    def fill(self, options: EnrolOptions, applied: ParticipantFilters) -> None:
        everything = [SelectChoice("", _l("Alle"))]
        organisations, areas, groups = directory_choices(options)
        self.organisation.choices = everything + organisations
        self.area.choices = everything + areas
        self.group.choices = everything + groups
        self.state.choices = everything + [
            SelectChoice(s.value, t) for s, t in STATE_LABELS.items()
        ]
        self.organisation.data = applied.organisation_id
        self.area.data = applied.area_id
        self.group.data = applied.group_id
        self.state.data = applied.state.value if applied.state else ""

    def query_args(self) -> dict[str, Any]:
        args = {
            "organisation": self.organisation.data,
            "area": self.area.data,
            "group": self.group.data,
            "state": self.state.data or None,
        }
        return {name: value for name, value in args.items() if value is not None}


class MoveForm(BaseForm):
    """The participant's new leader group (choices: her organisation's groups)."""

    group = SelectField(_l("Ny ledergruppe"), coerce=int_or_none, validate_choice=False)


class SenderNameForm(BaseForm):
    """One participating organisation's sender name (the organisation is in the URL). The service
    trims and checks it; the field's own limit only stops absurd posts early."""

    class Meta:
        # The service checks every field for control characters, with a message naming the field.
        strip_control_characters = False

    sender_name = StringField(
        _l("Afsendernavn på invitationen til kick-off"),
        description=_l(
            "Navnet, invitationen til kick-off kommer fra, fx »Direktionen i Albertslund "
            "Kommune«. Lad feltet være tomt for at bruge platformens navn."
        ),
        render_kw={"maxlength": MAIL_SENDER_NAME_LENGTH, "autocomplete": "off"},
    )
    save = SubmitField(_l("Gem afsendernavnet"))
