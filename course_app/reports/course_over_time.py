"""The round's course over time, week by week: the share of the lessons that the release plan has
opened by the end of each week, against the share the participants have finished. Drawn on the
report page as an SVG chart with its data table beside it."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from course_app.courses.outlines import ModuleOutline
from course_app.courses.release_rules import ReleaseKind, ReleaseRule
from course_app.reports.options import ReportFilters, ReportOptions
from course_app.reports.programme_queries import lessons_done_per_day
from course_app.schedule.releases import opening_day, release_plan

MAX_WEEKS = 60  # a chart of more weeks would not be readable; later weeks are left out


@dataclass(frozen=True)
class Week:
    number: int  # 1 for the week the round starts
    ends_on: dt.date
    planned_percent: int  # of the lessons, opened by the plan by the end of the week
    done_percent: int  # of every participant's lessons, finished by the end of the week


@dataclass(frozen=True)
class CourseOverTime:
    weeks: list[Week]
    participants: int


def course_over_time(
    options: ReportOptions,
    filters: ReportFilters,
    outline: list[ModuleOutline],
    participants: int,
    today: dt.date,
    done_per_day: list[tuple[dt.date, int]] | None = None,
) -> CourseOverTime | None:
    """Weeks from the round's start to today (or its end, if sooner); None before it starts.
    ``participants``: the report's population (its total), which the percentages are shares of;
    ``done_per_day``: lessons finished per day if counted ahead (else counted here)."""
    cohort = options.cohort
    if cohort is None or cohort.starts_on > today:
        return None
    lesson_ids = [lesson.lesson.id for module in outline for lesson in module.lessons]
    if done_per_day is None:
        done_per_day = lessons_done_per_day(options, filters, lesson_ids)
    last_day = min(today, cohort.ends_on) if cohort.ends_on else today
    ends = [
        cohort.starts_on + dt.timedelta(days=7 * number - 1)
        for number in range(1, MAX_WEEKS + 1)
        if cohort.starts_on + dt.timedelta(days=7 * (number - 1)) <= last_day
    ]
    opened = _lessons_opened_by(options, outline)
    days = [day for day, _count in done_per_day]
    finished = list(accumulate(count for _day, count in done_per_day))
    lessons = len(lesson_ids)
    weeks = []
    for number, end in enumerate(ends, start=1):
        index = bisect_right(days, end)
        done = finished[index - 1] if index else 0
        weeks.append(
            Week(
                number,
                end,
                _percent(sum(count for day, count in opened if day <= end), lessons),
                _percent(done, lessons * participants),
            )
        )
    return CourseOverTime(weeks, participants)


def _lessons_opened_by(
    options: ReportOptions, outline: list[ModuleOutline]
) -> list[tuple[dt.date, int]]:
    """(day the module opens, its lessons) by the round's plan. Always open: the start day. A module
    that waits for another opens, in the plan, when that one does."""
    cohort = options.cohort
    plan = release_plan(cohort, [module.module for module in outline])
    by_key = {module.module.key: module.module for module in outline}

    def day_of(rule: ReleaseRule, seen: frozenset[str] = frozenset()) -> dt.date:
        if rule.kind == ReleaseKind.AFTER_MODULE:
            target = by_key.get(rule.after)
            if target is None or rule.after in seen:
                return cohort.starts_on
            return day_of(plan[target.id], seen | {rule.after})
        return opening_day(rule, cohort) or cohort.starts_on

    return [(day_of(plan[module.module.id]), len(module.lessons)) for module in outline]


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


# --- The chart's geometry (SVG user units), so the template only places what is computed here -----

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y_planned: float
    y_done: float
    week: Week


def chart_points(weeks: list[Week]) -> list[ChartPoint]:
    """Each week's x and the y of its two values (0 % at the bottom, 100 % at the top)."""
    inner_width = WIDTH - LEFT - RIGHT
    inner_height = HEIGHT - TOP - BOTTOM
    step = inner_width / max(len(weeks) - 1, 1)

    def y(percent: int) -> float:
        return round(TOP + inner_height * (100 - percent) / 100, 1)

    return [
        ChartPoint(
            round(LEFT + index * step, 1), y(week.planned_percent), y(week.done_percent), week
        )
        for index, week in enumerate(weeks)
    ]


def gridlines() -> list[tuple[int, float]]:
    """(percent, y) for the horizontal lines at 0, 25, 50, 75 and 100 %."""
    inner_height = HEIGHT - TOP - BOTTOM
    return [
        (percent, TOP + inner_height * (100 - percent) / 100) for percent in (0, 25, 50, 75, 100)
    ]
