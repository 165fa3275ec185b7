"""The audit log page: who sees which entries, filters, pages, and how an entry is shown."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from course_app.audit import services as audit
from course_app.core.db import db
from course_app.courses.models import Course
from course_app.organisations import services as directory
from course_app.organisations.models import Role
from tests import factories
from tests.helpers import sign_in

LOG = "/admin/log"


@pytest.fixture
def world(session: Any) -> dict[str, Any]:
    """Two courses, an admin, an editor of each, and entries by both editors and the system."""
    first = factories.course(slug="kursus-et")
    second = factories.course(slug="kursus-to")
    admin = factories.user(name="Ada Admin")
    directory.assign_role(admin, Role.PLATFORM_ADMIN)
    editor = factories.user(name="Eva Redaktør")
    directory.assign_role(editor, Role.COURSE_EDITOR, course_id=first.id)
    other = factories.user(name="Otto Anden")
    directory.assign_role(other, Role.COURSE_EDITOR, course_id=second.id)

    def entry(actor, course: Course | None, key: str, summary: str):
        return audit.record(
            actor_id=actor.id if actor else None,
            action="changed",
            object_type="lesson",
            object_key=key,
            course_id=course.id if course else None,
            summary=summary,
        )

    entry(editor, first, "lektion-1", "Eva ændrede i kursus et")
    entry(other, second, "lektion-2", "Otto ændrede i kursus to")
    entry(None, first, "lektion-3", "Importeret af systemet")
    entry(admin, None, "platform", "Platformssag uden kursus")
    return {"first": first, "second": second, "admin": admin, "editor": editor, "other": other}


def summaries(html: str) -> list[str]:
    """The summary column, top to bottom."""
    return re.findall(r"<td>([^<]*)</td>\s*</tr>", html)


def test_platform_admin_sees_every_entry_newest_first(client, world) -> None:
    sign_in(client, world["admin"].email)

    response = client.get(LOG)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert summaries(html) == [
        "Platformssag uden kursus",
        "Importeret af systemet",
        "Otto ændrede i kursus to",
        "Eva ændrede i kursus et",
    ]
    assert "Systemet (kommandolinjen)" in html
    assert '<caption id="log-tabel">' in html
    assert html.count('<th scope="col">') == 6


def test_course_editor_sees_only_their_courses(client, world) -> None:
    sign_in(client, world["editor"].email)

    html = client.get(LOG).get_data(as_text=True)

    assert summaries(html) == ["Importeret af systemet", "Eva ændrede i kursus et"]
    # The person filter offers only people from entries the editor may read.
    assert "Otto Anden" not in html
    assert "Ada Admin" not in html
    assert world["first"].title in html
    assert world["second"].title not in html


def test_filter_by_course(client, world) -> None:
    sign_in(client, world["admin"].email)

    html = client.get(f"{LOG}?course_id={world['second'].id}").get_data(as_text=True)

    assert summaries(html) == ["Otto ændrede i kursus to"]
    assert f'<option value="{world["second"].id}" selected>' in html


def test_filter_by_person(client, world) -> None:
    sign_in(client, world["admin"].email)

    html = client.get(f"{LOG}?actor_id={world['other'].id}").get_data(as_text=True)

    assert summaries(html) == ["Otto ændrede i kursus to"]
    assert "Fjern filtrene" in html


def test_filter_by_person_stays_inside_the_editors_courses(client, world) -> None:
    sign_in(client, world["editor"].email)

    html = client.get(f"{LOG}?actor_id={world['other'].id}").get_data(as_text=True)

    assert summaries(html) == []
    assert "Ingen ændringer passer til det, du har valgt" in html


def test_editor_may_not_filter_on_another_course(client, world) -> None:
    sign_in(client, world["editor"].email)

    assert client.get(f"{LOG}?course_id={world['second'].id}").status_code == 403


def test_invalid_filter_values_are_ignored(client, world) -> None:
    sign_in(client, world["editor"].email)

    response = client.get(f"{LOG}?course_id=abc&actor_id=&before_id=x")

    assert response.status_code == 200
    assert len(summaries(response.get_data(as_text=True))) == 2


@pytest.mark.parametrize("who", ["leader", "coordinator"])
def test_non_authors_get_403(client, world, who: str) -> None:
    org = factories.organisation()
    user = factories.user(org=org)
    if who == "coordinator":
        directory.assign_role(user, Role.COORDINATOR, organisation=org)
    sign_in(client, user.email)

    assert client.get(LOG).status_code == 403


def test_sign_in_required(client, world) -> None:
    response = client.get(LOG)

    assert response.status_code == 302
    assert "/log-ind" in response.headers["Location"]


def test_pages_go_back_with_before_id_and_keep_the_filter(client, world) -> None:
    first = world["first"]
    for number in range(55):
        audit.record(
            actor_id=world["editor"].id,
            action="created",
            object_type="block",
            object_key=f"blok-{number}",
            course_id=first.id,
            summary=f"Blok {number}",
        )
    sign_in(client, world["admin"].email)

    page_one = client.get(f"{LOG}?course_id={first.id}").get_data(as_text=True)

    assert summaries(page_one) == [f"Blok {n}" for n in range(54, 4, -1)]
    link = re.search(r'href="([^"]*before_id=[^"]*)">Ældre ændringer', page_one)
    assert link, "no link to older entries"
    older_url = link.group(1).replace("&amp;", "&")
    assert f"course_id={first.id}" in older_url

    page_two = client.get(older_url).get_data(as_text=True)

    assert summaries(page_two) == [
        *(f"Blok {n}" for n in range(4, -1, -1)),
        "Importeret af systemet",
        "Eva ændrede i kursus et",
    ]
    assert "Ældre ændringer" not in page_two
    assert "Nyeste ændringer" in page_two


def test_time_is_shown_in_copenhagen(client, world) -> None:
    entry = audit.record(
        actor_id=world["admin"].id,
        action="published",
        object_type="course",
        object_key="kursus-et",
        course_id=world["first"].id,
        summary="Offentliggjort",
    )
    entry.created_at = dt.datetime(2026, 6, 1, 10, 30, tzinfo=dt.UTC)
    db.session.flush()
    sign_in(client, world["admin"].email)

    html = client.get(f"{LOG}?actor_id={world['admin'].id}").get_data(as_text=True)

    assert "1. juni 2026 kl. 12.30" in html
    assert 'datetime="2026-06-01T10:30:00+00:00"' in html
    assert "Offentliggjort" in html
    assert "Kursus <code>kursus-et</code>" in html
