"""The course files' view of uploaded material (``courses/materials.py``'s ``MaterialStore``).

Export names each material by a plain, URL-safe form of its file name and copies its bytes into the
course folder's ``assets/``; import finds the course's material with the same content (preferring
the same name) or adds it from the file, checked by content as an upload is. Installed in
``app.extensions`` when the resources blueprint is registered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from course_app.core.db import db
from course_app.courses.materials import MaterialInfo
from course_app.resources import services, sniffing, storage
from course_app.resources.models import Resource

_CHUNK = 1024 * 1024


def _file_name(resource: Resource) -> str:
    return sniffing.url_filename(resource.original_filename)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _live(course_id: int):
    return select(Resource).where(Resource.course_id == course_id, Resource.deleted_at.is_(None))


class ResourceMaterials:
    def materials_of(
        self, course_id: int, ids: Iterable[int] | None = None
    ) -> dict[int, MaterialInfo]:
        query = _live(course_id)
        if ids is not None:
            query = query.where(Resource.id.in_(list(ids)))
        return {
            resource.id: MaterialInfo(
                id=resource.id,
                title=resource.title,
                file_name=_file_name(resource),
                path=storage.path_of(resource.stored_name),
            )
            for resource in db.session.scalars(query.order_by(Resource.id))
        }

    def file_problem(self, path: Path) -> str | None:
        """The rest of a Danish sentence about the file ("er tom"), as the course files' checks."""
        size = path.stat().st_size
        limit = int(current_app.config["RESOURCE_MAX_BYTES"])
        if size == 0:
            return _("er tom")
        if size > limit:
            return _(
                "fylder %(size)s; et materiale må højst fylde %(limit)s",
                size=services.format_size(size),
                limit=services.format_size(limit),
            )
        with path.open("rb") as stream:
            try:
                file_type = sniffing.detect(stream)
            except sniffing.Refused as refused:
                if refused.reason == "markup":
                    return _("er HTML, SVG eller XML, som ikke kan være materiale i et kursus")
                return _(
                    "har en filtype, som materialer ikke kan have (tilladt: %(extensions)s)",
                    extensions=services.allowed_extensions_text(),
                )
        if not sniffing.extension_agrees(file_type, path.name):
            dotted = [f".{ext}" for ext in file_type.extensions]
            if len(dotted) > 1:
                dotted = [
                    _("%(first)s eller %(last)s", first=", ".join(dotted[:-1]), last=dotted[-1])
                ]
            return _(
                "har indhold af typen %(type)s, så navnet skal ende på %(extensions)s",
                type=services.TYPE_LABELS[file_type.key],
                extensions=dotted[0],
            )
        return None

    def attach(
        self, course_id: int, files: Mapping[str, Path], *, actor_id: int | None
    ) -> dict[str, int]:
        resources = list(db.session.scalars(_live(course_id).order_by(Resource.id)))
        claimed: set[int] = set()
        found: dict[str, int] = {}
        for name, path in sorted(files.items()):
            sha = _sha256(path)
            same = [r for r in resources if r.sha256 == sha and r.id not in claimed]
            match = next((r for r in same if _file_name(r) == name), None) or next(iter(same), None)
            if match is None:
                match = _add(course_id, name, path, actor_id=actor_id)
            claimed.add(match.id)
            found[name] = match.id
        return found


def _add(course_id: int, name: str, path: Path, *, actor_id: int | None) -> Resource:
    """A new material from a course file (already checked by ``file_problem``)."""
    with path.open("rb") as stream:
        file_type = sniffing.detect(stream)
        stored = storage.save(stream, max_bytes=int(current_app.config["RESOURCE_MAX_BYTES"]))
    return services.add_resource(
        course_id=course_id,
        title=name.rsplit(".", 1)[0][:200],
        filename=name,
        stored=stored,
        content_type=file_type.content_type,
        actor_id=actor_id,
        source="course files",
    )
