"""``course-app schedule run``: open what is due and queue the e-mails saying so (cron, every
minute; safe to run twice at once). ``course-app notify send`` delivers them."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

from course_app.commands.options import moment_option
from course_app.core import clock
from course_app.core.db import db
from course_app.reports import summaries
from course_app.schedule.scheduler import run_schedule
from course_app.service_check.reminders import queue_due_reminders


@click.group("schedule")
def schedule_group() -> None:
    """The programme's clock: releases and the e-mails that say it is time."""


@schedule_group.command("run")
@click.option(
    "--now",
    callback=moment_option,
    help="Act as if it were this moment (e.g. 2027-01-12T09:00, Copenhagen time); for tests.",
)
@with_appcontext
def schedule_run(now: dt.datetime | None) -> None:
    """Open the modules whose day has come, note invitations, question sets and reminders that
    fell due, and queue one e-mail per person about it all."""
    moment = now or clock.now()
    report = run_schedule(moment)
    reminders = queue_due_reminders(moment)  # the service check's day-before reminders
    db.session.commit()
    counted = summaries.recount_due(moment)  # the report over many organisations, counted ahead
    click.echo(
        f"Åbnede {report.unlocked} moduler for deltagere; skrev {report.emails} e-mails "
        f"(med {report.notices} nye invitationer, spørgsmål og påmindelser) og "
        f"{reminders} påmindelser om servicetjek; send dem med `course-app notify send`."
    )
    if counted:
        click.echo(f"Talte fremdriften i {counted} forløb med mange organisationer til rapporten.")
