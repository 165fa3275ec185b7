"""Serving course material: ``/materialer/<id>/<name>``, for the course's editors and the leaders
enrolled in it (everyone else 404).

The response carries the type detected at upload (never the uploader's), ``nosniff`` and a CSP of
its own; only types a browser shows safely are inline, the rest are downloads. ``send_file`` answers
conditional and range requests, so films can be scrubbed.
"""

from __future__ import annotations

from flask import Blueprint, abort, send_file
from flask_login import current_user, login_required

from course_app.core.errors import NotFound
from course_app.courses.materials import EXTENSION_KEY
from course_app.organisations.access import request_viewer
from course_app.resources import services, storage
from course_app.resources.course_files import ResourceMaterials
from course_app.resources.models import Resource

bp = Blueprint("resources", __name__)


@bp.record_once
def _install_material_store(state) -> None:
    """Course files and material blocks reach uploaded material through this (courses sit on a
    lower floor and cannot import resources)."""
    state.app.extensions[EXTENSION_KEY] = ResourceMaterials()


# Nothing in a served file may load, run or frame anything. Chrome's built-in PDF viewer refuses to
# start under ``sandbox`` (no sandbox flag re-enables it) and needs inline styles, so PDFs get the
# same policy without ``sandbox``; PDF script runs in the viewer's own process, never in our origin.
FILE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
PDF_CSP = "default-src 'none'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'none'"


@bp.app_template_filter("filesize")
def filesize_filter(size_bytes: int) -> str:
    return services.format_size(size_bytes)


@bp.app_template_global("resource_download_path")
def resource_download_path(resource: Resource) -> str:
    return services.download_path(resource)


@bp.app_template_global("block_material")
def block_material(block) -> Resource | None:
    """The live material a resource block refers to (None: a link block, or a deleted material)."""
    return services.material_of_block(block)


@bp.get(f"{services.DOWNLOAD_PREFIX}/<int:resource_id>/<filename>")
@login_required
def download(resource_id: int, filename: str):
    try:
        resource = services.resource_for_download(
            resource_id, viewer=request_viewer(), user=current_user
        )
    except NotFound:
        abort(404)
    path = storage.path_of(resource.stored_name)
    if not path.is_file():
        abort(404)
    file_type = services.file_type_of(resource)
    response = send_file(
        path,
        mimetype=resource.content_type,
        as_attachment=not file_type.inline,
        download_name=resource.original_filename,
        conditional=True,
        etag=resource.sha256,
        last_modified=resource.created_at,
        max_age=None,
    )
    response.headers["Content-Type"] = resource.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = PDF_CSP if file_type.key == "pdf" else FILE_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # Personal to the signed-in person and checked on every use: the browser may keep a copy but
    # must revalidate (cheap with the ETag, and a film is not fetched again), no shared cache stores it.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
