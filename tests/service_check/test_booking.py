"""The booking rules as services: who sees which slots, the deadline, past, full and cancelled
slots, one booking per leader and round, and the unique constraints behind them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from course_app.core.db import db
from course_app.core.errors import NotAllowed, NotFound, ServiceError
from course_app.organisations import services as directory
from course_app.organisations.models import Role, RoleAssignment
from course_app.service_check import access, booking, counts, overview, slots
from course_app.service_check.models import ServiceCheckBooking
from tests.service_check.conftest import NOTE, QUESTION, copenhagen

NOW = copenhagen(2026, 9, 1)


def test_a_leader_books_a_slot_with_her_questions(world):
    slot = world.slot()
    made = booking.book(world.viewer("la"), slot, f"  {QUESTION}\r\n", now=NOW)
    assert made.questions == QUESTION and made.cohort_id == world.round.id
    assert made.user_id == world.la.id
    rounds = overview.leader_rounds(world.viewer("la"), NOW)
    assert [line.booking for line in rounds] == [made]
    # The slot is gone from everyone else's free list.
    (other,) = overview.leader_rounds(world.viewer("la2"), NOW)
    assert other.free == []


def test_leaders_see_only_slots_of_supporters_serving_their_organisation(world):
    own = world.slot("sa")
    platform = world.slot("sp", copenhagen(2026, 9, 11, 10))
    assert _every_free_slot(world.viewer("la")) == [own, platform]
    assert _every_free_slot(world.viewer("lb")) == [platform]
    with pytest.raises(NotFound):
        access.slot_for_leader(world.viewer("lb"), own.id)  # another organisation's slot
    with pytest.raises(NotFound):
        access.slot_for_leader(world.viewer("ka"), own.id)  # not enrolled
    with pytest.raises(NotFound):
        access.slot_for_leader(world.viewer("la"), 2**40)


def _every_free_slot(viewer) -> list:
    """Her free slots of every day (the page lists one day at a time)."""
    (line,) = [line for line in overview.leader_rounds(viewer, NOW) if line.free_days]
    return [
        slot
        for free_day in line.free_days
        for other in overview.leader_rounds(viewer, NOW, free_day.day)
        if other.cohort.id == line.cohort.id
        for slot in other.free
    ]


def test_free_slots_come_a_day_at_a_time(world):
    """A round of a large municipality offers hundreds of times: the page lists the days with free
    times (Copenhagen days, counted), and the times of one day: the chosen, else the first."""
    first = world.slot("sa", copenhagen(2026, 9, 10, 9))
    second = world.slot("sa", copenhagen(2026, 9, 10, 11))
    late_evening = world.slot("sa", copenhagen(2026, 9, 11, 23, 30))  # 21:30 UTC: still the 11th
    (line,) = overview.leader_rounds(world.viewer("la"), NOW)
    assert [(free_day.day, free_day.count) for free_day in line.free_days] == [
        (dt.date(2026, 9, 10), 2),
        (dt.date(2026, 9, 11), 1),
    ]
    assert line.day == dt.date(2026, 9, 10) and line.free == [first, second]
    (line,) = overview.leader_rounds(world.viewer("la"), NOW, dt.date(2026, 9, 11))
    assert line.day == dt.date(2026, 9, 11) and line.free == [late_evening]
    # A day without free times (or before them all) shows the first day that has some.
    (line,) = overview.leader_rounds(world.viewer("la"), NOW, dt.date(2026, 9, 12))
    assert line.day == dt.date(2026, 9, 10) and line.free == [first, second]
    # A booked slot leaves the count.
    booking.book(world.viewer("la2"), second, "", now=NOW)
    (line,) = overview.leader_rounds(world.viewer("la"), NOW)
    assert line.free_days[0].count == 1 and line.free == [first]


def test_one_booking_per_leader_and_round(world):
    first, second = world.slot(), world.slot(at=copenhagen(2026, 9, 10, 11))
    booking.book(world.viewer("la"), first, "", now=NOW)
    with pytest.raises(booking.BookingRefused, match="allerede booket en tid"):
        booking.book(world.viewer("la"), second, "", now=NOW)


def test_a_full_slot_is_refused_with_a_clear_message(world):
    slot = world.slot()
    booking.book(world.viewer("la"), slot, "", now=NOW)
    with pytest.raises(booking.BookingRefused, match="lige blevet booket af en anden") as refused:
        booking.book(world.viewer("la2"), slot, "", now=NOW)
    assert refused.value.conflict


def test_past_cancelled_and_too_late_slots_are_refused(world):
    past = world.slot(at=copenhagen(2026, 9, 2, 10))
    soon = world.slot(at=copenhagen(2026, 9, 2, 8))
    cancelled = world.slot(at=copenhagen(2026, 9, 20, 10))
    slots.cancel_slot(cancelled, now=NOW)
    later = copenhagen(2026, 9, 2, 12)
    with pytest.raises(booking.BookingRefused, match="Tiden er forbi"):
        booking.book(world.viewer("la"), past, "", now=later)
    with pytest.raises(booking.BookingRefused, match="mindre end 24 timer"):
        booking.book(world.viewer("la"), soon, "", now=copenhagen(2026, 9, 1, 9))
    with pytest.raises(booking.BookingRefused, match="aflyst"):
        booking.book(world.viewer("la"), cancelled, "", now=NOW)


def test_change_and_cancel_close_at_the_deadline(world, app):
    first, second = world.slot(), world.slot(at=copenhagen(2026, 9, 12, 10))
    made = booking.book(world.viewer("la"), first, QUESTION, now=NOW)
    moved = booking.change(made, second, now=NOW)
    assert moved.slot_id == second.id and moved.sequence == 1 and moved.questions == QUESTION
    day_before = copenhagen(2026, 9, 11, 11)
    with pytest.raises(booking.BookingRefused, match="Du kan ikke længere ændre tiden"):
        booking.cancel(made, now=day_before)
    with pytest.raises(booking.BookingRefused, match="Du kan ikke længere ændre tiden"):
        booking.change(made, first, now=day_before)
    # Her questions may still be rewritten until the time starts.
    booking.update_questions(made, "Nyt spørgsmål", now=day_before)
    with app.test_request_context():
        app.config["SERVICE_CHECK_CHANGE_HOURS"] = 2
        try:
            assert booking.cancel(made, now=day_before) == second
        finally:
            app.config["SERVICE_CHECK_CHANGE_HOURS"] = 24
    assert db.session.get(ServiceCheckBooking, made.id) is None


def test_questions_are_bounded(world):
    slot = world.slot()
    with pytest.raises(booking.BookingRefused, match="højst være 5000 tegn") as refused:
        booking.book(world.viewer("la"), slot, "x" * 5001, now=NOW)
    assert refused.value.field == "questions"


def test_the_database_refuses_two_bookings_of_one_slot(world):
    """Not a check in Python alone: the unique constraints hold whatever the code does."""
    slot = world.slot()
    other = world.slot(at=copenhagen(2026, 9, 10, 11))
    db.session.add(
        ServiceCheckBooking(slot_id=slot.id, cohort_id=slot.cohort_id, user_id=world.la.id)
    )
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            ServiceCheckBooking(slot_id=slot.id, cohort_id=slot.cohort_id, user_id=world.la2.id)
        )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            ServiceCheckBooking(slot_id=other.id, cohort_id=slot.cohort_id, user_id=world.la.id)
        )


def test_slot_input_is_checked(world):
    def create(**values):
        data = {
            "day": dt.date(2026, 9, 10),
            "start": dt.time(10),
            "length_minutes": 30,
            "place": "Rådhuset",
            **values,
        }
        return slots.create_slot(world.viewer("sa"), world.round, slots.SlotInput(**data), now=NOW)

    with pytest.raises(slots.SlotProblems) as refused:
        create(length_minutes=5, place="", online_link="http://meet.example.dk")
    assert set(refused.value.problems) == {"length_minutes", "online_link"}
    with pytest.raises(slots.SlotProblems) as refused:
        create(day=dt.date(2026, 8, 1))
    assert "forbi" in refused.value.problems["day"]
    with pytest.raises(slots.SlotProblems) as refused:
        create(place="", online_link="")
    assert "place" in refused.value.problems
    with pytest.raises(slots.SlotProblems) as refused:
        create(day=dt.date(2027, 3, 28), start=dt.time(2, 30))  # the hour summer time skips
    assert "start" in refused.value.problems
    made = create(place="", online_link="https://meet.example.dk/abc")
    assert made.online_link == "https://meet.example.dk/abc"
    with pytest.raises(slots.SlotProblems, match="overlapper"):
        create(start=dt.time(10, 15))


def test_supporters_reach_only_their_rounds_and_slots(world):
    slot = world.slot("sa")
    with pytest.raises(NotFound):
        access.round_for_supporter(world.viewer("sa"), world.round_b.id)  # B only: not hers
    assert access.round_for_supporter(world.viewer("sp"), world.round_b.id) == world.round_b
    with pytest.raises(NotFound):
        access.own_slot(world.viewer("sp"), slot.id)
    with pytest.raises(NotAllowed):
        access.own_slot(world.viewer("la"), slot.id)
    assert world.viewer("sa").supports(world.org_a.id)
    assert not world.viewer("sa").supports(world.org_b.id)
    assert world.viewer("sp").supports(world.org_b.id) and world.viewer("sp").has_role


def test_counts_only_and_per_organisation(world):
    own, platform = world.slot("sa"), world.slot("sp", copenhagen(2026, 9, 11, 10))
    booking.book(world.viewer("la"), own, QUESTION, now=NOW)
    made = booking.book(world.viewer("lb"), platform, QUESTION, now=NOW)
    overview.save_outcome(made, NOTE, True, now=copenhagen(2026, 9, 11, 11))
    assert counts.round_counts(world.round.id, None) == counts.Counts(2, 2, 1)
    cohort, mine = access.counted_organisations(world.viewer("ka"), world.round.id)
    assert counts.round_counts(cohort.id, mine) == counts.Counts(2, 1, 0)
    cohort, mine = access.counted_organisations(world.viewer("kb"), world.round.id)
    assert counts.round_counts(cohort.id, mine) == counts.Counts(1, 1, 1)
    with pytest.raises(NotAllowed):
        access.counted_organisations(world.viewer("sa"), world.round.id)
    with pytest.raises(NotFound):
        access.counted_organisations(world.viewer("ka"), world.round_b.id)


def test_supporter_scope_is_organisation_or_platform_only(world):
    with pytest.raises(ServiceError):
        directory.assign_role(
            world.la, Role.SUPPORTER, group=directory.get_or_create_group(world.org_a, "X")
        )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(RoleAssignment(user_id=world.la.id, role=Role.SUPPORTER, course_id=1))
