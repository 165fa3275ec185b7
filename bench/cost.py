"""Cost mode (the Moodle way): SQL statements and rows fetched for one request of each endpoint.

The app runs in this process behind a real HTTP server on 127.0.0.1 (one request at a time), so the
same virtual users and requests as the load benchmark are used, and every statement the request sends
is seen by a SQLAlchemy event. Rows fetched are counted afterwards by asking the database how many
rows each SELECT returns (``SELECT count(*) FROM (<statement>)`` with the same parameters).
"""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.serving import make_server

from bench import client, scenarios
from bench.load import Step
from bench.round_dataset import PSEUDONYM_KEY
from bench.sizes import Size
from bench.sysinfo import database_kind
from course_app import create_app
from course_app.core.db import db

PROGRESS_EXPORT = "admin: CSV of every progress row"
ALL_ENDPOINTS = (*scenarios.ENDPOINTS, PROGRESS_EXPORT)


@dataclass(frozen=True)
class Cost:
    status: int
    statements: int
    rows: int


class _Recorder:
    """Collects the statements an engine sends while switched on."""

    def __init__(self) -> None:
        self.on = False
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, _conn, _cursor, statement, parameters, _context, _executemany) -> None:
        # SQLite's explicit BEGIN (core/db.py) is transaction control, which PostgreSQL's driver
        # sends without this event: leave it out so both databases count the same statements.
        if self.on and not statement.startswith("BEGIN"):
            self.statements.append((statement, parameters))


def _rows_fetched(engine: Engine, statements: list[tuple[str, Any]]) -> int:
    total = 0
    with engine.connect() as connection:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            counted = f"SELECT count(*) FROM ({statement}) AS counted"
            total += connection.exec_driver_sql(counted, parameters).scalar_one()
    return total


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def cost_app(database: str) -> Flask:
    return create_app(
        {
            "DATABASE_URL": database,
            "SECRET_KEY": secrets.token_hex(32),
            "SESSION_COOKIE_SECURE": False,
            "ASSESSMENT_PSEUDONYM_KEY": PSEUDONYM_KEY,  # the dataset's (``bench.dataset``)
        },
        instance_path=tempfile.mkdtemp(prefix="bench-cost-"),
    )


def measure_endpoints(
    app: Flask, fixture: scenarios.Fixture, endpoints: Sequence[str] = ALL_ENDPOINTS
) -> dict[str, Cost]:
    """One request of each endpoint (after one unrecorded request, so caches are warm)."""
    engine = db.engine(app)
    recorder = _Recorder()
    event.listen(engine, "before_cursor_execute", recorder)
    costs: dict[str, Cost] = {}
    try:
        with serving(app) as base_url:
            cast = scenarios.Cast(base_url, fixture, connections=1)
            steps: dict[str, tuple[str, Step]] = {}
            for endpoint in endpoints:
                if endpoint == PROGRESS_EXPORT:
                    user = cast.progress_export_user()
                else:
                    user = cast.users_for(endpoint, 1)[0]
                steps[endpoint] = (user.cookie, user.steps[0])
            for endpoint, (cookie, step) in steps.items():
                _send(base_url, cookie, step)
                recorder.statements = []
                recorder.on = True
                status = _send(base_url, cookie, step)
                recorder.on = False
                costs[endpoint] = Cost(
                    status=status,
                    statements=len(recorder.statements),
                    rows=_rows_fetched(engine, recorder.statements),
                )
    finally:
        event.remove(engine, "before_cursor_execute", recorder)
    return costs


def _send(base_url: str, cookie: str, step: Step) -> int:
    form = None
    if step.body is not None:
        form = urllib.parse.parse_qsl(step.body, keep_blank_values=True)
    reply = client.request(
        base_url, step.method, step.path, cookie=step.cookie or cookie, form=form
    )
    return reply.status


def measure_cost(database: str, size: Size, *, output: Path) -> Path:
    fixture = scenarios.read_fixture(database, size)
    app = cost_app(database)
    try:
        costs = measure_endpoints(app, fixture)
    finally:
        db.engine(app).dispose()
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"cost-{size.name.lower()}-{database_kind(database)}.json"
    document = {
        "size": size.name,
        "leaders": size.leaders,
        "database": database_kind(database),
        "endpoints": {name: asdict(cost) for name, cost in costs.items()},
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, cost in costs.items():
        print(f"  {name:36} {cost.status}  {cost.statements:3} statements  {cost.rows:7} rows")
    return path
