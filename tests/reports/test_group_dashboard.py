"""The group dashboard: an accessible members × modules table with last activity and completion."""

from __future__ import annotations

import re

from course_app.core.db import utcnow
from course_app.core.i18n import today_local
from course_app.organisations import services as directory
from course_app.organisations.access import viewer_for
from course_app.organisations.models import Role
from course_app.reports import services
from tests import factories
from tests.helpers import sign_in
from tests.reports.conftest import World


def _page(client, world: World, who=None) -> str:
    sign_in(client, (who or world.chair).email)
    response = client.get(world.dashboard_url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _rows(html: str) -> dict[str, str]:
    """Each body row's header cell text → the row's HTML."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        name = re.search(r'<th scope="row">\s*([^<(]+?)\s*(?:<|$)', row, re.S).group(1)
        rows[name] = row
    return rows


def test_table_is_accessible_and_scrolls_in_a_labelled_region(client, world):
    html = _page(client, world)
    assert re.search(
        r'<div class="table-scroll" role="region" aria-labelledby="fremdrift-tabel" tabindex="0">',
        html,
    )
    assert (
        '<caption id="fremdrift-tabel">Fremdrift for hver deltager i Ledergruppe Nord</caption>'
        in html
    )
    assert '<th scope="col">Deltager</th>' in html
    assert '<th scope="col"><span lang="da">Modul A</span></th>' in html
    assert '<th scope="col">Seneste aktivitet</th>' in html
    assert html.count('<th scope="row">') == 3 + 1  # three members and the totals row


def test_states_last_activity_and_completion(client, world):
    html = _page(client, world)
    rows = _rows(html)
    assert list(rows) == ["Anna Andersen", "Bo Berg", "Cecilie Christensen"]
    # The state is written out, not shown by colour alone.
    assert re.findall(r'badge-[a-z-]+">([^<]+)<', rows["Anna Andersen"]) == [
        "Færdig",
        "Ikke startet",
    ]
    assert re.findall(r'badge-[a-z-]+">([^<]+)<', rows["Bo Berg"]) == ["I gang", "Ikke startet"]
    assert re.findall(r'badge-[a-z-]+">([^<]+)<', rows["Cecilie Christensen"]) == [
        "Ikke startet",
        "Ikke startet",
    ]
    # 13.30 UTC in November is 14.30 in Copenhagen.
    assert (
        '<time datetime="2026-11-23T13:30:00+00:00">23. november 2026 kl. 14.30</time>'
        in rows["Anna Andersen"]
    )
    assert "Ingen aktivitet endnu" in rows["Cecilie Christensen"]
    # 2 done lessons of 3 members × 3 lessons
    assert '<progress class="progress-bar" max="100" value="22"' in html
    assert "<td>1 af 3</td>" in html and "<td>0 af 3</td>" in html
    assert "Albertslund · Børn og unge · Forløb: Testhold" in " ".join(html.split())


def test_export_links(client, world):
    html = _page(client, world, world.facilitator)
    assert f'href="/ledergrupper/{world.group.id}/eksport.csv"' in html
    assert f'href="/ledergrupper/{world.group.id}/eksport.csv?separator=comma"' in html


def test_member_without_enrolment_and_former_members(client, world, session):
    newcomer = factories.user(org=world.org, name="Nina Ny")
    directory.move_to_group(newcomer, world.group)
    directory.move_to_group(world.bo, world.sibling)  # Bo changed group
    gone, _ = factories.enrolled_leader(world.cohort, org=world.org, name="Dorte Deaktiveret")
    directory.move_to_group(gone, world.group)
    gone.deactivated_at = utcnow()
    session.commit()
    html = _page(client, world, world.coordinator)
    rows = _rows(html)
    assert list(rows) == ["Anna Andersen", "Cecilie Christensen", "Nina Ny"]
    assert "ikke tilmeldt forløbet" in rows["Nina Ny"]
    assert "Bo Berg" not in html and "Dorte Deaktiveret" not in html


def test_empty_states(client, session):
    org = factories.organisation()
    lonely = factories.group(org, "Tom gruppe")
    coordinator = factories.user(org=org)
    directory.assign_role(coordinator, Role.COORDINATOR, organisation=org)
    session.commit()
    sign_in(client, coordinator.email)
    html = client.get(f"/ledergrupper/{lonely.id}").get_data(as_text=True)
    assert "Organisationen er ikke med i et forløb endnu" in html
    factories.cohort(factories.course(), orgs=[org])
    session.commit()
    html = client.get(f"/ledergrupper/{lonely.id}").get_data(as_text=True)
    assert "Der er ingen deltagere i ledergruppen lige nu" in html
    assert "<table" not in html


def test_dashboard_and_list_agree_on_completion(world, session):
    today = today_local()
    viewer = viewer_for(world.coordinator)
    dashboard = services.group_dashboard(viewer, world.group.id, today=today)
    listed = {
        summary.group.id: summary
        for entry in services.followed_groups(viewer, today=today)
        for summary in entry.groups
    }
    assert listed[world.group.id].completion_percent == dashboard.progress.completion_percent == 22
    assert listed[world.group.id].members == len(dashboard.progress.members) == 3
