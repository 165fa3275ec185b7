"""Corresponding areas ("tilsvarende område"): which area of one organisation matches which area of
the other, many-to-many, for the joint workshops' table plans.

Who may change what is ``access.may_map_pair``: platform admins any pair, a coordinator a pair that
includes an area of her own organisation. Everyone who opens the map sees every area (area names are
not personal data). A pair is stored once, with the smaller area id first (``AreaCorrespondence``);
the services take the two ids in any order. An area in no pair is *unmapped*: shown as such, never
guessed. Every added and removed pair is in the audit log.

The CSV file (export and import) is ``areas_csv.py``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select

from course_app.audit import services as audit
from course_app.core.db import db, is_possible_id
from course_app.core.errors import NotAllowed, ServiceError
from course_app.core.i18n import danish_sort_key
from course_app.core.sql import insert_ignoring_duplicates
from course_app.organisations.access import Viewer
from course_app.organisations.models import Area, Organisation
from course_app.workshops.access import may_map_pair
from course_app.workshops.models import AreaCorrespondence

OBJECT_TYPE = "area_pair"


@dataclass(frozen=True)
class AreaRef:
    id: int
    name: str
    organisation_id: int
    organisation_name: str

    @property
    def sort_key(self) -> tuple[str, str, int]:
        return (danish_sort_key(self.organisation_name), danish_sort_key(self.name), self.id)

    @property
    def label(self) -> str:
        return f"{self.organisation_name}: {self.name}"


@dataclass(frozen=True)
class Pair:
    """A stored pair, its areas in reading order (organisation, then area name)."""

    first: AreaRef
    second: AreaRef

    @property
    def key(self) -> tuple[int, int]:
        return ordered(self.first.id, self.second.id)


@dataclass(frozen=True)
class MappedArea:
    area: AreaRef
    corresponding: tuple[AreaRef, ...]  # empty: unmapped


@dataclass(frozen=True)
class OrganisationAreas:
    id: int
    name: str
    areas: tuple[MappedArea, ...]


def ordered(first: int, second: int) -> tuple[int, int]:
    return (first, second) if first < second else (second, first)


# --- Reading ----------------------------------------------------------------------------------------


def all_areas() -> dict[int, AreaRef]:
    """Every area of every organisation (one query)."""
    rows = db.session.execute(
        select(Area.id, Area.name, Organisation.id, Organisation.name).join(
            Organisation, Organisation.id == Area.organisation_id
        )
    ).all()
    return {
        area_id: AreaRef(area_id, name, org_id, org_name)
        for area_id, name, org_id, org_name in rows
    }


def correspondence_pairs(area_ids: Collection[int] | None = None) -> frozenset[tuple[int, int]]:
    """The stored pairs as (smaller id, larger id), the planner's ``correspondence``. With
    ``area_ids``: only pairs with at least one end among them (a pair whose other end has no
    attendee still says the area is mapped)."""
    query = select(AreaCorrespondence.first_area_id, AreaCorrespondence.second_area_id)
    if area_ids is not None:
        ids = sorted({area_id for area_id in area_ids if is_possible_id(area_id)})
        if not ids:
            return frozenset()
        query = query.where(
            or_(
                AreaCorrespondence.first_area_id.in_(ids),
                AreaCorrespondence.second_area_id.in_(ids),
            )
        )
    return frozenset((first, second) for first, second in db.session.execute(query).all())


def pairs(areas: dict[int, AreaRef] | None = None) -> list[Pair]:
    """Every stored pair in reading order (two queries, or one when ``areas`` is given)."""
    areas = all_areas() if areas is None else areas
    found = []
    for first_id, second_id in correspondence_pairs():
        first, second = sorted((areas[first_id], areas[second_id]), key=lambda a: a.sort_key)
        found.append(Pair(first, second))
    return sorted(found, key=lambda pair: (pair.first.sort_key, pair.second.sort_key))


def area_map() -> list[OrganisationAreas]:
    """Per organisation (alphabetical), each area with its corresponding areas; two queries."""
    areas = all_areas()
    partners: dict[int, list[AreaRef]] = {area_id: [] for area_id in areas}
    for first_id, second_id in correspondence_pairs():
        partners[first_id].append(areas[second_id])
        partners[second_id].append(areas[first_id])
    by_org: dict[int, list[MappedArea]] = {}
    names: dict[int, str] = {}
    for area in sorted(areas.values(), key=lambda a: a.sort_key):
        names[area.organisation_id] = area.organisation_name
        mapped = MappedArea(area, tuple(sorted(partners[area.id], key=lambda a: a.sort_key)))
        by_org.setdefault(area.organisation_id, []).append(mapped)
    return [
        OrganisationAreas(org_id, names[org_id], tuple(items)) for org_id, items in by_org.items()
    ]


def may_change(viewer: Viewer, pair: Pair) -> bool:
    return may_map_pair(viewer, pair.first.organisation_id, pair.second.organisation_id)


# --- Changing ---------------------------------------------------------------------------------------


def _checked(
    viewer: Viewer, first_id: int | None, second_id: int | None, areas: dict[int, AreaRef]
) -> tuple[AreaRef, AreaRef]:
    first = areas.get(first_id) if first_id is not None else None
    second = areas.get(second_id) if second_id is not None else None
    if first is None or second is None:
        raise ServiceError(_l("Vælg to områder fra listerne."))
    if first.organisation_id == second.organisation_id:
        raise ServiceError(
            _l(
                "»%(first)s« og »%(second)s« hører begge til %(organisation)s. Et tilsvarende "
                "område skal høre til en anden organisation.",
                first=first.name,
                second=second.name,
                organisation=first.organisation_name,
            )
        )
    if not may_map_pair(viewer, first.organisation_id, second.organisation_id):
        raise NotAllowed(
            _l("Du kan kun koble områder, hvor det ene hører til din egen organisation.")
        )
    return tuple(sorted((first, second), key=lambda a: a.sort_key))  # type: ignore[return-value]


def _record(viewer: Viewer, action: str, first: AreaRef, second: AreaRef) -> None:
    low, high = ordered(first.id, second.id)
    audit.record(
        actor_id=viewer.user_id,
        action=action,
        object_type=OBJECT_TYPE,
        object_key=f"{low}-{high}",
        summary=(
            f"Tilsvarende områder {'koblet' if action == 'created' else 'frakoblet'}: "
            f"{first.label} ↔ {second.label}"
        ),
        details={"areas": [low, high]},
    )


def add_pair(
    viewer: Viewer,
    first_id: int | None,
    second_id: int | None,
    *,
    areas: dict[int, AreaRef] | None = None,
) -> bool:
    """Store the pair; False when it is there already (nothing changes, nothing is logged). Raises
    ``ServiceError`` for unknown areas or two of one organisation, ``NotAllowed`` for a pair the
    person may not change."""
    areas = all_areas() if areas is None else areas
    first, second = _checked(viewer, first_id, second_id, areas)
    low, high = ordered(first.id, second.id)
    inserted = db.session.execute(
        insert_ignoring_duplicates(AreaCorrespondence)
        .values(first_area_id=low, second_area_id=high, created_by_id=viewer.user_id)
        .returning(AreaCorrespondence.id)
    ).scalar()
    if inserted is None:  # there already (perhaps from a request a moment ago)
        return False
    _record(viewer, "created", first, second)
    return True


def remove_pair(
    viewer: Viewer,
    first_id: int | None,
    second_id: int | None,
    *,
    areas: dict[int, AreaRef] | None = None,
) -> bool:
    """Remove the pair; False when it is not there (already removed: harmless)."""
    areas = all_areas() if areas is None else areas
    first, second = _checked(viewer, first_id, second_id, areas)
    low, high = ordered(first.id, second.id)
    removed = db.session.execute(
        delete(AreaCorrespondence)
        .where(AreaCorrespondence.first_area_id == low, AreaCorrespondence.second_area_id == high)
        .returning(AreaCorrespondence.id)
    ).scalar()
    if removed is None:
        return False
    _record(viewer, "deleted", first, second)
    return True
