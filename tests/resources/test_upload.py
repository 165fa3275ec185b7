"""Uploading and deleting course material in the admin area."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.paths import STATIC_DIR
from course_app.resources.models import Resource
from tests.helpers import post_form, sign_in
from tests.mail import app_config
from tests.resources import files
from tests.resources.conftest import upload


def _resources(session, course_id):
    return list(
        session.scalars(
            select(Resource).where(Resource.course_id == course_id).order_by(Resource.id)
        )
    )


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (files.pdf(), "Håndbog for ledere.pdf", "application/pdf"),
        (files.png(), "diagram.png", "image/png"),
        (files.jpeg(), "foto.JPG", "image/jpeg"),
        (files.webp(), "foto.webp", "image/webp"),
        (files.mp4(), "film.mp4", "video/mp4"),
        (files.webm(), "film.webm", "video/webm"),
        (
            files.pptx(),
            "Oplæg 1.pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (files.odf(), "oplæg.odp", "application/vnd.oasis.opendocument.presentation"),
    ],
)
def test_editor_uploads_allowed_types(
    client, session, world, storage_dir, data, filename, content_type
):
    sign_in(client, world.people["editor"].email)
    response = upload(client, world.list_url, data, filename, title="Materiale")
    assert response.status_code == 302, response.get_data(as_text=True)

    [resource] = _resources(session, world.course.id)
    assert resource.content_type == content_type
    assert resource.original_filename == filename
    assert resource.size_bytes == len(data)
    assert resource.sha256 == hashlib.sha256(data).hexdigest()
    assert resource.uploaded_by_id == world.people["editor"].id
    stored = storage_dir / "resources" / resource.stored_name
    assert stored.read_bytes() == data


def test_stored_name_is_random_and_outside_static(client, session, world, storage_dir):
    sign_in(client, world.people["editor"].email)
    upload(client, world.list_url, files.pdf(), "../../static/evil.pdf")
    upload(client, world.list_url, files.pdf(), "../../static/evil.pdf")
    first, second = _resources(session, world.course.id)
    for resource in (first, second):
        assert re.fullmatch(r"[0-9a-f]{32}", resource.stored_name)
        assert resource.original_filename == "evil.pdf"
        path = (storage_dir / "resources" / resource.stored_name).resolve()
        assert path.is_file()
        assert STATIC_DIR.resolve() not in path.parents
    assert first.stored_name != second.stored_name
    assert sorted(p.name for p in (storage_dir / "resources").iterdir()) == sorted(
        [first.stored_name, second.stored_name]
    )  # no temporary files left behind


def test_title_defaults_to_the_file_name(client, session, world):
    sign_in(client, world.people["editor"].email)
    upload(client, world.list_url, files.pdf(), "Håndbog for ledere.pdf", title="  ")
    [resource] = _resources(session, world.course.id)
    assert resource.title == "Håndbog for ledere"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (files.HTML, "slides.pdf", "HTML-, SVG- og XML-filer kan ikke uploades"),
        (files.SVG, "billede.pdf", "HTML-, SVG- og XML-filer kan ikke uploades"),
        (files.SVG, "billede.svg", "HTML-, SVG- og XML-filer kan ikke uploades"),
        (
            files.pdf(),
            "slides.pptx",
            "Filens indhold er PDF-dokument, men filnavnet ender ikke på .pdf",
        ),
        (files.jpeg(), "foto.png", "ender ikke på .jpg eller .jpeg"),
        (files.pptx(), "oplæg.zip", "ender ikke på .pptx"),
        (b"GIF89a\x01\x00\x01\x00", "animation.gif", "Filtypen kan ikke uploades"),
        (b"", "tom.pdf", "Filen er tom"),
    ],
)
def test_refused_uploads_keep_the_typed_title_and_store_nothing(
    client, session, world, storage_dir, data, filename, message
):
    sign_in(client, world.people["editor"].email)
    response = upload(client, world.list_url, data, filename, title="Min titel")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'value="Min titel"' in html
    assert 'aria-invalid="true"' in html
    assert _resources(session, world.course.id) == []
    assert not [p for p in storage_dir.rglob("*") if p.is_file()]  # nothing stored, no .part left


def test_missing_file_is_a_form_error(client, session, world):
    sign_in(client, world.people["editor"].email)
    response = post_form(client, world.list_url, world.list_url, {"title": "Uden fil"})
    assert response.status_code == 400
    assert "Vælg en fil." in response.get_data(as_text=True)


def test_oversize_file_names_the_limit_and_keeps_the_title(
    client, app, session, world, storage_dir
):
    sign_in(client, world.people["editor"].email)
    with app_config(app, RESOURCE_MAX_BYTES=int(1.2 * 1024 * 1024)):
        big = files.pdf() + b"\n%" + b"x" * (2 * 1024 * 1024)
        response = upload(client, world.list_url, big, "stor.pdf", title="Stor fil")
        assert response.status_code == 413
        html = response.get_data(as_text=True)
        assert "Filen er for stor. Den må højst fylde 1,2 MB." in html
        assert 'value="Stor fil"' in html

        # Far over the limit: refused before the body is read, with the 413 error page.
        huge = b"%PDF-" + b"x" * (4 * 1024 * 1024)
        response = upload(client, world.list_url, huge, "kæmpe.pdf", title="Kæmpe")
        assert response.status_code == 413
        assert "Filen er for stor" in response.get_data(as_text=True)
    assert _resources(session, world.course.id) == []


def test_uploads_may_exceed_the_site_wide_request_limit(client, app, session, world):
    sign_in(client, world.people["editor"].email)
    data = files.mp4() + b"\x00" * (2 * 1024 * 1024)
    with app_config(app, MAX_CONTENT_LENGTH=1024 * 1024, RESOURCE_MAX_BYTES=4 * 1024 * 1024):
        response = upload(client, world.list_url, data, "film.mp4")
    assert response.status_code == 302
    [resource] = _resources(session, world.course.id)
    assert resource.size_bytes == len(data)


def test_list_shows_title_type_size_uploader_date_and_link(client, session, world):
    sign_in(client, world.people["editor"].email)
    data = files.pdf() + b"%" + b"x" * (int(1.2 * 1024 * 1024) - len(files.pdf()) - 1)
    upload(client, world.list_url, data, "Håndbog for ledere.pdf", title="Håndbogen")
    [resource] = _resources(session, world.course.id)
    html = client.get(world.list_url).get_data(as_text=True)
    assert "Håndbogen" in html
    assert "PDF-dokument" in html
    assert "1,2 MB" in html
    assert "Erik Redaktør" in html
    path = f"/materialer/{resource.id}/Haandbog-for-ledere.pdf"
    assert f'href="{path}"' in html
    # No address to copy any more (a material block picks the material from a list instead).
    assert f'value="{path}" readonly' not in html
    assert "vælg det i blokkens liste over materialer" in html


def test_delete_asks_first_then_removes_file_and_listing(client, session, world, storage_dir):
    sign_in(client, world.people["editor"].email)
    upload(client, world.list_url, files.pdf(), "slides.pdf", title="Slides til modul 1")
    [resource] = _resources(session, world.course.id)
    stored = storage_dir / "resources" / resource.stored_name
    assert stored.is_file()

    confirm = client.get(world.delete_url(resource.id))
    assert confirm.status_code == 200
    assert "Vil du slette »Slides til modul 1«?" in confirm.get_data(as_text=True)
    assert stored.is_file()  # the confirmation page changes nothing

    response = post_form(client, world.delete_url(resource.id), world.delete_url(resource.id), {})
    assert response.status_code == 302
    assert not stored.exists()
    session.refresh(resource)
    assert resource.deleted_at is not None  # soft delete: the row stays for the audit log
    listing = client.get(world.list_url).get_data(as_text=True)
    assert "Slides til modul 1« er slettet" in listing
    assert f"/materialer/{resource.id}/" not in listing
    assert client.get(world.delete_url(resource.id)).status_code == 404
    assert client.get(f"/materialer/{resource.id}/slides.pdf").status_code == 404


def test_delete_without_csrf_token_changes_nothing(client, session, world, storage_dir):
    sign_in(client, world.people["editor"].email)
    upload(client, world.list_url, files.pdf(), "slides.pdf")
    [resource] = _resources(session, world.course.id)
    response = client.post(world.delete_url(resource.id), data={})
    assert response.status_code == 400
    session.refresh(resource)
    assert resource.deleted_at is None
    assert (storage_dir / "resources" / resource.stored_name).is_file()


def test_upload_and_delete_are_audited(client, session, world):
    sign_in(client, world.people["editor"].email)
    upload(client, world.list_url, files.pdf(), "slides.pdf", title="Slides")
    [resource] = _resources(session, world.course.id)
    post_form(client, world.delete_url(resource.id), world.delete_url(resource.id), {})
    entries = list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "resource", AuditEntry.object_key == str(resource.id))
            .order_by(AuditEntry.id)
        )
    )
    assert [entry.action for entry in entries] == ["created", "deleted"]
    assert all(entry.actor_id == world.people["editor"].id for entry in entries)
    assert all(entry.course_id == world.course.id for entry in entries)
    assert entries[0].summary == "Slides"
    assert entries[0].details["content_type"] == "application/pdf"
    assert entries[0].details["sha256"] == resource.sha256


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_editors_and_admins_reach_the_pages(client, world, who):
    sign_in(client, world.people[who].email)
    assert client.get(world.list_url).status_code == 200


@pytest.mark.parametrize("who", ["other_editor", "leader", "coordinator", "nobody"])
def test_everyone_else_gets_403_and_changes_nothing(app, client, session, world, who):
    sign_in(client, world.people["editor"].email)
    upload(client, world.list_url, files.pdf(), "slides.pdf")
    [resource] = _resources(session, world.course.id)

    other = app.test_client()
    sign_in(other, world.people[who].email)
    assert other.get(world.list_url).status_code == 403
    assert other.get(world.delete_url(resource.id)).status_code == 403
    # The 403 page carries a CSRF token (the language form), so these reach the views.
    assert upload(other, world.list_url, files.pdf(), "other.pdf").status_code == 403
    assert post_form(other, world.list_url, world.delete_url(resource.id), {}).status_code == 403
    session.refresh(resource)
    assert resource.deleted_at is None
    assert len(_resources(session, world.course.id)) == 1


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(world.list_url)
    assert response.status_code == 302
    assert "/log-ind" in response.headers["Location"]


def test_missing_course_is_404_for_admins(client, world):
    sign_in(client, world.people["admin"].email)
    assert client.get("/admin/kurser/999999/materialer").status_code == 404


def test_resource_of_another_course_is_404_on_the_delete_page(client, session, world):
    sign_in(client, world.people["admin"].email)
    other_url = f"/admin/kurser/{world.other_course.id}/materialer"
    upload(client, other_url, files.pdf(), "slides.pdf")
    [resource] = _resources(session, world.other_course.id)
    assert client.get(world.delete_url(resource.id)).status_code == 404
