"""Which self-assessment a round uses: this platform's assessment, an external tool's URL, or none.

Plain functions that need no request: they flush, never commit.

Who may change it is the rule of the round's release table (``cohorts/round_access.py``,
``runs_the_whole_round``): platform admins for every round, coordinators only when their
organisation is the round's only one (a shared round's competence wheel is the other organisations'
programme too); they read it otherwise. A coordinator of an organisation outside the round gets 404,
anyone else 403 (``round_access``).

Changing the tool once leaders have answered is allowed: what was answered stays with the old
assessment (nothing is deleted; ``measurements_exist`` lets the page warn). Each change has an audit
entry (``object_type`` ``round_tool``) naming the old and the new tool, nothing personal. Two tabs:
the page posts the ``version`` it showed (``tool_version``); a save from an older page is refused
with ``StaleTool`` and changes nothing.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from course_app.assessments.models import Assessment
from course_app.audit import services as audit
from course_app.cohorts.models import Cohort
from course_app.cohorts.read_only import require_open_round
from course_app.cohorts.round_access import round_access, runs_the_whole_round
from course_app.core.db import db, is_possible_id
from course_app.core.errors import NotAllowed, ServiceError
from course_app.organisations.access import Viewer
from course_app.self_assessment.models import AssessmentParticipation, AssessmentResponse
from course_app.self_assessment.round_models import (
    EXTERNAL_URL_LENGTH,
    AssessmentDispatch,
    RoundAssessment,
)

AUDIT_TYPE = "round_tool"


def tool_of(cohort: Cohort) -> RoundAssessment | None:
    """The round's self-assessment (None: the round has none)."""
    return db.session.get(RoundAssessment, cohort.id)


def tools_of(cohort_ids: list[int]) -> dict[int, RoundAssessment]:
    """round id → its self-assessment, for the rounds that have one (one query)."""
    if not cohort_ids:
        return {}
    rows = db.session.scalars(
        select(RoundAssessment).where(RoundAssessment.cohort_id.in_(cohort_ids))
    )
    return {row.cohort_id: row for row in rows}


def set_tool(
    cohort: Cohort, *, assessment: Assessment | None = None, external_url: str | None = None
) -> RoundAssessment | None:
    """Let the round use ``assessment`` or link out to ``external_url`` (exactly one of them), or
    neither (the round then has no competence wheel). The caller checks who may and the URL."""
    if assessment is not None and external_url:
        raise ValueError("a round uses one tool: an assessment or an external URL")
    row = tool_of(cohort)
    if assessment is None and not external_url:
        if row is not None:
            db.session.delete(row)
            db.session.flush()
        return None
    if row is None:
        row = RoundAssessment(cohort_id=cohort.id)
        db.session.add(row)
    row.assessment_id = assessment.id if assessment is not None else None
    row.external_url = external_url or None
    db.session.flush()
    return row


# --- who may ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolAccess:
    viewer: Viewer
    cohort: Cohort
    may_change: bool


def may_change_tool(viewer: Viewer, cohort: Cohort) -> bool:
    return runs_the_whole_round(viewer, cohort)


def tool_access(viewer: Viewer, cohort_id: int) -> ToolAccess:
    """The round's settings as ``viewer`` may see them: ``NotAllowed`` for people without a rounds
    role, ``NotFound`` for a round that does not exist or that the coordinator's organisation is
    not in (``round_access``)."""
    cohort = round_access(viewer, cohort_id).cohort
    return ToolAccess(viewer, cohort, may_change_tool(viewer, cohort))


# --- what may be chosen ----------------------------------------------------------------------------


class ToolKind(enum.StrEnum):
    NONE = "none"
    ASSESSMENT = "assessment"
    EXTERNAL = "external"


@dataclass(frozen=True)
class WantedTool:
    """What the form asks for; only the part its ``kind`` names is read."""

    kind: str | None
    assessment_id: int | None = None
    external_url: str = ""


def kind_of(row: RoundAssessment | None) -> ToolKind:
    if row is None:
        return ToolKind.NONE
    return ToolKind.ASSESSMENT if row.assessment_id is not None else ToolKind.EXTERNAL


def assessment_choices() -> list[Assessment]:
    """The assessments a round may be given: those not retired, by title."""
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.retired_at.is_(None))
            .order_by(Assessment.title_da, Assessment.id)
        )
    )


def tool_version(row: RoundAssessment | None) -> str:
    """What the page posts back to say which state it showed: "" for no tool, else the moment of
    the row's last change (a new choice always writes a new one)."""
    return "" if row is None else row.updated_at.isoformat()


def measurements_exist(cohort: Cohort) -> bool:
    """Whether anyone has begun a measurement of the round (start, end or løbende), or been sent to
    its external tool. Løbende measurements have no participation row, so it also asks whether the
    round has any response at all: by the round only, never by a pseudonym, so it says nothing
    about whom."""
    return bool(
        db.session.scalar(
            select(
                exists().where(AssessmentParticipation.cohort_id == cohort.id)
                | exists().where(AssessmentDispatch.cohort_id == cohort.id)
                | exists().where(AssessmentResponse.cohort_id == cohort.id)
            )
        )
    )


def url_problem(text: str) -> str | None:
    """What is wrong with an external tool's address (None: nothing). ``text`` is as typed, with
    the spaces around it already removed."""
    example = "https://kompetencehjul.example.dk"
    if not text:
        return str(_l("Skriv adressen på det eksterne værktøj, fx %(example)s.", example=example))
    if len(text) > EXTERNAL_URL_LENGTH:
        return str(
            _l(
                "Adressen må højst være %(most)s tegn. Den, du skrev, er %(length)s tegn.",
                most=EXTERNAL_URL_LENGTH,
                length=len(text),
            )
        )
    categories = {unicodedata.category(character) for character in text}
    if categories & {"Cc", "Cf", "Cs", "Zl", "Zp"}:
        return str(
            _l(
                "Adressen indeholder et usynligt tegn (et styretegn). Kopiér den igen fra "
                "browserens adresselinje."
            )
        )
    if "Zs" in categories:
        return str(
            _l("Adressen må ikke indeholde mellemrum. Kopiér den fra browserens adresselinje.")
        )
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return str(
            _l("Adressen kan ikke læses som en webadresse. Kopiér den fra browserens adresselinje.")
        )
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not text[len(scheme) :].startswith("://"):
        return str(
            _l(
                "Adressen skal begynde med https:// (eller http://), fx %(example)s.",
                example=example,
            )
        )
    if parts.username is not None or parts.password is not None:
        return str(
            _l("Adressen må ikke indeholde et brugernavn eller en adgangskode. Fjern delen før @.")
        )
    if not host:
        return str(
            _l(
                "Adressen mangler et domæne efter %(scheme)s://, fx %(example)s.",
                scheme=scheme,
                example=example,
            )
        )
    return None


class ToolInvalid(ServiceError):
    """Nothing was saved; ``problems`` maps a form field's name to what to fix."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(_l("Kompetencehjulet blev ikke gemt. Ret fejlen herunder."))
        self.problems = problems


class StaleTool(ServiceError):
    """The round's tool changed after the page was shown; nothing was saved."""


def _resolved(wanted: WantedTool) -> tuple[Assessment | None, str | None]:
    """The assessment or the address asked for; ``ToolInvalid`` naming the field otherwise."""
    try:
        kind = ToolKind(wanted.kind)
    except ValueError:
        raise ToolInvalid({"tool": str(_l("Vælg, hvad forløbet skal bruge."))}) from None
    if kind is ToolKind.NONE:
        return None, None
    if kind is ToolKind.ASSESSMENT:
        assessment_id = wanted.assessment_id
        assessment = (
            db.session.get(Assessment, assessment_id)
            if assessment_id is not None and is_possible_id(assessment_id)
            else None
        )
        if assessment is None or assessment.retired_at is not None:
            message = (
                _l("Vælg selvevalueringen, forløbet skal bruge.")
                if assessment_id is None
                else _l("Vælg en af selvevalueringerne på listen.")
            )
            raise ToolInvalid({"assessment": str(message)})
        return assessment, None
    url = (wanted.external_url or "").strip()
    problem = url_problem(url)
    if problem:
        raise ToolInvalid({"external_url": problem})
    return None, url


def describe(data: dict[str, Any] | None) -> str:
    """A tool (as ``_data`` gives it) in words for the audit log's summary (Danish, as the log is
    written)."""
    if not data:
        return "ingen"
    if "assessment" in data:
        return f"selvevalueringen {data['assessment']}"
    return f"eksternt værktøj {data['external_url']}"


def _data(row: RoundAssessment | None) -> dict[str, Any] | None:
    if row is None:
        return None
    if row.assessment_id is not None:
        assessment = row.assessment or db.session.get(Assessment, row.assessment_id)
        return {"assessment": assessment.key if assessment else row.assessment_id}
    return {"external_url": row.external_url}


def save_tool(cohort: Cohort, wanted: WantedTool, *, actor_id: int | None) -> bool:
    """Give the round the tool asked for (flush only), with an audit entry when it changed; the
    caller has checked who may. ``ToolInvalid`` for a choice that cannot be used; True when
    something changed."""
    require_open_round(cohort)
    assessment, url = _resolved(wanted)
    row = tool_of(cohort)
    before = _data(row)
    if assessment is not None:
        after: dict[str, Any] | None = {"assessment": assessment.key}
    elif url is not None:
        after = {"external_url": url}
    else:
        after = None
    if before == after:
        return False
    set_tool(cohort, assessment=assessment, external_url=url)
    audit.record(
        actor_id=actor_id,
        action="changed",
        object_type=AUDIT_TYPE,
        object_key=str(cohort.id),
        course_id=cohort.course_id,
        summary=f"Kompetencehjul i forløbet {cohort.name}: {describe(before)} → {describe(after)}",
        details={"before": before, "after": after},
    )
    return True


def change_tool(access: ToolAccess, wanted: WantedTool, *, version: str) -> bool:
    """``save_tool`` for a person at the settings page: only who may (``NotAllowed``), only into
    an open round (``RoundClosed``), only over what the page showed (``StaleTool``)."""
    if not access.may_change:
        raise NotAllowed(
            _l(
                "Kun en platformsadministrator kan vælge kompetencehjul i et forløb, som flere "
                "organisationer deltager i."
            )
        )
    cohort = access.cohort
    db.session.execute(
        select(Cohort.id).where(Cohort.id == cohort.id).with_for_update(key_share=True)
    )
    require_open_round(cohort)
    if version != tool_version(tool_of(cohort)):
        raise StaleTool(
            _l(
                "Nogen har ændret forløbets kompetencehjul, siden du åbnede siden, så dit valg er "
                "ikke gemt. Øverst står det, forløbet bruger nu; dit valg står i formularen. Gem "
                "igen, hvis det stadig skal gælde."
            )
        )
    return save_tool(cohort, wanted, actor_id=access.viewer.user_id)
