"""``course-app resources prune``: files no material names, and half-written uploads, go once they
are an hour old; the materials' files, young files and anything not made by the store stay."""

from __future__ import annotations

import io
import os
import time

from course_app.cli import cli
from course_app.core.db import db
from course_app.resources import storage
from course_app.resources.models import Resource


def _aged(path, hours: float) -> None:
    moment = time.time() - hours * 3600
    os.utime(path, (moment, moment))


def test_prune_removes_only_old_files_no_material_names(app, session, world, storage_dir):
    folder = storage_dir / "resources"
    kept = storage.save(io.BytesIO(b"%PDF-1.4 a material"), max_bytes=1000)
    db.session.add(
        Resource(
            course_id=world.course.id,
            title="Slides",
            original_filename="slides.pdf",
            stored_name=kept.name,
            size_bytes=kept.size,
            sha256=kept.sha256,
            content_type="application/pdf",
        )
    )
    session.flush()
    orphan = storage.save(io.BytesIO(b"left behind"), max_bytes=1000)
    young = storage.save(io.BytesIO(b"an upload in progress"), max_bytes=1000)
    part = folder / ".upload-abc.part"
    part.write_bytes(b"half")
    stranger = folder / "README.txt"
    stranger.write_text("not ours")
    for name in (kept.name, orphan.name):
        _aged(folder / name, hours=30)
    _aged(part, hours=2)
    _aged(stranger, hours=30)

    dry = app.test_cli_runner().invoke(cli, ["resources", "prune", "--dry-run"])

    assert dry.exit_code == 0, dry.output
    assert f"Ville fjerne {orphan.name} (11 byte)" in dry.output
    assert "Ville fjerne .upload-abc.part (4 byte)" in dry.output
    assert "Filer uden materiale, der ville blive fjernet: 2 (15 byte)" in dry.output
    assert (folder / orphan.name).exists() and part.exists()

    real = app.test_cli_runner().invoke(cli, ["resources", "prune"])

    assert "Filer uden materiale, der er fjernet: 2 (15 byte)" in real.output, real.output
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [kept.name, young.name, "README.txt"]
    )
