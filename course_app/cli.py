"""The ``course-app`` command: demo, database migrations, course files, users and rounds.

It never prompts when standard input is not a terminal: every value can be given as an option.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.serving import run_simple

from course_app import create_app
from course_app.accounts import services as accounts
from course_app.assessments.file_import import import_missing_assessments
from course_app.backup import services as backups
from course_app.commands import assessments as assessment_commands
from course_app.commands import cohorts as cohort_commands
from course_app.commands import privacy as privacy_commands
from course_app.commands import resources as resource_commands
from course_app.commands import schedule as schedule_commands
from course_app.commands.importing import run_import
from course_app.commands.options import moment_option
from course_app.core import clock, migrate
from course_app.core.db import db, writes_from_the_start
from course_app.core.errors import ServiceError
from course_app.courses.archive import course_folder
from course_app.courses.file_export import export_course
from course_app.courses.file_import import (
    import_course,
    import_missing_courses,
)
from course_app.courses.file_reader import read_course_dir
from course_app.courses.models import Course
from course_app.demo import demo_password, demo_sign_ins, ensure_demo_data, ensure_demo_wheel
from course_app.notifications import services as notifications
from course_app.organisations import services as directory
from course_app.organisations.models import Role
from course_app.paths import COURSES_DIR
from course_app.people import importer as people_importer
from course_app.people.planning import cell_problems
from course_app.schedule.scheduler import run_schedule


def _cli_app() -> Flask:
    """Admin commands sign no cookies: without a configured key they get a throwaway one.

    Flask's own ``run`` command is left out on purpose, so this never serves requests with that key;
    serve production with a WSGI server over ``create_app()``, which refuses to start without a key.
    """
    app = create_app({"SECRET_KEY": secrets.token_hex(32)} if _no_secret_configured() else None)
    return app


def _no_secret_configured() -> bool:
    return not os.environ.get("COURSE_APP_SECRET_KEY")


class _CommandGroup(FlaskGroup):
    """Expected refusals (a ``ServiceError``: bad files, unknown ids, …) and unreadable files end
    any command with ``Fejl: …`` on stderr and exit code 1, not a traceback; a traceback is kept
    for what is a bug. Commands that know their refusals better print them themselves."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ServiceError as error:
            for line in str(error).splitlines():
                click.echo(f"Fejl: {line}", err=True)
        except OSError as error:
            click.echo(f"Fejl: {error.strerror or error}: {error.filename or ''}", err=True)
        ctx.exit(1)


@click.group(
    cls=_CommandGroup, create_app=_cli_app, add_default_commands=False, add_version_option=False
)
def cli() -> None:
    """Forløbsplatformen: run the demo, migrate the database, manage course files, users and rounds."""


cli.add_command(shell_command)
cli.add_command(routes_command)
cli.add_command(assessment_commands.assessments_group)
cli.add_command(cohort_commands.cohorts_group)
cli.add_command(schedule_commands.schedule_group)
cli.add_command(privacy_commands.privacy_group)
cli.add_command(resource_commands.resources_group)


def main() -> None:
    cli(prog_name="course-app")


# --- demo ------------------------------------------------------------------------------------------


@cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and data, then exit.")
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Create or upgrade the demo database, import the shipped courses, create demo data and serve."""
    # E-mail links point at the address the demo serves, whatever --host and --port say.
    app = create_app({"DEMO": True, "BASE_URL": f"http://{host}:{port}"})
    with app.app_context():
        migrate.upgrade(db.engine())
        imported, skipped = import_missing_courses(COURSES_DIR)
        assessments, skipped_assessments = import_missing_assessments(COURSES_DIR)
        skipped += skipped_assessments
        password = demo_password(app.instance_path)
        created = ensure_demo_data(password)
        wheel = ensure_demo_wheel()  # after import_missing_assessments: the shipped wheel
        db.session.commit()
        schedule = run_schedule(clock.now())  # what has fallen due since the last start
        people = demo_sign_ins()
    for slug in imported:
        click.echo(f"Importerede kurset {slug}.")
    for key in assessments:
        click.echo(f"Importerede afdækningen {key}.")
    for folder, problems in skipped:
        click.echo(f"Springer {folder} over: {len(problems)} fejl i filerne.", err=True)
    if created:
        click.echo("Oprettede demodata.")
    if wheel:
        click.echo("Demoforløbet bruger kompetencehjulet (demomodellen).")
    click.echo(
        f"Tidsplanen er kørt: {schedule.unlocked} moduler åbnet, {schedule.emails} e-mails skrevet."
    )
    click.echo(
        "Demoen sender ingen rigtige e-mails: de skrives i loggen, og du ser dem alle som "
        "administrator under »Udsendelser«."
    )
    click.echo(f"\nDemo-database: {app.config['DATABASE_URL']}")
    click.echo(f"Adgangskode for alle demobrugere: {password}\n")
    for role, name, email in people:
        click.echo(f"  {role:<40} {name:<18} {email}")
    click.echo(f"\nÅbn http://{host}:{port}/ i din browser. Stop med Ctrl+C.\n")
    if not no_serve:
        # app.run() refuses to block inside the Flask CLI; serve with Werkzeug directly.
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


# --- db --------------------------------------------------------------------------------------------


@cli.group("db")
def db_group() -> None:
    """Database migrations (Alembic)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    migrate.upgrade(db.engine(), revision)
    click.echo(f"Databasen er på version {migrate.current_revision(db.engine())}.")


@db_group.command("downgrade")
@click.option("--revision", required=True, help='Target revision, e.g. "-1" or "base".')
@with_appcontext
def db_downgrade(revision: str) -> None:
    migrate.downgrade(db.engine(), revision)
    click.echo(f"Databasen er på version {migrate.current_revision(db.engine()) or 'base'}.")


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    current = migrate.current_revision(db.engine())
    head = migrate.head_revision(db.engine())
    state = "nyeste" if current == head else f"nyeste er {head}"
    click.echo(f"{current or 'base'} ({state})")


# --- backup --------------------------------------------------------------------------------------


@cli.group("backup")
def backup_group() -> None:
    """Backups of the database and the uploaded files (docs/operations.md, "Backups")."""


def _backup_settings() -> dict:
    config = current_app.config
    return {
        "database_url": config["DATABASE_URL"],
        "storage_dir": Path(config["STORAGE_DIR"]),
        "pg_bin_dir": config.get("PG_BIN_DIR"),
    }


@backup_group.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_create(directory: Path) -> None:
    """Write a new backup folder inside DIRECTORY (created if missing); safe while the app runs."""
    folder, written = backups.create_backup(directory, **_backup_settings())
    click.echo(
        f"Sikkerhedskopien er skrevet til {folder} ({written.upload_count} uploadede filer, "
        f"databaseversion {written.alembic_revision or 'base'})."
    )


@backup_group.command("verify")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup_verify(directory: Path) -> None:
    """Check a backup folder against its manifest's checksums; restores nothing."""
    checked = backups.verify_backup(directory)
    click.echo(
        f"{directory}: alle {len(checked.files)} filer passer med manifestet (lavet "
        f"{checked.created_at}, version {checked.app_version})."
    )


@backup_group.command("restore")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_restore(directory: Path) -> None:
    """Restore the backup folder DIRECTORY into the configured, empty database and storage folder."""
    report = backups.restore_backup(directory, **_backup_settings())
    click.echo(
        f"Gendannede databasen ({report.manifest.database}, version {report.revision or 'base'}) "
        f"og {report.uploads} uploadede filer fra {directory}."
    )
    if report.revision != report.head:
        click.echo("Databasen er ældre end denne version: kør `course-app db upgrade`.")


# --- courses ---------------------------------------------------------------------------------------


@cli.group("courses")
def courses_group() -> None:
    """Course files under courses/: validate and import."""


@courses_group.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
def courses_validate(path: Path) -> None:
    """Check a course folder (or a zip of one); every problem is printed with file and line."""
    with course_folder(path) as folder:
        _data, problems = read_course_dir(folder)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} fejl fundet i {path}.", err=True)
        sys.exit(1)
    click.echo(f"{path}: ingen fejl.")


@courses_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def courses_import(path: Path) -> None:
    """Create or update the course from its folder (or a zip of one) and print what changed.

    One transaction (all or nothing); on SQLite it takes the write lock at its first statement and
    waits its turn behind the site's saves. A large course holds the lock well under a second."""
    writes_from_the_start()

    def import_folder():
        with course_folder(path) as folder:
            return import_course(folder)

    run_import(import_folder)


@courses_group.command("export")
@click.argument("slug")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--overwrite", is_flag=True, help="Write into an existing, non-empty course folder.")
@with_appcontext
def courses_export(slug: str, dest: Path, overwrite: bool) -> None:
    """Write the course SLUG as files in the courses/ format into DEST/SLUG/."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        click.echo(f"Fejl: kurset {slug} findes ikke.", err=True)
        sys.exit(1)
    try:
        written = export_course(course, dest, overwrite=overwrite)
    except ServiceError as error:
        click.echo(f"Fejl: {error}", err=True)
        sys.exit(1)
    click.echo(f"Skrev {len(written)} filer til {dest / slug}.")


# --- users -----------------------------------------------------------------------------------------


@cli.group("users")
def users_group() -> None:
    """People."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--organisation", default=None, help="Organisation name (created if missing).")
@click.option("--password", default=None, help="Asked for when omitted and run in a terminal.")
@click.option("--platform-admin", is_flag=True, help="Give the platform admin role.")
@with_appcontext
def users_create(
    email: str, name: str, organisation: str | None, password: str | None, platform_admin: bool
) -> None:
    columns = {"name": name, "email": email, "organisation": organisation or ""}
    if problems := cell_problems(columns):
        for problem in problems:
            click.echo(f"Fejl: {problem}", err=True)
        sys.exit(1)
    if password is None and sys.stdin.isatty():
        password = click.prompt("Adgangskode", hide_input=True, confirmation_prompt=True)
    try:
        org = directory.get_or_create_organisation(organisation) if organisation else None
        user = accounts.create_user(
            email=email, name=name, password=password, organisation_id=org.id if org else None
        )
        if platform_admin:
            directory.assign_role(user, Role.PLATFORM_ADMIN)
    except ServiceError as error:
        db.session.rollback()
        click.echo(f"Fejl: {error}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Oprettede {user.email}.")


@users_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--dry-run", is_flag=True, help="Check the file and show what would happen; save nothing."
)
@click.option(
    "--batch-size",
    default=100,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows saved per transaction, so the site keeps answering during a large import.",
)
@with_appcontext
def users_import(file: str, dry_run: bool, batch_size: int) -> None:
    """Import people from a CSV file (columns name, email, organisation, area, group, role).

    Every bad row is printed as FILE:LINE: reason and nothing is imported. Otherwise the import is
    saved and the invitations to new people are sent. The whole file is checked before anything is
    saved; the rows are then saved BATCH_SIZE at a time. Should the import stop between two batches
    (a crash), run it again: people already imported are skipped and nobody is invited twice.
    """
    data = Path(file).read_bytes()
    plan, result = people_importer.check_people(data, dry_run=dry_run)
    db.session.commit()  # end the reading transaction; the plan's rows stay loaded
    if result.problems:
        db.session.rollback()
        for problem in result.problems:
            click.echo(f"{file}:{problem.line}: {problem.reason}", err=True)
        click.echo(f"{len(result.problems)} fejl i {file}. Intet blev importeret.", err=True)
        sys.exit(1)
    for row in result.rows:
        if row.actions:
            click.echo(f"{file}:{row.line}: {row.email} ({row.status}): {' '.join(row.actions)}")
    if dry_run:
        click.echo("Prøvekørsel – intet er gemt. Importen ville give:")
        for line in result.summary():
            click.echo(f"  {line}")
        return
    _save_in_batches(file, plan, result, batch_size)
    click.echo("Importen er gemt:" if result.changed else "Importen er kørt:")
    for line in result.summary():
        click.echo(f"  {line}")
    if result.invitations:
        sent = _send_outbox()
        if sent < result.invitations:
            click.echo(
                f"Kun {sent} af {result.invitations} invitationer blev sendt; resten ligger i "
                "e-mailkøen. Kør `course-app notify send`, når mailserveren svarer.",
                err=True,
            )
            sys.exit(1)
        click.echo(f"Sendte {sent} invitationer.")


# SQLite has no queue for its write lock: a waiting request polls for it (at most every 100 ms), so
# batches written back to back could keep it waiting until its busy timeout. A pause after each
# batch lets every waiting save in (measured: 2,000 rows, 100 per batch, hold 0.1–0.3 s each).
BATCH_PAUSE_SECONDS = 0.1


def _save_in_batches(
    file: str, plan: people_importer.Plan, result: people_importer.ImportResult, size: int
) -> None:
    """Save a checked import ``size`` rows per transaction (each takes SQLite's write lock from its
    first statement and holds it briefly); stop, saying how far it got, if a batch is refused."""
    writes_from_the_start()
    pause = BATCH_PAUSE_SECONDS if db.engine().dialect.name == "sqlite" else 0
    done = 0
    try:
        for done_now in people_importer.apply_in_batches(plan, result, size=size):
            db.session.commit()
            done = done_now
            if done < len(plan.rows):
                time.sleep(pause)
    except (ServiceError, IntegrityError, OperationalError) as error:
        db.session.rollback()
        reason = (
            str(error)
            if isinstance(error, ServiceError)
            else "databasen afviste en række (data blev ændret samtidig, eller databasen var optaget)"
        )
        click.echo(f"Fejl: {reason}", err=True)
        click.echo(
            f"Importen stoppede efter {done} af {len(plan.rows)} rækker i {file}. De gemte rækker "
            "er bevaret; kør den samme import igen for at få resten med (de importerede springes "
            "over, og ingen inviteres to gange).",
            err=True,
        )
        sys.exit(1)


# --- notify ----------------------------------------------------------------------------------------


@cli.group("notify")
def notify_group() -> None:
    """E-mail: the outbox of queued messages."""


@notify_group.command("send")
@click.option(
    "--now",
    callback=moment_option,
    help="Act as if it were this moment (e.g. 2027-01-12T09:00, Copenhagen time); for tests.",
)
@with_appcontext
def notify_send(now: dt.datetime | None) -> None:
    """Send the queued e-mails (run it from cron; safe to run again)."""
    sent = _send_outbox(now)
    click.echo("Sendte 1 e-mail." if sent == 1 else f"Sendte {sent} e-mails.")


def _send_outbox(now: dt.datetime | None = None) -> int:
    """Send every queued e-mail; exits with 1 when the mail server cannot be reached."""
    report = notifications.deliver_outbox(now=now or clock.now())
    if report.error:
        click.echo(
            f"Sendte {report.sent} e-mails; resten kunne ikke sendes ({report.error}). De ligger i "
            "e-mailkøen; kør `course-app notify send` igen senere.",
            err=True,
        )
        sys.exit(1)
    return report.sent
