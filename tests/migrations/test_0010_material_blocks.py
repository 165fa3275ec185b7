"""0010: resource blocks holding the app's own download URL of a material of their course become
material blocks (``material: <id>``); other links stay; downgrade turns them back into links."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from course_app.core import migrate
from course_app.core.db import make_engine

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def _insert(connection, table: sa.Table, **values) -> int:
    return connection.execute(table.insert().values(**values)).inserted_primary_key[0]


def test_own_material_urls_become_references_and_back(fresh_database_url):
    engine = make_engine(fresh_database_url)
    try:
        migrate.upgrade(engine, "0009")
        meta = sa.MetaData()
        meta.reflect(engine)
        t = meta.tables
        with engine.begin() as c:
            user = _insert(
                c,
                t["users"],
                email="a@b.dk",
                name="A",
                locale="da",
                session_version=1,
                created_at=NOW,
            )
            courses = [
                _insert(
                    c,
                    t["courses"],
                    slug=slug,
                    title=slug,
                    language="da",
                    summary="",
                    status="published",
                    created_at=NOW,
                    updated_at=NOW,
                    content_stamp=1,
                )
                for slug in ("a", "b")
            ]
            module = _insert(
                c,
                t["modules"],
                course_id=courses[0],
                mode="individual",
                key="m",
                title="M",
                intro="",
                source_name="",
                position=0,
                status="published",
            )
            lesson = _insert(
                c,
                t["lessons"],
                course_id=courses[0],
                module_id=module,
                key="l",
                title="L",
                intro="",
                source_name="",
                position=0,
                status="published",
            )
            ids = [
                _insert(
                    c,
                    t["resources"],
                    course_id=course,
                    title="H",
                    original_filename="Håndbog.pdf",
                    stored_name=f"{n:032x}",
                    content_type="application/pdf",
                    size_bytes=1,
                    sha256="0" * 64,
                    uploaded_by_id=user,
                    created_at=NOW,
                )
                for n, course in enumerate(courses, start=1)
            ]
            urls = {
                "own": f"https://kurser.example.dk/materialer/{ids[0]}/Haandbog.pdf",
                "relative": f"/materialer/{ids[0]}/x.pdf",
                "other-course": f"https://kurser.example.dk/materialer/{ids[1]}/Haandbog.pdf",
                "elsewhere": "https://example.org/materialer/1/x.pdf?q=1",
                "external": "https://example.org/slides.pdf",
            }
            for position, (key, url) in enumerate(urls.items()):
                _insert(
                    c,
                    t["blocks"],
                    course_id=courses[0],
                    lesson_id=lesson,
                    key=key,
                    type="resource",
                    position=position,
                    data={"title": key, "url": url},
                )

        migrate.upgrade(engine, "0010")
        with engine.connect() as c:
            data = dict(c.execute(sa.select(t["blocks"].c.key, t["blocks"].c.data)).all())
        assert data["own"] == {"title": "own", "material": ids[0]}
        assert data["relative"] == {"title": "relative", "material": ids[0]}
        assert data["other-course"]["url"] == urls["other-course"]
        assert data["elsewhere"]["url"] == urls["elsewhere"]
        assert data["external"]["url"] == urls["external"]

        migrate.downgrade(engine, "0009")
        with engine.connect() as c:
            data = dict(c.execute(sa.select(t["blocks"].c.key, t["blocks"].c.data)).all())
        assert data["own"] == {"title": "own", "url": f"/materialer/{ids[0]}/H-ndbog.pdf"}
        migrate.upgrade(engine)
    finally:
        engine.dispose()
