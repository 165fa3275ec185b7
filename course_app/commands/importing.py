"""How the import commands (courses, assessments) report: every problem with its file and line and
nothing imported, or one line per change after the commit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Protocol

import click

from course_app.core.db import db
from course_app.courses.file_import import FilesInvalid


class ChangeReport(Protocol):
    lines: list[str]

    @property
    def changed(self) -> bool: ...


def run_import(do_import: Callable[[], ChangeReport]) -> None:
    """Run ``do_import`` (one transaction) and commit it, or print its problems and exit 1."""
    try:
        report = do_import()
    except FilesInvalid as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo("Intet blev importeret.", err=True)
        sys.exit(1)
    db.session.commit()
    for line in report.lines:
        click.echo(line)
    click.echo("Ingen ændringer." if not report.changed else "Importen er gennemført.")
