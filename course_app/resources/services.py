"""Uploading, listing, deleting and handing out course material files.

Services flush and never commit. The file system is not transactional, so the order is chosen to fail
safe: an upload writes its file before the row (a failed commit leaves an unreferenced file with a
random name that nothing serves); a delete marks the row and the view removes the file only after the
commit (``remove_deleted_file``), so a rolled-back delete never loses the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course_app.accounts.models import User
from course_app.audit import services as audit
from course_app.cohorts import services as cohorts
from course_app.core.db import db, utcnow
from course_app.core.errors import NotAllowed, NotFound, ServiceError
from course_app.courses.materials import material_id_of
from course_app.courses.models import Block, BlockType, Course, PublicationStatus
from course_app.organisations.access import Viewer
from course_app.resources import sniffing, storage
from course_app.resources.models import Resource

DOWNLOAD_PREFIX = "/materialer"

TYPE_LABELS = {
    "pdf": _l("PDF-dokument"),
    "png": _l("PNG-billede"),
    "jpeg": _l("JPEG-billede"),
    "webp": _l("WebP-billede"),
    "mp4": _l("MP4-video"),
    "webm": _l("WebM-video"),
    "pptx": _l("PowerPoint-præsentation"),
    "docx": _l("Word-dokument"),
    "xlsx": _l("Excel-regneark"),
    "odp": _l("OpenDocument-præsentation"),
    "odt": _l("OpenDocument-tekst"),
}


class FileTooLarge(ServiceError):
    """The file is over ``RESOURCE_MAX_BYTES`` (views answer 413)."""


@dataclass(frozen=True)
class Upload:
    """What the browser sent: its file name (display only) and a seekable stream of the bytes."""

    filename: str
    stream: BinaryIO


def max_upload_bytes() -> int:
    return int(current_app.config["RESOURCE_MAX_BYTES"])


def format_size(size_bytes: int) -> str:
    """Binary units in the reader's number format: ``1,2 MB`` in Danish, ``1.2 MB`` in English."""
    if size_bytes < 1024:
        return f"{format_decimal(size_bytes, format='#,##0')} B"
    value = size_bytes / 1024
    units = ["kB", "MB", "GB"]
    while value >= 1024 and len(units) > 1:
        value /= 1024
        units.pop(0)
    unit = units[0]
    return f"{format_decimal(value, format='#,##0.#')} {unit}"


def file_type_of(resource: Resource) -> sniffing.FileType:
    return sniffing.BY_CONTENT_TYPE[resource.content_type]


def type_label(resource: Resource) -> str:
    file_type = sniffing.BY_CONTENT_TYPE.get(resource.content_type)
    return str(TYPE_LABELS[file_type.key]) if file_type else resource.content_type


def allowed_extensions_text() -> str:
    return ", ".join(f".{extension}" for extension in sniffing.ALLOWED_EXTENSIONS)


def upload_resource(course: Course, upload: Upload, *, title: str, actor: Viewer) -> Resource:
    """Check size and type by content, store the file under a random name, add the row and log it."""
    if not actor.may_edit_course(course.id):
        raise NotAllowed(_l("Du kan ikke rette dette kursus."))
    max_bytes = max_upload_bytes()
    filename = sniffing.safe_filename(upload.filename or "")
    size = _length(upload.stream)
    if size == 0:
        raise ServiceError(_l("Filen er tom. Vælg en fil med indhold."))
    if size > max_bytes:
        raise too_large_error()
    try:
        file_type = sniffing.detect(upload.stream)
    except sniffing.Refused as refused:
        raise ServiceError(_refusal_message(refused.reason)) from None
    if not sniffing.extension_agrees(file_type, filename):
        raise ServiceError(
            _l(
                "Filens indhold er %(type)s, men filnavnet ender ikke på %(extensions)s. "
                "Ret filnavnet, og prøv igen.",
                type=TYPE_LABELS[file_type.key],
                extensions=_or_list(file_type.extensions),
            )
        )
    try:
        stored = storage.save(upload.stream, max_bytes=max_bytes)
    except storage.TooLarge:
        raise too_large_error() from None
    stem = filename.rsplit(".", 1)[0]
    return add_resource(
        course_id=course.id,
        title=(title or "").strip()[:200] or stem[:200],
        filename=filename,
        stored=stored,
        content_type=file_type.content_type,
        actor_id=actor.user_id,
    )


def add_resource(
    *,
    course_id: int,
    title: str,
    filename: str,
    stored: storage.StoredFile,
    content_type: str,
    actor_id: int | None,
    source: str | None = None,
) -> Resource:
    """The stored file as a course material, with its audit entry (``source``: where it came
    from when not uploaded in the browser, e.g. "course files")."""
    resource = Resource(
        course_id=course_id,
        title=title,
        original_filename=filename,
        stored_name=stored.name,
        content_type=content_type,
        size_bytes=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=actor_id,
    )
    db.session.add(resource)
    db.session.flush()
    details = {
        "filename": filename,
        "content_type": content_type,
        "size_bytes": stored.size,
        "sha256": stored.sha256,
    }
    if source:
        details["source"] = source
    audit.record(
        actor_id=actor_id,
        action="created",
        object_type="resource",
        object_key=str(resource.id),
        course_id=course_id,
        summary=resource.title,
        details=details,
    )
    return resource


def too_large_error() -> FileTooLarge:
    return FileTooLarge(
        _l(
            "Filen er for stor. Den må højst fylde %(limit)s.",
            limit=format_size(max_upload_bytes()),
        )
    )


def delete_resource(resource: Resource, *, actor: Viewer) -> None:
    """Mark the resource deleted and log it; call ``remove_deleted_file`` after the commit."""
    if not actor.may_edit_course(resource.course_id):
        raise NotAllowed(_l("Du kan ikke rette dette kursus."))
    if resource.is_deleted:
        raise NotFound(_l("Materialet findes ikke."))
    resource.deleted_at = utcnow()
    db.session.flush()
    audit.record(
        actor_id=actor.user_id,
        action="deleted",
        object_type="resource",
        object_key=str(resource.id),
        course_id=resource.course_id,
        summary=resource.title,
        details={"filename": resource.original_filename, "sha256": resource.sha256},
    )


def remove_deleted_file(resource: Resource) -> None:
    """Remove a deleted resource's file from storage (after the delete is committed)."""
    if not resource.is_deleted:
        raise ValueError("only a deleted resource's file is removed")
    storage.remove(resource.stored_name)


def resources_of(course_id: int) -> list[Resource]:
    """The course's resources that are not deleted, newest first."""
    return list(
        db.session.scalars(
            select(Resource)
            .where(Resource.course_id == course_id, Resource.deleted_at.is_(None))
            .options(selectinload(Resource.uploaded_by))
            .order_by(Resource.created_at.desc(), Resource.id.desc())
        )
    )


def find_resource(course_id: int, resource_id: int) -> Resource | None:
    """A resource of this course that is not deleted (None otherwise)."""
    resource = db.session.get(Resource, resource_id)
    if resource is None or resource.course_id != course_id or resource.is_deleted:
        return None
    return resource


def material_of_block(block: Block) -> Resource | None:
    """The live material of the block's own course that a resource block refers to, or None."""
    material_id = material_id_of(block.data) if block.type == BlockType.RESOURCE else None
    return find_resource(block.course_id, material_id) if material_id is not None else None


def material_choices(course_id: int) -> list[tuple[str, str]]:
    """(id, label) for each live material of the course, by title: what a material block may pick."""
    return [
        (str(resource.id), f"{resource.title} ({resource.original_filename})")
        for resource in sorted(resources_of(course_id), key=lambda r: (r.title.casefold(), r.id))
    ]


def resource_for_download(resource_id: int, *, viewer: Viewer, user: User) -> Resource:
    """The course's editors (and platform admins) may download its material, and so may people
    enrolled in a cohort of the course once the course is published. Everyone else: ``NotFound``,
    the same as for a missing or deleted resource."""
    resource = db.session.get(Resource, resource_id)
    if resource is None or resource.is_deleted:
        raise NotFound(_l("Materialet findes ikke."))
    if viewer.may_edit_course(resource.course_id):
        return resource
    course = resource.course
    if (
        course.status == PublicationStatus.PUBLISHED
        and course.retired_at is None
        and any(e.cohort.course_id == course.id for e in cohorts.enrolments_of(user))
    ):
        return resource
    raise NotFound(_l("Materialet findes ikke."))


def download_path(resource: Resource) -> str:
    """The site-relative download address (a material block links here, see ``block_material``)."""
    return f"{DOWNLOAD_PREFIX}/{resource.id}/{sniffing.url_filename(resource.original_filename)}"


def _length(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def _refusal_message(reason: str) -> str:
    if reason == "empty":
        return _l("Filen er tom. Vælg en fil med indhold.")
    if reason == "markup":
        return _l(
            "HTML-, SVG- og XML-filer kan ikke uploades, uanset hvad filen hedder. "
            "Gem indholdet som PDF, og upload det."
        )
    return _l(
        "Filtypen kan ikke uploades. Du kan uploade PDF, billeder (PNG, JPEG, WebP), "
        "video (MP4, WebM), PowerPoint, Word, Excel og OpenDocument-filer."
    )


def _or_list(extensions: tuple[str, ...]) -> str:
    dotted = [f".{extension}" for extension in extensions]
    if len(dotted) == 1:
        return dotted[0]
    return str(_l("%(first)s eller %(last)s", first=", ".join(dotted[:-1]), last=dotted[-1]))
