"""Two identical "Opret forløbet" POSTs at the same moment, on committed data in a database of the
test's own (SQLite, or PostgreSQL when COURSE_APP_TEST_DATABASE_URL is set): one round is made, the
other request is refused with a message at the name, never a 500."""

from __future__ import annotations

import queue

from sqlalchemy import select

from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.organisations import services as directory
from course_app.organisations.models import Role
from tests import factories
from tests.conftest import FreshContextClient, csrf_token_from
from tests.helpers import sign_in
from tests.notifications.test_concurrency import _at_once, own_app  # noqa: F401 - a fixture


def test_two_identical_posts_at_once_make_one_round(own_app):  # noqa: F811
    own_app.test_client_class = FreshContextClient
    with own_app.app_context():
        org = factories.organisation("Albertslund")
        course = factories.course()
        admin = factories.user(email="admin@test.example", name="Admin")
        directory.assign_role(admin, Role.PLATFORM_ADMIN)
        db.session.commit()
        course_id, org_id = course.id, org.id
    for attempt in range(3):
        clients: queue.Queue = queue.Queue()
        for _ in range(2):
            client = own_app.test_client()
            assert sign_in(client, "admin@test.example").status_code == 302
            token = csrf_token_from(client.get("/forloeb/nyt").get_data(as_text=True))
            clients.put((client, token))

        def post():
            client, token = clients.get()
            data = {
                "csrf_token": token,
                "course": course_id,
                "name": f"Samtidigt {attempt}",
                "starts_on": "2027-03-01",
                "organisations": org_id,
            }
            response = client.post("/forloeb/nyt", data=data)
            return response.status_code, response.get_data(as_text=True)

        results = _at_once(own_app, post)
        assert sorted(status for status, _page in results) == [302, 400]
        refused = next(page for status, page in results if status == 400)
        assert "Kurset har allerede et forløb med det navn" in refused
        with own_app.app_context():
            made = db.session.scalars(
                select(Cohort).where(Cohort.name == f"Samtidigt {attempt}")
            ).all()
            assert len(made) == 1
