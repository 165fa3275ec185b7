"""The programme report: completion by organisation, area, group and module, filters, and a coordinator
who never sees another organisation's rows, whatever the URL says."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape as html_unescape

import pytest

from course_app.cohorts.services import create_cohort, enrol
from course_app.core.db import utcnow
from course_app.core.errors import NotAllowed
from course_app.core.i18n import today_local
from course_app.organisations import services as directory
from course_app.organisations.access import viewer_for
from course_app.organisations.models import Role
from course_app.reports import views as report_views
from course_app.reports.options import ReportFilters, report_options, report_scope
from course_app.reports.programme import programme_report
from course_app.reports.services import group_progress
from tests import factories
from tests.helpers import sign_in
from tests.reports.conftest import FOREIGN_GROUP, World, finish, start


def _report(world: World, who, filters: ReportFilters | None = None, cohort_id=None):
    scope = report_scope(viewer_for(who))
    options = report_options(scope, cohort_id, today=today_local())
    return programme_report(options, filters or ReportFilters())


def _names(rows, attribute: str) -> list[str | None]:
    return [getattr(getattr(row, attribute), "name", None) for row in rows]


def test_only_coordinators_and_admins(world):
    for who in (world.anna, world.chair, world.facilitator):
        with pytest.raises(NotAllowed):
            report_scope(viewer_for(who))


def test_admin_sees_every_organisation(world):
    report = _report(world, world.admin)
    assert _names(report.by_organisation, "organisation") == ["Albertslund", "Glostrup"]
    assert [(r.completion.enrolled, r.completion.percent) for r in report.by_organisation] == [
        (5, 13),  # 2 lessons done of 5 × 3
        (1, 100),
    ]
    assert (report.total.enrolled, report.total.lessons_done, report.total.percent) == (6, 5, 28)
    assert _names(report.by_area, "area") == ["Børn og unge", "Social og sundhed", "Børn og skole"]
    assert _names(report.by_group, "group") == [
        "Ledergruppe Nord",
        "Ledergruppe Syd",
        FOREIGN_GROUP,
    ]
    funnel = {step.module.key: (step.enrolled, step.started, step.done) for step in report.funnel}
    assert funnel == {"modul-a": (6, 3, 2), "modul-b": (6, 1, 1)}


def test_coordinator_sees_only_own_organisation(world):
    report = _report(world, world.coordinator)
    assert [o.name for o in report.options.organisations] == ["Albertslund"]
    assert _names(report.by_organisation, "organisation") == ["Albertslund"]
    assert _names(report.by_group, "group") == ["Ledergruppe Nord", "Ledergruppe Syd"]
    assert FOREIGN_GROUP not in [g.name for g in report.options.groups]
    assert "Børn og skole" not in [a.name for a in report.options.areas]
    assert all(row.organisation.name == "Albertslund" for row in report.rows)
    funnel = {step.module.key: (step.enrolled, step.started, step.done) for step in report.funnel}
    assert funnel == {"modul-a": (5, 2, 1), "modul-b": (5, 0, 0)}


def test_coordinator_cannot_reach_other_organisation_through_filters(world):
    foreign = ReportFilters(
        organisation_id=world.other_org.id,
        area_id=world.foreign_area.id,
        group_id=world.foreign.id,
    )
    report = _report(world, world.coordinator, foreign)
    assert report.filters == ReportFilters()  # every foreign id dropped
    assert all(row.organisation.id == world.org.id for row in report.rows)
    for one in (
        ReportFilters(organisation_id=world.other_org.id),
        ReportFilters(area_id=world.foreign_area.id),
        ReportFilters(group_id=world.foreign.id),
    ):
        report = _report(world, world.coordinator, one)
        assert {row.organisation.id for row in report.rows} == {world.org.id}
        assert report.total.enrolled == 5


def test_filters(world):
    by_area = _report(world, world.admin, ReportFilters(area_id=world.other_area.id))
    assert _names(by_area.by_group, "group") == ["Ledergruppe Syd"]
    assert by_area.total.enrolled == 2
    by_group = _report(world, world.admin, ReportFilters(group_id=world.group.id))
    assert _names(by_group.by_group, "group") == ["Ledergruppe Nord"]
    assert (by_group.total.enrolled, by_group.total.percent) == (3, 22)
    by_org = _report(world, world.admin, ReportFilters(organisation_id=world.other_org.id))
    assert _names(by_org.by_organisation, "organisation") == ["Glostrup"]
    module_b = world.course_module_id("modul-b")
    by_module = _report(world, world.admin, ReportFilters(module_id=module_b))
    assert [step.module.key for step in by_module.funnel] == ["modul-b"]
    assert by_module.total.lessons_per_person == 1
    assert [(r.organisation.name, r.completion.percent) for r in by_module.by_organisation] == [
        ("Albertslund", 0),
        ("Glostrup", 100),
    ]
    nothing = _report(
        world, world.admin, ReportFilters(area_id=world.other_area.id, group_id=world.group.id)
    )
    assert nothing.total.enrolled == 0 and nothing.rows == []


def test_group_rows_agree_with_the_group_dashboard(world, session):
    """The aggregate SQL and the per-member computation give the same completion."""
    for number, key in enumerate(("lektion-film", "lektion-tekst", "lektion-afslutning")):
        leader, enrolment = factories.enrolled_leader(
            world.cohort, org=world.org, name=f"X{number}"
        )
        directory.move_to_group(leader, world.sibling)
        finish(enrolment, world.course, key)
        start(enrolment, world.course, "lektion-film")
    session.flush()
    report = _report(world, world.coordinator)
    by_group = {row.group.id: row.completion for row in report.by_group}
    for group in (world.group, world.sibling):
        progress = group_progress(group, world.cohort)
        assert by_group[group.id].percent == progress.completion_percent
        assert by_group[group.id].enrolled == len(progress.members)
    funnel = {step.module.id: step for step in report.funnel}
    for module in group_progress(world.group, world.cohort).modules:
        members = [
            m
            for group in (world.group, world.sibling)
            for m in group_progress(group, world.cohort).members
        ]
        done = sum(1 for m in members if m.state(module).value == "done")
        started = sum(1 for m in members if m.state(module).value != "not_started")
        assert (funnel[module.id].started, funnel[module.id].done) == (started, done)


def test_people_without_group_or_area_and_deactivated(world, session):
    factories.enrolled_leader(world.cohort, org=world.org, name="Uden Gruppe")
    in_group_only, _ = factories.enrolled_leader(world.cohort, org=world.org, name="Kun Gruppe")
    directory.move_to_group(in_group_only, world.sibling)  # no own area: the group's area counts
    gone, _ = factories.enrolled_leader(world.cohort, org=world.org, name="Deaktiveret")
    gone.deactivated_at = utcnow()
    outsider = factories.user(name="Uden organisation")
    enrol(outsider, world.cohort)
    session.flush()
    report = _report(world, world.admin)
    groups = {
        row.group.name if row.group else None: row.completion.enrolled for row in report.by_group
    }
    assert groups[None] == 1 and groups["Ledergruppe Syd"] == 3
    areas = {
        (row.organisation.name, row.area.name if row.area else None): row.completion.enrolled
        for row in report.by_area
    }
    assert areas[("Albertslund", None)] == 1
    assert areas[("Albertslund", "Social og sundhed")] == 3
    assert (
        report.total.enrolled == 6 + 2
    )  # not the deactivated one, not the one without organisation


def test_choosing_another_cohort(world, session):
    later = create_cohort(
        factories.course(), name="Hold 2", starts_on=dt.date(2030, 1, 1), organisations=[world.org]
    )
    foreign_only = create_cohort(
        factories.course(),
        name="Glostrups eget hold",
        starts_on=dt.date(2026, 2, 1),
        organisations=[world.other_org],
    )
    session.flush()
    assert _report(world, world.coordinator).cohort.id == world.cohort.id  # the running one
    assert _report(world, world.coordinator, cohort_id=later.id).cohort.id == later.id
    # A cohort the coordinator's organisation is not in: the default instead.
    assert _report(world, world.coordinator, cohort_id=foreign_only.id).cohort.id == world.cohort.id
    assert foreign_only not in _report(world, world.coordinator).options.cohorts


# --- through the browser's eyes -------------------------------------------------------------------


def test_page_as_coordinator(client, world):
    sign_in(client, world.coordinator.email)
    html = client.get("/rapport").get_data(as_text=True)
    assert "Rapport: fremdrift i forløbet" in html
    assert '<form class="filter-form" method="get" action="/rapport"' in html
    assert 'name="organisation"' not in html  # one organisation: no organisation filter
    for name in ("area", "group", "module"):
        assert f'<label class="form-label" for="{name}">' in html
    assert "Ledergruppe Nord" in html and "Glostrup" not in html and FOREIGN_GROUP not in html
    assert '<caption id="moduler-tabel">Startet og færdige pr. modul</caption>' in html
    assert '<td class="numeric">2 <span class="meta">(40 %)</span></td>' in html  # started A


def test_page_as_admin_has_organisation_filter_and_keeps_choices(client, world):
    sign_in(client, world.admin.email)
    html = client.get(f"/rapport?organisation={world.other_org.id}").get_data(as_text=True)
    assert 'name="organisation"' in html
    assert f'<option selected value="{world.other_org.id}">Glostrup</option>' in html
    assert "Glostrup: Ledergruppe Vest" in html  # group choices name their organisation
    assert "Ledergruppe Nord</a>" not in html  # filtered away from the tables


@pytest.mark.parametrize(
    "query",
    [
        "organisation={other_org}",
        "area={foreign_area}",
        "group={foreign}",
        "organisation={other_org}&area={foreign_area}&group={foreign}",
        "organisation=abc&area=-1&group=&module=999999",
        "cohort={foreign_cohort}",
    ],
)
def test_edited_urls_never_show_another_organisation(client, world, session, query):
    foreign_cohort = create_cohort(
        factories.course(),
        name="Glostrups hemmelige hold",
        starts_on=dt.date(2026, 2, 1),
        organisations=[world.other_org],
    )
    session.commit()
    args = query.format(
        other_org=world.other_org.id,
        foreign_area=world.foreign_area.id,
        foreign=world.foreign.id,
        foreign_cohort=foreign_cohort.id,
    )
    sign_in(client, world.coordinator.email)
    for url in (f"/rapport?{args}", f"/rapport/eksport.csv?{args}"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        for secret in ("Glostrup", FOREIGN_GROUP, "Børn og skole", "Glostrups hemmelige hold"):
            assert secret not in body, (url, secret)
        assert "Ledergruppe Nord" in body  # the coordinator's own report instead


def test_empty_states(client, session, world):
    sign_in(client, world.admin.email)
    html = client.get(f"/rapport?area={world.other_area.id}&group={world.group.id}").get_data(
        as_text=True
    )
    assert "Ingen tilmeldte ledere passer til filtrene" in html
    org = factories.organisation()
    coordinator = factories.user(org=org)
    directory.assign_role(coordinator, Role.COORDINATOR, organisation=org)
    session.commit()
    client.delete_cookie("session")
    sign_in(client, coordinator.email)
    html = client.get("/rapport").get_data(as_text=True)
    assert "Der er ikke oprettet et forløb for din organisation endnu" in html
    assert client.get("/rapport/eksport.csv").status_code == 200


def _group_rows(html: str) -> list[str]:
    """The group table's rows on one page, by name."""
    table = html[
        html.index('<caption id="ledergrupper-tabel">') : html.index(
            "</table>", html.index('<caption id="ledergrupper-tabel">')
        )
    ]
    return re.findall(r'<a href="/ledergrupper/\d+">([^<]+)</a>', table)


def test_the_group_table_is_shown_a_page_at_a_time_with_the_filters_kept(
    client, world, monkeypatch
):
    sign_in(client, world.admin.email)
    module = world.course_module_id("modul-a")
    everything = _group_rows(client.get(f"/rapport?module={module}").get_data(as_text=True))
    assert len(everything) == 3  # Nord and Syd (Albertslund), Vest (Glostrup)
    monkeypatch.setattr(report_views, "GROUPS_PER_PAGE", 2)
    first = client.get(f"/rapport?module={module}").get_data(as_text=True)
    assert _group_rows(first) == everything[:2]
    assert "Viser ledergruppe 1–2 af 3 (side 1 af 2)." in first
    next_link = re.search(r'<a rel="next" href="([^"]+)">Næste side</a>', first)
    assert next_link and 'rel="prev"' not in first
    url = html_unescape(next_link.group(1))
    assert "grupper_side=2" in url and f"module={module}" in url and url.endswith("#ledergrupper")
    second = client.get(url.split("#")[0]).get_data(as_text=True)
    assert _group_rows(second) == everything[2:]
    assert "Viser ledergruppe 3–3 af 3 (side 2 af 2)." in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # The CSV holds every group, whatever page the report shows.
    csv = client.get(f"/rapport/eksport.csv?module={module}&grupper_side=2").get_data(as_text=True)
    assert all(name in csv for name in everything)


@pytest.mark.parametrize(
    ("requested", "page"),
    [("0", 1), ("-1", 1), ("abc", 1), ("\x00", 1), ("²", 1), ("9" * 40, 1), ("3", 2), ("2", 2)],
)
def test_an_edited_page_number_shows_the_nearest_page(client, world, monkeypatch, requested, page):
    monkeypatch.setattr(report_views, "GROUPS_PER_PAGE", 2)
    sign_in(client, world.admin.email)
    response = client.get("/rapport", query_string={"grupper_side": requested})
    assert response.status_code == 200
    assert f"(side {page} af 2)" in response.get_data(as_text=True)
