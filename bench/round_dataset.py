"""The round around the benchmark's course: its calendar, two joint workshops with answers and table
plans, the one-to-one service check, and the shipped competence wheel with the start measurement
(written by ``dataset._Writer``, which takes these methods from ``RoundRows``).

Which leader does what in the round is decided by her number n (= her user id), so the leaders the
benchmark signs in (the first ones) are in the same state at every size, and a page's statements can
be compared between sizes (the workshops: of the first 1,000 leaders of the first two organisations):

| n mod 10     | workshop 1 (over)        | workshop 2 (ahead)  | service check        |
|--------------|--------------------------|---------------------|----------------------|
| 1–6          | comes, came, has a seat  | comes, has a seat   | booked (1–3)         |
| 7            | comes, did not come      | does not come       | -                    |
| 8            | does not come            | comes, has a seat   | -                    |
| 9, 0         | never answered           | never answered      | -                    |

Competence wheel (start measurement): n mod 5 is 1–3: completed (60 %), those with an odd n also
wrote the wheel page's reflections; 4: begun, a third answered; 0: not begun.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

from bench import sizes, texts
from course_app.accounts.models import User
from course_app.core.i18n import COPENHAGEN
from course_app.organisations.models import Role, RoleAssignment
from course_app.schedule.event_models import Event, EventKind
from course_app.self_assessment.models import (
    AssessmentAnswer,
    AssessmentParticipation,
    AssessmentResponse,
    MeasurementPoint,
)
from course_app.self_assessment.pseudonyms import pseudonym
from course_app.self_assessment.round_models import RoundAssessment, WheelReflection
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot
from course_app.workshops.model import DEFAULT_MAX_SIZE, PER_ORGANISATION, GroupPolicy
from course_app.workshops.models import (
    AreaCorrespondence,
    TableSeat,
    WorkshopFacilitator,
    WorkshopSettings,
    WorkshopSignup,
)
from course_app.workshops.rules import layout

# The key the wheel's responses are stored under (``ASSESSMENT_PSEUDONYM_KEY``): the benchmark's own,
# like its password, and given to every app the benchmark starts (``server.app_environment``,
# ``cost.cost_app``), or no leader would find her answers.
PSEUDONYM_KEY = "bench-pseudonym-key-not-a-secret-0123456789abcdef"

# The round's calendar: days after its start (it started 60 days before generation).
KICKOFF_DAY = 0
MEETING_DAYS = (37, 86)  # the group-mode modules' leader meetings, a group's own day within 5 more
WORKSHOP_DAYS = (42, 91)  # workshop 1 is over, workshop 2 ahead
SERVICE_CHECK_DAYS = (95, 126)  # the window, and the supporters' slots within it
ROUND_END_DAY = 140
# A workshop mixes exactly two organisations: leaders of the round's first two answer (every one
# below XL), at most the first 1,000 of them (about 700 come: the planner's target size, issue 13's
# ``python -m bench tables``); the others never answered.
WORKSHOP_ORGANISATIONS = 2
WORKSHOP_INVITED = 1_000
SLOT_RATE = 0.4  # service-check slots per leader of an organisation
SLOTS_PER_SUPPORTER = 50  # three a working day
SLOT_TIMES = ((9, 0), (11, 0), (13, 30))
SLOT_MINUTES = 45
SERVICE_CHECK_QUESTIONS = (
    "Hvordan deler jeg en mappe i Teams med min ledergruppe, uden at alle kan redigere?",
    "Jeg vil gerne have hjælp til at sætte mødeindkaldelser op, så de kommer i alles kalender.",
    "Kan vi gennemgå sikker fildeling og to-faktor-login på min telefon?",
    "",
)


class RoundRows:
    """The round's rows, as methods of the dataset writer (its connection, generators, ids and
    ``_insert``)."""

    # -- the round's calendar ---------------------------------------------------------------------------
    def _at(self, day: int, hour: int, minute: int = 0) -> dt.datetime:
        """The instant of a Copenhagen wall time ``day`` days after the round's start (a Saturday or
        Sunday moves to the Monday after)."""
        date = self._weekday(self.starts.date() + dt.timedelta(days=day))
        return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=COPENHAGEN).astimezone(
            dt.UTC
        )

    def _calendar(self) -> None:
        """The round's kick-off, two workshops, the service-check window and its end, and a leader
        meeting per group for each of the course's group-mode modules (one per group and module, as
        the app allows)."""
        rows: list[dict[str, Any]] = []

        def event(kind: EventKind, title: str, starts: dt.datetime, ends: dt.datetime, **extra):
            rows.append(
                {
                    "id": len(rows) + 1,
                    "cohort_id": 1,
                    "kind": kind.value,
                    "number": extra.get("number"),
                    "group_id": extra.get("group_id"),
                    "module_id": extra.get("module_id"),
                    "title": title,
                    "place": extra.get("place", ""),
                    "description": extra.get("description", ""),
                    "starts_at": starts,
                    "ends_at": ends,
                    "sequence": 0,
                    "created_at": self.starts,
                    "updated_at": self.starts,
                    "updated_by_id": self.admin_id,
                }
            )
            return len(rows)

        event(
            EventKind.KICKOFF,
            "Kick-off: Digital ledelse",
            self._at(KICKOFF_DAY, 9),
            self._at(KICKOFF_DAY, 12),
            place="Rådhuset, store mødesal",
            description="Velkomst, programmet og de første skridt i forløbet.",
        )
        self.workshop_ids = tuple(
            event(
                EventKind.WORKSHOP,
                f"Fælles workshop {number}",
                self._at(day, 9),
                self._at(day, 15),
                number=number,
                place="Kulturhuset, sal 2",
                description="Vi arbejder ved borde på tværs af de to organisationer.",
            )
            for number, day in enumerate(WORKSHOP_DAYS, start=1)
        )
        event(
            EventKind.SERVICE_CHECK,
            "En til en servicetjek",
            self._at(SERVICE_CHECK_DAYS[0], 8),
            self._at(SERVICE_CHECK_DAYS[1], 16),
        )
        event(
            EventKind.ROUND_END,
            "Forløbets afslutning",
            self._at(ROUND_END_DAY, 13),
            self._at(ROUND_END_DAY, 16),
            place="Rådhuset, store mødesal",
        )
        meeting_modules = [
            module_id for module_id, mode in self.content.modules.values() if mode == "group"
        ]
        for index, module_id in enumerate(meeting_modules):
            first_day = (
                MEETING_DAYS[index]
                if index < len(MEETING_DAYS)
                else MEETING_DAYS[-1] + 49 * (index - len(MEETING_DAYS) + 1)
            )
            for group_id, _organisation, _area in self.groups:
                day = first_day + group_id % 5
                event(
                    EventKind.LEADER_MEETING,
                    f"Ledermøde {index + 1}",
                    self._at(day, 13),
                    self._at(day, 15),
                    group_id=group_id,
                    module_id=module_id,
                    place=f"Mødelokale {group_id % 7 + 1}",
                )
        self._insert(Event.__table__, rows)

    # -- joint workshops: answers, attendance, table plans -------------------------------------------
    def _workshops(self) -> None:
        """Corresponding areas of the two organisations; for each workshop its facilitators, the
        leaders' answers (and, at the one that is over, who came) and a published table plan that
        keeps the planner's hard rules (sizes 4-6 as even as possible, two from each organisation
        at every table)."""
        organisations = self.organisation_ids[:WORKSHOP_ORGANISATIONS]
        pairs = zip(*(self.areas_of[o] for o in organisations), strict=False)
        self._insert(
            AreaCorrespondence.__table__,
            (
                {
                    "id": number,
                    "first_area_id": min(pair),
                    "second_area_id": max(pair),
                    "created_at": self.starts,
                    "created_by_id": self.admin_id,
                }
                for number, pair in enumerate(pairs, start=1)
                if len(pair) == 2
            ),
        )
        invited = [
            (user_id, self.group_of[group_id][0])
            for user_id, group_id in self.leaders
            if self.group_of[group_id][0] in organisations
        ][:WORKSHOP_INVITED]
        facilitators, signups, seats, settings = [], [], [], []
        for number, event_id in enumerate(self.workshop_ids, start=1):
            over = number == 1
            ends = self._at(WORKSHOP_DAYS[number - 1], 15)
            for organisation_id in organisations:
                for user_id in self.facilitators_of[organisation_id][:1]:
                    facilitators.append(
                        {
                            "id": len(facilitators) + 1,
                            "event_id": event_id,
                            "user_id": user_id,
                            "created_at": self.starts,
                        }
                    )
            coming: dict[int, list[int]] = {o: [] for o in organisations}
            for user_id, organisation_id in invited:
                answer = _workshop_answer(number, user_id)
                if answer is None:
                    continue
                if answer:
                    coming[organisation_id].append(user_id)
                came = answer and user_id % 10 != 7 if over else None
                signups.append(
                    {
                        "id": len(signups) + 1,
                        "event_id": event_id,
                        "user_id": user_id,
                        "coming": answer,
                        "answered_at": ends - dt.timedelta(days=12 + user_id % 7),
                        "attended": came if answer else None,
                        "attendance_marked_at": ends if over and answer else None,
                        "attendance_marked_by_id": self.admin_id if over and answer else None,
                    }
                )
            for user_id, table in self._seating(*(coming[o] for o in organisations)):
                seats.append(
                    {
                        "id": len(seats) + 1,
                        "event_id": event_id,
                        "user_id": user_id,
                        "table_number": table,
                        "published_table": table,
                    }
                )
            published = ends - dt.timedelta(days=5)
            settings.append(
                {
                    "id": number,
                    "event_id": event_id,
                    "min_size": 4,
                    "max_size": DEFAULT_MAX_SIZE,
                    "max_tables": None,
                    "group_policy": GroupPolicy.SPREAD.value,
                    "seed": number,
                    "version": 2,
                    "planned_at": published - dt.timedelta(days=1),
                    "published_at": published,
                    "materials": (
                        "Slides fra dagen: https://materialer.example/workshop-1\n"
                        "Øvelsen om digitale arbejdsgange til ledergruppen."
                        if over
                        else ""
                    ),
                    "updated_at": published,
                    "updated_by_id": self.admin_id,
                }
            )
        self._insert(WorkshopFacilitator.__table__, facilitators)
        self._insert(WorkshopSignup.__table__, signups)
        self._insert(TableSeat.__table__, seats)
        self._insert(WorkshopSettings.__table__, settings)

    def _seating(self, first: list[int], second: list[int] | None = None) -> list[tuple[int, int]]:
        """(user id, table) for the attendees of the two organisations: the fewest tables of at most
        six that give two from each organisation to every table, sizes and sides as even as possible
        (``workshops.rules.layout``), people in a shuffled order."""
        first, second = list(first), list(second or [])
        self.round_rng.shuffle(first)
        self.round_rng.shuffle(second)
        total = len(first) + len(second)
        if not total:
            return []
        tables = -(-total // DEFAULT_MAX_SIZE)
        tables = max(1, min(tables, min(len(first), len(second)) // PER_ORGANISATION))
        shape = layout(total, len(first), tables)
        seats = []
        firsts, seconds = iter(first), iter(second)
        for number, (size, from_first) in enumerate(
            zip(shape.sizes, shape.first_side, strict=True), start=1
        ):
            seats += [(next(firsts), number) for _ in range(from_first)]
            seats += [(next(seconds), number) for _ in range(size - from_first)]
        return seats

    # -- the one-to-one service check ------------------------------------------------------------------
    @staticmethod
    def _weekday(day: dt.date) -> dt.date:
        return day + dt.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)

    def _slot_days(self, count: int) -> list[dt.date]:
        """The working days of the service-check window, from its first day, as many as needed."""
        days = []
        day = self._weekday(self.starts.date() + dt.timedelta(days=SERVICE_CHECK_DAYS[0]))
        while len(days) < count:
            if day.weekday() < 5:
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def _service_check(self) -> None:
        """Supporters for each organisation's leaders (one per 50 slots), slots for 40 % of its
        leaders in the service-check window, and a booking for every leader whose number ends in 1-3
        (the earliest slots first), with her questions."""
        people, roles, slots, bookings = [], [], [], []
        next_user = self.people_written + 1
        next_role = self.roles_written + 1
        members: dict[int, list[int]] = {o: [] for o in self.organisation_ids}
        for user_id, group_id in self.leaders:
            members[self.group_of[group_id][0]].append(user_id)
        for organisation_id in self.organisation_ids:
            wanted = max(1, math.ceil(SLOT_RATE * len(members[organisation_id])))
            count = math.ceil(wanted / SLOTS_PER_SUPPORTER)
            supporters = []
            for _ in range(count):
                number = next_user - self.people_written
                people.append(
                    self._person(
                        next_user,
                        supporter_email(number),
                        organisation_id,
                        None,
                        self.round_rng,
                    )
                )
                roles.append(
                    self._role(
                        next_role, next_user, Role.SUPPORTER, organisation_id=organisation_id
                    )
                )
                supporters.append(next_user)
                next_user += 1
                next_role += 1
            days = self._slot_days(math.ceil(wanted / (count * len(SLOT_TIMES))))
            own = []
            for index in range(wanted):  # in time order: every supporter's first slot, then …
                supporter_id = supporters[index % count]
                position = index // count
                hour, minute = SLOT_TIMES[position % len(SLOT_TIMES)]
                day = days[position // len(SLOT_TIMES)]
                local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=COPENHAGEN)
                slot_id = len(slots) + 1
                online = supporter_id % 2 == 0  # half meet online, half at the town hall
                place = f"IT-support, {texts.MUNICIPALITIES[organisation_id - 1]}"
                slots.append(
                    {
                        "id": slot_id,
                        "cohort_id": 1,
                        "supporter_id": supporter_id,
                        "starts_at": local.astimezone(dt.UTC),
                        "length_minutes": SLOT_MINUTES,
                        "place": "" if online else place,
                        "online_link": (
                            f"https://moede.example/servicetjek-{supporter_id}" if online else ""
                        ),
                        "created_at": self.starts,
                        "cancelled_at": None,
                    }
                )
                own.append(slot_id)
            bookers = [user_id for user_id in members[organisation_id] if user_id % 10 in (1, 2, 3)]
            for user_id, slot_id in zip(bookers, own, strict=False):
                at = self.now - dt.timedelta(days=1 + user_id % 9)
                bookings.append(
                    {
                        "id": len(bookings) + 1,
                        "slot_id": slot_id,
                        "cohort_id": 1,
                        "user_id": user_id,
                        "questions": self.round_rng.choice(SERVICE_CHECK_QUESTIONS),
                        "outcome_note": "",
                        "held_at": None,
                        "reminded_at": None,
                        "sequence": 0,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
        self._insert(User.__table__, people)
        self._insert(RoleAssignment.__table__, roles)
        self._insert(ServiceCheckSlot.__table__, slots)
        self._insert(ServiceCheckBooking.__table__, bookings)

    # -- the competence wheel --------------------------------------------------------------------------
    def _wheel(self) -> None:
        """The round uses the shipped wheel (as ``round_tools.set_tool`` leaves it); the start
        measurement of each leader as ``self_assessment.taking`` would have stored it: her
        participation, and a response under her pseudonym with a random key and no date but the
        day it was completed, the organisation, area and group copied at completion."""
        content = self.content
        self._insert(
            RoundAssessment.__table__,
            [
                {
                    "cohort_id": 1,
                    "assessment_id": content.assessment_id,
                    "external_url": None,
                    "updated_at": self.starts,
                }
            ],
        )
        responses: list[dict[str, Any]] = []
        participations: list[dict[str, Any]] = []
        reflections: list[dict[str, Any]] = []
        begun: list[tuple[str, int, bool]] = []  # (response id, level key, completed)
        for user_id, group_id in self.leaders:
            state = user_id % 5
            if state == 0:
                continue
            completed = state != 4
            organisation_id, area_id = self.group_of[group_id]
            response_id = f"{self.round_rng.getrandbits(128):032x}"
            responses.append(
                {
                    "id": response_id,
                    "pseudonym": pseudonym(user_id, content.assessment_id, PSEUDONYM_KEY),
                    "assessment_id": content.assessment_id,
                    "cohort_id": 1,
                    "point": MeasurementPoint.START.value,
                    "sequence": 0,
                    "organisation_id": organisation_id if completed else None,
                    "area_id": area_id if completed else None,
                    "group_id": group_id if completed else None,
                    "completed_on": (
                        self.starts.date() + dt.timedelta(days=1 + user_id % 25)
                        if completed
                        else None
                    ),
                }
            )
            participations.append(
                {
                    "user_id": user_id,
                    "cohort_id": 1,
                    "assessment_id": content.assessment_id,
                    "point": MeasurementPoint.START.value,
                    "completed": completed,
                }
            )
            begun.append((response_id, user_id, completed))
            if completed and user_id % 2 == 1:
                for key in content.prompt_keys:
                    body, _adversarial = texts.answer_text(self.round_rng)
                    reflections.append(
                        {
                            "user_id": user_id,
                            "assessment_id": content.assessment_id,
                            "prompt_key": key,
                            "text": body[:2000],
                            "version": 1,
                            "updated_at": self.starts + dt.timedelta(days=1 + user_id % 25),
                        }
                    )
        self._insert(AssessmentResponse.__table__, responses)
        self._insert(AssessmentParticipation.__table__, participations)
        self._insert(AssessmentAnswer.__table__, self._wheel_answers(begun))
        self._insert(WheelReflection.__table__, reflections)

    def _wheel_answers(self, begun: list[tuple[str, int, bool]]) -> Iterator[dict[str, Any]]:
        """Every statement of a completed measurement, the first third of a begun one; each leader
        answers around a level of her own."""
        content = self.content
        low, high = content.scale
        items = content.item_ids
        gauss = self.round_rng.gauss
        for response_id, _user_id, completed in begun:
            level = self.round_rng.uniform(low + 1.0, high - 0.8)
            for item_id in items if completed else items[: len(items) // 3]:
                yield {
                    "response_id": response_id,
                    "item_id": item_id,
                    "value": min(high, max(low, round(gauss(level, 0.9)))),
                }


def supporter_email(number: int) -> str:
    return f"supporter{number}@{sizes.BENCH_DOMAIN}"


def _workshop_answer(number: int, user_id: int) -> bool | None:
    """A leader's answer to workshop ``number`` by her number (see the table above): None when she
    never answered."""
    last = user_id % 10
    if last in (9, 0):
        return None
    if number == 1:
        return last != 8
    return last != 7
