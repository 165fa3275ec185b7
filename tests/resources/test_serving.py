"""Downloading course material: who gets it (everyone else 404) and the headers that keep an
uploaded file from acting as a page of this site."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.courses.models import PublicationStatus
from course_app.resources import services
from course_app.resources.models import Resource
from tests.helpers import sign_in
from tests.resources import files
from tests.resources.conftest import upload


@pytest.fixture
def uploaded(app, client, session, world):
    """Upload as the editor in a client of its own; return a function name → Resource."""
    editor = app.test_client()
    sign_in(editor, world.people["editor"].email)

    def _upload(data: bytes, filename: str, title: str = "") -> Resource:
        response = upload(editor, world.list_url, data, filename, title=title)
        assert response.status_code == 302, response.get_data(as_text=True)
        return session.scalars(
            select(Resource)
            .where(Resource.course_id == world.course.id)
            .order_by(Resource.id.desc())
        ).first()

    return _upload


def url_of(resource: Resource) -> str:
    return services.download_path(resource)


def test_pdf_is_served_inline_with_the_detected_type_and_safe_headers(client, world, uploaded):
    resource = uploaded(files.pdf(), "Håndbog for ledere.pdf")
    sign_in(client, world.people["leader"].email)
    response = client.get(url_of(resource))
    assert response.status_code == 200
    assert response.data == files.pdf()
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=UTF-8''H%C3%A5ndbog%20for%20ledere.pdf" in disposition
    assert "\n" not in disposition and "\r" not in disposition
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["ETag"] == f'"{resource.sha256}"'
    csp = response.headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'")
    assert "script-src" not in csp


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (files.png(), "diagram.png", "image/png"),
        (files.jpeg(), "foto.jpg", "image/jpeg"),
        (files.webp(), "foto.webp", "image/webp"),
        (files.mp4(), "film.mp4", "video/mp4"),
        (files.webm(), "film.webm", "video/webm"),
    ],
)
def test_other_safe_types_are_inline_and_sandboxed(
    client, world, uploaded, data, filename, content_type
):
    resource = uploaded(data, filename)
    sign_in(client, world.people["leader"].email)
    response = client.get(url_of(resource))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; frame-ancestors 'none'; sandbox"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "filename"),
    [(files.pptx(), "Oplæg ø.pptx"), (files.ooxml("docx"), "håndbog.docx"), (files.odf(), "x.odp")],
)
def test_office_files_are_downloads(client, world, uploaded, data, filename):
    resource = uploaded(data, filename)
    sign_in(client, world.people["leader"].email)
    response = client.get(url_of(resource))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Security-Policy"].endswith("sandbox")


def test_the_request_content_type_is_never_used(client, world, uploaded, session):
    """The browser may claim anything at upload; what is stored and served is what was detected."""
    resource = uploaded(files.png(), "diagram.png")
    assert resource.content_type == "image/png"
    sign_in(client, world.people["editor"].email)
    response = client.get(url_of(resource))
    assert response.headers["Content-Type"] == "image/png"


def test_videos_answer_range_requests(client, world, uploaded):
    data = files.mp4()
    resource = uploaded(data, "film.mp4")
    sign_in(client, world.people["leader"].email)
    response = client.get(url_of(resource), headers={"Range": "bytes=4-11"})
    assert response.status_code == 206
    assert response.data == data[4:12]
    assert response.headers["Content-Range"] == f"bytes 4-11/{len(data)}"
    assert response.headers["Accept-Ranges"] == "bytes"


def test_unchanged_file_is_not_sent_again(client, world, uploaded):
    resource = uploaded(files.pdf(), "slides.pdf")
    sign_in(client, world.people["leader"].email)
    response = client.get(url_of(resource), headers={"If-None-Match": f'"{resource.sha256}"'})
    assert response.status_code == 304
    assert response.data == b""


def test_the_name_in_the_url_does_not_matter(client, world, uploaded):
    resource = uploaded(files.pdf(), "slides.pdf")
    sign_in(client, world.people["leader"].email)
    assert client.get(f"/materialer/{resource.id}/noget-andet.pdf").status_code == 200


@pytest.mark.parametrize(("who", "status"), [("editor", 200), ("admin", 200), ("leader", 200)])
def test_allowed_people(client, world, uploaded, who, status):
    resource = uploaded(files.pdf(), "slides.pdf")
    sign_in(client, world.people[who].email)
    assert client.get(url_of(resource)).status_code == status


@pytest.mark.parametrize("who", ["other_leader", "other_editor", "coordinator", "nobody"])
def test_everyone_else_gets_404(client, world, uploaded, who):
    resource = uploaded(files.pdf(), "slides.pdf")
    sign_in(client, world.people[who].email)
    response = client.get(url_of(resource))
    assert response.status_code == 404
    assert files.pdf() not in response.data
    assert client.get(f"/materialer/{resource.id + 1000}/slides.pdf").status_code == 404


def test_anonymous_is_sent_to_sign_in(client, world, uploaded):
    resource = uploaded(files.pdf(), "slides.pdf")
    response = client.get(url_of(resource))
    assert response.status_code == 302
    assert "/log-ind" in response.headers["Location"]


def test_enrolled_leader_gets_nothing_from_an_unpublished_course(
    app, client, session, world, uploaded
):
    resource = uploaded(files.pdf(), "slides.pdf")
    world.course.status = PublicationStatus.DRAFT
    session.flush()
    sign_in(client, world.people["leader"].email)
    assert client.get(url_of(resource)).status_code == 404
    editor = app.test_client()
    sign_in(editor, world.people["editor"].email)
    assert editor.get(url_of(resource)).status_code == 200


def test_missing_file_on_disk_is_404(client, world, uploaded, storage_dir):
    resource = uploaded(files.pdf(), "slides.pdf")
    (storage_dir / "resources" / resource.stored_name).unlink()
    sign_in(client, world.people["editor"].email)
    assert client.get(url_of(resource)).status_code == 404
