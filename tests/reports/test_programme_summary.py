"""A report over more organisations than ``BREAKDOWN_MAX_ORGANISATIONS`` (a platform admin's, over every
municipality on the platform) is summarised per organisation until one is chosen: no area or group
tables, no area or group filters, and no membership join in its queries."""

from __future__ import annotations

import pytest

from course_app.core.i18n import today_local
from course_app.organisations.access import viewer_for
from course_app.reports.options import (
    BREAKDOWN_MAX_ORGANISATIONS,
    ReportFilters,
    report_options,
    report_scope,
)
from course_app.reports.programme import programme_report
from tests.helpers import sign_in
from tests.reports.conftest import FOREIGN_GROUP, World


def _report(world: World, who, organisation_id=None, filters=None):
    scope = report_scope(viewer_for(who))
    options = report_options(scope, None, today=today_local(), organisation_id=organisation_id)
    return programme_report(options, filters or ReportFilters(organisation_id=organisation_id))


def test_over_many_organisations_the_report_is_per_organisation(crowded):
    report = _report(crowded, crowded.admin)
    assert not report.options.breakdown
    assert report.options.areas == [] and report.options.groups == []
    assert report.by_area == [] and report.by_group == []
    assert len(report.options.organisations) == BREAKDOWN_MAX_ORGANISATIONS + 1
    by_name = {row.organisation.name: row.completion for row in report.by_organisation}
    assert by_name["Albertslund"].enrolled == 5 and by_name["Glostrup"].enrolled == 1
    assert report.total.enrolled == 6
    # The funnel and the totals are the same as those of the full report (area and group lines
    # are only a finer split of the same people).
    assert [(row.started, row.done) for row in report.funnel] == [(3, 2), (1, 1)]
    csv_rows = report.rows
    assert {row.area for row in csv_rows} == {None} and {row.group for row in csv_rows} == {None}


def test_a_chosen_organisation_shows_its_own_areas_and_groups_only(crowded):
    report = _report(crowded, crowded.admin, organisation_id=crowded.other_org.id)
    assert report.options.breakdown
    assert [group.name for group in report.options.groups] == [FOREIGN_GROUP]
    assert [row.group.name for row in report.by_group] == [FOREIGN_GROUP]
    # Another organisation's group in the URL is dropped, not shown.
    tampered = _report(
        crowded,
        crowded.admin,
        organisation_id=crowded.other_org.id,
        filters=ReportFilters(organisation_id=crowded.other_org.id, group_id=crowded.group.id),
    )
    assert tampered.filters.group_id is None
    assert [row.group.name for row in tampered.by_group] == [FOREIGN_GROUP]


def test_a_coordinator_of_the_joint_programme_keeps_every_breakdown(crowded):
    report = _report(crowded, crowded.coordinator)
    assert report.options.breakdown
    assert {row.group.name for row in report.by_group if row.group} == {
        "Ledergruppe Nord",
        "Ledergruppe Syd",
    }


def test_the_summary_reads_no_group_memberships(crowded, count_statements):
    scope = report_scope(viewer_for(crowded.admin))  # the viewer's own roles and groups
    with count_statements() as counter:
        options = report_options(scope, None, today=today_local())
        programme_report(options, ReportFilters())
    statements = counter.statements
    assert statements and not any("group_memberships" in statement for statement in statements)
    assert not any("FROM leader_groups" in statement for statement in statements)


@pytest.mark.parametrize("organisation", ["", "abc", "\x00", "9" * 40, "-1"])
def test_the_page_says_how_to_see_areas_and_groups(client, crowded, organisation):
    sign_in(client, crowded.admin.email)
    response = client.get("/rapport", query_string={"organisation": organisation, "group": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Vælg en organisation i filteret for at se tal pr. område og ledergruppe." in html
    assert 'name="group"' not in html and 'name="area"' not in html
    assert FOREIGN_GROUP not in html


def test_the_page_with_an_organisation_chosen_lists_its_groups(client, crowded):
    sign_in(client, crowded.admin.email)
    html = client.get(f"/rapport?organisation={crowded.org.id}").get_data(as_text=True)
    assert "Ledergruppe Nord" in html and "Ledergruppe Syd" in html
    assert FOREIGN_GROUP not in html
    assert 'name="group"' in html
