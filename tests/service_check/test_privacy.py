"""The leader's questions in her data export and gone when she is erased; never in the supporter's."""

from __future__ import annotations

import json

from course_app.core.db import db
from course_app.privacy import archive, erasure, export
from course_app.service_check import booking, overview
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot
from tests.service_check.conftest import NOTE, QUESTION, copenhagen

NOW = copenhagen(2026, 9, 1)


def _sections(user) -> dict[str, list]:
    return {section.key: section.rows for section in export.personal_data(user)}


def test_the_leader_exports_her_questions_and_the_note_the_supporter_does_not(world):
    slot = world.slot("sa")
    made = booking.book(world.viewer("la"), slot, QUESTION, now=NOW)
    overview.save_outcome(made, NOTE, True, now=copenhagen(2026, 9, 10, 11))
    (row,) = _sections(world.la)["service_check"]
    assert row["questions"] == QUESTION and row["outcome_note"] == NOTE
    assert row["supporter"] == "Sofie Support"
    supporter = _sections(world.sa)
    assert supporter["service_check"] == []
    (offered,) = supporter["service_check_slots"]
    assert offered["booked"] is True
    data = archive.export_zip(world.sa, NOW)
    assert QUESTION.encode() not in data and NOTE.encode() not in data
    assert json.dumps(supporter, default=str).find(QUESTION) == -1


def test_erasing_the_leader_deletes_her_bookings_and_questions(world):
    slot = world.slot("sa")
    booking.book(world.viewer("la"), slot, QUESTION, now=NOW)
    erasure.anonymise_person(world.la, actor_id=world.ad.id, now=NOW, reason="test")
    assert db.session.query(ServiceCheckBooking).count() == 0
    assert db.session.get(ServiceCheckSlot, slot.id) is not None  # free again
    erasure.anonymise_person(world.sa, actor_id=world.ad.id, now=NOW, reason="test")
    assert db.session.get(ServiceCheckSlot, slot.id).supporter_id == world.sa.id
