# ruff: noqa: F811 - pytest fixtures imported by name
"""Corresponding areas: the services, the rules of who may change what, the CSV round trip and the
page (issue 13, point 1)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.core.db import db
from course_app.core.errors import NotAllowed, ServiceError
from course_app.core.spreadsheet import csv_lines
from course_app.workshops import areas, areas_csv
from course_app.workshops.models import AreaCorrespondence
from tests.calendar.conftest import clock  # noqa: F401 - fixture
from tests.conftest import csrf_token_from
from tests.groups.conftest import browser  # noqa: F401 - fixture
from tests.workshops.world import ww  # noqa: F401 - fixture


def pair_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AreaCorrespondence))


def ids(ww, first: str, second: str) -> tuple[int, int]:
    return ww.areas[first].id, ww.areas[second].id


def test_a_pair_is_stored_once_smaller_id_first_and_logged(ww):
    high_first = sorted(ids(ww, "a_boern", "b_dagtilbud"), reverse=True)
    assert areas.add_pair(ww.viewer("ad"), *high_first)
    assert not areas.add_pair(ww.viewer("ad"), *reversed(high_first))  # duplicate: no error
    assert areas.correspondence_pairs() == frozenset({tuple(sorted(high_first))})
    logged = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "area_pair"))
    assert [entry.action for entry in logged] == ["created"]
    assert areas.remove_pair(ww.viewer("ad"), *high_first)
    assert not areas.remove_pair(ww.viewer("ad"), *high_first)
    assert pair_count() == 0
    assert (
        db.session.scalar(
            select(func.count()).where(
                AuditEntry.object_type == "area_pair", AuditEntry.action == "deleted"
            )
        )
        == 1
    )


def test_many_to_many_and_unmapped_areas_are_shown_as_such(ww):
    admin = ww.viewer("ad")
    areas.add_pair(admin, *ids(ww, "a_boern", "b_dagtilbud"))
    areas.add_pair(admin, *ids(ww, "a_aeldre", "b_dagtilbud"))
    by_name = {
        mapped.area.name: [other.name for other in mapped.corresponding]
        for organisation in areas.area_map()
        for mapped in organisation.areas
    }
    assert by_name["Dagtilbud"] == ["Børn og unge", "Ældre"]
    assert by_name["Kultur"] == [] and by_name["Omsorg"] == []  # unmapped, never guessed
    only = areas.correspondence_pairs([ww.areas["a_aeldre"].id])
    assert only == frozenset({tuple(sorted(ids(ww, "a_aeldre", "b_dagtilbud")))})


def test_same_organisation_and_unknown_areas_are_refused(ww):
    with pytest.raises(ServiceError, match="begge til"):
        areas.add_pair(ww.viewer("ad"), *ids(ww, "a_boern", "a_aeldre"))
    with pytest.raises(ServiceError):
        areas.add_pair(ww.viewer("ad"), ww.areas["a_boern"].id, 2**31 - 1)
    with pytest.raises(ServiceError):
        areas.add_pair(ww.viewer("ad"), None, ww.areas["a_boern"].id)
    assert pair_count() == 0


def test_a_coordinator_maps_only_pairs_with_her_own_side(ww):
    areas.add_pair(ww.viewer("ka"), *ids(ww, "a_boern", "b_dagtilbud"))
    with pytest.raises(NotAllowed):  # two foreign areas
        areas.add_pair(ww.viewer("ka"), *ids(ww, "b_omsorg", "c_skole"))
    areas.add_pair(ww.viewer("ad"), *ids(ww, "b_omsorg", "c_skole"))
    with pytest.raises(NotAllowed):
        areas.remove_pair(ww.viewer("ka"), *ids(ww, "b_omsorg", "c_skole"))
    with pytest.raises(NotAllowed):  # a leader
        areas.add_pair(ww.viewer("a"), *ids(ww, "a_kultur", "b_omsorg"))
    assert pair_count() == 2
    assert areas.remove_pair(ww.viewer("kb"), *ids(ww, "a_boern", "b_dagtilbud"))  # B's side too


def test_the_export_reimported_changes_nothing_even_for_a_coordinator(ww):
    admin = ww.viewer("ad")
    areas.add_pair(admin, *ids(ww, "a_boern", "b_dagtilbud"))
    areas.add_pair(admin, *ids(ww, "b_omsorg", "c_skole"))  # not coordinator A's to change
    text = "".join(csv_lines(areas_csv.export_rows()))
    assert text.startswith("\ufefforganisation_1;område_1;organisation_2;område_2\r\n")
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    result = areas_csv.import_pairs(ww.viewer("ka"), text.encode(), replace=True)
    assert result.ok, result.problems
    assert (result.added, result.removed, result.unchanged) == (0, 0, 2)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_bad_file_names_every_bad_line_and_changes_nothing(ww):
    text = (
        "organisation_1;område_1;organisation_2;område_2\n"
        "Kalender Kommune A;Børn og unge;Kalender Kommune B;Dagtilbud\n"  # fine
        "Ukendt Kommune;Børn og unge;Kalender Kommune B;Dagtilbud\n"
        "Kalender Kommune A;Ukendt område;Kalender Kommune B;Dagtilbud\n"
        "Kalender Kommune A;Børn og unge;Kalender Kommune A;Ældre\n"
        "Kalender Kommune B;Omsorg;Workshop Kommune C;Skole\n"  # not coordinator A's
        "\n"
        "Kalender Kommune A;Kultur\n"
    )
    result = areas_csv.import_pairs(ww.viewer("ka"), text)
    assert [problem.line for problem in result.problems] == [3, 4, 5, 6, 8]
    assert "Ukendt Kommune" in str(result.problems[0])
    assert "Ukendt område" in str(result.problems[1])
    assert "egen organisation" in str(result.problems[3])
    assert pair_count() == 0


def test_import_adds_and_with_replace_removes_only_the_persons_own_pairs(ww):
    admin = ww.viewer("ad")
    areas.add_pair(admin, *ids(ww, "a_kultur", "b_omsorg"))
    areas.add_pair(admin, *ids(ww, "b_omsorg", "c_skole"))
    text = "organisation_1,område_1,organisation_2,område_2\nkalender kommune a, ældre ,Kalender Kommune B,Dagtilbud\n"
    result = areas_csv.import_pairs(ww.viewer("ka"), text)
    assert (result.added, result.removed) == (1, 0)
    result = areas_csv.import_pairs(ww.viewer("ka"), text, replace=True)
    assert (result.added, result.removed, result.unchanged) == (0, 1, 1)
    assert areas.correspondence_pairs() == frozenset(
        {
            tuple(sorted(ids(ww, "a_aeldre", "b_dagtilbud"))),
            tuple(sorted(ids(ww, "b_omsorg", "c_skole"))),
        }
    )


@pytest.mark.parametrize("data", [b"\xff\xfe broken", b"", b"navn;email\nx;y\n", b"a\x00;b"])
def test_unreadable_files_are_problems_not_errors(ww, data):
    result = areas_csv.import_pairs(ww.viewer("ad"), data)
    assert not result.ok and result.problems[0].line == 1


# --- The page -----------------------------------------------------------------------------------


def test_only_coordinators_and_admins_open_the_map(ww, browser):
    for key in ("a", "h", "f"):
        assert browser(ww.people[key]).get("/workshops/omraader").status_code == 404
        assert browser(ww.people[key]).get("/workshops/omraader.csv").status_code == 404
    assert browser(None).get("/workshops/omraader").status_code == 302


def test_a_coordinator_sees_every_area_but_removes_only_her_pairs(ww, browser):
    admin = ww.viewer("ad")
    areas.add_pair(admin, *ids(ww, "a_boern", "b_dagtilbud"))
    areas.add_pair(admin, *ids(ww, "b_omsorg", "c_skole"))
    db.session.commit()
    page = browser(ww.people["ka"]).get("/workshops/omraader").get_data(as_text=True)
    assert "Skole" in page and "Ikke koblet til et tilsvarende område" in page
    assert page.count('action="/workshops/omraader/fjern"') == 2  # the A–B pair, from both sides
    admin_page = browser(ww.people["ad"]).get("/workshops/omraader").get_data(as_text=True)
    assert admin_page.count('action="/workshops/omraader/fjern"') == 4


def test_adding_and_removing_through_the_page(ww, browser):
    coordinator = browser(ww.people["ka"])
    token = csrf_token_from(coordinator.get("/workshops/omraader").get_data(as_text=True))
    first, second = ids(ww, "a_boern", "b_dagtilbud")
    data = {"csrf_token": token, "first": str(first), "second": str(second)}
    assert coordinator.post("/workshops/omraader", data=data).status_code == 302
    again = coordinator.post("/workshops/omraader", data=data, follow_redirects=True)
    assert "allerede koblet" in again.get_data(as_text=True)
    same = coordinator.post(
        "/workshops/omraader",
        data={**data, "second": str(ww.areas["a_aeldre"].id)},
    )
    assert same.status_code == 400 and "begge til" in same.get_data(as_text=True)
    foreign = coordinator.post(
        "/workshops/omraader",
        data={**data, "first": str(ww.areas["b_omsorg"].id), "second": str(ww.areas["c_skole"].id)},
    )
    assert foreign.status_code == 403
    assert pair_count() == 1
    gone = coordinator.post("/workshops/omraader/fjern", data=data)
    assert gone.status_code == 302 and pair_count() == 0
    assert coordinator.post("/workshops/omraader/fjern", data=data).status_code == 302


def test_csv_download_and_upload(ww, browser):
    areas.add_pair(ww.viewer("ad"), *ids(ww, "a_boern", "b_dagtilbud"))
    db.session.commit()
    coordinator = browser(ww.people["kb"])
    download = coordinator.get("/workshops/omraader.csv")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    body = download.get_data()
    assert body.startswith("\ufeff".encode()) and "Børn og unge".encode() in body
    token = csrf_token_from(coordinator.get("/workshops/omraader").get_data(as_text=True))
    bad = coordinator.post(
        "/workshops/omraader/import",
        data={
            "csrf_token": token,
            "file": (
                io.BytesIO(
                    b"organisation_1;omr\xc3\xa5de_1;organisation_2;omr\xc3\xa5de_2\nX;Y;Z;W\n"
                ),
                "k.csv",
            ),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "Linje 2" in bad.get_data(as_text=True)
    same = coordinator.post(
        "/workshops/omraader/import",
        data={"csrf_token": token, "file": (io.BytesIO(body), "k.csv"), "replace": "y"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Intet er ændret" in same.get_data(as_text=True)
    assert pair_count() == 1
