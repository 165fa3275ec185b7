"""The e-mail that says "it is time": the modules that opened for one leader, in one message, in her
language, with a deep link to each (plain text and HTML)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db
from course_app.core.links import absolute_url
from course_app.courses.models import Module
from course_app.notifications import services as notifications
from course_app.schedule.models import ModuleUnlock

KIND = "modules-opened"


def announce_opened_modules(
    unlocks_by_enrolment: Mapping[int, list[ModuleUnlock]],
    now: dt.datetime,
    *,
    key_of: Callable[[int, list[ModuleUnlock]], str],
) -> int:
    """Queue one e-mail per enrolment listing its newly opened modules (course order); people who
    are deactivated get none. Returns how many e-mails were written (a key already used writes
    nothing)."""
    if not unlocks_by_enrolment:
        return 0
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.id.in_(list(unlocks_by_enrolment)))
        .options(
            selectinload(Enrolment.user),
            selectinload(Enrolment.cohort).selectinload(Cohort.course),
        )
    ).all()
    module_ids = {
        unlock.module_id for unlocks in unlocks_by_enrolment.values() for unlock in unlocks
    }
    modules = {
        module.id: module
        for module in db.session.scalars(select(Module).where(Module.id.in_(module_ids)))
    }
    written = 0
    for enrolment in enrolments:
        user = enrolment.user
        if user.deactivated_at is not None:
            continue
        opened = sorted(
            (modules[unlock.module_id] for unlock in unlocks_by_enrolment[enrolment.id]),
            key=lambda module: (module.position, module.id),
        )
        opened = [module for module in opened if module.retired_at is None]
        if not opened:
            continue
        message = _queue(
            enrolment, opened, now, key_of(enrolment.id, unlocks_by_enrolment[enrolment.id])
        )
        written += message is not None
    return written


def _queue(enrolment: Enrolment, opened: list[Module], now: dt.datetime, key: str):
    cohort = enrolment.cohort
    user = enrolment.user
    links = [
        (module, absolute_url("learning.module", cohort_id=cohort.id, module_key=module.key))
        for module in opened
    ]
    context = {
        "user": user,
        "course": cohort.course,
        "cohort": cohort,
        "links": links,
        "dashboard": absolute_url("learning.dashboard"),
    }
    with force_locale(user.locale):
        if len(opened) == 1:
            subject = str(_l("Nu er det tid til %(module)s", module=opened[0].title))
        else:
            subject = str(
                _l(
                    "%(num)s moduler er åbnet i %(course)s",
                    num=len(opened),
                    course=cohort.course.title,
                )
            )
        body_text = render_template("schedule/emails/modules_opened.txt", **context)
        body_html = render_template("schedule/emails/modules_opened.html", **context)
    return notifications.enqueue(
        recipient=user.email,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        kind=KIND,
        idempotency_key=key,
        not_before=now,
        user_id=user.id,
    )
