"""``course-app cohorts``: create rounds of a course, enrol people in them, list them, close them."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import with_appcontext

from course_app.cohorts import enrolling
from course_app.cohorts import services as cohorts
from course_app.cohorts.email_file import read_email_column
from course_app.cohorts.overview import cohort_lines
from course_app.commands.options import day_option
from course_app.core import clock
from course_app.core.db import db, writes_from_the_start
from course_app.core.errors import ServiceError
from course_app.people import csvfile as people_csv
from course_app.rounds import closing


@click.group("cohorts")
def cohorts_group() -> None:
    """Rounds of a course (cohorts) and who is enrolled in them."""


_day = day_option


def _refuse(*problems: object) -> NoReturn:
    db.session.rollback()
    for problem in problems:
        click.echo(f"Fejl: {problem}", err=True)
    sys.exit(1)


@cohorts_group.command("create")
@click.option("--course", "course_slug", required=True, help="The course's slug.")
@click.option("--name", required=True, help='The round\'s name, e.g. "Forår 2027".')
@click.option("--starts", required=True, callback=_day, help="First day, YYYY-MM-DD.")
@click.option("--ends", callback=_day, help="Last day, YYYY-MM-DD (optional).")
@click.option(
    "--organisation",
    "organisation_slugs",
    required=True,
    multiple=True,
    help="Slug of a participating organisation; repeat for each.",
)
@with_appcontext
def cohorts_create(
    course_slug: str,
    name: str,
    starts: dt.date,
    ends: dt.date | None,
    organisation_slugs: tuple[str, ...],
) -> None:
    """Create a round of a course and print its id."""
    try:
        cohort = cohorts.create_cohort(
            cohorts.course_by_slug(course_slug),
            name=name,
            starts_on=starts,
            ends_on=ends,
            organisations=cohorts.organisations_by_slug(organisation_slugs),
        )
    except ServiceError as error:
        _refuse(error)
    db.session.commit()
    click.echo(cohort.id)


@cohorts_group.command("enrol")
@click.argument("cohort_id", type=int)
@click.option("--organisation", help="Slug of one of the round's organisations.")
@click.option("--area", help="Name of an area (fagområde) in the round's organisation(s).")
@click.option("--group", help="Name of a leader group: its current members.")
@click.option("--email", "emails", multiple=True, help="A person's e-mail; repeat for more.")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CSV file with an email column (; or , UTF-8 with or without BOM).",
)
@click.option("--dry-run", is_flag=True, help="Show what would happen; save nothing.")
@with_appcontext
def cohorts_enrol(
    cohort_id: int,
    organisation: str | None,
    area: str | None,
    group: str | None,
    emails: tuple[str, ...],
    csv_file: Path | None,
    dry_run: bool,
) -> None:
    """Enrol people in round COHORT_ID: those of an organisation, area and/or leader group, or
    those named by e-mail. Nobody is enrolled when any e-mail is unknown, deactivated or outside
    the round's organisations; people already enrolled are counted, not enrolled again."""
    if csv_file is not None:
        text, problems = people_csv.decode(csv_file.read_bytes())
        found, line_problems = read_email_column(text) if text is not None else ([], [])
        if problems or line_problems:
            _refuse(*(f"{csv_file}:{p.line}: {p.reason}" for p in [*problems, *line_problems]))
        if not found:
            _refuse(f"{csv_file}: filen har ingen e-mailadresser.")
        emails = (*emails, *found)
    selection = enrolling.Selection(
        organisation=organisation, area=area, group=group, emails=emails
    )
    if not dry_run:
        # One transaction, all or nobody (2,000 people hold SQLite's write lock ~0.15 s); it takes
        # the lock at its first read, so a save committed meanwhile cannot make it fail.
        writes_from_the_start()
    try:
        report = enrolling.enrol_selection(
            cohorts.cohort_by_id(cohort_id), selection, dry_run=dry_run
        )
    except enrolling.EnrolmentRefused as error:
        _refuse(*error.problems, error)
    except ServiceError as error:
        _refuse(error)
    summary = report.summary()
    if dry_run:
        db.session.rollback()
        summary.insert(0, "Prøvekørsel – intet er gemt.")
    else:
        db.session.commit()
    click.echo("\n".join(summary))


@cohorts_group.command("list")
@click.option("--course", "course_slug", help="Only rounds of this course (slug).")
@click.option("--organisation", "organisation_slug", help="Only rounds it takes part in (slug).")
@with_appcontext
def cohorts_list(course_slug: str | None, organisation_slug: str | None) -> None:
    """One tab-separated line per round: id, course, name, dates, organisations, number enrolled,
    and "åben" or "lukket <day>"."""
    try:
        lines = cohort_lines(course_slug=course_slug, organisation_slug=organisation_slug)
    except ServiceError as error:
        _refuse(error)
    for line in lines:
        click.echo("\t".join(line.cells()))
    if not lines:
        click.echo("Ingen forløb.", err=True)


@cohorts_group.command("close")
@click.argument("cohort_id", type=int)
@with_appcontext
def cohorts_close(cohort_id: int) -> None:
    """Close round COHORT_ID: read-only from now on (people still read everything; nobody writes
    answers, comments or meeting notes, nothing more is sent, nobody is enrolled). Never asks; a
    platform admin can reopen it on the round's page."""
    try:
        cohort = cohorts.cohort_by_id(cohort_id)
        closing.close_round(cohort, by=None, now=clock.now())
    except ServiceError as error:
        _refuse(error)
    db.session.commit()
    click.echo(f"Forløbet »{cohort.name}« (id {cohort.id}) er lukket.")
