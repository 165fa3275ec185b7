"""The round's competence wheel form: none, this platform's assessment (a list), or an external
tool's address. It only carries what was posted; ``round_tools`` says what is wrong with it, and
the messages come back as field errors. Nothing typed is dropped: the address keeps its control
characters so the check can refuse them with a message (``Meta.strip_control_characters``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice

from course_app.assessments.models import Assessment
from course_app.core.forms import BaseForm, optional_id
from course_app.self_assessment.round_models import RoundAssessment
from course_app.self_assessment.round_tools import (
    ToolKind,
    WantedTool,
    kind_of,
    tool_version,
)

TOOL_LABELS = {
    ToolKind.NONE: _l("Ingen"),
    ToolKind.ASSESSMENT: _l("Platformens selvevaluering"),
    ToolKind.EXTERNAL: _l("Et eksternt værktøj"),
}


class RoundToolForm(BaseForm):
    class Meta:
        strip_control_characters = False

    tool = RadioField(
        _l("Hvad skal lederne i forløbet bruge?"),
        choices=[SelectChoice(kind.value, label) for kind, label in TOOL_LABELS.items()],
        validate_choice=False,
    )
    assessment = SelectField(_l("Selvevaluering"), coerce=optional_id, validate_choice=False)
    external_url = StringField(
        _l("Adressen på det eksterne værktøj"),
        description=_l(
            "Begynder med https://, fx Center for Digital Dannelses værktøj. Lederne kommer "
            "dertil fra platformen; platformen gemmer kun, at de er sendt videre, ikke hvad de "
            "svarer."
        ),
        render_kw={"inputmode": "url", "autocomplete": "url", "spellcheck": "false"},
    )
    version = HiddenField()
    save = SubmitField(_l("Gem kompetencehjulet"))

    def fill(self, assessments: list[Assessment], language: str) -> None:
        self.assessment.choices = [SelectChoice("", _l("Vælg en selvevaluering"))] + [
            SelectChoice(assessment.id, assessment.title(language)) for assessment in assessments
        ]

    def show_stored(self, row: RoundAssessment | None) -> None:
        """Fill in what the round uses now, and the version the page shows."""
        self.tool.data = kind_of(row).value
        self.assessment.data = row.assessment_id if row is not None else None
        self.external_url.data = (row.external_url or "") if row is not None else ""
        self.version.data = tool_version(row)

    def wanted(self) -> WantedTool:
        return WantedTool(
            kind=self.tool.data,
            assessment_id=self.assessment.data,
            external_url=self.external_url.data or "",
        )
