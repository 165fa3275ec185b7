"""A course with its editor, a platform admin, an enrolled leader and people who must not get in;
the shared app stores resource files in this test's own folder."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from course_app.accounts.models import User
from course_app.courses.models import Course
from course_app.organisations import services as directory
from course_app.organisations.models import Role
from tests import factories
from tests.conftest import csrf_token_from
from tests.mail import app_config


@pytest.fixture
def storage_dir(app: Flask, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "storage"
    with app_config(app, STORAGE_DIR=str(folder)):
        yield folder


@dataclass
class World:
    course: Course
    other_course: Course
    people: dict[str, User]

    @property
    def list_url(self) -> str:
        return f"/admin/kurser/{self.course.id}/materialer"

    def delete_url(self, resource_id: int) -> str:
        return f"{self.list_url}/{resource_id}/slet"


@pytest.fixture
def world(session, storage_dir) -> World:
    org = factories.organisation()
    course = factories.course()
    other_course = factories.course()
    cohort = factories.cohort(course, orgs=[org])
    other_cohort = factories.cohort(other_course, orgs=[org])
    people = {
        "editor": factories.user(name="Erik Redaktør"),
        "admin": factories.user(name="Anne Admin"),
        "leader": factories.enrolled_leader(cohort, org=org, name="Lene Leder")[0],
        "other_leader": factories.enrolled_leader(other_cohort, org=org)[0],
        "other_editor": factories.user(),
        "coordinator": factories.user(org=org),
        "nobody": factories.user(org=org),
    }
    directory.assign_role(people["editor"], Role.COURSE_EDITOR, course_id=course.id)
    directory.assign_role(people["other_editor"], Role.COURSE_EDITOR, course_id=other_course.id)
    directory.assign_role(people["admin"], Role.PLATFORM_ADMIN)
    directory.assign_role(people["coordinator"], Role.COORDINATOR, organisation=org)
    return World(course=course, other_course=other_course, people=people)


def upload(client: FlaskClient, url: str, data: bytes, filename: str, title: str = ""):
    page = client.get(url)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(
        url,
        data={"csrf_token": token, "title": title, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
