"""The bare baseline: the limit of this stack on this machine, served by the same gunicorn settings.

``/hello`` is a plain text answer; ``/rows`` a Jinja page of 50 rows read from the same database with
SQLAlchemy. Every app page's throughput is reported as a ratio of ``/rows``.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from sqlalchemy import text

from course_app.core.db import make_engine

PAGE = """<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Deltagere</title></head>
<body><main><h1>Deltagere</h1>
<table><thead><tr><th>Navn</th><th>E-mail</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.name }}</td><td>{{ row.email }}</td></tr>
{% endfor %}</tbody></table></main></body></html>"""


def create_baseline_app() -> Flask:
    app = Flask(__name__)
    engine = make_engine(os.environ["COURSE_APP_DATABASE_URL"])

    @app.get("/hello")
    def hello() -> str:
        return "hello"

    @app.get("/rows")
    def rows() -> str:
        with engine.connect() as connection:
            result = connection.execute(
                text("SELECT name, email FROM users ORDER BY id LIMIT 50")
            ).all()
        return render_template_string(PAGE, rows=result)

    return app
