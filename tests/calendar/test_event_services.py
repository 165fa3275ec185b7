"""The events service: what is stored, what is refused (every field named, nothing saved) and who
may set what, tried from the service itself (the views are tried in test_event_views.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, func, select

from course_app.core.errors import NotAllowed
from course_app.schedule import events
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.events import EventProblems, copenhagen_instant
from course_app.schedule.upcoming import upcoming_for_leader
from tests.calendar.conftest import add_event, copenhagen, event_input, meeting


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Event))


def test_an_event_is_stored_in_utc_from_copenhagen_wall_time(world, session):
    event = add_event(world, EventKind.WORKSHOP, number=1, description="Medbring\nbærbar")
    session.commit()
    session.expire_all()
    stored = session.get(Event, event.id)
    assert stored.starts_at == dt.datetime(2026, 10, 29, 9, 0, tzinfo=dt.UTC)  # CET, +01:00
    assert stored.ends_at == dt.datetime(2026, 10, 29, 11, 0, tzinfo=dt.UTC)
    assert stored.starts_at.tzinfo is not None
    assert (stored.title, stored.place, stored.description) == (
        "Fælles workshop",
        "Rådhuset, sal 2",
        "Medbring\nbærbar",
    )
    assert stored.sequence == 0 and stored.updated_by_id == world.ad.id


def test_summer_time_and_winter_time_give_different_offsets(world):
    summer = add_event(world, EventKind.KICKOFF, day=dt.date(2026, 9, 15))
    assert summer.starts_at == dt.datetime(2026, 9, 15, 8, 0, tzinfo=dt.UTC)  # CEST, +02:00


def test_the_repeated_hour_means_its_first_occurrence():
    """25 October 2026: 02.30 happens twice; a typed 02.30 is the first (summer time, fold=0)."""
    instant = copenhagen_instant(dt.date(2026, 10, 25), dt.time(2, 30))
    assert instant == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    # ... even when the time arrives marked as the second one.
    assert copenhagen_instant(dt.date(2026, 10, 25), dt.time(2, 30, fold=1)) == instant


def test_the_skipped_hour_is_refused_with_a_message(world, session):
    assert copenhagen_instant(dt.date(2027, 3, 28), dt.time(2, 30)) is None
    with pytest.raises(EventProblems) as refused:
        add_event(world, EventKind.KICKOFF, day=dt.date(2027, 3, 28), start=dt.time(2, 30))
    assert "findes ikke" in refused.value.problems["start"]
    assert "02.30" in refused.value.problems["start"]
    assert _count(session) == 0


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"day": None}, "day", "dato"),
        ({"start": None}, "start", "starter"),
        ({"end": None}, "end", "slutter"),
        ({"start": dt.time(12), "end": dt.time(10)}, "end", "efter starten"),
        ({"start": dt.time(12), "end": dt.time(12)}, "end", "efter starten"),
        ({"end_day": dt.date(2026, 10, 28)}, "end", "efter starten"),
        ({"title": ""}, "title", "titel"),
        ({"title": "   "}, "title", "titel"),
        ({"title": "Kick\x00off"}, "title", "styretegn"),
        ({"title": "Kick\noff"}, "title", "styretegn"),
        ({"title": "x" * 201}, "title", "201"),
        ({"place": "Sal\x002"}, "place", "styretegn"),
        ({"place": "p" * 10_000}, "place", "10000"),
        ({"description": "a\x00b"}, "description", "NUL"),
        ({"description": "d" * 10_000}, "description", "10000"),
        ({"title": "\ud800"}, "title", "styretegn"),  # a lone surrogate: bytes that were not UTF-8
        ({"day": dt.date(2062, 10, 29)}, "day", "for langt fra forløbet"),
        ({"day": dt.date(1, 1, 1)}, "day", "for langt fra forløbet"),
        ({"day": dt.date(9999, 12, 31)}, "day", "for langt fra forløbet"),
        ({"end_day": dt.date(2099, 1, 1)}, "end_day", "for langt fra forløbet"),
        ({"number": 3}, "number", "workshop 1 eller 2"),
        ({"number": None}, "number", "workshop 1 eller 2"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, session, values, field, words):
    values = {"number": 1, **values}
    with pytest.raises(EventProblems) as refused:
        add_event(world, EventKind.WORKSHOP, **values)
    assert field in refused.value.problems, refused.value.problems
    assert words.lower() in refused.value.problems[field].lower()
    assert _count(session) == 0


def test_every_problem_is_named_at_once(world):
    with pytest.raises(EventProblems) as refused:
        add_event(world, EventKind.WORKSHOP, number=7, title="", day=None, place="\x00")
    assert set(refused.value.problems) >= {"number", "title", "day", "place"}


def test_a_description_keeps_its_line_breaks_and_tabs(world):
    event = add_event(world, EventKind.KICKOFF, description="Program:\r\n\t9.00 Velkomst\r\n")
    assert event.description == "Program:\n\t9.00 Velkomst"


def test_a_round_has_one_kick_off_and_one_of_each_workshop(world, session):
    add_event(world, EventKind.KICKOFF)
    add_event(world, EventKind.WORKSHOP, number=1)
    add_event(world, EventKind.WORKSHOP, number=2)
    with pytest.raises(EventProblems) as refused:
        add_event(world, EventKind.KICKOFF)
    assert "allerede" in refused.value.problems[""]
    with pytest.raises(EventProblems) as refused:
        add_event(world, EventKind.WORKSHOP, number=2)
    assert "workshop 2" in refused.value.problems["number"]
    assert _count(session) == 3
    # ... per round: round A has its own kick-off.
    add_event(world, EventKind.KICKOFF, cohort=world.round_a)


def test_a_meeting_needs_one_of_the_rounds_leader_meetings_once_per_group(world, session):
    group = {"group_id": world.g1.id}
    with pytest.raises(EventProblems) as refused:
        add_event(world, EventKind.LEADER_MEETING, actor="h", **group)
    assert "ledermøde" in refused.value.problems["module"]
    with pytest.raises(EventProblems) as refused:  # a module that is no leader meeting
        add_event(world, EventKind.LEADER_MEETING, actor="h", module_id=10**6, **group)
    assert "ledermøder" in refused.value.problems["module"]
    lg1 = world.meetings["lg-1"].id
    add_event(world, EventKind.LEADER_MEETING, actor="h", module_id=lg1, **group)
    with pytest.raises(EventProblems) as refused:
        add_event(world, EventKind.LEADER_MEETING, actor="ka", module_id=lg1, **group)
    assert "allerede" in refused.value.problems["module"]
    # Another group may meet about the same questions.
    add_event(world, EventKind.LEADER_MEETING, actor="ka", module_id=lg1, group_id=world.g2.id)
    assert _count(session) == 2


# --- Who may set what ------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["ad", "ka", "kb"])
def test_admins_and_the_rounds_coordinators_set_its_own_events(world, actor):
    event = add_event(world, EventKind.SERVICE_CHECK, actor=actor, end_day=dt.date(2026, 11, 20))
    assert event.ends_at == copenhagen(2026, 11, 20, 12)


@pytest.mark.parametrize("actor", ["a", "h", "f"])
def test_leaders_chairs_and_facilitators_do_not_set_the_rounds_events(world, session, actor):
    with pytest.raises(NotAllowed):
        add_event(world, EventKind.KICKOFF, actor=actor)
    assert _count(session) == 0


def test_a_coordinator_sets_nothing_in_a_round_her_organisation_is_not_in(world, session):
    with pytest.raises(NotAllowed):
        add_event(world, EventKind.KICKOFF, actor="kb", cohort=world.round_a)
    assert _count(session) == 0


@pytest.mark.parametrize(
    ("actor", "group", "allowed"),
    [
        ("h", "g1", True),  # the chair
        ("ka", "g1", True),  # the group's coordinator
        ("ad", "g3", True),
        ("kb", "g3", True),
        ("h", "g2", False),  # another group's
        ("kb", "g1", False),  # another organisation's group
        ("ka", "g3", False),
        ("f", "g1", False),  # a facilitator reads, does not set
        ("a", "g1", False),  # a member
    ],
)
def test_who_sets_a_groups_meeting(world, session, actor, group, allowed):
    values = {"group_id": getattr(world, group).id, "module_id": world.meetings["lg-1"].id}
    if allowed:
        add_event(world, EventKind.LEADER_MEETING, actor=actor, **values)
        assert _count(session) == 1
        return
    with pytest.raises((NotAllowed, EventProblems)):
        add_event(world, EventKind.LEADER_MEETING, actor=actor, **values)
    assert _count(session) == 0


def test_a_meeting_for_a_group_outside_the_round_is_refused_even_for_admins(world, session):
    """Group G3 (organisation B) has no place in round A."""
    with pytest.raises(EventProblems) as refused:
        add_event(world, EventKind.LEADER_MEETING, cohort=world.round_a, group_id=world.g3.id)
    assert "group" in refused.value.problems
    assert _count(session) == 0


def test_changing_an_event_raises_its_sequence_and_keeps_round_kind_and_group(world, session):
    g1_meeting = meeting(world, "g1", "h", "Ledermøde", "Mødelokale 1", 29)
    later = copenhagen(2026, 9, 20)
    changed = events.update_event(
        g1_meeting,
        event_input(
            title="Flyttet møde",
            day=dt.date(2026, 10, 8),
            group_id=world.g2.id,  # ignored: a meeting stays its group's
            module_id=world.meetings["lg-2"].id,
        ),
        actor=world.viewer("ka"),
        now=later,
    )
    assert (changed.title, changed.group_id, changed.kind) == (
        "Flyttet møde",
        world.g1.id,
        EventKind.LEADER_MEETING,
    )
    assert changed.module_id == world.meetings["lg-2"].id
    assert changed.starts_at == copenhagen(2026, 10, 8, 10)
    assert (changed.sequence, changed.updated_at, changed.updated_by_id) == (1, later, world.ka.id)


def test_a_refused_change_changes_nothing(world, session):
    event = add_event(world, EventKind.KICKOFF)
    session.commit()
    before = (event.title, event.starts_at, event.sequence)
    with pytest.raises(EventProblems):
        events.update_event(
            event, event_input(title="\x00"), actor=world.viewer("ad"), now=copenhagen(2026, 9, 2)
        )
    with pytest.raises(NotAllowed):
        events.update_event(
            event, event_input(title="Ny"), actor=world.viewer("h"), now=copenhagen(2026, 9, 2)
        )
    session.rollback()
    session.expire_all()
    assert (event.title, event.starts_at, event.sequence) == before


def test_deleting_needs_the_right_to_set(world, session):
    g1_meeting = meeting(world, "g1", "h", "Ledermøde", "Mødelokale 1", 29)
    for actor in ("kb", "a", "f"):
        with pytest.raises(NotAllowed):
            events.delete_event(g1_meeting, actor=world.viewer(actor))
    events.delete_event(g1_meeting, actor=world.viewer("h"))
    assert _count(session) == 0


def test_upcoming_events_for_a_leader_are_her_rounds_and_her_groups(world, plan, clock):
    upcoming = upcoming_for_leader([world.round.id], world.g1.id, clock.now)
    assert [event.title for event in upcoming[world.round.id]] == [
        "Kick off",
        "Ledermøde i Ahorn",
        "Workshop 1 i Glostrup",
    ]
    clock.now = copenhagen(2026, 10, 7)  # the kick-off and G1's meeting are over
    upcoming = upcoming_for_leader([world.round.id], world.g1.id, clock.now)
    assert [event.title for event in upcoming[world.round.id]] == ["Workshop 1 i Glostrup"]
    assert upcoming_for_leader([], world.g1.id, clock.now) == {}
    without_group = upcoming_for_leader([world.round.id], None, clock.now)
    assert [event.title for event in without_group[world.round.id]] == ["Workshop 1 i Glostrup"]


@pytest.mark.parametrize("group", [True, False], ids=["with a group", "without"])
def test_upcoming_events_are_searched_by_round_and_group(world, session, clock, group):
    """A round has a meeting per group and question set (2,000 at L): "Mit forløb" must search the
    round's own events and the leader's group's meetings, never read the other groups' meetings."""
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan; PostgreSQL plans from its statistics")
    session.flush()  # the world's rows, so the one statement sent below is the search
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:  # not SAVEPOINT
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        upcoming_for_leader([world.round.id], world.g1.id if group else None, clock.now)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    [(statement, parameters)] = [sent for sent in sent if sent[0].startswith("SELECT")]
    plan = [
        row[-1]
        for row in session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters
        )
    ]
    searches = [line for line in plan if line.startswith("SEARCH events")]
    assert searches and all(
        "ix_events_cohort_id_group_id_starts_at (cohort_id=? AND group_id=?)" in line
        or "INTEGER PRIMARY KEY" in line
        for line in searches
    ), plan
