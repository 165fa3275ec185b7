"""A leader meets the round's time: locked modules show their day, cannot be opened or posted to,
open when the day comes, and stay open for good."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from course_app.organisations import services as directory
from course_app.organisations.models import Role
from course_app.reflections.models import ReflectionAnswer
from course_app.schedule.models import CohortRelease, ModuleUnlock
from course_app.schedule.scheduler import run_schedule
from tests import factories
from tests.conftest import csrf_token_from
from tests.helpers import copenhagen, sign_in


def _module_url(round_, module) -> str:
    return f"/forloeb/{round_.cohort.id}/moduler/{module.key}"


def test_a_locked_module_shows_its_day_and_no_link(client, round_, clock):
    sign_in(client, round_.leader.email)
    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert "Åbner tirsdag 12. januar 2027" in page
    assert _module_url(round_, round_.second) not in page
    assert _module_url(round_, round_.first) in page


def test_a_locked_module_page_is_a_friendly_403_without_content(client, round_, clock):
    sign_in(client, round_.leader.email)
    response = client.get(_module_url(round_, round_.second))
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Modulet er ikke åbnet endnu." in page
    assert "Åbner tirsdag 12. januar 2027" in page
    assert "Tak for nu." not in page  # the module's text


def test_posting_to_a_locked_module_changes_nothing(client, session, round_, clock):
    """Marking a lesson of the locked module done is refused; no progress row is written."""
    sign_in(client, round_.leader.email)
    token = csrf_token_from(client.get(_module_url(round_, round_.first)).get_data(as_text=True))
    response = client.post(
        f"/forloeb/{round_.cohort.id}/lektioner/lektion-afslutning/faerdig",
        data={"csrf_token": token},
    )
    assert response.status_code == 403
    assert "Modulet er ikke åbnet endnu." in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ModuleUnlock)) == 0


def test_the_module_opens_on_its_day_in_copenhagen(client, round_, clock):
    clock.now = copenhagen(2027, 1, 11, 23) + dt.timedelta(minutes=59)  # 23:59 on Monday
    sign_in(client, round_.leader.email)  # now: a session ends 12 hours after its sign-in
    assert client.get(_module_url(round_, round_.second)).status_code == 403
    clock.now = copenhagen(2027, 1, 12, 0)  # midnight Tuesday, 23:00 UTC on Monday
    assert client.get(_module_url(round_, round_.second)).status_code == 200


def test_an_opened_module_stays_open_when_the_date_moves(client, session, round_, clock):
    clock.now = copenhagen(2027, 1, 12)
    run_schedule(clock.now)  # the scheduler records the unlock
    session.add(
        CohortRelease(
            cohort_id=round_.cohort.id, module_id=round_.second.id, rule={"days_after_start": 8}
        )
    )
    session.commit()
    sign_in(client, round_.leader.email)
    assert client.get(_module_url(round_, round_.second)).status_code == 200

    # a leader who joins now has not had it open: for her it waits for the new date
    newcomer, _enrolment = factories.enrolled_leader(round_.cohort, name="Nina Ny")
    session.commit()
    other = client.application.test_client()
    sign_in(other, newcomer.email)
    assert other.get(_module_url(round_, round_.second)).status_code == 403


def test_an_answer_records_what_is_open_so_it_stays_open(client, session, round_, clock):
    """Without any scheduler run: the leader's own save keeps the module open for her."""
    clock.now = copenhagen(2027, 1, 12)
    sign_in(client, round_.leader.email)
    page = client.get(_module_url(round_, round_.first)).get_data(as_text=True)
    client.post(
        f"/forloeb/{round_.cohort.id}/svar/spoergsmaal-1",
        data={"csrf_token": csrf_token_from(page), "text": "Mit svar", "save_draft": "1"},
    )
    assert session.scalar(select(func.count()).select_from(ReflectionAnswer)) == 1
    unlocked = set(
        session.scalars(
            select(ModuleUnlock.module_id).where(ModuleUnlock.enrolment_id == round_.enrolment.id)
        )
    )
    assert unlocked == {round_.first.id, round_.second.id}
    session.add(
        CohortRelease(
            cohort_id=round_.cohort.id, module_id=round_.second.id, rule={"date": "2027-06-01"}
        )
    )
    session.commit()
    assert client.get(_module_url(round_, round_.second)).status_code == 200


def test_a_module_that_waits_for_another_opens_when_that_one_is_done(
    client, session, round_, clock
):
    round_.second.release = {"after": round_.first.key}
    session.commit()
    sign_in(client, round_.leader.email)
    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert "Åbner, når du har gennemført Modul A" in page
    module_page = client.get(_module_url(round_, round_.first)).get_data(as_text=True)
    token = csrf_token_from(module_page)
    client.post(
        f"/forloeb/{round_.cohort.id}/svar/spoergsmaal-1",
        data={"csrf_token": token, "text": "Svar", "submit_answer": "1"},
    )
    for lesson in ("lektion-film", "lektion-tekst"):
        client.post(
            f"/forloeb/{round_.cohort.id}/lektioner/{lesson}/faerdig", data={"csrf_token": token}
        )
    assert client.get(_module_url(round_, round_.second)).status_code == 200
    unlock = session.scalar(
        select(ModuleUnlock).where(
            ModuleUnlock.enrolment_id == round_.enrolment.id,
            ModuleUnlock.module_id == round_.second.id,
        )
    )
    assert unlock is not None and unlock.notified_at is not None  # she saw it open: no e-mail


def test_author_preview_ignores_locks(client, session, round_, clock):
    admin = factories.user(name="Anne Admin")
    directory.assign_role(admin, Role.PLATFORM_ADMIN)
    session.commit()
    sign_in(client, admin.email)
    response = client.get(
        f"/admin/kurser/{round_.course.id}/moduler/{round_.second.key}/forhaandsvisning"
    )
    assert response.status_code == 200
    assert "Tak for nu." in response.get_data(as_text=True)
