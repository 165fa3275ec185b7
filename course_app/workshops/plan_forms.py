"""The table plan's forms: the settings that make a proposal, a move per person, publishing, and the
materials shown after the day. Each carries the plan version the page showed (``tables.claim_version``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from course_app.core.forms import BaseForm, WholeNumberField
from course_app.workshops.model import GroupPolicy
from course_app.workshops.models import LARGEST_TABLE, MATERIALS_MAX_LENGTH, MOST_TABLES

LARGEST_SEED = 2**31 - 1
GROUP_POLICY_REQUIRED = _l("Vælg, hvordan ledergrupperne skal sidde.")


class VersionedForm(BaseForm):
    version = HiddenField()

    def seen_version(self) -> int:
        """The version the page showed; anything unreadable counts as outdated (-1)."""
        text = (self.version.data or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1


class PlanSettingsForm(VersionedForm):
    min_size = WholeNumberField(
        _l("Mindst ved et bord"),
        validators=[
            InputRequired(_l("Skriv det mindste antal ved et bord.")),
            NumberRange(
                1, LARGEST_TABLE, _l("Skriv et tal fra 1 til %(most)d.", most=LARGEST_TABLE)
            ),
        ],
    )
    max_size = WholeNumberField(
        _l("Højst ved et bord"),
        validators=[
            InputRequired(_l("Skriv det højeste antal ved et bord.")),
            NumberRange(
                1, LARGEST_TABLE, _l("Skriv et tal fra 1 til %(most)d.", most=LARGEST_TABLE)
            ),
        ],
    )
    max_tables = WholeNumberField(
        _l("Borde i lokalet"),
        description=_l("Lad feltet stå tomt, hvis der er borde nok."),
        validators=[
            Optional(),
            NumberRange(1, MOST_TABLES, _l("Skriv et tal fra 1 til %(most)d.", most=MOST_TABLES)),
        ],
    )
    group_policy = RadioField(
        _l("Ledere fra samme ledergruppe"),
        choices=[
            SelectChoice(GroupPolicy.SPREAD.value, _l("Fordeles på forskellige borde")),
            SelectChoice(GroupPolicy.TOGETHER.value, _l("Sidder så vidt muligt sammen")),
        ],
        default=GroupPolicy.SPREAD.value,
        validate_choice=False,  # AnyOf below says it in Danish
        validators=[
            InputRequired(GROUP_POLICY_REQUIRED),
            AnyOf([policy.value for policy in GroupPolicy], message=GROUP_POLICY_REQUIRED),
        ],
    )
    seed = WholeNumberField(
        _l("Forslag nummer"),
        description=_l(
            "Samme nummer giver samme forslag. Skift nummeret for at få et andet forslag."
        ),
        validators=[
            InputRequired(_l("Skriv et forslagsnummer.")),
            NumberRange(
                0, LARGEST_SEED, _l("Skriv et helt tal fra 0 til %(most)d.", most=LARGEST_SEED)
            ),
        ],
    )
    submit = SubmitField(_l("Lav forslag til bordplan"))

    def validate_max_size(self, field: IntegerField) -> None:
        if (
            field.data is not None
            and self.min_size.data is not None
            and field.data < self.min_size.data
        ):
            raise ValidationError(
                _l("Det højeste antal skal være mindst lige så stort som det mindste.")
            )


class MoveForm(VersionedForm):
    person = HiddenField()
    table = WholeNumberField(
        _l("Bord"),
        validators=[
            InputRequired(_l("Skriv bordets nummer.")),
            NumberRange(1, MOST_TABLES + 1, _l("Skriv nummeret på et bord i planen.")),
        ],
    )
    submit = SubmitField(_l("Flyt"))

    def person_id(self) -> int | None:
        text = (self.person.data or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


class PublishForm(VersionedForm):
    despite_violations = BooleanField(_l("Offentliggør alligevel, selv om planen bryder regler"))
    submit = SubmitField(_l("Offentliggør bordplanen"))


class MaterialsForm(VersionedForm):
    materials = TextAreaField(
        _l("Materialer efter workshoppen"),
        description=_l(
            "Tekst og links, som deltagerne ser, når workshoppen er slut. Skriv links sådan: "
            "[Slides fra dagen](https://eksempel.dk/slides.pdf)."
        ),
        validators=[
            Length(
                max=MATERIALS_MAX_LENGTH,
                message=_l("Teksten må højst være %(most)d tegn.", most=MATERIALS_MAX_LENGTH),
            )
        ],
    )
    submit = SubmitField(_l("Gem materialer"))
