"""The assessment split into pages, one per area (the wheel's spokes) in order, each with its
statements in order: six pages for the demo model. Retired areas and items are left out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from course_app.assessments.models import Assessment, AssessmentArea, AssessmentItem
from course_app.core.db import db


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    area: AssessmentArea
    items: tuple[AssessmentItem, ...]

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


def pages(assessment: Assessment) -> tuple[Page, ...]:
    """The pages of ``assessment``: its active areas with at least one active item, in order."""
    rows = db.session.execute(
        select(AssessmentItem, AssessmentArea)
        .join(AssessmentArea, AssessmentArea.id == AssessmentItem.area_id)
        .where(
            AssessmentItem.assessment_id == assessment.id,
            AssessmentItem.retired_at.is_(None),
            AssessmentArea.retired_at.is_(None),
        )
        .order_by(
            AssessmentArea.position, AssessmentArea.id, AssessmentItem.position, AssessmentItem.id
        )
    ).all()
    grouped: dict[int, tuple[AssessmentArea, list[AssessmentItem]]] = {}
    for item, area in rows:
        grouped.setdefault(area.id, (area, []))[1].append(item)
    return tuple(
        Page(number, area, tuple(items))
        for number, (area, items) in enumerate(grouped.values(), start=1)
    )


def all_items(assessment_pages: tuple[Page, ...]) -> tuple[AssessmentItem, ...]:
    return tuple(item for page in assessment_pages for item in page.items)
