"""Which self-assessment a round uses: this platform's assessment, an external tool's URL, or none.

Plain functions that need no request: they flush, never commit.
"""

from __future__ import annotations

from sqlalchemy import select

from course_app.assessments.models import Assessment
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.self_assessment.round_models import RoundAssessment


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
