"""The download of all one's data: every kind of data is there, another person's never is, the page
is readable without the network, and the route serves only the signed-in person."""

from __future__ import annotations

import io
import json
import re
import zipfile

import course_app.models  # noqa: F401 - every table in the metadata
from course_app.core import clock
from course_app.core.db import Base
from course_app.privacy import archive, export
from tests.helpers import sign_in
from tests.privacy.conftest import (
    ANNA_AUDIT,
    ANNA_COMMENT,
    ANNA_EVENT,
    ANNA_MAIL,
    ANNA_NOTE,
    ANNA_PRIVATE,
    ANNA_RESOURCE,
    ANNA_SHARED,
    CANARIES,
)


def _files(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_export_holds_every_kind_of_her_data_and_nobody_elses(world):
    files = _files(archive.export_zip(world.anna, clock.now()))
    assert set(files) == {"persondata.json", "persondata.html"}
    data = json.loads(files["persondata.json"])
    person = data["person"][0]
    assert person["email"] == "anna@test.example" and person["area"] == "Børn"
    assert person["organisation"] == "Albertslund" and "password_hash" not in person
    assert [r["role"] for r in data["roles"]] == ["chair"]
    assert [m["group"] for m in data["group_memberships"]] == ["Ahorn", "Birk"]
    assert data["group_memberships"][0]["valid_until"] is not None
    assert [e["round"] for e in data["enrolments"]] == ["Forår"]
    assert [p["state"] for p in data["progress"]] == ["done"]
    assert len(data["module_unlocks"]) == 1
    answers = {a["text"]: a for a in data["answers"]}
    assert answers[ANNA_PRIVATE]["visibility"] == "private"
    assert answers[ANNA_SHARED]["visibility"] == "group"
    assert answers[ANNA_SHARED]["shared_with_group"] == "Birk"
    assert [c["text"] for c in data["comments"]] == [ANNA_COMMENT]
    assert data["comments"][0]["on_question"] == "Hvad tager du med?"
    assert [n["text"] for n in data["meeting_notes"]] == [ANNA_NOTE]
    assert [n["reason"] for n in data["notices"]] == ["reminder"]
    assert [m["subject"] for m in data["emails"]] == [ANNA_MAIL]
    assert len(data["calendar_feed"]) == 1 and "token_hash" not in data["calendar_feed"][0]
    for kind in ("invitations", "sign_in_links", "password_resets"):
        assert len(data[kind]) == 1 and set(data[kind][0]) == {
            "created_at",
            "expires_at",
            "used_at",
        }
    assert [a["summary"] for a in data["audit_entries"]] == [ANNA_AUDIT]
    assert [e["title"] for e in data["events_changed"]] == [ANNA_EVENT]
    assert [r["title"] for r in data["uploaded_resources"]] == [ANNA_RESOURCE]
    assert "sign_in_failures" in data["not_included"]
    for text in files.values():
        for canary in CANARIES:
            assert canary not in text
        assert "a" * 64 not in text and "d" * 64 not in text  # no token hashes
    page = files["persondata.html"]
    for marker in (ANNA_PRIVATE, ANNA_SHARED, ANNA_COMMENT, ANNA_NOTE, ANNA_MAIL):
        assert marker in page


def test_readable_page_is_self_contained_and_in_her_language(world):
    page = archive.export_html(world.anna, export.personal_data(world.anna), clock.now())
    assert '<html lang="da">' in page and "Dine svar" in page
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert "http://" not in page and "https://" not in page
    world.anna.locale = "en"
    english = archive.export_html(world.anna, export.personal_data(world.anna), clock.now())
    assert '<html lang="en">' in english and "Your answers" in english


def test_route_serves_the_signed_in_person_only(world, client):
    assert client.get("/konto/mine-data.zip").status_code == 302  # to sign in
    sign_in(client, "bo@test.example")
    account = client.get("/konto").get_data(as_text=True)
    assert 'href="/konto/mine-data.zip"' in account
    response = client.get(f"/konto/mine-data.zip?user_id={world.anna.id}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    files = _files(response.data)
    data = json.loads(files["persondata.json"])
    assert data["person"][0]["email"] == "bo@test.example"
    assert (
        ANNA_PRIVATE not in files["persondata.json"] and ANNA_NOTE not in files["persondata.html"]
    )


# --- a new table holding personal data cannot be forgotten ------------------------------------------

# Columns that make a table's rows personal: the person herself, or her enrolment in a round.
PERSON_KEYS = {"users.id", "enrolments.id"}


def personal_tables() -> set[str]:
    return {
        table.name
        for table in Base.metadata.sorted_tables
        if table.name == "users"
        or any(fk.target_fullname in PERSON_KEYS for fk in table.foreign_keys)
    }


def test_every_table_with_personal_data_is_exported_or_explained():
    """Every table in the metadata that points at a person (a foreign key to users or enrolments)
    is either in the export (``EXPORTED_TABLES``) or in ``NOT_EXPORTED`` with a reason."""
    personal = personal_tables()
    covered = export.EXPORTED_TABLES | set(export.NOT_EXPORTED)
    forgotten = personal - covered
    assert not forgotten, (
        f"Tables with personal data that the export neither covers nor explains: "
        f"{sorted(forgotten)}. Add them to course_app/privacy/export.py (a section and "
        "EXPORTED_TABLES), or to NOT_EXPORTED with the reason, and decide what erasure does "
        "with them (course_app/privacy/erasure.py, docs/privacy.md)."
    )
    known = {table.name for table in Base.metadata.sorted_tables}
    assert covered <= known, f"Stale names in the export's lists: {sorted(covered - known)}"
    assert all(reason.strip() for reason in export.NOT_EXPORTED.values())
