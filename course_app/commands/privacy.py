"""``course-app privacy``: the retention purge of ended rounds (docs/privacy.md, "Opbevaring")."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

from course_app.commands.options import day_option
from course_app.core import clock
from course_app.core.db import db
from course_app.privacy.erasure import purge_ended_rounds


@click.group("privacy")
def privacy_group() -> None:
    """Personal data: erase the people of rounds that have ended."""


@privacy_group.command("purge")
@click.option(
    "--ended-before",
    required=True,
    callback=day_option,
    help="Rounds whose last day is before this date, YYYY-MM-DD (not after today).",
)
@click.option("--dry-run", is_flag=True, help="Count what would be erased; change nothing.")
@with_appcontext
def privacy_purge(ended_before: dt.date, dry_run: bool) -> None:
    """Anonymise the people of rounds that ended before a date, by the erasure rule: everyone
    enrolled only in such rounds; people in a later or open round, and staff, keep their account."""
    summary = purge_ended_rounds(ended_before, now=clock.now())
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(
        f"Forløb slut før {ended_before.isoformat()}: {len(summary.rounds)}"
        + (f" ({', '.join(summary.rounds)})" if summary.rounds else "")
    )
    verb = "ville blive anonymiseret" if dry_run else "er anonymiseret"
    click.echo(f"Personer, der {verb}: {summary.anonymised}")
    click.echo(
        f"Beholder kontoen (tilmeldt et senere eller åbent forløb): {summary.kept_in_later_round}"
    )
    click.echo(f"Beholder kontoen (har en rolle som medarbejder): {summary.kept_staff}")
    click.echo(f"Allerede anonymiseret: {summary.already_anonymised}")
    erased = summary.erased
    click.echo(
        f"Svar tømt: {erased.answers_emptied}, kommentarer slettet: {erased.comments_deleted}, "
        f"e-mails slettet: {erased.emails_deleted}, links slettet: {erased.links_deleted}"
    )
    if dry_run:
        click.echo("Prøvekørsel: intet er ændret.")
