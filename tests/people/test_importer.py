"""The import service: every bad row reported, all or nothing, idempotent, coordinators kept in their lane."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.accounts.models import Invitation, User
from course_app.accounts.services import find_user_by_email
from course_app.cohorts.models import Enrolment
from course_app.core.db import db, utcnow
from course_app.notifications.models import OutboxMessage
from course_app.organisations import services as directory
from course_app.organisations.access import viewer_for
from course_app.organisations.models import (
    Area,
    LeaderGroup,
    Organisation,
    Role,
)
from course_app.people.importer import RowStatus, import_people
from tests import factories
from tests.people.conftest import csv_text, table_counts


@pytest.fixture
def albertslund(session):
    """An organisation with a running cohort of a course, and one existing group with an area."""
    org = factories.organisation("Albertslund")
    cohort = factories.cohort(factories.course(), orgs=[org])
    area = directory.get_or_create_area(org, "Børn og unge")
    group = directory.get_or_create_group(org, "Ledergruppe 1", area=area)
    return org, cohort, group


def roles(user: User) -> set[tuple[Role, int | None]]:
    return {
        (assignment.role, assignment.organisation_id or assignment.group_id)
        for assignment in directory.roles_of(user)
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


ROWS = [
    ("Lene Leder", "lene@test.example", "Albertslund", "Børn og unge", "Ledergruppe 1", "leader"),
    ("Mads Mødeleder", "Mads@Test.Example", "albertslund", "børn og unge", "ledergruppe 1", "mødeleder"),
    ("Frida Facilitator", "frida@test.example", "Albertslund", "", "Ledergruppe 2", "facilitator"),
    ("Karin Koordinator", "karin@test.example", "Albertslund", "Ledelse", "", "Koordinator"),
    ("Gitte Glostrup", "gitte@test.example", "Glostrup", "Skole", "Ledergruppe Skole", ""),
]  # fmt: skip


def test_a_new_file_creates_people_places_roles_enrolments_and_invitations(albertslund, session):
    org, cohort, group = albertslund
    result = import_people(csv_text(ROWS).encode("utf-8-sig"))
    assert result.problems == []
    assert [row.status for row in result.rows] == [RowStatus.NEW] * 5
    assert (
        result.people_created,
        result.organisations_created,
        result.areas_created,
        result.groups_created,
        result.memberships,
        result.roles_added,
        result.enrolments,
        result.invitations,
    ) == (5, 1, 2, 2, 3, 3, 2, 5)

    lene = find_user_by_email("lene@test.example")
    mads = find_user_by_email("mads@test.example")
    frida = find_user_by_email("frida@test.example")
    karin = find_user_by_email("karin@test.example")
    gitte = find_user_by_email("gitte@test.example")
    assert lene.name == "Lene Leder" and lene.password_hash is None
    assert lene.organisation_id == org.id and lene.area_id == group.area_id
    assert directory.current_membership(lene).group_id == group.id
    assert directory.current_membership(mads).group_id == group.id
    assert roles(mads) == {(Role.CHAIR, group.id)}
    group_2 = session.scalar(select(LeaderGroup).where(LeaderGroup.name == "Ledergruppe 2"))
    assert group_2.organisation_id == org.id and group_2.area_id is None
    assert directory.current_membership(frida) is None
    assert roles(frida) == {(Role.FACILITATOR, group_2.id)}
    assert roles(karin) == {(Role.COORDINATOR, org.id)}
    assert directory.current_membership(karin) is None
    glostrup = session.scalar(select(Organisation).where(Organisation.name == "Glostrup"))
    assert gitte.organisation_id == glostrup.id
    skole_group = directory.current_membership(gitte).group
    skole_area = session.get(Area, skole_group.area_id)
    assert (skole_group.name, skole_area.name, skole_area.organisation_id) == (
        "Ledergruppe Skole",
        "Skole",
        glostrup.id,
    )
    enrolled = set(
        session.scalars(select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id))
    )
    assert enrolled == {lene.id, mads.id}  # leaders and chairs; Glostrup has no cohort
    outbox = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).all()
    assert sorted(message.recipient for message in outbox) == sorted(
        ["lene@test.example", "mads@test.example", "frida@test.example", "karin@test.example", "gitte@test.example"]
    )  # fmt: skip
    assert count(Invitation) == 5


def test_importing_the_same_file_again_changes_nothing_and_invites_nobody(albertslund, session):
    data = csv_text(ROWS)
    import_people(data)
    before = table_counts()
    again = import_people(data)
    assert again.problems == [] and not again.changed
    assert [row.status for row in again.rows] == [RowStatus.UNCHANGED] * 5
    assert all(row.actions == [] for row in again.rows)
    assert again.invitations == 0
    assert table_counts() == before
    assert again.summary() == ["Ingen ændringer: alle i filen er allerede importeret."]


def test_an_existing_person_is_kept_but_moved_given_the_role_and_enrolled(albertslund, session):
    org, _cohort, group = albertslund
    other_group = factories.group(org, "Ledergruppe 9")
    person = factories.user(email="eva@test.example", name="Eva Original", org=org)
    directory.move_to_group(person, other_group)
    outbox_before = count(OutboxMessage)
    result = import_people(
        csv_text(
            [("Eva Nyt Navn", "EVA@test.example", "Albertslund", "", "Ledergruppe 1", "chair")]
        )
    )
    assert result.problems == []
    (row,) = result.rows
    assert row.status == RowStatus.UPDATED
    assert row.name == "Eva Original"
    text = " ".join(row.actions)
    assert "ændres ikke" in text
    assert "Flyttes fra ledergruppen »Ledergruppe 9« til »Ledergruppe 1«" in text
    assert "mødeleder" in text and "Testhold" in text
    assert (result.people_created, result.memberships, result.roles_added, result.enrolments) == (
        0,
        1,
        1,
        1,
    )
    session.refresh(person)
    assert person.name == "Eva Original" and person.password_hash is not None
    assert directory.current_membership(person).group_id == group.id
    assert roles(person) == {(Role.CHAIR, group.id)}
    assert count(OutboxMessage) == outbox_before  # existing people are not invited


def test_dry_run_writes_nothing_and_predicts_the_real_run(albertslund, session):
    data = csv_text(ROWS)
    before = table_counts()
    dry = import_people(data, dry_run=True)
    assert dry.dry_run and dry.problems == []
    assert table_counts() == before
    real = import_people(data)
    after = table_counts()
    assert [(row.status, row.actions) for row in dry.rows] == [
        (row.status, row.actions) for row in real.rows
    ]
    assert after["users"] - before["users"] == dry.people_created
    assert after["organisations"] - before["organisations"] == dry.organisations_created
    assert after["areas"] - before["areas"] == dry.areas_created
    assert after["leader_groups"] - before["leader_groups"] == dry.groups_created
    assert after["group_memberships"] - before["group_memberships"] == dry.memberships
    assert after["role_assignments"] - before["role_assignments"] == dry.roles_added
    assert after["enrolments"] - before["enrolments"] == dry.enrolments
    assert after["invitations"] - before["invitations"] == dry.invitations
    assert after["outbox_messages"] - before["outbox_messages"] == dry.invitations


def _deactivated(session):
    org = session.scalar(select(Organisation).where(Organisation.name == "Albertslund"))
    person = factories.user(email="gone@test.example", org=org)
    person.deactivated_at = utcnow()


def _elsewhere(session):
    factories.user(email="other@test.example", org=factories.organisation("Ishøj"))


BAD_ROWS = [
    # (row, words the reason must contain, setup)
    (("", "a@test.example", "Albertslund", "", "G", "leader"), "Navn mangler", None),
    (("Ann", "", "Albertslund", "", "G", "leader"), "E-mailadresse mangler", None),
    (("Ann", "ann(at)test.example", "Albertslund", "", "G", "leader"), "Ugyldig e-mailadresse", None),
    (("Ann", "ann@test.example", "Albertslund", "", "G", "direktør"), "Ukendt rolle »direktør«", None),
    (("Ann", "ann@test.example", "", "", "G", "leader"), "Gruppen »G« står uden organisation", None),
    (("Ann", "ann@test.example", "", "Skole", "", "coordinator"), "Området »Skole« står uden organisation", None),
    (("Ann", "ann@test.example", "", "", "", "coordinator"), "Organisation mangler", None),
    (("Ann", "ann@test.example", "Albertslund", "", "", "leader"), "En leder skal have en ledergruppe", None),
    (("Ann", "ann@test.example", "Albertslund", "", "", "chair"), "En mødeleder skal have en ledergruppe", None),
    (("Ann", "ann@test.example", "Albertslund", "", "", "facilitator"), "En facilitator skal have", None),
    (("Ann", "ann@test.example", "Albertslund", "", "G", "coordinator"), "Lad kolonnen group være tom", None),
    (("A" * 201, "ann@test.example", "Albertslund", "", "G", ""), "Feltet name er for langt", None),
    (("Ann\nBo", "ann@test.example", "Albertslund", "", "G", ""), "linjeskift eller styretegn", None),
    (("Ann", "ann@test.example", "Albertslund\x00", "", "G", ""), "linjeskift eller styretegn", None),
    (("Ann", "ann@test.example", "Albertslund!", "", "G", ""), "ligner en anden organisation", None),
    (("Ann", "ann@test.example", "Albertslund", "Social", "Ledergruppe 1", ""), "hører til området »Børn og unge«", None),
    (("Ann", "other@test.example", "Albertslund", "", "G", ""), "findes allerede i en anden organisation", _elsewhere),
    (("Ann", "gone@test.example", "Albertslund", "", "G", ""), "deaktiveret", _deactivated),
]  # fmt: skip


@pytest.mark.parametrize(("bad", "reason", "setup"), BAD_ROWS, ids=[r[1] for r in BAD_ROWS])
def test_each_bad_row_is_reported_with_its_line_and_nothing_is_imported(
    albertslund, session, bad, reason, setup
):
    if setup:
        setup(session)
    good = ("Lene Leder", "lene@test.example", "Albertslund", "", "Ledergruppe 1", "leader")
    before = table_counts()
    result = import_people(csv_text([good, (*good[:1], "bo@test.example", *good[2:]), bad]))
    assert [problem.line for problem in result.problems] == [4], result.problems
    assert reason in result.problems[0].reason
    assert table_counts() == before


def test_a_repeated_email_is_reported_on_the_later_line_naming_the_first(albertslund, session):
    row = ("Lene", "lene@test.example", "Albertslund", "", "Ledergruppe 1", "leader")
    result = import_people(
        csv_text(
            [row, ("Anden", "x@test.example", *row[2:]), ("Lene 2", "LENE@test.example", *row[2:])]
        )
    )
    assert [(p.line, p.reason) for p in result.problems] == [
        (4, "E-mailadressen lene@test.example står også på linje 2.")
    ]


def test_a_new_group_named_with_two_areas_is_a_problem(session):
    rows = [
        ("A", "a@test.example", "Ny Kommune", "Skole", "G", ""),
        ("B", "b@test.example", "Ny Kommune", "Sundhed", "G", ""),
    ]
    result = import_people(csv_text(rows))
    assert [problem.line for problem in result.problems] == [3]
    assert "andet område" in result.problems[0].reason


def test_every_problem_in_the_file_is_reported_at_once(albertslund, session):
    rows = [
        ("", "bad", "Albertslund", "", "", "boss"),
        ("Ok", "ok@test.example", "Albertslund", "", "G", ""),
        ("Bo", "bo@test.example", "", "", "G", ""),
    ]
    result = import_people(csv_text(rows) + "kun;tre;felter\r\n")
    lines = [problem.line for problem in result.problems]
    assert lines == sorted(lines)
    assert set(lines) == {2, 4, 5}
    assert lines.count(2) == 3  # name, e-mail and role on one line


def test_role_names_in_danish_and_english_any_case(albertslund, session):
    rows = [
        (f"P{index}", f"p{index}@test.example", "Albertslund", "", "" if role.lower().startswith(("coord", "koord")) else "Ledergruppe 1", role)
        for index, role in enumerate(["LEDER", "Leader", "MødeLeder", "moedeleder", "Chair", "Facilitator", "KOORDINATOR", "coordinator", ""])
    ]  # fmt: skip
    result = import_people(csv_text(rows))
    assert result.problems == []
    assert result.roles_added == 6 and result.memberships == 6


def test_formulas_are_imported_as_plain_text(session):
    name = '=HYPERLINK("http://ond.example";"klik")'
    result = import_people(csv_text([(name, "f@test.example", "+Org", "@Område", "-Gruppe", "")]))
    assert result.problems == []
    person = find_user_by_email("f@test.example")
    assert person.name == name
    assert session.get(Organisation, person.organisation_id).name == "+Org"
    assert directory.current_membership(person).group.name == "-Gruppe"


def test_platform_staff_without_an_organisation_can_be_made_facilitator_by_the_operator(
    albertslund, session
):
    staff = factories.user(email="staff@test.example")
    row = ("Staff", "staff@test.example", "Albertslund", "", "Ledergruppe 1", "facilitator")
    result = import_people(csv_text([row]))
    assert result.problems == [] and result.roles_added == 1
    assert staff.organisation_id is None


# --- coordinators -----------------------------------------------------------------------------------


def test_a_coordinator_imports_only_into_their_own_organisation(albertslund, session):
    org, _, _ = albertslund
    factories.organisation("Glostrup")
    coordinator = factories.user(email="koord@test.example", org=org)
    directory.assign_role(coordinator, Role.COORDINATOR, organisation=org)
    staff = factories.user(email="staff@test.example")
    viewer = viewer_for(coordinator)
    rows = [
        ("Egen", "egen@test.example", "Albertslund", "", "Ledergruppe 1", ""),
        ("Anden", "anden@test.example", "Glostrup", "", "G", ""),
        ("Ny", "ny@test.example", "Helt Ny Kommune", "", "G", ""),
        ("Staff", staff.email, "Albertslund", "", "Ledergruppe 1", "facilitator"),
    ]
    before = table_counts()
    result = import_people(csv_text(rows), actor=viewer)
    assert [problem.line for problem in result.problems] == [3, 4, 5]
    assert "din egen organisation (Albertslund)" in result.problems[0].reason
    assert table_counts() == before

    allowed = import_people(csv_text(rows[:1]), actor=viewer)
    assert allowed.problems == [] and allowed.people_created == 1


def test_a_platform_admin_imports_anywhere(albertslund, session):
    admin = factories.user(email="admin@test.example")
    directory.assign_role(admin, Role.PLATFORM_ADMIN)
    rows = [("Ny", "ny@test.example", "Helt Ny Kommune", "", "G", "")]
    result = import_people(csv_text(rows), actor=viewer_for(admin))
    assert result.problems == [] and result.organisations_created == 1


def test_a_repeated_email_is_found_even_when_the_first_row_has_other_problems(session):
    rows = [
        ("", "same@test.example", "Org", "", "G", ""),
        ("Bo", "Same@Test.example", "Org", "", "G", ""),
    ]
    result = import_people(csv_text(rows))
    assert [(p.line, p.reason) for p in result.problems] == [
        (2, "Navn mangler."),
        (3, "E-mailadressen same@test.example står også på linje 2."),
    ]
