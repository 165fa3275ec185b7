"""Forms of the authoring screens. They only carry and coerce what the author typed: the content
rules live in ``courses/authoring.py`` (which applies the course-file rules), so a rejected value is
explained by the service and shown at its field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from course_app.core.forms import BaseForm, WholeNumberField
from course_app.courses.file_schema import RESOURCE_KINDS


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        """Unknown keys are the service's to reject (with a message at the field)."""


LANGUAGE_CHOICES = [SelectChoice("da", _l("Dansk")), SelectChoice("en", _l("Engelsk"))]
MODE_CHOICES = [
    SelectChoice("individual", _l("Online, i din egen tid")),
    SelectChoice("group", _l("I din ledergruppe")),
    SelectChoice("workshop", _l("Fælles workshop")),
]
KIND_LABELS = {
    "pdf": _l("PDF"),
    "slides": _l("Slides"),
    "video": _l("Video"),
    "link": _l("Link"),
    "document": _l("Dokument"),
}
KIND_CHOICES = [
    SelectChoice("", _l("Ingen")),
    *(SelectChoice(kind, KIND_LABELS[kind]) for kind in RESOURCE_KINDS),
]


class EditForm(BaseForm):
    """Every edit form saves, or shows the Markdown fields rendered beside the form."""

    save = SubmitField(_l("Gem"))
    preview = SubmitField(_l("Vis forhåndsvisning"))

    markdown_fields: tuple[str, ...] = ()

    def data_for_service(self) -> dict:
        skip = {"csrf_token", "save", "preview"}
        return {name: field.data for name, field in self._fields.items() if name not in skip}


class CourseForm(EditForm):
    slug = StringField(
        _l("Id"),
        description=_l(
            "Kursets faste id i filerne og adresserne: små bogstaver, tal og bindestreger. "
            "Det kan ikke ændres bagefter."
        ),
    )
    title = StringField(_l("Titel"))
    language = SelectField(_l("Indholdets sprog"), choices=LANGUAGE_CHOICES, default="da")
    summary = TextAreaField(
        _l("Beskrivelse"), description=_l("Vises på »Mit forløb«. Du kan bruge Markdown.")
    )
    markdown_fields = ("summary",)


class ModuleForm(EditForm):
    title = StringField(_l("Titel"))
    mode = SelectField(_l("Hvor foregår modulet?"), choices=MODE_CHOICES, default="individual")
    intro = TextAreaField(
        _l("Introduktion"), description=_l("Vises øverst på modulsiden. Du kan bruge Markdown.")
    )
    goals = MultiCheckboxField(_l("Læringsmål"), choices=[])
    markdown_fields = ("intro",)


class LessonForm(EditForm):
    title = StringField(_l("Titel"))
    intro = TextAreaField(
        _l("Introduktion"),
        description=_l("Vises øverst i lektionen, før blokkene. Du kan bruge Markdown."),
    )
    goals = MultiCheckboxField(_l("Læringsmål"), choices=[])
    completion = SelectField(
        _l("Hvornår er lektionen færdig?"),
        choices=[
            SelectChoice("self", _l("Når deltageren markerer den som færdig")),
            SelectChoice(
                "watched", _l("Når deltageren har set filmen (en del af den, se herunder)")
            ),
        ],
        default="self",
        description=_l(
            "Med »set filmen« tæller platformen de sekunder, deltageren faktisk har afspillet; "
            "at spole frem tæller ikke. Uden JavaScript markerer deltageren selv lektionen."
        ),
    )
    watched_percent = WholeNumberField(
        _l("Hvor meget af filmen skal være set (procent)?"),
        validators=[
            Optional(),
            NumberRange(min=1, max=100, message=_l("Skriv en procent fra 1 til 100, fx 90.")),
        ],
        description=_l(
            "Står feltet tomt, gælder 90 procent. Bruges kun, når lektionen er færdig, når filmen er set."
        ),
    )
    markdown_fields = ("intro",)


class TextBlockForm(EditForm):
    body = TextAreaField(
        _l("Tekst"),
        description=_l("Du kan bruge Markdown: **fed**, *kursiv*, lister og links."),
    )
    goals = MultiCheckboxField(_l("Læringsmål"), choices=[])
    markdown_fields = ("body",)


class VideoBlockForm(EditForm):
    title = StringField(_l("Titel"))
    url = StringField(
        _l("Adresse (URL)"),
        description=_l(
            "YouTube og Vimeo vises på siden, når deltageren trykker »Afspil video«. "
            "En .mp4- eller .webm-fil over https afspilles direkte."
        ),
    )
    allow_link = BooleanField(_l("Vis som almindeligt link, hvis filmen ikke kan vises på siden"))
    placeholder = BooleanField(
        _l("Pladsholder: filmen er ikke klar endnu (deltagerne ser en besked i stedet)")
    )
    duration_minutes = WholeNumberField(
        _l("Varighed i minutter"),
        validators=[
            Optional(),
            NumberRange(min=1, message=_l("Skriv et helt antal minutter over 0.")),
        ],
    )
    speaker = StringField(_l("Medvirkende"))
    chapters = TextAreaField(
        _l("Kapitler"),
        description=_l('Et kapitel pr. linje: tid og titel, fx "04:30 Hvad er digital ledelse?".'),
    )
    goals = MultiCheckboxField(_l("Læringsmål"), choices=[])


class QuestionBlockForm(EditForm):
    prompt = TextAreaField(_l("Spørgsmål"), description=_l("Du kan bruge Markdown."))
    required = BooleanField(_l("Skal besvares, før lektionen er færdig"))
    help = TextAreaField(_l("Hjælpetekst"), description=_l("Vises under spørgsmålet (valgfri)."))
    goals = MultiCheckboxField(_l("Læringsmål"), choices=[])
    markdown_fields = ("prompt",)


class ReflectionBlockForm(QuestionBlockForm):
    at = StringField(
        _l("Tid i filmen (valgfri)"),
        description=_l(
            'Fx "12:30". Filmen standser her, og spørgsmålet vises. Uden tid står spørgsmålet, '
            "hvor det står i lektionen."
        ),
    )
    # Choices: the lesson's films (set by the view); the service checks the chosen one.
    video = SelectField(
        _l("Film"),
        choices=[],
        validate_choice=False,
        default="",
        description=_l("Den film, tiden hører til."),
    )


class ResourceBlockForm(EditForm):
    title = StringField(_l("Titel"))
    # Choices: the course's materials (set by the view); the service checks the chosen id.
    material = SelectField(
        _l("Materiale"),
        choices=[],
        validate_choice=False,
        default="",
        description=_l("Et af kursets uploadede materialer. Upload nye under »Materialer«."),
    )
    url = StringField(
        _l("Eller en adresse (URL)"),
        description=_l("Et link til en anden side, når blokken ikke viser et materiale."),
    )
    kind = SelectField(_l("Type"), choices=KIND_CHOICES, default="")
    description = StringField(_l("Kort beskrivelse"))
    goals = MultiCheckboxField(_l("Læringsmål"), choices=[])


BLOCK_FORMS = {
    "text": TextBlockForm,
    "video": VideoBlockForm,
    "reflection": ReflectionBlockForm,
    "workshop_prep": QuestionBlockForm,
    "resource": ResourceBlockForm,
}


class MoveForm(BaseForm):
    direction = HiddenField(validators=[AnyOf(("up", "down"))])


class MoveToForm(BaseForm):
    """Another module for a lesson, another lesson for a block (choices set by the view; the
    service checks the chosen one)."""

    target = SelectField(choices=[], validate_choice=False)


class StatusForm(BaseForm):
    publish = HiddenField(validators=[AnyOf(("1", "0"))])


class RetireForm(BaseForm):
    confirm_answers = BooleanField(
        _l("Ja, udfas det. Svarene bliver gemt, men spørgsmålet vises ikke længere for deltagerne.")
    )
    submit = SubmitField(_l("Udfas"))


class DeleteForm(BaseForm):
    submit = SubmitField(_l("Slet for altid"))


class RestoreForm(BaseForm):
    submit = SubmitField(_l("Genopret"))
