"""``course-app resources prune``: remove uploaded files that no row refers to (left by a crash
between saving a file and committing its row, a failed delete, or a restore of an older database)."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from course_app.core.db import db
from course_app.resources import storage
from course_app.resources.models import Resource


@click.group("resources")
def resources_group() -> None:
    """Uploaded material files."""


@resources_group.command("prune")
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
@with_appcontext
def resources_prune(dry_run: bool) -> None:
    """Remove files in the storage folder that no material names, and half-written uploads, when
    they are over an hour old (an upload in progress has no row yet)."""
    known = set(db.session.scalars(select(Resource.stored_name)))
    found = storage.orphans(known, now=time.time())
    for orphan in found:
        click.echo(
            f"{'Ville fjerne' if dry_run else 'Fjerner'} {orphan.path.name} ({orphan.size} byte)"
        )
        if not dry_run:
            orphan.path.unlink(missing_ok=True)
    total = sum(orphan.size for orphan in found)
    verb = "ville blive fjernet" if dry_run else "er fjernet"
    click.echo(f"Filer uden materiale, der {verb}: {len(found)} ({total} byte)")
    if dry_run:
        click.echo("Prøvekørsel: intet er ændret.")
