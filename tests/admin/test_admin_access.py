"""Every admin route × every role (issue 3, point 1): only platform admins and the course's own
editors get in; coordinators, chairs, facilitators and leaders get 403 everywhere, a course editor
of another course gets 403 on every route of this course, and nobody signed in is sent to sign in.

The sweep walks ``app.url_map``: a new ``admin.*`` route with an argument this file cannot fill
fails ``test_every_admin_route_can_be_built`` until ``ARGUMENTS`` gets a real value for it. Every POST
carries a valid CSRF token, so the refusal is the role check's and not CSRF's, and a refused POST
must leave the audit log (which every authoring change writes to) untouched.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask, url_for
from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.courses.models import LearningGoal
from course_app.resources.models import Resource
from tests.conftest import csrf_token_from
from tests.helpers import sign_in

NON_AUTHORS = ("leader", "coordinator", "chair", "facilitator")


def _goal_id(world, session) -> int:
    goal = LearningGoal(course_id=world.course.id, key="lm-sweep", title="Mål", position=0)
    session.add(goal)
    session.flush()
    return goal.id


def _resource_id(world, session) -> int:
    resource = Resource(
        course_id=world.course.id,
        title="Slides",
        original_filename="slides.pdf",
        stored_name="a" * 32,
        content_type="application/pdf",
        size_bytes=10,
        sha256="0" * 64,
        uploaded_by_id=world.admin.id,
    )
    session.add(resource)
    session.flush()
    return resource.id


# Real values for each URL argument of the admin routes, from the world in tests/admin/conftest.py.
ARGUMENTS = {
    "course_id": lambda world, session: world.course.id,
    "module_key": lambda world, session: "modul-a",
    "lesson_key": lambda world, session: "lektion-film",
    "block_key": lambda world, session: "spoergsmaal-1",
    "block_type": lambda world, session: "reflection",
    "item_key": None,  # follows ``kind``: see _values
    "kind": None,
    "goal_id": _goal_id,
    "resource_id": _resource_id,
}
ITEM_KEYS = {"moduler": "modul-a", "lektioner": "lektion-film", "blokke": "spoergsmaal-1"}


def _admin_rules(app: Flask):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")),
        key=lambda rule: rule.rule,
    )


def _value_sets(rule, argument) -> list[dict]:
    """The URL values for a rule: one set, or one per item kind a ``<kind>`` route accepts."""
    values = {name: argument(name) for name in rule.arguments if name not in ("kind", "item_key")}
    if "kind" not in rule.arguments:
        return [values]
    pattern = rule._converters["kind"].regex
    return [
        {**values, "kind": kind, "item_key": key}
        for kind, key in ITEM_KEYS.items()
        if re.fullmatch(pattern, kind)
    ]


def _urls(app, world, session) -> list[tuple[str, str, str, bool]]:
    """(endpoint, method, url, course-scoped) for every admin route, method and item kind."""
    cases = []
    cache: dict[str, object] = {}

    def argument(name: str):
        if name not in cache:
            cache[name] = ARGUMENTS[name](world, session)
        return cache[name]

    with app.test_request_context():
        for rule in _admin_rules(app):
            for values in _value_sets(rule, argument):
                url = url_for(rule.endpoint, **values)
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    cases.append((rule.endpoint, method, url, "course_id" in rule.arguments))
    return cases


def test_every_admin_route_can_be_built(app):
    missing = {
        f"{rule.endpoint}: {name}"
        for rule in _admin_rules(app)
        for name in rule.arguments
        if name not in ARGUMENTS
    }
    assert not missing, (
        "admin routes with arguments the access sweep cannot fill; add a real value to ARGUMENTS "
        f"in {__file__}: {sorted(missing)}"
    )


def _audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry))


def _request(client, method: str, url: str, token: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token, "publish": "1", "direction": "up"})


def _token(client) -> str:
    for page in ("/mit-forloeb", "/admin/"):
        response = client.get(page)
        if response.status_code == 200 and 'name="csrf_token"' in response.get_data(as_text=True):
            return csrf_token_from(response.get_data(as_text=True))
    raise AssertionError("no page with a CSRF token")


@pytest.mark.parametrize("role", NON_AUTHORS)
def test_non_authors_get_403_on_every_admin_route(app, client, world, session, role):
    cases = _urls(app, world, session)
    session.commit()
    sign_in(client, getattr(world, role).email)
    token = _token(client)
    before = _audit_count(session)
    wrong = [
        f"{method} {url} ({endpoint}): {status}"
        for endpoint, method, url, _ in cases
        if (status := _request(client, method, url, token).status_code) != 403
    ]
    assert not wrong, f"{role} was not refused:\n" + "\n".join(wrong)
    assert _audit_count(session) == before


def test_an_editor_of_another_course_gets_403_on_every_route_of_this_course(
    app, client, world, session
):
    cases = _urls(app, world, session)
    session.commit()
    sign_in(client, world.other_editor.email)
    token = _token(client)
    before = _audit_count(session)
    wrong = [
        f"{method} {url} ({endpoint}): {status}"
        for endpoint, method, url, scoped in cases
        if scoped and (status := _request(client, method, url, token).status_code) != 403
    ]
    assert not wrong, "editor of another course was not refused:\n" + "\n".join(wrong)
    assert _audit_count(session) == before
    # and creating courses is for platform admins only
    assert client.get("/admin/kurser/ny").status_code == 403


def test_anonymous_is_sent_to_sign_in(app, client, world, session):
    cases = _urls(app, world, session)
    session.commit()
    token = csrf_token_from(client.get("/log-ind").get_data(as_text=True))
    for endpoint, method, url, _ in cases:
        response = _request(client, method, url, token)
        assert response.status_code == 302, f"{method} {url} ({endpoint})"
        assert "/log-ind" in response.headers["Location"]


@pytest.mark.parametrize("role", ("admin", "editor"))
def test_authors_open_every_page_of_their_course(app, client, world, session, role):
    cases = _urls(app, world, session)
    session.commit()
    sign_in(client, getattr(world, role).email)
    wrong = []
    for endpoint, method, url, scoped in cases:
        if (
            method != "GET"
            or not (scoped or role == "admin")
            or (endpoint == "admin.course_new" and role != "admin")
        ):
            continue
        status = client.get(url).status_code
        if status != 200:
            wrong.append(f"GET {url} ({endpoint}): {status}")
    assert not wrong, f"{role} could not open:\n" + "\n".join(wrong)
