"""A workshop's table plan in the database (issue 13): proposals from who said "kommer", moves by
hand with the optimistic lock, publishing with its e-mails, the leader's view of her table, workshop
2's memory of workshop 1, and the run sheet's notes (never an answer)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from course_app.cohorts.models import Enrolment
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.courses.models import Block, Module
from course_app.notifications import services as notifications
from course_app.notifications.models import OutboxMessage
from course_app.reflections.models import (
    AnswerStatus,
    MeetingNote,
    ReflectionAnswer,
    Visibility,
)
from course_app.workshops import publishing, roster, run_sheet, tables
from course_app.workshops.model import GroupPolicy, HardRule
from course_app.workshops.models import WorkshopSettings
from course_app.workshops.tables import PlanChanged, SettingsInput
from tests.helpers import sign_in
from tests.workshops.conftest import JointWorld, copenhagen, sign_up

NOW = copenhagen(2026, 10, 1)
SETTINGS = SettingsInput(
    min_size=4, max_size=6, max_tables=None, group_policy=GroupPolicy.SPREAD, seed=7
)


def version_of(event) -> int:
    return tables.settings_of(event).version


def plan(world: JointWorld, event=None, settings: SettingsInput = SETTINGS, actor: str = "f"):
    event = event or world.ws1
    return tables.make_plan(
        event, settings, seen_version=version_of(event), actor=world.viewer(actor), now=NOW
    )


def seating(event) -> dict[int, int]:
    db.session.expire_all()
    return {seat.user_id: seat.table_number for seat in tables.seats_of(event)}


def tables_of(event) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for user_id, number in seating(event).items():
        found.setdefault(number, []).append(user_id)
    return found


def move(world: JointWorld, user_id: int, table: int, event=None, version: int | None = None):
    event = event or world.ws1
    return tables.move(
        event,
        user_id,
        table,
        seen_version=version_of(event) if version is None else version,
        actor=world.viewer("f"),
        now=NOW,
    )


def publish(world: JointWorld, despite: bool = True, event=None):
    event = event or world.ws1
    return publishing.publish(
        event,
        seen_version=version_of(event),
        despite_violations=despite,
        actor=world.viewer("f"),
        now=NOW,
    )


def seat_mails(session) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == publishing.KIND)
            .order_by(OutboxMessage.id)
        )
    )


@pytest.fixture
def everyone_coming(joint_world: JointWorld) -> JointWorld:
    sign_up(joint_world.ws1, joint_world.leaders)
    return joint_world


# --- Proposals ----------------------------------------------------------------------------------


def test_a_plan_for_the_world_keeps_every_hard_rule(everyone_coming, session):
    world = everyone_coming
    result = plan(world)
    assert result.plan is not None and result.refusal is None
    organisation_of = {leader.id: leader.organisation_id for leader in world.leaders}
    found = tables_of(world.ws1)
    assert sorted(found) == list(range(1, len(found) + 1))  # numbered 1…n
    assert sorted(user_id for members in found.values() for user_id in members) == sorted(
        leader.id for leader in world.leaders
    )
    for members in found.values():
        assert 4 <= len(members) <= 6
        counts = Counter(organisation_of[user_id] for user_id in members)
        assert counts[world.albertslund.id] >= 2 and counts[world.glostrup.id] >= 2
    settings = tables.settings_of(world.ws1)
    request = tables.plan_request(world.ws1, settings, roster.coming(world.ws1))
    evaluation = tables.evaluate(request, tables.seats_of(world.ws1))
    assert evaluation.violations == ()
    assert evaluation.scores.area_matched > 0
    assert settings.version == 1 and settings.planned_at is not None and settings.seed == 7
    # Every table says which corresponding areas meet there.
    explained = tables.explained_tables(request, tables.seats_of(world.ws1))
    assert sorted(explained) == sorted(found)
    assert any("↔" in meeting for table in explained.values() for meeting in table.meetings)


def test_the_same_seed_gives_the_same_seats(everyone_coming, session):
    world = everyone_coming
    plan(world)
    first = seating(world.ws1)
    plan(world)
    assert seating(world.ws1) == first
    assert version_of(world.ws1) == 2


def test_nobody_coming_is_refused_and_only_the_settings_change(joint_world, session):
    sign_up(joint_world.ws1, joint_world.leaders, coming=False)
    changed = SettingsInput(5, 6, 3, GroupPolicy.TOGETHER, 11)
    result = plan(joint_world, settings=changed)
    assert result.plan is None and result.refusal.rule == HardRule.ATTENDEES
    assert seating(joint_world.ws1) == {}
    settings = session.scalar(
        select(WorkshopSettings).where(WorkshopSettings.event_id == joint_world.ws1.id)
    )
    assert (settings.min_size, settings.max_tables, settings.group_policy, settings.seed) == (
        5,
        3,
        GroupPolicy.TOGETHER,
        11,
    )
    assert settings.planned_at is None


def test_one_organisation_only_is_refused(joint_world, session):
    sign_up(joint_world.ws1, joint_world.albertslund_leaders)
    result = plan(joint_world)
    assert result.plan is None and result.refusal.rule == HardRule.ORGANISATIONS
    assert "Albertslund" in str(result.refusal.message)
    assert seating(joint_world.ws1) == {}


def test_too_few_for_the_tables_is_refused_and_the_plan_before_stays(everyone_coming, session):
    world = everyone_coming
    plan(world)
    before = seating(world.ws1)
    # 20 attendees cannot sit at two tables of at most six.
    result = plan(world, settings=SettingsInput(4, 6, 2, GroupPolicy.SPREAD, 7))
    assert result.plan is None and result.refusal.rule == HardRule.TABLE_SIZES
    assert seating(world.ws1) == before
    assert tables.settings_of(world.ws1).max_tables == 2
    # Nor can 20 sit at tables of exactly seven.
    result = plan(world, settings=SettingsInput(7, 7, None, GroupPolicy.SPREAD, 7))
    assert result.plan is None and result.refusal.rule == HardRule.TABLE_SIZES
    assert seating(world.ws1) == before


def test_planning_again_keeps_what_was_published(everyone_coming, session):
    world = everyone_coming
    plan(world)
    publish(world)
    published = seating(world.ws1)
    plan(world, settings=SettingsInput(4, 6, None, GroupPolicy.SPREAD, 12345))
    db.session.expire_all()
    seats = tables.seats_of(world.ws1)
    assert {seat.user_id: seat.published_table for seat in seats} == published
    # Leaders still see the published tables.
    leader = world.glostrup_leaders[0]
    assert publishing.my_table(world.ws1, leader.id).number == published[leader.id]


# --- Moves ------------------------------------------------------------------------------------


def test_moving_to_an_existing_table(everyone_coming, session):
    world = everyone_coming
    plan(world)
    before = tables_of(world.ws1)
    person = before[1][0]
    moved = move(world, person, 2)
    assert (moved.before, moved.after) == (1, 2)
    after = seating(world.ws1)
    assert after[person] == 2
    assert {u: t for u, t in after.items() if u != person} == {
        u: t for u, t in seating_from(before).items() if u != person
    }
    assert version_of(world.ws1) == 2


def seating_from(found: dict[int, list[int]]) -> dict[int, int]:
    return {user_id: number for number, members in found.items() for user_id in members}


def test_moving_to_a_new_table(everyone_coming, session):
    world = everyone_coming
    plan(world)
    count = len(tables_of(world.ws1))
    person = tables_of(world.ws1)[1][0]
    moved = move(world, person, count + 1)
    assert moved.after == count + 1
    assert tables_of(world.ws1)[count + 1] == [person]


def test_emptying_a_table_closes_the_gap(everyone_coming, session):
    world = everyone_coming
    plan(world)
    before = tables_of(world.ws1)
    count = len(before)
    assert count >= 3
    first_table = before[1]
    for person in first_table[:-1]:
        move(world, person, 2)
    last = first_table[-1]
    moved = move(world, last, 3)  # table 1 empties: 2 becomes 1, 3 becomes 2 …
    assert (moved.before, moved.after) == (1, 2)
    after = tables_of(world.ws1)
    assert sorted(after) == list(range(1, count))
    assert sorted(after[1]) == sorted([*before[2], *first_table[:-1]])
    assert sorted(after[2]) == sorted([*before[3], last])
    for number in range(4, count + 1):
        assert sorted(after[number - 1]) == sorted(before[number])


def test_a_person_who_is_not_coming_cannot_be_seated(everyone_coming, session):
    world = everyone_coming
    plan(world)
    before = seating(world.ws1)
    version = version_of(world.ws1)
    outsider = world.people["bl"]  # another round's leader
    not_answered_round = world.people["ka"]
    for person in (outsider, not_answered_round):
        with pytest.raises(ServiceError, match="ikke tilmeldt workshoppen"):
            move(world, person.id, 1)
    assert seating(world.ws1) == before and version_of(world.ws1) == version


@pytest.mark.parametrize("table", [0, -1, "new+1", 10_000])
def test_a_table_out_of_range_is_refused(everyone_coming, session, table):
    world = everyone_coming
    plan(world)
    before = seating(world.ws1)
    version = version_of(world.ws1)
    if table == "new+1":
        table = len(tables_of(world.ws1)) + 2
    with pytest.raises(ServiceError, match="Skriv et bordnummer fra 1 til"):
        move(world, next(iter(before)), table)
    assert seating(world.ws1) == before and version_of(world.ws1) == version


def test_a_stale_version_changes_nothing(everyone_coming, session):
    world = everyone_coming
    plan(world)
    shown = version_of(world.ws1)  # two moves sent from the same page view
    found = tables_of(world.ws1)
    first, second = found[1][0], found[1][1]
    move(world, first, 2, version=shown)
    after_first = seating(world.ws1)
    with pytest.raises(PlanChanged, match="Bordplanen er blevet ændret"):
        move(world, second, 3, version=shown)
    assert seating(world.ws1) == after_first
    assert version_of(world.ws1) == shown + 1
    with pytest.raises(PlanChanged):
        tables.claim_version(world.ws1, shown, world.viewer("f"), NOW)
    with pytest.raises(PlanChanged):  # no settings row yet: only version 0 is current
        tables.claim_version(world.ws2, 3, world.viewer("f"), NOW)
    assert version_of(world.ws2) == 0
    assert tables.claim_version(world.ws2, 0, world.viewer("f"), NOW).version == 1
    with pytest.raises(PlanChanged):  # the first change, sent twice from the same page
        tables.claim_version(world.ws2, 0, world.viewer("f"), NOW)
    assert version_of(world.ws2) == 1


# --- Publishing ---------------------------------------------------------------------------------


def test_publishing_without_seats_is_refused(everyone_coming, session):
    with pytest.raises(ServiceError, match="ingen bordplan at offentliggøre"):
        publish(everyone_coming)
    assert tables.settings_of(everyone_coming.ws1).published_at is None


def test_publishing_a_plan_that_breaks_rules_needs_a_confirmation(everyone_coming, session):
    world = everyone_coming
    plan(world)
    loner = tables_of(world.ws1)[1][0]
    move(world, loner, len(tables_of(world.ws1)) + 1)  # a table of one breaks size and mix
    version = version_of(world.ws1)
    with pytest.raises(ServiceError, match="Offentliggør alligevel"):
        publish(world, despite=False)
    assert tables.settings_of(world.ws1).published_at is None
    assert version_of(world.ws1) == version
    assert publishing.my_table(world.ws1, loner) is None
    published = publish(world, despite=True)
    assert published.violations >= 2 and published.notified == 0
    assert publishing.my_table(world.ws1, loner).mates == []


def test_republishing_tells_exactly_the_moved_people(everyone_coming, session, mail_to_mailbox):
    world = everyone_coming
    plan(world)
    first = publish(world, despite=False)
    assert first.notified == 0 and first.violations == 0
    assert seat_mails(session) == []  # the first publication e-mails nobody
    found = tables_of(world.ws1)
    mover = found[1][0]
    move(world, mover, 2)
    assert publishing.my_table(world.ws1, mover).number == 1  # not published yet
    again = publish(world)
    assert again.notified == 1
    mails = seat_mails(session)
    assert [(mail.user_id, mail.recipient) for mail in mails] == [
        (mover, next(x.email for x in world.leaders if x.id == mover))
    ]
    assert (
        mails[0].idempotency_key == f"workshop_seat:{world.ws1.id}:{mover}:{version_of(world.ws1)}"
    )
    assert publishing.my_table(world.ws1, mover).number == 2
    # Over a real SMTP server: the e-mail names the new table.
    report = notifications.deliver_outbox(now=NOW)
    assert report.sent == 1
    (received,) = mail_to_mailbox.messages()
    assert received.recipients == [mails[0].recipient]
    assert "Du sidder nu ved bord 2" in received.body
    assert "Workshop 1" in received.message["Subject"]
    assert f"http://forloeb.test/workshops/{world.ws1.id}" in received.body
    # Publishing again without changes e-mails nobody.
    assert publish(world).notified == 0
    assert len(seat_mails(session)) == 1


def test_a_late_seat_and_a_closed_gap_are_told_when_published_again(joint_world, session):
    world = joint_world
    late = world.glostrup_leaders[-1]
    sign_up(world.ws1, [leader for leader in world.leaders if leader.id != late.id])
    plan(world)
    publish(world)
    sign_up(world.ws1, [late])
    move(world, late.id, 1)  # she gets a seat after the publication
    again = publish(world)
    assert again.notified == 1
    assert [mail.user_id for mail in seat_mails(session)] == [late.id]
    # Emptying table 1 into table 2 closes the gap: table 1's people end up at (the new) table 1
    # again and hear nothing; everyone else sits a number lower and hears it.
    found = tables_of(world.ws1)
    for person in found[1]:
        move(world, person, 2)
    renumbered = [user_id for number in range(2, len(found) + 1) for user_id in found[number]]
    assert all(seating(world.ws1)[user_id] == 1 for user_id in found[1])
    third = publish(world)
    assert third.notified == len(renumbered)
    told = [mail.user_id for mail in seat_mails(session)][1:]
    assert sorted(told) == sorted(renumbered)
    assert len(set(told)) == len(told)  # one e-mail per person and publication


def test_my_table_is_the_published_one_with_its_mates_only(everyone_coming, session):
    world = everyone_coming
    leader = world.glostrup_leaders[0]
    plan(world)
    assert publishing.my_table(world.ws1, leader.id) is None  # a draft is nobody's business
    publish(world)
    found = tables_of(world.ws1)
    number = seating(world.ws1)[leader.id]
    mine = publishing.my_table(world.ws1, leader.id)
    assert mine.number == number
    assert sorted(mate.user_id for mate in mine.mates) == sorted(
        user_id for user_id in found[number] if user_id != leader.id
    )
    mate = mine.mates[0]
    assert mate.organisation in ("Albertslund", "Glostrup") and mate.name
    # A move that is not published yet changes nothing she sees.
    newcomer = next(user_id for user_id in found[number % len(found) + 1])
    move(world, newcomer, number)
    assert newcomer not in {m.user_id for m in publishing.my_table(world.ws1, leader.id).mates}
    assert publishing.my_table(world.ws1, world.people["bl"].id) is None


# --- Workshop 2 and the run sheet ---------------------------------------------------------------


def test_workshop_two_remembers_who_sat_together_at_workshop_one(everyone_coming, session):
    world = everyone_coming
    assert tables.previous_pairs(world.ws1) == frozenset()
    assert tables.previous_pairs(world.ws2) == frozenset()
    plan(world)
    expected = {
        (a, b)
        for members in tables_of(world.ws1).values()
        for a in members
        for b in members
        if a < b
    }
    assert tables.previous_pairs(world.ws2) == expected
    assert tables.previous_pairs(world.ws1) == frozenset()
    sign_up(world.ws2, world.leaders)
    result = plan(world, event=world.ws2)
    assert result.plan.scores.previous_pairs == len(expected)
    assert result.plan.scores.repeated_pairs < len(expected)


def test_the_run_sheet_has_the_groups_notes_and_never_an_answer(joint_world, session, app, client):
    world = joint_world
    nord = world.albertslund_leaders[:5]
    sign_up(world.ws1, [*nord, *world.glostrup_leaders[:5]])  # Nord and Vest come
    plan(world)
    meeting = session.scalar(
        select(Module).where(Module.course_id == world.course.id, Module.key == "lg-1")
    )
    question = session.scalar(
        select(Block).where(Block.course_id == world.course.id, Block.key == "lg-1-q1")
    )
    for group, text in (
        ("Nord", "NOTE-NORD: vi tager borgerrejsen med"),
        ("Syd", "NOTE-SYD: ingen fra Syd kommer"),
        ("Vest", "NOTE-VEST: vi vil høre om vagtplaner"),
    ):
        session.add(
            MeetingNote(
                group_id=world.groups[group].id,
                cohort_id=world.round.id,
                module_id=meeting.id,
                text=text,
                author_id=world.leaders[0].id,
            )
        )
    enrolment = session.scalar(
        select(Enrolment).where(
            Enrolment.user_id == nord[0].id, Enrolment.cohort_id == world.round.id
        )
    )
    session.add(
        ReflectionAnswer(
            enrolment_id=enrolment.id,
            block_id=question.id,
            text="SVAR-MARKØR: min egen refleksion, delt med gruppen",
            status=AnswerStatus.SUBMITTED,
            visibility=Visibility.GROUP,
            shared_group_id=world.groups["Nord"].id,
            submitted_at=NOW,
        )
    )
    session.commit()
    sheet = run_sheet.build(world.ws1)
    sheet_notes = [note.text for note in sheet.notes]
    assert sorted(sheet_notes) == sorted(
        ["NOTE-NORD: vi tager borgerrejsen med", "NOTE-VEST: vi vil høre om vagtplaner"]
    )
    assert sign_in(client, world.people["f"].email).status_code == 302
    response = client.get(f"/workshops/{world.ws1.id}/koereplan")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "NOTE-NORD" in html and "NOTE-VEST" in html
    assert "NOTE-SYD" not in html
    assert "<td>Ledergruppe Nord</td>" in html and "<td>Ledergruppe Vest</td>" in html
    assert "SVAR-MARKØR" not in html
    for leader in [*nord, *world.glostrup_leaders[:5]]:
        assert leader.name in html


def test_the_seat_e_mail_is_in_her_language(everyone_coming, session, mail_to_mailbox):
    world = everyone_coming
    plan(world)
    publish(world)
    mover = tables_of(world.ws1)[1][0]
    next(leader for leader in world.leaders if leader.id == mover).locale = "en"
    move(world, mover, 2)
    publish(world)
    assert notifications.deliver_outbox(now=NOW).sent == 1
    (received,) = mail_to_mailbox.messages()
    assert received.message["Subject"] == "New seat for Workshop 1"
    assert "You now sit at table 2." in received.body
    assert "You now sit at table 2." in received.html


def test_a_closed_round_takes_no_changes(everyone_coming, session):
    world = everyone_coming
    plan(world)
    before = seating(world.ws1)
    version = version_of(world.ws1)
    world.round.closed_at = NOW
    session.flush()
    with pytest.raises(ServiceError):
        move(world, next(iter(before)), 2)
    with pytest.raises(ServiceError):
        plan(world)
    with pytest.raises(ServiceError):
        publish(world)
    assert seating(world.ws1) == before and version_of(world.ws1) == version
    assert tables.settings_of(world.ws1).published_at is None
