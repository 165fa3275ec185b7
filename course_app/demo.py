"""Demo data: two municipalities, their areas and leader groups, a round of the shipped course that
started three weeks ago (so some films have opened and some open later), people. The round uses the
shipped competence wheel (``kompetencehjul``) once it is imported (``ensure_demo_wheel``).

Created once; every start prints the sign-ins. The password is ``COURSE_APP_DEMO_PASSWORD`` or one random
password kept in the instance folder, so restarting the demo never changes it.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select

from course_app.accounts import services as accounts
from course_app.accounts.models import User
from course_app.assessments.models import Assessment
from course_app.audit.models import AuditEntry
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db, utcnow
from course_app.core.i18n import today_local
from course_app.courses.models import Course
from course_app.organisations import services as directory
from course_app.organisations.access import Viewer, viewer_for
from course_app.organisations.models import LeaderGroup, Role
from course_app.schedule import events
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.events import EventInput
from course_app.self_assessment import round_tools
from course_app.service_check import slots as service_check_slots
from course_app.workshops import areas as workshop_areas
from course_app.workshops import facilitators as workshop_facilitators

DEMO_COURSE_SLUG = "digital-ledelse"
DEMO_ROUND_NAME = "Digital ledelse – demohold"
DEMO_ASSESSMENT_KEY = "kompetencehjul"
ADMIN_EMAIL = "admin@demo.example"
# The demo round is three weeks old when the demo is created: the kick-off is past, the first films
# have opened, the leader meetings and workshop 1 are ahead.
ROUND_AGE = dt.timedelta(weeks=3)

AREAS = {
    "Albertslund": ["Børn og unge", "Social og sundhed", "By, kultur og miljø"],
    "Glostrup": ["Børn og skole", "Sundhed og omsorg", "Teknik og miljø"],
}
GROUPS = {
    "Albertslund": [("Ledergruppe Børn og unge", "Børn og unge"), ("Ledergruppe Social og sundhed", "Social og sundhed")],
    "Glostrup": [("Ledergruppe Børn og skole", "Børn og skole"), ("Ledergruppe Sundhed og omsorg", "Sundhed og omsorg")],
}  # fmt: skip
# Which areas correspond across the two municipalities ("tilsvarende område"): the workshops' tables.
CORRESPONDING_AREAS = [
    (("Albertslund", "Børn og unge"), ("Glostrup", "Børn og skole")),
    (("Albertslund", "Social og sundhed"), ("Glostrup", "Sundhed og omsorg")),
    (("Albertslund", "By, kultur og miljø"), ("Glostrup", "Teknik og miljø")),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role_label: str
    organisation: str | None = None
    group: str | None = None
    role: Role | None = None
    is_leader: bool = True


PEOPLE = [
    DemoPerson(ADMIN_EMAIL, "Anne Andersen", "Platformsadministrator", role=Role.PLATFORM_ADMIN, is_leader=False),
    DemoPerson("koordinator@albertslund.example", "Karin Kristensen", "Koordinator, Albertslund", "Albertslund", role=Role.COORDINATOR, is_leader=False),
    DemoPerson("koordinator@glostrup.example", "Kasper Krogh", "Koordinator, Glostrup", "Glostrup", role=Role.COORDINATOR, is_leader=False),
    DemoPerson("supporter@demo.example", "Sofie Support", "Supporter til servicetjek (begge kommuner)", role=Role.SUPPORTER, is_leader=False),
    DemoPerson("facilitator@demo.example", "Frida Friis", "Facilitator (Ledergruppe Børn og unge)", group="Ledergruppe Børn og unge", role=Role.FACILITATOR, is_leader=False),
    DemoPerson("moedeleder@albertslund.example", "Mette Madsen", "Mødeleder og leder", "Albertslund", "Ledergruppe Børn og unge", Role.CHAIR),
    DemoPerson("leder1@albertslund.example", "Lars Larsen", "Leder", "Albertslund", "Ledergruppe Børn og unge"),
    DemoPerson("leder2@albertslund.example", "Louise Lund", "Leder", "Albertslund", "Ledergruppe Børn og unge"),
    DemoPerson("leder3@albertslund.example", "Peter Poulsen", "Leder", "Albertslund", "Ledergruppe Social og sundhed"),
    DemoPerson("leder4@albertslund.example", "Sofie Sørensen", "Leder", "Albertslund", "Ledergruppe Social og sundhed"),
    DemoPerson("leder1@glostrup.example", "Jens Jensen", "Leder", "Glostrup", "Ledergruppe Børn og skole"),
    DemoPerson("leder2@glostrup.example", "Hanne Holm", "Leder", "Glostrup", "Ledergruppe Børn og skole"),
    DemoPerson("leder3@glostrup.example", "Mads Møller", "Leder", "Glostrup", "Ledergruppe Sundhed og omsorg"),
    DemoPerson("leder4@glostrup.example", "Birgitte Bach", "Leder", "Glostrup", "Ledergruppe Sundhed og omsorg"),
]  # fmt: skip


def _kept_secret(path: Path, make: Callable[[], str]) -> str:
    """A value generated once and kept in the instance folder (readable by the owner only)."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value + "\n", encoding="utf-8")
    path.chmod(0o600)
    return value


def demo_secret_key(instance_path: str) -> str:
    return _kept_secret(Path(instance_path) / "demo-secret-key", lambda: secrets.token_hex(32))


def demo_pseudonym_key(instance_path: str) -> str:
    """The demo's key for the self-assessment's pseudonyms (config ``ASSESSMENT_PSEUDONYM_KEY``)."""
    return _kept_secret(Path(instance_path) / "demo-pseudonym-key", lambda: secrets.token_hex(32))


def demo_password(instance_path: str) -> str:
    from_environment = os.environ.get("COURSE_APP_DEMO_PASSWORD")
    if from_environment:
        return from_environment
    return _kept_secret(Path(instance_path) / "demo-password", lambda: secrets.token_urlsafe(12))


def ensure_demo_data(password: str, *, plan_events: bool = True) -> bool:
    """Create the demo organisations, people and cohort (with its calendar unless ``plan_events`` is
    false) unless they exist. True when created now."""
    if accounts.find_user_by_email(ADMIN_EMAIL) is not None:
        return False
    course = db.session.scalar(select(Course).where(Course.slug == DEMO_COURSE_SLUG))
    if course is None:
        raise RuntimeError(f"The shipped course '{DEMO_COURSE_SLUG}' must be imported first.")
    organisations = {name: directory.get_or_create_organisation(name) for name in AREAS}
    areas = {
        (org, area): directory.get_or_create_area(organisations[org], area)
        for org, names in AREAS.items()
        for area in names
    }
    groups = {
        name: directory.get_or_create_group(organisations[org], name, area=areas[(org, area)])
        for org, entries in GROUPS.items()
        for name, area in entries
    }
    cohort = cohorts.create_cohort(
        course,
        name=DEMO_ROUND_NAME,
        starts_on=today_local() - ROUND_AGE,
        organisations=list(organisations.values()),
    )
    admin = supporter = facilitator = None
    for person in PEOPLE:
        organisation = organisations.get(person.organisation or "")
        group = groups.get(person.group or "")
        user = accounts.create_user(
            email=person.email,
            name=person.name,
            password=password,
            organisation_id=organisation.id if organisation else None,
            area_id=group.area_id if group and person.is_leader else None,
        )
        if person.is_leader and group is not None:
            directory.move_to_group(user, group)
            cohorts.enrol(user, cohort)
        if person.role == Role.PLATFORM_ADMIN:
            directory.assign_role(user, person.role)
            admin = user
        elif person.role == Role.COORDINATOR:
            directory.assign_role(user, person.role, organisation=organisation)
        elif person.role in (Role.CHAIR, Role.FACILITATOR):
            directory.assign_role(user, person.role, group=group)
            if person.role == Role.FACILITATOR:
                facilitator = user
        elif person.role == Role.SUPPORTER:  # the platform's: serves both municipalities
            directory.assign_role(user, person.role)
            supporter = user
    for first, second in CORRESPONDING_AREAS:
        workshop_areas.add_pair(viewer_for(admin), areas[first].id, areas[second].id)
    if plan_events:
        _plan_events(cohort, list(groups.values()), viewer_for(admin))
        _run_workshops(cohort, facilitator, viewer_for(admin))
        _offer_service_check(cohort, viewer_for(supporter))
    return True


def ensure_demo_wheel() -> bool:
    """Let the demo round use the shipped competence wheel, once: only when the round and the
    imported assessment exist and nobody has ever chosen the round's tool (its audit log has no
    entry), so a second start, or a demo admin who chose something else, changes nothing. True
    when linked now."""
    cohort = db.session.scalar(
        select(Cohort)
        .join(Course, Course.id == Cohort.course_id)
        .where(Course.slug == DEMO_COURSE_SLUG, Cohort.name == DEMO_ROUND_NAME)
        .order_by(Cohort.id)
        .limit(1)
    )
    assessment = db.session.scalar(
        select(Assessment).where(
            Assessment.key == DEMO_ASSESSMENT_KEY, Assessment.retired_at.is_(None)
        )
    )
    if cohort is None or assessment is None or cohort.is_closed:
        return False
    chosen_before = db.session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.object_type == round_tools.AUDIT_TYPE,
            AuditEntry.object_key == str(cohort.id),
        )
        .limit(1)
    )
    if chosen_before is not None or round_tools.tool_of(cohort) is not None:
        return False
    wanted = round_tools.WantedTool(round_tools.ToolKind.ASSESSMENT, assessment.id)
    return round_tools.save_tool(cohort, wanted, actor_id=None)


def _run_workshops(cohort: Cohort, facilitator: User, admin: Viewer) -> None:
    """The demo facilitator runs both workshops (their sign-ups, table plans and run sheets)."""
    for event in db.session.scalars(
        select(Event).where(Event.cohort_id == cohort.id, Event.kind == EventKind.WORKSHOP)
    ):
        workshop_facilitators.assign(event, facilitator.id, admin)


def _offer_service_check(cohort: Cohort, supporter: Viewer) -> None:
    """A few service-check times a week and two from now, in person and online."""
    for days, hour, minute, place, link in (
        (7, 9, 0, "Albertslund Rådhus, mødelokale 2", ""),
        (7, 9, 45, "Albertslund Rådhus, mødelokale 2", ""),
        (8, 13, 0, "", "https://meet.example.dk/servicetjek"),
        (14, 10, 0, "Glostrup Rådhus, IT-hjørnet", "https://meet.example.dk/servicetjek"),
    ):
        service_check_slots.create_slot(
            supporter,
            cohort,
            service_check_slots.SlotInput(
                day=today_local() + dt.timedelta(days=days),
                start=dt.time(hour, minute),
                length_minutes=30,
                place=place,
                online_link=link,
            ),
            now=utcnow(),
        )


def _plan_events(cohort: Cohort, groups: list[LeaderGroup], admin: Viewer) -> None:
    """The round's calendar: the kick-off is past; the first leader meetings (a week from the
    demo's start, so their question sets go out at once, two weeks before workshop 1) and the
    workshops are ahead; the service check and the end come last."""
    start = cohort.starts_on

    def on(
        title: str, days: int, begins: dt.time, ends: dt.time, place: str, **extra
    ) -> EventInput:
        day = start + dt.timedelta(days=days)
        return EventInput(title, day=day, start=begins, end=ends, place=place, **extra)

    nine, three = dt.time(9), dt.time(15)
    plan = [
        (
            EventKind.KICKOFF,
            on("Kick off", 0, dt.time(13), dt.time(16), "Albertslund Rådhus, byrådssalen"),
        ),
        (
            EventKind.WORKSHOP,
            on("Fælles workshop 1", 42, nine, three, "Glostrup Rådhus, Store sal", number=1),
        ),
        (
            EventKind.WORKSHOP,
            on("Fælles workshop 2", 91, nine, three, "Albertslund Musikteater", number=2),
        ),
        (
            EventKind.SERVICE_CHECK,
            on("En til en servicetjek", 98, nine, dt.time(16), "Borgerservice, mødelokale 2"),
        ),
        (
            EventKind.ROUND_END,
            on(
                "Afslutning og håndbog", 140, dt.time(14), dt.time(16), "Glostrup Rådhus, Store sal"
            ),
        ),
    ]
    for kind, data in plan:
        events.create_event(cohort, kind, data, actor=admin)
    first_meeting = events.meeting_modules(cohort)[0]
    for group in groups:
        meeting = on(
            "Ledermøde før workshop 1", 28, nine, dt.time(10, 30), f"Mødelokale, {group.name}"
        )
        meeting = replace(meeting, group_id=group.id, module_id=first_meeting.id)
        events.create_event(cohort, EventKind.LEADER_MEETING, meeting, actor=admin)


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """(role, name, e-mail) for every demo person that exists."""
    emails = [person.email for person in PEOPLE]
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    return [
        (person.role_label, person.name, person.email) for person in PEOPLE if person.email in users
    ]
