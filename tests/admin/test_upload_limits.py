"""The browser upload refuses expensive zips quickly, on the upload page with the reason (never a
500), for platform admins and course editors alike."""

from __future__ import annotations

import html
import time

import pytest

from course_app.organisations.models import Role
from tests.admin.test_files import content_counts, minimal_course, person, upload  # noqa: F401
from tests.courses.bad_inputs import TIME_LIMIT, ZIP_CASES
from tests.helpers import sign_in


@pytest.mark.parametrize("case", list(ZIP_CASES))
def test_expensive_upload_is_refused_on_the_upload_page(client, session, case: str) -> None:
    build, message = ZIP_CASES[case]
    data = build()
    sign_in(client, person(Role.PLATFORM_ADMIN).email)
    before = content_counts()
    started = time.monotonic()

    response = upload(client, data, "minimal.zip")

    assert time.monotonic() - started < TIME_LIMIT
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert message in page
    assert "Intet er indlæst" in page
    assert content_counts() == before


def test_a_course_editor_sees_the_refusal_too(client, minimal_course) -> None:  # noqa: F811
    build, message = ZIP_CASES["deep mappings in a zip"]
    sign_in(client, person(Role.COURSE_EDITOR, minimal_course).email)

    response = upload(client, build(), "minimal.zip")

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page
    assert '<code>minimal/course.yml</code></th>\n        <td class="numeric">25</td>' in page
    # The limit's message is in the reader's language, not marked as the format's English.
    assert f'<td lang="en">{message}' not in page
