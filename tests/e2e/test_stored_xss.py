"""Stored XSS is impossible (issue 3, point 8).

A corpus of payloads (``xss_payloads``) is stored, through the services, in every authorable text field
of a published module of the shipped course (course, goals, modules, lessons, every block type, video
chapters), in a leader's shared answers, comments, a meeting note and people's names. Chromium then
opens every page that shows them with the Content-Security-Policy IGNORED (``bypass_csp``), so the
sanitiser and the escaping are what is tested. A payload that runs reports itself through
``__xss(n)``, ``alert(n)`` or a request to ``/xss-hit``: there must be none. URL fields must refuse
dangerous schemes. The CSP header itself is checked separately.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from course_app import create_app
from course_app.accounts import services as accounts
from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core import migrate
from course_app.core.db import db, make_engine
from course_app.courses import authoring, authoring_rules, block_authoring, lifecycle
from course_app.courses import goals as goal_services
from course_app.courses.file_import import import_missing_courses
from course_app.courses.models import BlockType, Course, ModuleMode
from course_app.demo import ADMIN_EMAIL, DEMO_COURSE_SLUG, ensure_demo_data
from course_app.organisations import services as directory
from course_app.organisations.access import viewer_for
from course_app.organisations.models import LeaderGroup
from course_app.paths import COURSES_DIR
from course_app.reflections import services as reflections
from tests.conftest import TEST_CONFIG
from tests.e2e.conftest import (
    DESKTOP,
    LOCAL_HOST,
    PASSWORD,
    TIMEOUT_MS,
    BrowserProblems,
    _route_only_local,
    sign_in_as,
)
from tests.e2e.xss_payloads import DANGEROUS_URLS, PAYLOADS, pack

pytestmark = pytest.mark.e2e

LARS = "leder1@albertslund.example"
LOUISE = "leder2@albertslund.example"
CHAIR = "moedeleder@albertslund.example"
COORDINATOR = "koordinator@albertslund.example"
GROUP = "Ledergruppe Børn og unge"
TITLE_LIMIT = 300
NAME_LIMIT = 200
COMMENT_LIMIT = 2_000
GOAL_DESCRIPTION_LIMIT = 5_000
SETTLE_MS = 200
PAGES_WITHOUT_PAYLOADS = {"/ledergrupper"}  # the list of groups shows no authored text or names

ALL_BLOCKS = "\n\n".join(PAYLOADS)  # Markdown: every payload starts a block of its own
ALL_INLINE = " ".join(PAYLOADS)  # Markdown: every payload inside one paragraph
TITLES = pack(PAYLOADS, TITLE_LIMIT)
# Chapter lines are split with str.splitlines: keep payloads holding a line separator out of them.
CHAPTER_TITLES = pack(
    [p for p in PAYLOADS if len(p.splitlines()) == 1 and not p.startswith(" ")], TITLE_LIMIT - 6
)
NAMES = pack(PAYLOADS, NAME_LIMIT)
COMMENTS = pack(PAYLOADS, COMMENT_LIMIT, "\n")
GOAL_DESCRIPTIONS = pack(PAYLOADS, GOAL_DESCRIPTION_LIMIT, "\n\n")
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
LINK_BREAKOUT = (
    "https://ok.example/x\"'><img/src=x/onerror=__xss(8001)><script>__xss(8002)</script>"
)


@dataclass
class Payloads:
    """Where the payloads went: the URLs (paths) to visit, per signed-in person."""

    base_url: str
    pages: dict[str, list[str]] = field(default_factory=dict)
    refused_urls: list[tuple[str, str]] = field(default_factory=list)


def _user(email: str) -> User:
    user = accounts.find_user_by_email(email)
    assert user is not None
    return user


def _store_payloads(admin: User) -> dict[str, list[str]]:
    """Put the corpus into every authorable field; returns the paths to visit per person."""
    course = db.session.scalar(select(Course).where(Course.slug == DEMO_COURSE_SLUG))
    assert course is not None
    cid = course.id
    authoring.update_course(
        course,
        {"title": TITLES[0], "language": course.language, "summary": ALL_BLOCKS},
        actor=admin,
    )
    extra_courses = [
        authoring.create_course(
            {"slug": f"xss-{i}", "title": title, "language": "da", "summary": ALL_INLINE},
            actor=admin,
        )
        for i, title in enumerate(TITLES)
    ]
    goals = [
        goal_services.create_goal(
            course,
            goal_services.GoalInput(
                TITLES[i % len(TITLES)], GOAL_DESCRIPTIONS[i % len(GOAL_DESCRIPTIONS)]
            ),
            actor=admin,
        )
        for i in range(max(len(TITLES), len(GOAL_DESCRIPTIONS)))
    ]
    goal_keys = [goal.key for goal in goals]

    module = authoring.create_module(
        course,
        {
            "title": TITLES[0],
            "mode": ModuleMode.GROUP.value,
            "intro": ALL_BLOCKS,
            "goals": goal_keys,
        },
        actor=admin,
    )
    module.position = -1  # first in the course: the leader group's next meeting
    other_modules = [
        authoring.create_module(course, {"title": title, "intro": ALL_INLINE}, actor=admin)
        for title in TITLES[1:]
    ]
    lessons = [
        authoring.create_lesson(
            module,
            {"title": title, "intro": ALL_BLOCKS if i == 0 else ALL_INLINE, "goals": goal_keys[:1]},
            actor=admin,
        )
        for i, title in enumerate(TITLES)
    ]
    first = lessons[0]
    blocks = [
        block_authoring.create_block(first, BlockType.TEXT, {"body": ALL_BLOCKS}, actor=admin),
        block_authoring.create_block(first, BlockType.TEXT, {"body": ALL_INLINE}, actor=admin),
        block_authoring.create_block(
            first,
            BlockType.VIDEO,
            {
                "title": TITLES[0],
                "url": YOUTUBE,
                "duration_minutes": 5,
                "speaker": ALL_INLINE,
                "chapters": "\n".join(
                    f"{i // 60:02d}:{i % 60:02d} {title}" for i, title in enumerate(CHAPTER_TITLES)
                ),
                "goals": goal_keys[:1],
            },
            actor=admin,
        ),
        block_authoring.create_block(
            first,
            BlockType.VIDEO,
            {"title": TITLES[-1], "url": LINK_BREAKOUT, "speaker": ALL_BLOCKS},
            actor=admin,
            allow_link=True,
        ),
        block_authoring.create_block(
            first,
            BlockType.REFLECTION,
            {"prompt": ALL_BLOCKS, "help": ALL_INLINE, "required": True, "goals": goal_keys[:1]},
            actor=admin,
        ),
        block_authoring.create_block(
            first,
            BlockType.WORKSHOP_PREP,
            {"prompt": ALL_INLINE, "help": ALL_BLOCKS},
            actor=admin,
        ),
        block_authoring.create_block(
            first,
            BlockType.RESOURCE,
            {"title": TITLES[0], "url": LINK_BREAKOUT, "kind": "pdf", "description": ALL_BLOCKS},
            actor=admin,
        ),
    ]
    first_blocks = list(blocks)
    for lesson, title in zip(lessons[1:], TITLES[1:], strict=True):
        blocks.append(
            block_authoring.create_block(
                lesson, BlockType.REFLECTION, {"prompt": title, "help": title}, actor=admin
            )
        )
        blocks.append(
            block_authoring.create_block(
                lesson,
                BlockType.RESOURCE,
                {"title": title, "url": "mailto:x@ok.example", "description": title},
                actor=admin,
            )
        )
    for item in [module, *other_modules, *lessons]:
        authoring.set_published(item, True, actor=admin)
    db.session.flush()

    # Leaders' work: Lars answers and shares every question, Louise comments, the chair notes.
    group = db.session.scalar(select(LeaderGroup).where(LeaderGroup.name == GROUP))
    cohort = db.session.scalar(select(Cohort).where(Cohort.course_id == cid))
    assert group is not None and cohort is not None
    lars, louise, chair = _user(LARS), _user(LOUISE), _user(CHAIR)
    enrolment = cohorts.enrolment_of(lars, cohort.id)
    assert enrolment is not None
    questions = [block for block in blocks if block.is_question]
    for block in questions:
        answer = reflections.save_answer(enrolment, block, ALL_BLOCKS, submit=True)
        reflections.set_visibility(enrolment, answer, share=True)
        if block is questions[0]:
            for text in COMMENTS:
                reflections.add_comment(
                    viewer_for(louise), group, cohort.id, block.id, answer.id, text
                )
    reflections.save_meeting_note(
        viewer_for(chair), group, cohort.id, module.id, ALL_BLOCKS, seen_version=None
    )

    # People's names: the three above, and more leaders in the group for the rest of the corpus.
    people = [lars, louise, chair]
    for i in range(len(NAMES) - len(people)):
        person = accounts.create_user(
            email=f"xss{i}@albertslund.example",
            name="x",
            password=PASSWORD,
            organisation_id=group.organisation_id,
            area_id=group.area_id,
        )
        directory.move_to_group(person, group)
        cohorts.enrol(person, cohort)
        people.append(person)
    for person, name in zip(people, NAMES, strict=False):
        person.name = name
    db.session.flush()

    gid = group.id
    admin_pages = [
        "/admin/",
        f"/admin/kurser/{cid}",
        f"/admin/kurser/{cid}/rediger",
        f"/admin/kurser/{cid}/maal",
        f"/admin/kurser/{cid}/moduler/{module.key}",
        f"/admin/kurser/{cid}/moduler/{module.key}/forhaandsvisning",
        f"/admin/kurser/{cid}/moduler/{module.key}/ny-lektion",
        f"/admin/kurser/{cid}/lektioner/{first.key}/ny-blok/reflection",
        "/admin/log",
        f"/admin/log?course_id={cid}",
        f"/admin/log?actor_id={admin.id}",
        "/rapport",
        "/ledergrupper",
        f"/ledergrupper/{gid}",
        *(f"/admin/kurser/{cid}/lektioner/{lesson.key}" for lesson in lessons),
        # Every block of the first lesson (all payloads per field); of the others, the resource
        # blocks (a title chunk in an input's value; their prompts are textareas like the first's).
        *(f"/admin/kurser/{cid}/blokke/{block.key}" for block in blocks if block in first_blocks),
        *(
            f"/admin/kurser/{cid}/blokke/{block.key}"
            for block in blocks
            if block not in first_blocks and block.type == BlockType.RESOURCE
        ),
        *(f"/admin/kurser/{cid}/maal/{goal.id}" for goal in goals),
        f"/admin/kurser/{cid}/maal/{goals[0].id}/indhold",
        f"/admin/kurser/{extra_courses[-1].id}/rediger",
        f"/admin/kurser/{cid}/moduler/{other_modules[-1].key}",
    ]
    # The first two questions hold every payload in their prompts and answers.
    review_pages = [f"/grupper/{gid}/spoergsmaal/{block.key}" for block in questions[:2]]
    return {
        ADMIN_EMAIL: admin_pages,
        LARS: [
            "/mit-forloeb",
            f"/forloeb/{cohort.id}/moduler/{module.key}",
            f"/grupper/{gid}",
            *review_pages,
            f"/grupper/{gid}/moeder/{module.key}",
        ],
        CHAIR: [
            f"/grupper/{gid}",
            f"/grupper/{gid}/moeder/{module.key}",
            f"/grupper/{gid}/moeder/{module.key}/print",
            f"/ledergrupper/{gid}",
            *review_pages[:1],
        ],
        COORDINATOR: ["/rapport", "/ledergrupper", f"/ledergrupper/{gid}"],
    }


def _refused_urls(admin: User) -> list[tuple[str, str]]:
    """Every dangerous URL, in every URL field: the service must refuse it. Returns the accepted ones."""
    course = db.session.scalar(select(Course).where(Course.slug == DEMO_COURSE_SLUG))
    module = authoring.create_module(course, {"title": "URL-prøver"}, actor=admin)
    lesson = authoring.create_lesson(module, {"title": "URL-prøver"}, actor=admin)
    accepted = []
    for url in DANGEROUS_URLS:
        for block_type in (BlockType.VIDEO, BlockType.RESOURCE):
            for allow_link in (False, True):
                try:
                    block_authoring.create_block(
                        lesson, block_type, {"title": "t", "url": url}, actor=admin,
                        allow_link=allow_link,
                    )  # fmt: skip
                except authoring_rules.InvalidData as invalid:
                    assert "url" in invalid.errors
                else:
                    accepted.append((block_type.value, url))
    lifecycle.delete_item(module, actor=admin)
    return accepted


@pytest.fixture(scope="module")
def payload_server(database_factory, tmp_path_factory) -> Iterator[Payloads]:
    """As ``live_server``, with the payloads stored before serving."""
    url = database_factory.create()
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    instance = tmp_path_factory.mktemp("xss-instance")
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url}, instance_path=str(instance))
    with app.app_context():
        import_missing_courses(COURSES_DIR)
        ensure_demo_data(PASSWORD)
        db.session.commit()
        admin = _user(ADMIN_EMAIL)
        refused = _refused_urls(admin)
        db.session.commit()
        pages = _store_payloads(admin)
        db.session.commit()
    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="xss-live-server", daemon=True)
    thread.start()
    try:
        yield Payloads(f"http://{LOCAL_HOST}:{server.server_port}", pages, refused)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        db.engine(app).dispose()


@dataclass
class Hits:
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    documents: list[tuple[str, dict[str, str]]] = field(default_factory=list)


INIT_SCRIPT = "window.__xss = id => (window.__xssHits = window.__xssHits || []).push(id);"


@pytest.fixture
def xss_page(browser, payload_server: Payloads):
    """A page whose context ignores the CSP, recording dialogs, /xss-hit requests and documents."""
    problems = BrowserProblems()
    hits = Hits()
    context = browser.new_context(
        viewport=DESKTOP, locale="da-DK", base_url=payload_server.base_url, bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", _route_only_local(problems))
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()

    def on_dialog(dialog) -> None:
        hits.dialogs.append(f"{dialog.type}: {dialog.message} ({page.url})")
        dialog.dismiss()

    def on_request(request) -> None:
        if "xss-hit" in request.url:
            hits.requests.append(request.url)

    def on_response(response) -> None:
        if response.request.resource_type == "document":
            hits.documents.append((response.url, response.headers))
            if response.status >= 400:
                hits.bad_status.append(f"{response.status} {response.url}")

    page.on("dialog", on_dialog)
    context.on("request", on_request)
    page.on("response", on_response)
    yield page, hits, problems
    context.close()


def test_url_fields_refuse_dangerous_schemes(payload_server: Payloads):
    assert not payload_server.refused_urls, (
        f"URL fields accepted dangerous URLs: {payload_server.refused_urls}"
    )


def test_corpus_is_large_enough():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_payloads_stay_inert_with_csp_bypassed(xss_page, payload_server: Payloads):
    page, hits, problems = xss_page
    executed: dict[str, list] = {}
    missing: list[str] = []
    visited = 0
    started = time.monotonic()
    for email, paths in payload_server.pages.items():
        sign_in_as(page, email)
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.ok, (
                f"{email} {path}: {response and response.status}"
            )
            page.wait_for_timeout(SETTLE_MS)
            if path not in PAGES_WITHOUT_PAYLOADS and "__xss(" not in page.content():
                missing.append(f"{email} {path}")
            found = page.evaluate("window.__xssHits || []")
            if found:
                executed[f"{email} {path}"] = found
            visited += 1
    elapsed = time.monotonic() - started
    assert not executed, f"payloads executed (payload numbers per page): {executed}"
    assert not hits.dialogs, f"dialogs opened: {hits.dialogs}"
    assert not hits.requests, f"/xss-hit requested: {hits.requests}"
    assert not problems.external_requests, f"external requests: {problems.external_requests}"
    assert not hits.bad_status, hits.bad_status
    assert visited >= 40, visited
    assert not missing, f"pages that show no payload at all (is the test still testing?): {missing}"
    print(f"visited {visited} pages with {len(PAYLOADS)} payloads in {elapsed:.1f} s")


def _script_src(policy: str) -> list[str]:
    for directive in policy.split(";"):
        name, *values = directive.split()
        if name == "script-src":
            return values
    return []


def test_html_responses_carry_a_strict_csp(xss_page, payload_server: Payloads):
    page, _hits, _problems = xss_page
    checked = 0
    for email, paths in payload_server.pages.items():
        sign_in_as(page, email)
        for path in {*paths, "/log-ind"}:
            response = page.request.get(path)
            assert response.ok, f"{path}: {response.status}"
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            policy = response.headers.get("content-security-policy", "")
            script_src = _script_src(policy)
            assert "'self'" in script_src, f"{path}: {policy!r}"
            assert "'unsafe-inline'" not in script_src, f"{path}: {policy!r}"
            assert "'unsafe-eval'" not in script_src, f"{path}: {policy!r}"
            assert all(source == "'self'" for source in script_src), f"{path}: {policy!r}"
            checked += 1
    assert checked >= 40


def test_the_harness_sees_a_payload_that_runs(xss_page, payload_server: Payloads):
    """The control: on the app's own page, with the CSP bypassed, an injected inline handler does run
    and is seen through all three channels (otherwise the test above would pass for nothing)."""
    page, hits, _problems = xss_page
    sign_in_as(page, LARS)
    page.goto("/mit-forloeb")
    page.evaluate(
        """document.body.insertAdjacentHTML('beforeend',
            '<img src=x onerror="__xss(1); alert(2); fetch(\\'/xss-hit?3\\')">')"""
    )
    page.wait_for_function("(window.__xssHits || []).length > 0")
    page.wait_for_timeout(SETTLE_MS)
    assert page.evaluate("window.__xssHits") == [1]
    assert hits.dialogs and "2" in hits.dialogs[0]
    assert any(url.endswith("/xss-hit?3") for url in hits.requests)
