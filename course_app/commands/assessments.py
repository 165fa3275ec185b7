"""``course-app assessments``: assessment files (docs/assessment-format.md) validated, imported and
exported, like ``course-app courses``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from course_app.assessments.file_export import export_assessment
from course_app.assessments.file_import import import_assessment
from course_app.assessments.file_reader import read_assessment_dir
from course_app.assessments.models import Assessment
from course_app.commands.importing import run_import
from course_app.core.db import db, writes_from_the_start


@click.group("assessments")
def assessments_group() -> None:
    """Assessment files (the competence wheel's framework): validate, import and export."""


@assessments_group.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
def assessments_validate(path: Path) -> None:
    """Check an assessment folder; every problem is printed with file and line."""
    _data, problems = read_assessment_dir(path)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} fejl fundet i {path}.", err=True)
        sys.exit(1)
    click.echo(f"{path}: ingen fejl.")


@assessments_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def assessments_import(path: Path) -> None:
    """Create or update the assessment from its folder and print what changed (all or nothing)."""
    writes_from_the_start()
    run_import(lambda: import_assessment(path))


@assessments_group.command("export")
@click.argument("key")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--overwrite", is_flag=True, help="Write into an existing, non-empty folder.")
@with_appcontext
def assessments_export(key: str, dest: Path, overwrite: bool) -> None:
    """Write the assessment KEY as files in the assessment format into DEST/KEY/."""
    assessment = db.session.scalar(select(Assessment).where(Assessment.key == key))
    if assessment is None:
        click.echo(f"Fejl: afdækningen {key} findes ikke.", err=True)
        sys.exit(1)
    written = export_assessment(assessment, dest, overwrite=overwrite)
    files = "1 fil" if len(written) == 1 else f"{len(written)} filer"
    click.echo(f"Skrev {files} til {dest / key}.")
