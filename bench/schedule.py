"""``python -m bench schedule``: one module falls due for every leader of the benchmark round at once.

``course-app schedule run --now <moment>`` opens it and writes one e-mail per person, a second run
writes nothing, and ``course-app notify send`` delivers the e-mails to a local SMTP server (aiosmtpd,
accepting and counting). Each command is a process of its own: its wall time is measured from start to
exit, and its peak RSS is the kernel's figure for that process (read by ``bench.child_usage``). The
leader dashboard's statement count (cost mode) is measured with no unlocks, before the release and
after it.

The state before the release, written in SQL: no unlocks and an empty outbox, then every enrolment of
the round has the modules that opened earlier unlocked and announced. The moment is 10:00 Copenhagen
time on the day the module opens (its rule from the round's start), so exactly that module falls due.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine, create_engine, delete, func, insert, literal, select, text, true
from sqlalchemy.engine import make_url

from bench import cost, scenarios
from bench.dataset import DatasetError, generate
from bench.mail_sink import mail_sink
from bench.report import read_documents, replace_section
from bench.server import CHECKOUT, BenchmarkError, app_environment
from bench.sizes import ADMIN_EMAIL, Size
from bench.sysinfo import database_kind, machine_description
from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core import migrate
from course_app.core.db import UTCDateTime, db, make_engine
from course_app.core.i18n import COPENHAGEN
from course_app.courses.models import Module
from course_app.courses.release_rules import ReleaseKind, rule_from_data
from course_app.notifications.models import OutboxMessage
from course_app.schedule.announcements import KIND as DIGEST
from course_app.schedule.models import CohortRelease, ModuleUnlock
from course_app.schedule.releases import opening_day

__all__ = ["BenchmarkError", "run_schedule_benchmark"]

COHORT_ID = scenarios.COHORT_ID
TARGET_MODULE = "film-2"  # days_after_start: 21 in the shipped course
RELEASE_TIME = dt.time(10)  # Copenhagen time, outside the quiet hours
BASE_URL = "https://forloeb.bench.example"
DASHBOARD = "leader: dashboard"
# The targets (for size L).
MAX_SCHEDULE_SECONDS = 60
MAX_SCHEDULE_RSS_MB = 200
MIN_EMAILS_PER_SECOND = 50
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True)
class Plan:
    moment: dt.datetime  # UTC
    module_id: int
    module_key: str
    opened_before: tuple[str, ...]  # modules open and announced for everyone before the moment
    enrolments: int
    people: int  # active people enrolled: one e-mail each


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    peak_rss_mb: float
    output: str

    @property
    def numbers(self) -> list[int]:
        """The numbers in the command's last line (what it reports having done)."""
        last = self.output.splitlines()[-1] if self.output else ""
        return [int(number) for number in _NUMBERS.findall(last)]

    def as_dict(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "peak_rss_mb": self.peak_rss_mb, "output": self.output}


# -- the dataset and the state before the release ----------------------------------------------------


def ensure_dataset(database: str, size: Size) -> float | None:
    """Create the PostgreSQL database and generate the dataset when they are missing; the seconds the
    generation took, or None when the dataset was there (then migrated to head)."""
    if database.startswith("postgresql"):
        _create_postgresql_database(database)
    engine = make_engine(database)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            is_bench = connection.scalar(select(User.id).where(User.email == ADMIN_EMAIL))
            enrolled = connection.scalar(
                select(func.count()).where(Enrolment.cohort_id == COHORT_ID)
            )
    finally:
        engine.dispose()
    if is_bench is None:
        try:
            return round(generate(database, size).seconds, 1)
        except DatasetError as error:
            raise BenchmarkError(str(error)) from error
    if enrolled != size.leaders:
        raise BenchmarkError(
            f"{database} holds a dataset of {enrolled} leaders, not size {size.name} "
            f"({size.leaders}): give that size, or another database."
        )
    return None


def _create_postgresql_database(database: str) -> None:
    url = make_url(database)
    name = url.database or ""
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise BenchmarkError(f"Create the database {name!r} first (createdb).")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            found = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not found:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def reset(engine: Engine) -> None:
    """No unlocks in the round and an empty outbox (the database holds the benchmark's data only)."""
    with engine.begin() as connection:
        enrolments = select(Enrolment.id).where(Enrolment.cohort_id == COHORT_ID)
        connection.execute(delete(ModuleUnlock).where(ModuleUnlock.enrolment_id.in_(enrolments)))
        connection.execute(delete(OutboxMessage))


def prepare(engine: Engine) -> Plan:
    """Open and announce, for every enrolment, the modules that opened before the target's day."""
    with engine.begin() as connection:
        cohort = connection.execute(
            select(Cohort.starts_on, Cohort.course_id).where(Cohort.id == COHORT_ID)
        ).one()
        overrides = dict(
            connection.execute(
                select(CohortRelease.module_id, CohortRelease.rule).where(
                    CohortRelease.cohort_id == COHORT_ID
                )
            ).all()
        )
        modules = connection.execute(
            select(Module.id, Module.key, Module.release)
            .where(Module.course_id == cohort.course_id, Module.retired_at.is_(None))
            .order_by(Module.position)
        ).all()
        days = {}
        for module in modules:
            rule = rule_from_data(overrides.get(module.id, module.release))
            days[module.key] = (
                cohort.starts_on if rule.kind == ReleaseKind.ALWAYS else opening_day(rule, cohort)
            )
        target = next((module for module in modules if module.key == TARGET_MODULE), None)
        day = days.get(TARGET_MODULE)
        if target is None or day is None:
            raise BenchmarkError(f"The round has no module {TARGET_MODULE!r} opening on a date.")
        same_day = [key for key, other in days.items() if other == day and key != TARGET_MODULE]
        if same_day:
            raise BenchmarkError(f"{', '.join(same_day)} open on the same day as {TARGET_MODULE}.")
        moment = dt.datetime.combine(day, RELEASE_TIME, tzinfo=COPENHAGEN).astimezone(dt.UTC)
        if moment > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1):
            raise BenchmarkError(f"{TARGET_MODULE} opens on {day}, not yet: generate anew.")
        before = [module for module in modules if days[module.key] and days[module.key] < day]
        announced = literal(moment - dt.timedelta(days=1), UTCDateTime())
        connection.execute(
            insert(ModuleUnlock.__table__).from_select(
                ["enrolment_id", "module_id", "unlocked_at", "notified_at"],
                select(Enrolment.id, Module.id, announced, announced)
                .join(Module, true())
                .where(
                    Enrolment.cohort_id == COHORT_ID,
                    Module.id.in_([module.id for module in before]),
                ),
            )
        )
        enrolments = connection.scalar(select(func.count()).where(Enrolment.cohort_id == COHORT_ID))
        people = connection.scalar(
            select(func.count(func.distinct(Enrolment.user_id)))
            .join(User, User.id == Enrolment.user_id)
            .where(Enrolment.cohort_id == COHORT_ID, User.deactivated_at.is_(None))
        )
    return Plan(moment, target.id, target.key, tuple(m.key for m in before), enrolments, people)


# -- the commands, as processes -------------------------------------------------------------------------


def course_app_command() -> Path:
    command = Path(sys.executable).with_name("course-app")
    if not command.exists():
        raise BenchmarkError(f"{command} is missing: install the project (pip install -e .).")
    return command


def run_course_app(arguments: list[str], environment: dict[str, str]) -> ProcessRun:
    """Run ``course-app <arguments>``: its wall time and peak RSS, measured by a small launcher
    (``bench.child_usage``), so the benchmark's own memory does not count."""
    command = [str(course_app_command()), *arguments]
    with tempfile.TemporaryDirectory(prefix="bench-usage-") as folder:
        report = Path(folder) / "usage.json"
        completed = subprocess.run(
            [sys.executable, "-m", "bench.child_usage", str(report), *command],
            env=environment,
            cwd=CHECKOUT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        output = completed.stdout.decode("utf-8", "replace").strip()
        if completed.returncode != 0 or not report.exists():
            raise BenchmarkError(f"bench.child_usage failed:\n{output}")
        usage = json.loads(report.read_text(encoding="utf-8"))
    if usage["returncode"] != 0:
        raise BenchmarkError(f"`course-app {shlex.join(arguments)}` failed:\n{output}")
    return ProcessRun(round(usage["seconds"], 2), round(usage["peak_rss_kb"] / 1024, 1), output)


# -- what the database holds afterwards ------------------------------------------------------------------


def release_counts(engine: Engine, plan: Plan) -> dict[str, int]:
    in_round = ModuleUnlock.enrolment_id.in_(
        select(Enrolment.id).where(Enrolment.cohort_id == COHORT_ID)
    )
    with engine.connect() as connection:

        def count(*columns: Any, where: Any = None) -> dict[str, int]:
            row = connection.execute(
                select(*columns).where(true() if where is None else where)
            ).one()
            return dict(row._mapping)

        return {
            **count(
                func.count().label("unlocks"),
                func.count(func.distinct(ModuleUnlock.enrolment_id)).label("enrolments_unlocked"),
                where=in_round,
            ),
            **count(
                func.count().label("target_unlocks"),
                func.count(func.distinct(ModuleUnlock.enrolment_id)).label("target_enrolments"),
                where=in_round & (ModuleUnlock.module_id == plan.module_id),
            ),
            **count(
                func.count().label("messages"),
                func.count(func.distinct(OutboxMessage.user_id)).label("people_emailed"),
                func.count(func.distinct(OutboxMessage.idempotency_key)).label("distinct_keys"),
                func.count(OutboxMessage.sent_at).label("sent"),
                func.count(OutboxMessage.failed_at).label("failed"),
            ),
            **count(
                func.count().label("modules_opened_messages"),
                where=OutboxMessage.kind == DIGEST,
            ),
        }


def release_checks(plan: Plan, counts: dict[str, int]) -> dict[str, bool]:
    return {
        "one new unlock per enrolment": (
            counts["target_unlocks"] == counts["target_enrolments"] == plan.enrolments
            and counts["unlocks"] == plan.enrolments * (len(plan.opened_before) + 1)
        ),
        "one e-mail per active person": (
            counts["messages"]
            == counts["people_emailed"]
            == counts["modules_opened_messages"]
            == plan.people
        ),
        "idempotency keys distinct": counts["distinct_keys"] == counts["messages"],
    }


# -- the whole benchmark ----------------------------------------------------------------------------------


def dashboard_statements(app: Flask, fixture: scenarios.Fixture) -> int:
    measured = cost.measure_endpoints(app, fixture, (DASHBOARD,))[DASHBOARD]
    if measured.status != 200:
        raise BenchmarkError(f"The leader dashboard answered {measured.status}.")
    return measured.statements


def run_schedule_benchmark(
    database: str, size: Size, *, output: Path, markdown: Path | None
) -> tuple[Path, dict[str, Any]]:
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()[0]
    generated_seconds = ensure_dataset(database, size)
    fixture = scenarios.read_fixture(database, size)
    engine = make_engine(database)
    app = cost.cost_app(database)
    environment = {
        **app_environment(database, secrets.token_hex(32)),
        "COURSE_APP_BASE_URL": BASE_URL,
    }
    statements: dict[str, int] = {}
    try:
        reset(engine)
        statements["no unlocks"] = dashboard_statements(app, fixture)
        plan = prepare(engine)
        statements["before the release"] = dashboard_statements(app, fixture)
        moment = plan.moment.astimezone(COPENHAGEN).replace(tzinfo=None).isoformat()
        print(f"Size {size.name}: {plan.module_key} falls due at {moment} (Copenhagen)")
        first = run_course_app(["schedule", "run", "--now", moment], environment)
        print(f"  schedule run: {first.seconds} s, peak RSS {first.peak_rss_mb} MB")
        after_first = release_counts(engine, plan)
        second = run_course_app(["schedule", "run", "--now", moment], environment)
        print(f"  schedule run again: {second.seconds} s, peak RSS {second.peak_rss_mb} MB")
        after_second = release_counts(engine, plan)
        statements["after the release"] = dashboard_statements(app, fixture)
        with mail_sink() as sink:
            mail = {
                "COURSE_APP_MAIL_BACKEND": "smtp",
                "COURSE_APP_MAIL_SERVER": sink.host,
                "COURSE_APP_MAIL_PORT": str(sink.port),
            }
            # At the same moment: the e-mails are due (not_before) and it is daytime (quiet hours).
            send = ["notify", "send", "--now", moment]
            sent = run_course_app(send, {**environment, **mail})
            received, recipients = sink.counts()
            # Nothing is left to send: the start-up and one empty look at the outbox.
            idle = run_course_app(send, {**environment, **mail})
            received_again, _recipients = sink.counts()
        delivered = release_counts(engine, plan)
        rate = round(delivered["sent"] / sent.seconds, 1) if sent.seconds else 0.0
        working = sent.seconds - idle.seconds
        steady = round(delivered["sent"] / working, 1) if working > 0 else None
        print(f"  notify send: {sent.seconds} s, {rate} e-mails/s, peak RSS {sent.peak_rss_mb} MB")
        print(f"  notify send again: {idle.seconds} s; after start-up {steady} e-mails/s")
    finally:
        shutil.rmtree(environment["COURSE_APP_INSTANCE_PATH"], ignore_errors=True)
        db.engine(app).dispose()
        engine.dispose()

    checks = {
        **release_checks(plan, after_first),
        "schedule run reports what it wrote": first.numbers[:2]
        == [plan.enrolments, after_first["messages"]],
        "second run writes nothing": second.numbers[:2] == [0, 0] and after_second == after_first,
        "every e-mail delivered": (
            delivered["sent"] == received == after_first["messages"]
            and recipients == plan.people
            and delivered["failed"] == 0
        ),
        "second send sends nothing": idle.numbers == [0] and received_again == received,
        "dashboard statements constant": len(set(statements.values())) == 1,
    }
    document = {
        "size": size.name,
        "leaders": size.leaders,
        "database": database_kind(database),
        "started": started.isoformat(timespec="seconds"),
        "command": shlex.join(["python", "-m", "bench", *sys.argv[1:]]),
        "machine": machine_description(database, load_tool=False),
        # the machine's 1-minute load average: other work on the same cores slows every figure
        "load_average": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "generated_seconds": generated_seconds,
        "moment": plan.moment.isoformat(),
        "module": plan.module_key,
        "opened_before": list(plan.opened_before),
        "enrolments": plan.enrolments,
        "people": plan.people,
        "schedule_run": {**first.as_dict(), **after_first},
        "schedule_run_again": {**second.as_dict(), **after_second},
        "notify_send": {
            **sent.as_dict(),
            "sent": delivered["sent"],
            "failed": delivered["failed"],
            "received": received,
            "recipients": recipients,
            "emails_per_second": rate,
        },
        "notify_send_again": idle.as_dict(),
        # sent / (the send's time - the empty send's time): the rate once the process has started
        "emails_per_second_after_start_up": steady,
        "dashboard_statements": statements,
        "checks": checks,
        "targets": _targets(first, rate, statements),
    }
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"schedule-{size.name.lower()}-{document['database']}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if markdown is not None:
        replace_section(markdown, "bench:schedule", schedule_table(output))
    for name, holds in checks.items():
        print(f"  {'ok  ' if holds else 'FAIL'} {name}")
    return path, document


def _targets(first: ProcessRun, rate: float, statements: dict[str, int]) -> list[dict[str, Any]]:
    def row(name: str, wanted: str, measured: Any, unit: str, holds: bool) -> dict[str, Any]:
        return {
            "target": name,
            "wanted": wanted,
            "measured": measured,
            "unit": unit,
            "holds": holds,
        }

    counts = list(statements.values())
    return [
        row(
            "schedule run: wall time",
            f"≤ {MAX_SCHEDULE_SECONDS} s",
            first.seconds,
            "s",
            first.seconds <= MAX_SCHEDULE_SECONDS,
        ),
        row(
            "schedule run: peak RSS",
            f"< {MAX_SCHEDULE_RSS_MB} MB",
            first.peak_rss_mb,
            "MB",
            first.peak_rss_mb < MAX_SCHEDULE_RSS_MB,
        ),
        row(
            "notify send: e-mails per second",
            f"≥ {MIN_EMAILS_PER_SECOND}",
            rate,
            "",
            rate >= MIN_EMAILS_PER_SECOND,
        ),
        row(
            "leader dashboard: statements",
            "constant",
            " / ".join(str(count) for count in counts),
            "",
            len(set(counts)) == 1,
        ),
    ]


# -- the table in docs/performance.md ----------------------------------------------------------------------


def _mark(target: dict[str, Any]) -> str:
    unit = f" {target['unit']}" if target["unit"] else ""
    return f"{target['measured']}{unit}{'' if target['holds'] else ' ✗'}"


def schedule_table(folder: Path) -> str:
    lines = [
        "| Size | Database | e-mails | schedule run (≤ 60 s) | its peak RSS (< 200 MB) | second run "
        "(writes nothing) | notify send e-mails/s (≥ 50) | after start-up | its peak RSS | dashboard "
        "statements: "
        "no unlocks / before / after | checks | load average before → after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for document in read_documents(folder, "schedule-*-*.json"):
        run, again, send = (
            document[key] for key in ("schedule_run", "schedule_run_again", "notify_send")
        )
        targets = {target["target"]: target for target in document["targets"]}
        failed = [name for name, holds in document["checks"].items() if not holds]
        load = document.get("load_average", {"before": "–", "after": "–"})
        lines.append(
            f"| {document['size']} | {document['machine']['database']} | {run['messages']:,} | "
            f"{_mark(targets['schedule run: wall time'])} | "
            f"{_mark(targets['schedule run: peak RSS'])} | {again['seconds']} s | "
            f"{_mark(targets['notify send: e-mails per second'])} | "
            f"{document.get('emails_per_second_after_start_up', '–')} | {send['peak_rss_mb']} MB | {_mark(targets['leader dashboard: statements'])} | "
            + ("all hold" if not failed else "**failed: " + ", ".join(failed) + "**")
            + f" | {load['before']} → {load['after']} |"
        )
    return "\n".join([*lines, "", "✗: the target does not hold."]) + "\n"
