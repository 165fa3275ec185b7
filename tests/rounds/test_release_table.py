"""The release table "Moduler og åbning": what it shows, saving it (rows equal to the course's rule
are no rows at all, one audit entry), every bad value refused with the module named, two tabs, and
who may change it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.cohorts.round_access import round_access
from course_app.core.errors import NotAllowed
from course_app.courses.models import Module
from course_app.courses.release_rules import ReleaseKind, ReleaseRule
from course_app.organisations.access import viewer_for
from course_app.rounds.release_table import (
    ReleaseRulesInvalid,
    StaleReleaseTable,
    release_table,
    save_release_rules,
)
from course_app.schedule.models import CohortRelease
from tests.conftest import csrf_token_from

DAYS = ReleaseKind.DAYS_AFTER_START


def _module(session, world, key: str) -> Module:
    return session.scalar(
        select(Module).where(Module.course_id == world.course.id, Module.key == key)
    )


def _own_rules(session, cohort) -> dict[str, dict | None]:
    rows = session.execute(
        select(Module.key, CohortRelease.rule)
        .join(Module, Module.id == CohortRelease.module_id)
        .where(CohortRelease.cohort_id == cohort.id)
    )
    return dict(rows.all())


def _form(page: str) -> dict[str, str]:
    """Every field of the release form as the page fills it in."""
    form = page.split('action="/forloeb/', 1)[1].split("</form>", 1)[0]
    values = {"csrf_token": csrf_token_from(page)}
    values.update(re.findall(r'<input [^>]*?name="([^"]+)"[^>]*? value="([^"]*)"', form))
    for name, options in re.findall(
        r'<select [^>]*?name="([^"]+)"[^>]*>(.*?)</select>', form, re.S
    ):
        chosen = re.search(r'<option selected value="([^"]*)"', options) or re.search(
            r'<option value="([^"]*)"', options
        )
        values[name] = chosen.group(1) if chosen else ""
    return values


def _save(client, world, cohort=None, **changes):
    cohort = cohort or world.shared
    page = client.get(f"/forloeb/{cohort.id}").get_data(as_text=True)
    data = {**_form(page), **changes}
    return client.post(f"/forloeb/{cohort.id}/aabninger", data=data)


@pytest.fixture
def film_2_waits(session, world):
    """The course's rules: film 2 a week after start, lg-1 after film 2."""
    _module(session, world, "film-2").release = {"days_after_start": 7}
    _module(session, world, "lg-1").release = {"after": "film-2"}
    session.commit()


def test_the_table_shows_each_module_with_both_rules_and_its_opening_day(
    session, world, film_2_waits, browser
):
    table = release_table(world.shared)
    rows = {row.module.key: row for row in table.rows}
    assert list(rows) == ["film-1", "film-2", "lg-1", "ws-1", "film-3", "lg-2"]
    assert rows["film-1"].opens_on == dt.date(2027, 1, 11)  # always open: from the start
    assert rows["film-2"].opens_on == dt.date(2027, 1, 18)
    assert rows["lg-1"].opens_on is None and rows["lg-1"].rule.after == "film-2"
    page = browser(world.people.adam).get(f"/forloeb/{world.shared.id}").get_data(as_text=True)
    assert "Moduler og åbning" in page
    assert "7 dage efter start" in page
    assert "mandag 18. januar 2027" in page
    assert "Når Film 2 er gennemført" in page
    assert 'name="rule-film-2"' in page and 'name="days-film-2"' in page


def test_saving_writes_only_rules_unlike_the_course_and_logs_them(
    session, world, film_2_waits, browser
):
    client = browser(world.people.adam)
    response = _save(
        client, world, **{"days-film-2": "1", "rule-ws-1": "date", "date-ws-1": "2027-02-01"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/forloeb/{world.shared.id}#aabninger")
    assert _own_rules(session, world.shared) == {
        "film-2": {"days_after_start": 1},
        "ws-1": {"date": "2027-02-01"},
    }
    page = client.get(f"/forloeb/{world.shared.id}").get_data(as_text=True)
    assert (
        "Åbningerne er gemt: Film 2 (1 dag efter start); Workshop 1 (På en dato: 1. februar 2027)"
        in page
    )
    assert "tirsdag 12. januar 2027" in page
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "changed"))
    assert entry.actor_id == world.people.adam.id and entry.object_key == str(world.shared.id)
    assert entry.details["releases"]["film-2"] == [{"days_after_start": 7}, {"days_after_start": 1}]

    # Back to the course's rule: the row goes; saving nothing new changes nothing.
    assert _save(client, world, **{"days-film-2": "7"}).status_code == 302
    assert _own_rules(session, world.shared) == {"ws-1": {"date": "2027-02-01"}}
    assert _save(client, world).status_code == 302
    assert "Der var ingen ændringer at gemme." in client.get(
        f"/forloeb/{world.shared.id}"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"rule-film-2": "date", "date-film-2": "2027-01-10"},
            "Film 2: datoen 2027-01-10 ligger før forløbets start (2027-01-11).",
        ),
        (
            {"rule-film-2": "date", "date-film-2": "2027-07-01"},
            "Film 2: datoen 2027-07-01 ligger efter forløbets slutdato (2027-06-30).",
        ),
        ({"rule-film-2": "date", "date-film-2": "99999-01-01"}, "Skriv datoen som åååå-mm-dd"),
        ({"rule-film-2": "date", "date-film-2": ""}, "Skriv datoen som åååå-mm-dd"),
        ({"rule-film-2": "date", "date-film-2": "2027-01-11\x00"}, "Skriv datoen som åååå-mm-dd"),
        (
            {"rule-film-2": "days_after_start", "days-film-2": "3651"},
            "Film 2: antal dage efter start skal være et helt tal fra 0 til 3650.",
        ),
        (
            {"rule-film-2": "days_after_start", "days-film-2": "9" * 400},
            "Skriv et helt tal fra 0 til 3650.",
        ),
        (
            {"rule-film-2": "days_after_start", "days-film-2": "-1"},
            "Skriv et helt tal fra 0 til 3650.",
        ),
        (
            {"rule-film-2": "days_after_start", "days-film-2": "1\x00"},
            "Skriv et helt tal fra 0 til 3650.",
        ),
        (
            {"rule-film-2": "days_after_start", "days-film-2": "x" * 10_000},
            "Skriv et helt tal fra 0 til 3650.",
        ),
        ({"rule-film-2": "after", "after-film-2": "film-2"}, "Film 2 kan ikke vente på sig selv."),
        (
            {"rule-film-2": "after", "after-film-2": "findes-ikke"},
            "Film 2: vælg modulet fra listen.",
        ),
        ({"rule-film-2": "after", "after-film-2": "\x00"}, "Film 2: vælg modulet fra listen."),
        (
            {"rule-film-2": "after", "after-film-2": "lg-1"},
            "Film 2 venter på et modul, der selv (direkte eller via andre) venter på Film 2.",
        ),
        ({"rule-film-2": "sometime"}, "Vælg en regel fra listen."),
        ({"rule-film-2": "\x00" * 3}, "Vælg en regel fra listen."),
    ],
)
def test_bad_rules_are_refused_with_the_module_named_and_nothing_saved(
    session, world, film_2_waits, browser, changes, message
):
    client = browser(world.people.adam)
    response = _save(
        client, world, **{"rule-ws-1": "days_after_start", "days-ws-1": "20", **changes}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "Åbningerne blev ikke gemt" in page
    assert _own_rules(session, world.shared) == {}
    assert 'name="days-ws-1" type="text" value="20"' in page or 'value="20"' in page  # kept


def test_a_circle_through_several_modules_names_each(session, world, film_2_waits):
    access = round_access(viewer_for(world.people.adam), world.shared.id)
    table = release_table(world.shared)
    after = lambda key: ReleaseRule(ReleaseKind.AFTER_MODULE, after=key)  # noqa: E731
    with pytest.raises(ReleaseRulesInvalid) as refused:
        save_release_rules(
            access, {"film-2": after("ws-1"), "ws-1": after("lg-1")}, version=table.version
        )
    assert set(refused.value.problems) == {"film-2", "lg-1", "ws-1"}


def test_a_stale_table_is_refused_and_keeps_what_was_typed(session, world, browser):
    first, second = browser(world.people.adam), browser(world.people.adam)
    page = second.get(f"/forloeb/{world.shared.id}").get_data(as_text=True)
    assert (
        _save(first, world, **{"rule-film-2": "days_after_start", "days-film-2": "3"}).status_code
        == 302
    )
    response = second.post(
        f"/forloeb/{world.shared.id}/aabninger",
        data={**_form(page), "rule-film-3": "days_after_start", "days-film-3": "30"},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Nogen har ændret åbningerne, siden du åbnede siden" in page
    assert 'value="30"' in page
    assert "torsdag 14. januar 2027" in page  # what is stored: film 2, three days after start
    assert _own_rules(session, world.shared) == {"film-2": {"days_after_start": 3}}
    # Saving the refreshed page again is a deliberate choice: now it is saved.
    assert (
        second.post(
            f"/forloeb/{world.shared.id}/aabninger", data={**_form(page), "days-film-3": "30"}
        ).status_code
        == 302
    )
    assert _own_rules(session, world.shared) == {
        "film-2": {"days_after_start": 3},
        "film-3": {"days_after_start": 30},
    }


def test_the_service_refuses_a_stale_version(session, world):
    access = round_access(viewer_for(world.people.adam), world.shared.id)
    with pytest.raises(StaleReleaseTable):
        save_release_rules(access, {}, version="old")


def test_coordinators_read_a_shared_rounds_table_but_change_only_their_own_rounds(
    session, world, browser
):
    for person in (world.people.karin, world.people.kasper):
        client = browser(person)
        response = client.get(f"/forloeb/{world.shared.id}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "Moduler og åbning" in page
        assert "kun en platformsadministrator kan ændre dem" in page
        assert 'name="rule-film-2"' not in page
        refused = client.post(
            f"/forloeb/{world.shared.id}/aabninger",
            data={
                "csrf_token": csrf_token_from(page),
                "rule-film-2": "days_after_start",
                "days-film-2": "2",
            },
        )
        assert refused.status_code == 403
    assert _own_rules(session, world.shared) == {}
    with pytest.raises(NotAllowed):
        save_release_rules(
            round_access(viewer_for(world.people.karin), world.shared.id), {}, version=""
        )

    # Glostrup's own round is Kasper's to plan.
    response = _save(
        browser(world.people.kasper),
        world,
        world.glostrup,
        **{"rule-film-2": "days_after_start", "days-film-2": "2"},
    )
    assert response.status_code == 302
    assert _own_rules(session, world.glostrup) == {"film-2": {"days_after_start": 2}}


def test_a_module_added_since_the_page_was_shown_makes_the_table_stale(session, world, browser):
    client = browser(world.people.adam)
    page = client.get(f"/forloeb/{world.shared.id}").get_data(as_text=True)
    values = {"key": "film-4", "title": "Film 4", "position": 9, "status": "published"}
    session.add(Module(course_id=world.course.id, release={"days_after_start": 60}, **values))
    session.commit()
    response = client.post(
        f"/forloeb/{world.shared.id}/aabninger", data={**_form(page), "days-film-2": "2"}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'name="rule-film-4"' in page and "60 dage efter start" in page
    assert _own_rules(session, world.shared) == {}
