"""material blocks by reference

A resource block may name one of its course's uploaded materials by id (``data.material``) instead
of a URL. resources.uploaded_by_id becomes nullable: material brought in from course files by the
command line has no uploader.

Data: a resource block whose ``url`` is the app's own download address of a material of the same
course (``/materialer/<id>/<name>``, with any host or none) is migrated to ``material: <id>``, so
the host stops travelling into exported course files. Other links are left as they are. Downgrade
turns material blocks back into site-relative links.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 01:12:35.595647+00:00
"""

import re
from collections.abc import Sequence
from urllib.parse import urlparse

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DOWNLOAD_PATH = re.compile(r"^/materialer/([0-9]{1,10})/[^/]+$")

blocks = sa.table(
    "blocks",
    sa.column("id", sa.Integer),
    sa.column("course_id", sa.Integer),
    sa.column("type", sa.String),
    sa.column("data", sa.JSON),
)
resources = sa.table(
    "resources",
    sa.column("id", sa.Integer),
    sa.column("course_id", sa.Integer),
    sa.column("original_filename", sa.String),
)


def _own_material(url: object, course_id: int, course_of: dict[int, int]) -> int | None:
    if not isinstance(url, str):
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("", "http", "https") or parsed.query or parsed.fragment:
        return None
    match = _DOWNLOAD_PATH.match(parsed.path)
    if match is None:
        return None
    material_id = int(match.group(1))
    return material_id if course_of.get(material_id) == course_id else None


def upgrade() -> None:
    with op.batch_alter_table("resources", schema=None) as batch_op:
        batch_op.alter_column("uploaded_by_id", existing_type=sa.INTEGER(), nullable=True)

    connection = op.get_bind()
    course_of = dict(connection.execute(sa.select(resources.c.id, resources.c.course_id)).all())
    if not course_of:
        return
    rows = connection.execute(
        sa.select(blocks.c.id, blocks.c.course_id, blocks.c.data).where(blocks.c.type == "resource")
    ).all()
    for block_id, course_id, data in rows:
        data = dict(data or {})
        material_id = _own_material(data.get("url"), course_id, course_of)
        if material_id is None or "material" in data:
            continue
        del data["url"]
        data["material"] = material_id
        connection.execute(sa.update(blocks).where(blocks.c.id == block_id).values(data=data))


def downgrade() -> None:
    connection = op.get_bind()
    names = dict(connection.execute(sa.select(resources.c.id, resources.c.original_filename)).all())
    rows = connection.execute(
        sa.select(blocks.c.id, blocks.c.data).where(blocks.c.type == "resource")
    ).all()
    for block_id, data in rows:
        data = dict(data or {})
        material_id = data.pop("material", None)
        if not isinstance(material_id, int):
            continue
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", names.get(material_id, "fil")).strip("-.") or "fil"
        data.setdefault("url", f"/materialer/{material_id}/{name}")
        connection.execute(sa.update(blocks).where(blocks.c.id == block_id).values(data=data))

    if connection.execute(
        sa.text("SELECT count(*) FROM resources WHERE uploaded_by_id IS NULL")
    ).scalar():
        raise RuntimeError(
            "Some materials came from course files and have no uploader; give them one "
            "(UPDATE resources SET uploaded_by_id = ...) before downgrading below 0010."
        )
    with op.batch_alter_table("resources", schema=None) as batch_op:
        batch_op.alter_column("uploaded_by_id", existing_type=sa.INTEGER(), nullable=False)
