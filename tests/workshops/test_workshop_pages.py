"""The workshop pages in the signed_in (issue 13): who may open what, what a leader sees of the table
plan (her table and mates at the published plan, nobody else of the other organisation), forged and
stale forms (a clear 4xx, never a 500, nothing changed), and the plan page's query budget."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course_app.core.db import db
from course_app.workshops import publishing, tables
from course_app.workshops.model import GroupPolicy
from course_app.workshops.models import WorkshopSettings
from course_app.workshops.tables import SettingsInput
from tests.conftest import csrf_token_from
from tests.security.test_fuzz_forms import FIXED_VALUES
from tests.security.test_fuzz_forms import _post as post_hostile
from tests.workshops.conftest import JointWorld, add_leaders, copenhagen, sign_up

NOW = copenhagen(2026, 10, 1)
SETTINGS = SettingsInput(4, 6, None, GroupPolicy.SPREAD, 7)


def plan(world: JointWorld, event=None) -> None:
    event = event or world.ws1
    tables.make_plan(
        event,
        SETTINGS,
        seen_version=tables.settings_of(event).version,
        actor=world.viewer("ad"),
        now=NOW,
    )
    db.session.commit()


def publish(world: JointWorld) -> None:
    publishing.publish(
        world.ws1,
        seen_version=tables.settings_of(world.ws1).version,
        despite_violations=True,
        actor=world.viewer("ad"),
        now=NOW,
    )
    db.session.commit()


def state(event) -> tuple[dict[int, int], int, str]:
    """Seats, plan version and materials, read afresh."""
    db.session.expire_all()
    settings = tables.settings_of(event)
    seats = {seat.user_id: seat.table_number for seat in tables.seats_of(event)}
    return seats, settings.version, settings.materials


def page_version(html: str) -> str:
    match = re.search(
        r'name="version"[^>]*value="(-?\d+)"|value="(-?\d+)"[^>]*name="version"', html
    )
    assert match, "no plan version on the page"
    return match.group(1) or match.group(2)


def url(event, suffix: str = "") -> str:
    return f"/workshops/{event.id}{suffix}"


def plan_form(client, event, data: dict[str, str]) -> dict[str, str]:
    """``data`` with the plan page's version (unless ``data`` sets its own) and CSRF token, read
    from the page as the facilitator's browser would."""
    page = client.get(url(event, "/bordplan")).get_data(as_text=True)
    return {"version": page_version(page), **data, "csrf_token": csrf_token_from(page)}


def post_materials(client, event, materials: str):
    return client.post(
        url(event, "/materialer"), data=plan_form(client, event, {"materials": materials})
    )


@pytest.fixture
def planned(joint_world: JointWorld) -> JointWorld:
    """Everyone but the last Glostrup leader comes (she said no); a plan is made, not published."""
    world = joint_world
    sign_up(world.ws1, world.leaders[:-1])
    sign_up(world.ws1, world.leaders[-1:], coming=False)
    plan(world)
    return world


# --- Who may open what ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ad", "ka", "kg", "f"])
def test_every_page_renders_for_those_who_run_the_workshop(planned, signed_in, who):
    world = planned
    publish(world)
    client = signed_in(world.people[who])
    listing = client.get("/workshops")
    assert listing.status_code == 200
    assert url(world.ws1) in listing.get_data(as_text=True)
    page = client.get(url(world.ws1))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Til dig, der står for workshoppen" in html
    assert "<dt>Kommer</dt><dd>19</dd>" in html and "<dt>Kommer ikke</dt><dd>1</dd>" in html
    assert "Personer: 19 · borde: 4" in html
    plan_page = client.get(url(world.ws1, "/bordplan"))
    assert plan_page.status_code == 200
    html = plan_page.get_data(as_text=True)
    assert "Bord 1" in html and "Børn og unge ↔ Dagtilbud og skole" in html
    assert "Bordplanen blev offentliggjort" in html
    sheet = client.get(url(world.ws1, "/koereplan"))
    assert sheet.status_code == 200
    assert world.glostrup_leaders[0].name in sheet.get_data(as_text=True)
    # Workshop 2 has no plan yet: the pages say so.
    empty = client.get(url(world.ws2, "/bordplan"))
    assert empty.status_code == 200
    assert "Der er ingen bordplan endnu" in empty.get_data(as_text=True)
    assert client.get(url(world.ws2, "/koereplan")).status_code == 200


def test_a_leader_of_the_round_gets_404_for_what_runs_the_day(planned, signed_in):
    world = planned
    before = state(world.ws1)
    leader = signed_in(world.albertslund_leaders[0])
    page = leader.get(url(world.ws1))
    assert page.status_code == 200
    token = csrf_token_from(page.get_data(as_text=True))
    assert leader.get(url(world.ws1, "/bordplan")).status_code == 404
    assert leader.get(url(world.ws1, "/koereplan")).status_code == 404
    version = str(before[1])
    for suffix, data in (
        (
            "/bordplan/forslag",
            {"min_size": "4", "max_size": "6", "group_policy": "spread", "seed": "1"},
        ),
        ("/bordplan/flyt", {"person": str(world.albertslund_leaders[0].id), "table": "1"}),
        ("/bordplan/offentliggoer", {"despite_violations": "y"}),
        ("/materialer", {"materials": "Mine egne materialer"}),
    ):
        response = leader.post(
            url(world.ws1, suffix), data={**data, "version": version, "csrf_token": token}
        )
        assert response.status_code == 404, suffix
    assert state(world.ws1) == before
    assert publishing.my_table(world.ws1, world.albertslund_leaders[0].id) is None


@pytest.mark.parametrize("who", ["bl", "kb"])
def test_people_outside_the_round_get_404(planned, signed_in, who):
    world = planned
    client = signed_in(world.people[who])
    for suffix in ("", "/bordplan", "/koereplan"):
        assert client.get(url(world.ws1, suffix)).status_code == 404
    assert url(world.ws1) not in client.get("/workshops").get_data(as_text=True)


# --- What a leader sees -------------------------------------------------------------------------


def test_a_leader_sees_her_table_and_mates_only_after_publishing(planned, signed_in):
    world = planned
    leader = world.glostrup_leaders[0]
    client = signed_in(leader)
    html = client.get(url(world.ws1)).get_data(as_text=True)
    assert "Bordplanen er ikke klar endnu" in html
    assert "Du sidder ved bord" not in html
    assert not any(other.name in html for other in world.leaders if other.id != leader.id)
    publish(world)
    seats = state(world.ws1)[0]
    number = seats[leader.id]
    mates = [
        other for other in world.leaders if other.id != leader.id and seats.get(other.id) == number
    ]
    html = client.get(url(world.ws1)).get_data(as_text=True)
    assert f"Du sidder ved bord {number}." in html
    areas = {area.id: area.name for area in world.areas.values()}
    for mate in mates:
        line = re.search(
            rf"<strong>{re.escape(mate.name)}</strong><br><span class=\"meta\">([^<]*)</span>", html
        )
        assert line, mate.name
        organisation = "Albertslund" if mate.organisation_id == world.albertslund.id else "Glostrup"
        area = areas.get(mate.area_id, "uden område")
        assert line.group(1) == f"{organisation} · {area}"


def test_a_glostrup_leader_sees_her_albertslund_mates_and_no_other_albertslund_leader(
    planned, signed_in
):
    world = planned
    publish(world)
    seats = state(world.ws1)[0]
    leader = world.glostrup_leaders[1]
    number = seats[leader.id]
    html = signed_in(leader).get(url(world.ws1)).get_data(as_text=True)
    at_her_table = [a for a in world.albertslund_leaders if seats.get(a.id) == number]
    elsewhere = [a for a in world.albertslund_leaders if seats.get(a.id) != number]
    assert len(at_her_table) >= 2 and elsewhere
    for mate in at_her_table:
        assert mate.name in html
    for other in elsewhere:
        assert other.name not in html
    # Nor the Glostrup leaders at other tables.
    for other in world.glostrup_leaders:
        if other.id != leader.id and seats.get(other.id) != number:
            assert other.name not in html


def test_a_move_reaches_the_leader_only_when_published_again(planned, signed_in):
    world = planned
    publish(world)
    seats = state(world.ws1)[0]
    leader = world.glostrup_leaders[0]
    old = seats[leader.id]
    new = old % max(seats.values()) + 1
    tables.move(
        world.ws1,
        leader.id,
        new,
        seen_version=tables.settings_of(world.ws1).version,
        actor=world.viewer("ad"),
        now=NOW,
    )
    db.session.commit()
    client = signed_in(leader)
    assert f"Du sidder ved bord {old}." in client.get(url(world.ws1)).get_data(as_text=True)
    publish(world)
    html = client.get(url(world.ws1)).get_data(as_text=True)
    assert f"Du sidder ved bord {new}." in html


def test_the_materials_reach_leaders_only_after_the_workshop(planned, signed_in, workshop_clock):
    world = planned
    facilitator = signed_in(world.people["f"])
    response = post_materials(
        facilitator, world.ws1, "MATERIALE-MARKØR: [Slides](https://eksempel.dk/slides.pdf)"
    )
    assert response.status_code == 302
    assert "MATERIALE-MARKØR" in facilitator.get(url(world.ws1)).get_data(as_text=True)
    leader = signed_in(world.albertslund_leaders[0])
    assert "MATERIALE-MARKØR" not in leader.get(url(world.ws1)).get_data(as_text=True)
    workshop_clock.now = copenhagen(2026, 11, 5, 14, 59)  # (a month on: sign in again)
    leader = signed_in(world.albertslund_leaders[0])
    assert "MATERIALE-MARKØR" not in leader.get(url(world.ws1)).get_data(as_text=True)
    workshop_clock.now = copenhagen(2026, 11, 5, 15, 0)
    html = leader.get(url(world.ws1)).get_data(as_text=True)
    assert "MATERIALE-MARKØR" in html
    assert 'href="https://eksempel.dk/slides.pdf"' in html


def test_materials_are_shown_as_safe_markdown(planned, signed_in, workshop_clock):
    world = planned
    facilitator = signed_in(world.people["f"])
    response = post_materials(
        facilitator,
        world.ws1,
        "Slides\x00 <script>alert('MARKØR')</script> [x](javascript:alert(1))",
    )
    assert response.status_code == 302  # NUL is dropped, not refused
    assert state(world.ws1)[2].startswith("Slides <script>")
    workshop_clock.now = copenhagen(2026, 11, 6)
    html = signed_in(world.albertslund_leaders[0]).get(url(world.ws1)).get_data(as_text=True)
    assert "Slides" in html
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert" in html  # shown as the text it is
    assert 'href="javascript' not in html


def test_a_closed_round_answers_403_with_a_message(planned, signed_in):
    world = planned
    world.round.closed_at = NOW
    db.session.commit()
    before = state(world.ws1)
    facilitator = signed_in(world.people["f"])
    person = next(iter(before[0]))
    response = facilitator.post(
        url(world.ws1, "/bordplan/flyt"),
        data=plan_form(facilitator, world.ws1, {"person": str(person), "table": "2"}),
    )
    assert response.status_code == 403
    assert "lukket" in response.get_data(as_text=True)
    assert state(world.ws1) == before


# --- Forms: forged, stale and rejected ------------------------------------------------------------


FORGED_CASES = 21


def _forged_cases(world: JointWorld) -> list[tuple[str, dict[str, str], int, str]]:
    someone = str(world.albertslund_leaders[0].id)
    not_coming = str(world.leaders[-1].id)
    bad_move = "Flytningen blev ikke gemt"
    not_signed_up = "Personen er ikke tilmeldt workshoppen."
    changed = "Bordplanen er blevet ændret"
    settings = {"min_size": "4", "max_size": "6", "group_policy": "spread", "seed": "7"}
    return [
        ("/bordplan/flyt", {"person": not_coming, "table": "1"}, 400, not_signed_up),
        (
            "/bordplan/flyt",
            {"person": str(world.people["bl"].id), "table": "1"},
            400,
            not_signed_up,
        ),
        ("/bordplan/flyt", {"person": "99999999999999999999", "table": "1"}, 400, bad_move),
        ("/bordplan/flyt", {"person": "-3", "table": "1"}, 400, bad_move),
        ("/bordplan/flyt", {"person": "\x00", "table": "1"}, 400, bad_move),
        # str.isdigit() accepts these, int() does not ("²") or reads another script's digit ("٣")
        ("/bordplan/flyt", {"person": "²", "table": "1"}, 400, bad_move),
        ("/bordplan/flyt", {"person": someone, "table": "2", "version": "²"}, 409, changed),
        ("/bordplan/flyt", {"person": someone, "table": "2", "version": "٣"}, 409, changed),
        ("/bordplan/flyt", {"person": someone, "table": "99999999999999999999"}, 400, bad_move),
        ("/bordplan/flyt", {"person": someone, "table": "1\x00"}, 400, bad_move),
        (
            "/bordplan/flyt",
            {"person": someone, "table": "40"},
            400,
            "Skriv et bordnummer fra 1 til",
        ),
        ("/bordplan/flyt", {"person": someone, "table": "2", "version": "abc"}, 409, changed),
        ("/bordplan/forslag", {**settings, "version": "abc"}, 409, changed),
        (
            "/bordplan/forslag",
            {**settings, "seed": "99999999999999999999"},
            400,
            "Skriv et helt tal",
        ),
        ("/bordplan/forslag", {**settings, "min_size": "\x00"}, 400, "Skriv et helt tal."),
        ("/bordplan/forslag", {**settings, "max_size": "9999"}, 400, "Skriv et tal fra 1 til 50"),
        (
            "/bordplan/forslag",
            {**settings, "group_policy": "alone"},
            400,
            "Vælg, hvordan ledergrupperne skal sidde.",
        ),
        ("/bordplan/forslag", {**settings, "max_tables": "fire"}, 400, "Skriv et helt tal."),
        ("/bordplan/offentliggoer", {"version": "abc"}, 409, changed),
        ("/materialer", {"materials": "x" * 5001}, 400, "Teksten må højst være 5000 tegn."),
        ("/materialer", {"materials": "Slides", "version": "abc"}, 409, changed),
    ]


@pytest.mark.parametrize("case", range(FORGED_CASES))
def test_forged_fields_get_a_clear_4xx_and_change_nothing(planned, signed_in, case):
    world = planned
    suffix, data, status, message = _forged_cases(world)[case]
    before = state(world.ws1)
    facilitator = signed_in(world.people["f"])
    response = facilitator.post(
        url(world.ws1, suffix), data=plan_form(facilitator, world.ws1, data)
    )
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert message in html, re.findall(r"<li>[^<]*</li>", html)
    assert state(world.ws1) == before
    if status == 409:  # the page shown again carries the current version, for a retry
        assert page_version(html) == str(before[1])


def test_the_cases_above_are_all_run(planned):
    assert len(_forged_cases(planned)) == FORGED_CASES


def test_the_same_move_sent_twice_is_refused_the_second_time(planned, signed_in):
    world = planned
    facilitator = signed_in(world.people["f"])
    seats, version, _ = state(world.ws1)
    person = next(user_id for user_id, number in seats.items() if number == 1)
    data = plan_form(facilitator, world.ws1, {"person": str(person), "table": "2"})
    first = facilitator.post(url(world.ws1, "/bordplan/flyt"), data=data)
    assert first.status_code == 302
    assert first.headers["Location"].endswith(f"/bordplan#person-{person}")
    after_first = state(world.ws1)
    assert after_first[0][person] == 2 and after_first[1] == version + 1
    second = facilitator.post(url(world.ws1, "/bordplan/flyt"), data=data)
    assert second.status_code == 409
    assert "Bordplanen er blevet ændret" in second.get_data(as_text=True)
    assert state(world.ws1) == after_first


def test_a_rejected_settings_form_keeps_what_was_typed(joint_world, signed_in):
    world = joint_world
    facilitator = signed_in(world.people["f"])
    settings = {
        "min_size": "5",
        "max_size": "3",
        "max_tables": "7",
        "group_policy": "together",
        "seed": "4242",
    }
    response = facilitator.post(
        url(world.ws1, "/bordplan/forslag"), data=plan_form(facilitator, world.ws1, settings)
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Det højeste antal skal være mindst lige så stort som det mindste." in html
    for name, value in (
        ("min_size", "5"),
        ("max_size", "3"),
        ("max_tables", "7"),
        ("seed", "4242"),
    ):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        assert field and f'value="{value}"' in field.group(0), name
    assert re.search(
        r'<input[^>]*checked[^>]*value="together"|<input[^>]*value="together"[^>]*checked', html
    )
    db.session.expire_all()
    assert (
        db.session.scalar(select(WorkshopSettings).where(WorkshopSettings.event_id == world.ws1.id))
        is None
    )


def test_a_proposal_through_the_page(joint_world, signed_in):
    world = joint_world
    sign_up(world.ws1, world.leaders)
    db.session.commit()
    facilitator = signed_in(world.people["f"])
    settings = {
        "min_size": "4",
        "max_size": "6",
        "max_tables": "",
        "group_policy": "spread",
        "seed": "3",
    }
    response = facilitator.post(
        url(world.ws1, "/bordplan/forslag"),
        data=plan_form(facilitator, world.ws1, settings),
        follow_redirects=True,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Forslaget er lavet. Antal borde: 4." in html
    assert "Planen holder alle faste regler" in html
    seats, version, _ = state(world.ws1)
    assert len(seats) == 20 and version == 1
    publish_page = facilitator.post(
        url(world.ws1, "/bordplan/offentliggoer"),
        data={"version": page_version(html), "csrf_token": csrf_token_from(html)},
        follow_redirects=True,
    )
    assert publish_page.status_code == 200
    assert (
        "Bordplanen er offentliggjort. Antal, der får en e-mail om en ny plads: 0."
        in publish_page.get_data(as_text=True)
    )


# --- Query budget -------------------------------------------------------------------------------


def test_the_plan_page_takes_the_same_number_of_queries_for_10_or_40_attendees(
    joint_world, signed_in, count_statements
):
    world = joint_world
    sign_up(world.ws1, [*world.albertslund_leaders[:5], *world.glostrup_leaders[:5]])
    plan(world)
    facilitator = signed_in(world.people["f"])
    assert facilitator.get(url(world.ws1, "/bordplan")).status_code == 200  # warm caches
    with count_statements() as small:
        response = facilitator.get(url(world.ws1, "/bordplan"))
    assert response.status_code == 200
    extra = [
        *add_leaders(
            world,
            world.albertslund,
            [f"Ekstra Albertslund {n}" for n in range(15)],
            [world.groups["Nord"], world.groups["Syd"]],
        ),
        *add_leaders(
            world,
            world.glostrup,
            [f"Ekstra Glostrup {n}" for n in range(15)],
            [world.groups["Vest"], world.groups["Øst"]],
        ),
    ]
    sign_up(world.ws1, extra)
    plan(world)
    assert len(state(world.ws1)[0]) == 40
    with count_statements() as large:
        response = facilitator.get(url(world.ws1, "/bordplan"))
    assert response.status_code == 200
    assert "Ekstra Glostrup 14" in response.get_data(as_text=True)
    assert large.count == small.count, large.statements
    assert_move_choices_once(response.get_data(as_text=True), seated=40)


def assert_move_choices_once(html: str, *, seated: int) -> None:
    """Each seated person's move form names her table by number; the table numbers are offered once,
    in the page's one list (an existing table or one new), so the page grows with people plus tables,
    not with people times tables."""
    forms = re.findall(r'<form[^>]*class="move-form".*?</form>', html, re.S)
    assert len(forms) == seated
    assert all('list="bordnumre"' in form and "<option" not in form for form in forms)
    tables_in_plan = len(re.findall(r'<h3 id="bord-\d+"', html))
    choices = re.search(r'<datalist id="bordnumre">(.*?)</datalist>', html, re.S)
    assert choices is not None
    assert choices.group(1).count("<option") == tables_in_plan + 1


# The fuzz test's fixed values, without its megabyte strings (this test posts each to each field).
HOSTILE = [value for value in FIXED_VALUES if len(value) <= 1000] + ["x" * 100_000]
FIELDS = {
    "/bordplan/forslag": ("min_size", "max_size", "max_tables", "group_policy", "seed", "version"),
    "/bordplan/flyt": ("person", "table", "version"),
    "/bordplan/offentliggoer": ("despite_violations", "version"),
    "/materialer": ("materials", "version"),
}
VALID = {
    "min_size": "4",
    "max_size": "6",
    "max_tables": "",
    "group_policy": "spread",
    "seed": "7",
    "table": "1",
    "materials": "Slides",
}


@pytest.mark.parametrize("suffix", sorted(FIELDS))
def test_hostile_values_never_cause_a_server_error(planned, signed_in, suffix):
    world = planned
    facilitator = signed_in(world.people["f"])
    page = facilitator.get(url(world.ws1, "/bordplan")).get_data(as_text=True)
    token = csrf_token_from(page)
    for field in FIELDS[suffix]:
        for value in HOSTILE:
            version = str(tables.settings_of(world.ws1).version)
            data = {
                **VALID,
                "person": str(world.albertslund_leaders[0].id),
                "version": version,
                "csrf_token": token,
                field: value,
            }
            response = post_hostile(facilitator, url(world.ws1, suffix), data)
            assert response.status_code < 500, (field, value[:20])
            if response.status_code >= 400:
                assert "form-error-message" in response.get_data(as_text=True) or (
                    "alert-error" in response.get_data(as_text=True)
                ), (field, value[:20])
            db.session.expire_all()
