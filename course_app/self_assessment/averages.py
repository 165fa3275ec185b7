"""The average wheels for coordinators and platform admins (issue 14, point 5): which rounds and
organisations a person may see averages for, the slicings offered, and the averages themselves.

Plain functions, no request.

**One outcome per round, whoever asks.** The floor and the rules against differencing are
``assessments/aggregates.py``'s, with k = ``results.min_group()``. One ``aggregate`` call per request
covers *every* completed response of the round (every organisation's) and every slice of every
slicing the screen and the CSV offer (the whole round, each organisation of the round, each area and
leader group of those organisations, at start, end and løbende), with a cell per learning goal in
the same results. That call is the same for a platform admin and for every coordinator, so every
slice is shown or hidden alike for all of them; each person is then given only the shown slices she
may see, and the chosen slicing its part of those. So no two slices shown to anyone, on any screen
or in any CSV of the round, differ by fewer than k people, and nothing shown to an admin and a
coordinator together gives one person's answers away (had a coordinator's results been filtered to
her organisation *before* aggregating, her "whole round" would be decided apart from the admin's,
and the two could be subtracted). The averages per learning goal are shown and hidden exactly where
the wheels are.

Who sees what:

- platform admins: every round that uses the competence wheel, and every slice of it;
- coordinators: the rounds their organisation takes part in, and only the slices inside their own
  organisation(s): each organisation's slice and its areas and leader groups. The whole round's
  slice only when every organisation of the round is hers (it then holds her organisations' leaders,
  and anyone in the round without an organisation); in a round shared with another organisation her
  organisation takes the whole round's place. A round her organisation is not in is ``NotFound``;
- everyone else: ``NotAllowed``.

What leaves this module is shown averages (means and the number of respondents) and, for hidden
slices, one text that is the same for all of them (which rule hid a slice is kept in
``PointAverage.hidden_because`` for the tests, never shown): never a count, never a result of one
person. There is no per-person row.
Slices are named from the directory (every area and group of the organisations in view, whether or
not anyone in it answered), so which slices are listed says nothing about who answered.

**Published only over a frozen set of answers** (``publication.py``): the rules above protect the
slices shown together in one view, not two views at different moments (6 · new − 5 · old is the
sixth person's scores), so a point's averages are shown only once its answers can no longer grow,
and always over that set; until then the screen and the CSV say when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from course_app.assessments import aggregates
from course_app.assessments.models import Assessment
from course_app.assessments.wheel_text import MIN_AREAS, WheelArea, WheelData, WheelSeries
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.core.i18n import danish_sort_key
from course_app.courses.models import LearningGoal
from course_app.organisations.models import Area, LeaderGroup, Organisation
from course_app.self_assessment import results
from course_app.self_assessment.average_access import (
    AveragesScope,
    RoundChoice,
    by_name,
    chosen_round,
    organisations_in_view,
    round_choices,
)
from course_app.self_assessment.models import MeasurementPoint
from course_app.self_assessment.publication import (
    Pending,
    pending_points,
    published_points,
)
from course_app.self_assessment.round_models import RoundAssessment
from course_app.self_assessment.texts import POINT_LABELS

Text = str | LazyString
SlicingKey = Literal["round", "organisation", "area", "group"]

# The slicings the screen and the CSV offer, in the order of the choice.
SLICINGS: tuple[SlicingKey, ...] = ("round", "organisation", "area", "group")
DEFAULT_SLICING: SlicingKey = "round"
SLICING_LABELS: dict[str, LazyString] = {
    "round": _l("Hele forløbet"),
    "organisation": _l("Organisation"),
    "area": _l("Område"),
    "group": _l("Ledergruppe"),
}
# In file names (ASCII).
SLICING_SLUGS = {
    "round": "hele-forloebet",
    "organisation": "organisation",
    "area": "omraade",
    "group": "ledergruppe",
}
POINTS = (MeasurementPoint.START, MeasurementPoint.END, MeasurementPoint.ADHOC)

State = Literal["no_rounds", "no_tool", "external", "not_published", "no_results", "averages"]


def slicing_from(value: object) -> SlicingKey:
    """The slicing asked for; anything unknown is the default (a URL edited into nonsense)."""
    return value if isinstance(value, str) and value in SLICINGS else DEFAULT_SLICING  # type: ignore[return-value]


# --- what the screen and the CSV show -------------------------------------------------------------


@dataclass(frozen=True)
class PointAverage:
    """One measurement point of one slice: shown (``respondents`` and ``means``) or hidden (only
    ``reason``; no count)."""

    point: MeasurementPoint
    slice: aggregates.Slice
    respondents: int | None = None
    means: Mapping[aggregates.Cell, float] = field(default_factory=dict)
    # The one text shown for every hidden slice (``aggregates.Hidden.message``).
    reason: Text | None = None
    # Which rule hid it: for the code and the tests only, never shown (it would tell something).
    hidden_because: aggregates.HiddenReason | None = None

    @property
    def shown(self) -> bool:
        return self.respondents is not None

    @property
    def label(self) -> LazyString:
        return POINT_LABELS[self.point]


@dataclass(frozen=True)
class GoalAverage:
    """One learning goal of one slice: the mean of its statements per shown point (in the order of
    ``SliceAverages.shown_points``)."""

    key: str
    label: str
    scores: tuple[float | None, ...]


@dataclass(frozen=True)
class SliceAverages:
    """A slice of the round (the whole of it, an organisation, an area or a leader group) at every
    published measurement point."""

    key: str  # for ids in the page: "hele", "organisation-3", "omraade-12", "ledergruppe-7"
    kind: SlicingKey
    label: str | LazyString
    organisation: str  # the organisation's name ("" for the whole round)
    area: str  # the area's name (area slices only)
    group: str  # the leader group's name (group slices only)
    points: tuple[PointAverage, ...]
    wheel: WheelData | None  # the shown points overlaid; None when none is shown
    goals: tuple[GoalAverage, ...]

    @property
    def shown_points(self) -> tuple[PointAverage, ...]:
        return tuple(point for point in self.points if point.shown)

    @property
    def any_shown(self) -> bool:
        return any(point.shown for point in self.points)


@dataclass(frozen=True)
class Goal:
    key: str
    label: str


@dataclass(frozen=True)
class Averages:
    """Everything the screen and the CSV show for one round and slicing."""

    scope: AveragesScope
    k: int
    slicing: SlicingKey
    rounds: tuple[RoundChoice, ...]
    state: State
    cohort: Cohort | None = None
    tool: RoundAssessment | None = None
    assessment: Assessment | None = None
    organisations: tuple[Organisation, ...] = ()  # the round's organisations in her view
    whole_round: bool = True  # she may see the whole round's slice (see the module's docstring)
    slicings: tuple[SlicingKey, ...] = SLICINGS  # the slicings offered to her
    points: tuple[MeasurementPoint, ...] = ()  # the published points (``published_points``)
    pending: tuple[Pending, ...] = ()  # the others, and when they will be shown
    start_before: dt.date | None = None  # published start: over the answers completed before it
    areas: tuple[WheelArea, ...] = ()
    goals: tuple[Goal, ...] = ()
    slices: tuple[SliceAverages, ...] = ()

    @property
    def shown_slices(self) -> tuple[SliceAverages, ...]:
        return tuple(item for item in self.slices if item.any_shown)

    @property
    def hidden_slices(self) -> tuple[SliceAverages, ...]:
        return tuple(item for item in self.slices if not item.any_shown)


@dataclass(frozen=True)
class _Entry:
    """A slice of the directory before it is aggregated."""

    key: str
    kind: SlicingKey
    label: str | LazyString
    organisation: str
    area: str
    group: str
    filters: tuple[tuple[str, aggregates.Value], ...]
    organisation_id: int | None  # None: the whole round


def _entries(
    cohort: Cohort,
    organisations: tuple[Organisation, ...],
    areas: Sequence[Area],
    groups: Sequence[LeaderGroup],
    *,
    several: bool,
) -> dict[SlicingKey, list[_Entry]]:
    """Every slice of the round's directory (the same for every viewer); ``several``: areas and
    groups are named with their organisation (the viewer sees more than one)."""
    names = {organisation.id: organisation.name for organisation in organisations}

    def named(name: str, organisation_id: int) -> str:
        return f"{names[organisation_id]}: {name}" if several else name

    round_filter = (("round", cohort.id),)
    return {
        "round": [_Entry("hele", "round", SLICING_LABELS["round"], "", "", "", round_filter, None)],
        "organisation": [
            _Entry(
                f"organisation-{o.id}",
                "organisation",
                o.name,
                o.name,
                "",
                "",
                (*round_filter, ("organisation", o.id)),
                o.id,
            )
            for o in organisations
        ],
        "area": [
            _Entry(
                f"omraade-{a.id}",
                "area",
                named(a.name, a.organisation_id),
                names[a.organisation_id],
                a.name,
                "",
                (*round_filter, ("organisation", a.organisation_id), ("area", a.id)),
                a.organisation_id,
            )
            for a in areas
        ],
        "group": [
            _Entry(
                f"ledergruppe-{g.id}",
                "group",
                named(g.name, g.organisation_id),
                names[g.organisation_id],
                "",
                g.name,
                (*round_filter, ("organisation", g.organisation_id), ("group", g.id)),
                g.organisation_id,
            )
            for g in groups
        ],
    }


def _slice(entry: _Entry, point: MeasurementPoint) -> aggregates.Slice:
    filters = (*entry.filters, ("point", point.value))
    return aggregates.Slice(aggregates.slice_key(filters), **dict(filters))


def _directory(
    organisations: tuple[Organisation, ...],
) -> tuple[list[Area], list[LeaderGroup]]:
    ids = [organisation.id for organisation in organisations]
    if not ids:
        return [], []
    order = {organisation.id: danish_sort_key(organisation.name) for organisation in organisations}
    areas = sorted(
        db.session.scalars(select(Area).where(Area.organisation_id.in_(ids))),
        key=lambda area: (order[area.organisation_id], danish_sort_key(area.name), area.id),
    )
    groups = sorted(
        db.session.scalars(select(LeaderGroup).where(LeaderGroup.organisation_id.in_(ids))),
        key=lambda group: (order[group.organisation_id], danish_sort_key(group.name), group.id),
    )
    return areas, groups


def _goals(assessment: Assessment, cohort: Cohort) -> tuple[Goal, ...]:
    """The learning goals the assessment's statements are tagged with, named by the round's course
    where it has them (in the course's order), else by their id."""
    keys = sorted({goal for goals in results.goals_of(assessment).values() for goal in goals})
    if not keys:
        return ()
    known = {
        goal.key: goal
        for goal in db.session.scalars(
            select(LearningGoal).where(
                LearningGoal.course_id == cohort.course_id, LearningGoal.key.in_(keys)
            )
        )
    }

    def order(key: str) -> tuple[int, int, str]:
        goal = known.get(key)
        return (0, goal.position, key) if goal is not None else (1, 0, key)

    return tuple(
        Goal(key, known[key].title if key in known else key) for key in sorted(keys, key=order)
    )


def _point_average(point: MeasurementPoint, outcome: aggregates.Outcome) -> PointAverage:
    if isinstance(outcome, aggregates.Hidden):
        return PointAverage(
            point, outcome.slice, reason=outcome.message, hidden_because=outcome.reason
        )
    return PointAverage(point, outcome.slice, outcome.respondents, dict(outcome.means))


def _wheel(
    points: tuple[PointAverage, ...],
    areas: tuple[WheelArea, ...],
    assessment: Assessment,
) -> WheelData | None:
    shown = [point for point in points if point.shown]
    if not shown or len(areas) < MIN_AREAS:
        return None
    series = []
    for point in shown:
        scores: dict[str, dict[str, float]] = {}
        for (area, dimension), mean in point.means.items():
            if dimension != results.GOAL_DIMENSION:
                scores.setdefault(area, {})[dimension] = mean
        series.append(WheelSeries(point.point.value, point.label, scores))
    return WheelData(
        areas=areas,
        series=tuple(series),
        scale_min=assessment.scale_min,
        scale_max=assessment.scale_max,
    )


def _goal_rows(
    goals: tuple[Goal, ...], points: tuple[PointAverage, ...]
) -> tuple[GoalAverage, ...]:
    shown = [point for point in points if point.shown]
    if not shown:
        return ()
    return tuple(
        GoalAverage(
            goal.key,
            goal.label,
            tuple(point.means.get((goal.key, results.GOAL_DIMENSION)) for point in shown),
        )
        for goal in goals
    )


def sees_whole_round(scope: AveragesScope, cohort: Cohort) -> bool:
    """A platform admin, or a coordinator of every organisation in the round."""
    ids = scope.organisation_ids
    return ids is None or all(o.id in ids for o in cohort.organisations)


def _in_view(
    entries: dict[SlicingKey, list[_Entry]],
    slicing: SlicingKey,
    *,
    whole_round: bool,
    own: frozenset[int] | None,
) -> list[_Entry]:
    """The slices she sees for ``slicing``: the whole round (or, without it, her organisations)
    first, then the slicing's slices inside her organisations."""

    def mine(entry: _Entry) -> bool:
        return own is None or entry.organisation_id in own

    top = entries["round"] if whole_round else [e for e in entries["organisation"] if mine(e)]
    if slicing == "round" or (slicing == "organisation" and not whole_round):
        return top
    return top + [entry for entry in entries[slicing] if mine(entry)]


def averages_for(
    scope: AveragesScope,
    cohort_id: int | None,
    slicing: SlicingKey,
    *,
    today: dt.date,
) -> Averages:
    """The averages of one round (``cohort_id``; None: the current one) cut by ``slicing``, as the
    person may see them. ``NotFound`` for a round that does not exist or is out of her view."""
    k = results.min_group()
    slicing = slicing_from(slicing)
    choice, rounds = chosen_round(scope, round_choices(scope), cohort_id, today)
    if choice is None:
        return Averages(scope, k, slicing, rounds, "no_rounds")
    cohort, tool = choice.cohort, choice.tool
    whole_round = sees_whole_round(scope, cohort)
    if not whole_round:  # her organisation takes the whole round's place
        slicing = "organisation" if slicing == "round" else slicing
    base = {
        "scope": scope,
        "k": k,
        "slicing": slicing,
        "rounds": rounds,
        "cohort": cohort,
        "whole_round": whole_round,
        "slicings": SLICINGS if whole_round else SLICINGS[1:],
    }
    organisations = organisations_in_view(scope, cohort)
    if tool is None:
        return Averages(**base, state="no_tool", organisations=organisations)
    if tool.assessment_id is None:
        return Averages(**base, state="external", tool=tool, organisations=organisations)
    assessment = db.session.get(Assessment, tool.assessment_id)
    assert assessment is not None  # a foreign key with RESTRICT
    published = published_points(cohort, today)
    points = tuple(point for point in POINTS if point in published)
    common = {
        **base,
        "tool": tool,
        "assessment": assessment,
        "organisations": organisations,
        "points": points,
        "pending": pending_points(cohort, published),
        "start_before": published.get(MeasurementPoint.START),
    }
    if not points:
        return Averages(**common, state="not_published")
    # Every organisation's responses, whoever asks, frozen per point (the module's docstring).
    found = results.results_for_aggregates(assessment, [cohort.id], goals=True, published=published)
    own = scope.organisation_ids
    if not any(whole_round or result.organisation in own for result in found):
        return Averages(**common, state="no_results")

    everyone = by_name(cohort.organisations)
    areas, groups = _directory(everyone)
    entries = _entries(cohort, everyone, areas, groups, several=len(organisations) > 1)
    # Every slice of every slicing of the round, at every published point, in one call, the same
    # for whoever asks: the rules hold across all of them, and so across everything anyone is shown.
    every = {
        (entry.key, point): _slice(entry, point)
        for slicing_entries in entries.values()
        for entry in slicing_entries
        for point in points
    }
    outcomes = aggregates.aggregate(found, every.values(), k=k)
    by_key = {outcome.slice.key: outcome for outcome in outcomes}

    wheel_areas = results.wheel_areas(assessment)
    goals = _goals(assessment, cohort)
    slices = []
    for entry in _in_view(entries, slicing, whole_round=whole_round, own=own):
        shown_at = tuple(
            _point_average(point, by_key[every[(entry.key, point)].key]) for point in points
        )
        slices.append(
            SliceAverages(
                key=entry.key,
                kind=entry.kind,
                label=entry.label,
                organisation=entry.organisation,
                area=entry.area,
                group=entry.group,
                points=shown_at,
                wheel=_wheel(shown_at, wheel_areas, assessment),
                goals=_goal_rows(goals, shown_at),
            )
        )
    return Averages(
        **common,
        state="averages",
        areas=wheel_areas,
        goals=goals,
        slices=tuple(slices),
    )
