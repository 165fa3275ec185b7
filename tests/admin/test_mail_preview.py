"""The e-mail preview (issue 10, point 4): every sample renders in Danish and English from sample data
and writes nothing; platform admins and coordinators get in, nobody else (course editors included);
unknown e-mails and languages are 404; the HTML is framed from a route with a strict policy of its
own; the account invitation's sample stays what ``invite`` really sends."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from course_app.accounts import invitations
from course_app.admin.mail_views import HTML_CSP
from course_app.core import clock
from course_app.core.clock import local_day
from course_app.core.i18n import COPENHAGEN
from course_app.courses.models import Course, PublicationStatus
from course_app.notifications.models import OutboxMessage
from course_app.organisations import services as directory
from course_app.organisations.access import Viewer, viewer_for
from course_app.organisations.models import Organisation, Role
from course_app.schedule import mail_samples
from tests import factories
from tests.core.test_security import InlineScriptFinder, parse_csp
from tests.helpers import sign_in

LIST = "/admin/e-mails"
PREVIEW = "/admin/e-mails/{}"
HTML = "/admin/e-mails/{}/html"
INVITATION = "invitation-til-platformen"
GREETING = {"da": "Kære", "en": "Dear"}
REFUSED = ("leader", "chair", "facilitator", "editor", "other_editor")
ADMIN = Viewer(user_id=0, organisation_id=None, current_group_id=None, is_platform_admin=True)


def _pages(slug: str = "paamindelse") -> list[str]:
    return [LIST, PREVIEW.format(slug), PREVIEW.format(slug) + "?sprog=en", HTML.format(slug)]


def _first_published_course(session) -> Course | None:
    return session.scalar(
        select(Course)
        .where(Course.status == PublicationStatus.PUBLISHED, Course.retired_at.is_(None))
        .order_by(Course.id)
        .limit(1)
    )


# --- the catalogue and its samples ------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["da", "en"])
def test_every_sample_renders_from_sample_data(app, session, world, locale):
    with app.test_request_context():
        source = mail_samples.sample_source(viewer_for(world.admin), clock.now())
        assert source.course_title == _first_published_course(session).title
        for sample in mail_samples.SAMPLES:
            mail = mail_samples.render_sample(sample, source, locale)
            assert mail.subject.strip(), sample.slug
            assert mail.recipient.name == mail_samples.RECIPIENT_NAME
            assert mail.body_text.startswith(f"{GREETING[locale]} {mail_samples.RECIPIENT_NAME}")
            assert "http://" in mail.body_text, sample.slug
            assert f'<html lang="{locale}">' in mail.body_html, sample.slug
            assert mail_samples.RECIPIENT_NAME in mail.body_html, sample.slug
            assert '<a href="http://' in mail.body_html, sample.slug
            assert str(sample.name) and sample.when(), sample.slug


def test_samples_differ_by_language_and_use_the_course(app, session, world):
    with app.test_request_context():
        source = mail_samples.sample_source(viewer_for(world.admin), clock.now())
        first = _first_published_course(session)
        for sample in mail_samples.SAMPLES:
            danish = mail_samples.render_sample(sample, source, "da")
            english = mail_samples.render_sample(sample, source, "en")
            assert danish.body_text != english.body_text, sample.slug
        opened = mail_samples.render_sample(mail_samples.BY_SLUG["moduler-aabner"], source, "en")
        several = mail_samples.render_sample(mail_samples.BY_SLUG["samlet-e-mail"], source, "da")
    assert source.modules[0].title in opened.subject
    assert first.title in several.body_text
    assert several.subject == "3 nye ting i dit forløb"


@pytest.mark.parametrize("weekday", range(7))
def test_sample_meetings_fall_on_working_days_within_the_rules(app, session, weekday):
    now = dt.datetime(2027, 1, 4 + weekday, 9, tzinfo=dt.UTC)  # 4 January 2027 is a Monday
    today = local_day(now)
    for days in (app.config["REMINDER_DAYS_BEFORE"], app.config["QUESTION_SET_DAYS_BEFORE"], 1):
        day = mail_samples._moment(now, days, 10).astimezone(COPENHAGEN).date()
        assert day.weekday() < 5 and today < day, (weekday, days, day)
        assert (day - today).days <= days or (day - today).days <= 3, (weekday, days, day)
    past = mail_samples._moment(now, -1, 10).astimezone(COPENHAGEN).date()
    assert past.weekday() < 5 and past < today


def test_the_when_texts_follow_the_configuration(app, session):
    with app.test_request_context():
        app.config["REMINDER_DAYS_BEFORE"], before = 4, app.config["REMINDER_DAYS_BEFORE"]
        try:
            when = mail_samples.BY_SLUG["paamindelse"].when()
        finally:
            app.config["REMINDER_DAYS_BEFORE"] = before
    assert "højst 4 dage før mødet" in when
    assert f"højst {app.config['REMINDERS_PER_WEEK']} gange om ugen" in when


def test_a_coordinator_sees_a_course_of_her_own_rounds_only(app, client, session, world):
    org_b = factories.organisation()
    course_b = factories.course()
    cohort_b = factories.cohort(course_b, orgs=[org_b])
    coordinator_b = factories.user(org=org_b, name="Koordinator B")
    directory.assign_role(coordinator_b, Role.COORDINATOR, organisation=org_b)
    lonely_org = factories.organisation()
    lonely = factories.user(org=lonely_org, name="Koordinator uden forløb")
    directory.assign_role(lonely, Role.COORDINATOR, organisation=lonely_org)
    with app.test_request_context():
        own = mail_samples.sample_source(viewer_for(coordinator_b), clock.now())
        none = mail_samples.sample_source(viewer_for(lonely), clock.now())
    assert own.course_title == course_b.title and own.is_real_course
    assert own.cohort_id == cohort_b.id
    assert none.course_title == mail_samples.EXAMPLE_COURSE and not none.is_real_course
    session.commit()
    sign_in(client, coordinator_b.email)
    for slug in mail_samples.BY_SLUG:
        for url in (PREVIEW.format(slug), PREVIEW.format(slug) + "?sprog=en"):
            page = client.get(url).get_data(as_text=True)
            if slug in ("moduler-aabner", "invitation-til-kick-off", "samlet-e-mail"):
                assert course_b.title in page, url
            assert world.course.title not in page, url  # another organisation's round's course


def test_the_kickoff_comes_from_the_organisations_sender_name(app, session, world):
    org = session.get(Organisation, world.coordinator.organisation_id)
    kickoff = mail_samples.BY_SLUG["invitation-til-kick-off"]
    with app.test_request_context():
        admin = mail_samples.render_sample(
            kickoff, mail_samples.sample_source(ADMIN, clock.now()), "da"
        )
        plain = mail_samples.render_sample(
            kickoff, mail_samples.sample_source(viewer_for(world.coordinator), clock.now()), "da"
        )
        org.mail_sender_name = "Direktionen i Testby"
        named = mail_samples.render_sample(
            kickoff, mail_samples.sample_source(viewer_for(world.coordinator), clock.now()), "da"
        )
        reminder = mail_samples.render_sample(
            mail_samples.BY_SLUG["paamindelse"],
            mail_samples.sample_source(viewer_for(world.coordinator), clock.now()),
            "da",
        )
    assert admin.sender == mail_samples.EXAMPLE_SENDER
    assert plain.sender == "Forløbsplatformen"  # none chosen: the platform's own
    assert named.sender == "Direktionen i Testby"
    assert reminder.sender == "Forløbsplatformen"


@pytest.mark.parametrize("locale", ["da", "en"])
def test_the_invitation_sample_is_what_invite_sends(app, session, locale):
    person = factories.user(name=mail_samples.RECIPIENT_NAME, email=mail_samples.RECIPIENT_EMAIL)
    person.locale = locale
    invitations.invite(person)
    message = session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == mail_samples.RECIPIENT_EMAIL)
    )
    token = re.search(r"/invitation/([A-Za-z0-9_-]+)", message.body_text).group(1)
    with app.test_request_context():
        source = mail_samples.sample_source(ADMIN, clock.now())
        sample = mail_samples.render_sample(mail_samples.BY_SLUG[INVITATION], source, locale)
    assert sample.subject == message.subject
    assert sample.body_text == message.body_text.replace(token, mail_samples.SAMPLE_TOKEN)
    assert sample.body_html == message.body_html.replace(token, mail_samples.SAMPLE_TOKEN)
    assert f'<html lang="{locale}">' in sample.body_html


# --- who gets in ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_admins_and_coordinators_see_every_email(client, world, session, role):
    sign_in(client, getattr(world, role).email)
    assert client.get(LIST).status_code == 200
    for slug in mail_samples.BY_SLUG:
        for language in ("da", "en"):
            response = client.get(PREVIEW.format(slug) + f"?sprog={language}")
            assert response.status_code == 200, (slug, language)
            assert mail_samples.RECIPIENT_NAME in response.get_data(as_text=True)
        html = client.get(HTML.format(slug))
        assert html.status_code == 200, slug


@pytest.mark.parametrize("role", REFUSED)
def test_everyone_else_gets_403(client, world, session, role):
    sign_in(client, getattr(world, role).email)
    urls = [*_pages(), *_pages(INVITATION), PREVIEW.format("findes-ikke"), LIST + "?sprog=fr"]
    wrong = [(url, status) for url in urls if (status := client.get(url).status_code) != 403]
    assert not wrong, f"{role} was not refused: {wrong}"


def test_a_coordinator_role_in_another_organisation_does_not_count(client, world, session):
    """Defence in depth: a coordinator role left behind in another organisation gives nothing."""
    other = factories.organisation()
    person = factories.user(org=other, name="Tidligere koordinator")
    directory.assign_role(person, Role.COORDINATOR, organisation=other)
    person.organisation_id = world.leader.organisation_id
    session.commit()
    sign_in(client, person.email)
    assert [client.get(url).status_code for url in _pages()] == [403] * 4


def test_signed_out_people_are_sent_to_sign_in(client, world, session):
    for url in _pages():
        response = client.get(url)
        assert response.status_code == 302 and "/log-ind" in response.headers["Location"], url


def test_unknown_emails_and_languages_are_404(client, world, session):
    sign_in(client, world.admin.email)
    for url in (
        PREVIEW.format("findes-ikke"),
        HTML.format("findes-ikke"),
        PREVIEW.format("paamindelse") + "?sprog=fr",
        PREVIEW.format("paamindelse") + "?sprog=",
        HTML.format("paamindelse") + "?sprog=de",
    ):
        assert client.get(url).status_code == 404, url


# --- what the pages show, and how safely ------------------------------------------------------------


def test_the_preview_shows_subject_text_and_a_sandboxed_frame(app, client, world, session):
    sign_in(client, world.admin.email)
    response = client.get(PREVIEW.format("paamindelse") + "?sprog=en")
    page = response.get_data(as_text=True)
    with app.test_request_context():
        source = mail_samples.sample_source(ADMIN, clock.now())
        mail = mail_samples.render_sample(mail_samples.BY_SLUG["paamindelse"], source, "en")
    assert mail.subject in page
    assert '<pre class="mail-text" lang="en">Dear Lene Jensen' in page
    assert "“My programme”" in page  # the text as it is, escaped where needed
    frame = re.search(r"<iframe[^>]*>", page).group(0)
    assert re.search(r"\ssandbox[\s>]", frame) and "allow-" not in frame
    assert 'src="/admin/e-mails/paamindelse/html?sprog=en"' in frame
    assert 'title="' in frame
    assert 'href="/admin/e-mails/paamindelse?sprog=da"' in page
    assert 'href="/admin/e-mails/paamindelse?sprog=en" lang="en" aria-current="page"' in page
    policy = parse_csp(response.headers["Content-Security-Policy"])
    assert "'self'" in policy["frame-src"]
    assert policy["script-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    finder = InlineScriptFinder()
    finder.feed(page)
    assert finder.problems == []


def test_the_html_route_serves_the_email_under_a_strict_policy(app, client, world, session):
    sign_in(client, world.coordinator.email)
    response = client.get(HTML.format("samlet-e-mail") + "?sprog=en")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == HTML_CSP
    policy = parse_csp(HTML_CSP)
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy  # so default-src 'none': no script at all
    assert policy["style-src"] == ["'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"] and "sandbox" in policy
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    with app.test_request_context():
        source = mail_samples.sample_source(viewer_for(world.coordinator), clock.now())
        mail = mail_samples.render_sample(mail_samples.BY_SLUG["samlet-e-mail"], source, "en")
    assert response.get_data(as_text=True) == mail.body_html
    assert "<script" not in mail.body_html


def test_the_list_says_when_each_email_is_sent(client, world, session):
    sign_in(client, world.coordinator.email)
    page = client.get(LIST).get_data(as_text=True)
    for sample in mail_samples.SAMPLES:
        assert f'href="/admin/e-mails/{sample.slug}">{sample.name}</a>' in page
    assert "dage før ledergruppens møde" in page
    assert world.course.title in page  # the titles come from her round's course


def test_udsendelser_leads_to_the_preview(client, world, session):
    sign_in(client, world.coordinator.email)
    dispatches = client.get("/rapport/udsendelser").get_data(as_text=True)
    assert f'<a href="{LIST}">Se hvordan e-mailene ser ud</a>' in dispatches
    page = client.get(LIST).get_data(as_text=True)
    # "Udsendelser" is the current menu item on the preview pages.
    assert re.search(r'href="/rapport/udsendelser"\s+aria-current="page"><span>Udsendelser<', page)


def test_previewing_writes_nothing(client, world, session, count_statements):
    sign_in(client, world.admin.email)
    with count_statements() as counter:
        for slug in mail_samples.BY_SLUG:
            client.get(PREVIEW.format(slug))
            client.get(HTML.format(slug) + "?sprog=en")
        client.get(LIST)
    writes = [
        statement
        for statement in counter.statements
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
