"""Material blocks: a resource block that refers to one of the course's uploaded materials.

In the database the block's ``data`` holds ``material``: the material's id (an int), never a URL, so
no host is ever stored. In the course files the block names a file in the course folder's
``assets/`` folder (``material: slides.pdf`` → ``assets/slides.pdf``); export writes the file there
and import brings it back, so a course folder or zip carries its material and no host name.

The materials themselves (rows, files in storage, type checks) belong to ``course_app.resources``,
which sits on a higher floor; courses reach them through the small ``MaterialStore`` interface
below, which the resources package installs in ``app.extensions`` when its blueprint is registered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from flask import current_app, has_app_context

ASSETS_DIR = "assets"
EXTENSION_KEY = "course_materials"
# Ids as the browser sends them: ASCII digits only, no more than a database integer holds.
_ID_TEXT = re.compile(r"^[0-9]{1,10}$")
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class MaterialInfo:
    """One live (not deleted) material of a course as the course files need it."""

    id: int
    title: str
    file_name: str  # a plain, URL-safe file name, the name it gets in ``assets/``
    path: Path  # where its bytes are


class MaterialStore(Protocol):
    def materials_of(
        self, course_id: int, ids: Iterable[int] | None = None
    ) -> dict[int, MaterialInfo]:
        """The course's live materials by id (only ``ids`` when given)."""
        ...

    def file_problem(self, path: Path) -> str | None:
        """What keeps this file from being a material (type by content, size), or None."""
        ...

    def attach(
        self, course_id: int, files: Mapping[str, Path], *, actor_id: int | None
    ) -> dict[str, int]:
        """Find or add a material for each ``assets/`` file (name → path); return name → id."""
        ...


class NoMaterialStore(RuntimeError):
    """The app has no material store (the resources blueprint is not registered)."""


def store() -> MaterialStore:
    found = current_app.extensions.get(EXTENSION_KEY) if has_app_context() else None
    if found is None:
        raise NoMaterialStore("course materials need the resources blueprint")
    return found


def parse_material_id(value: Any) -> int | None:
    """A material id from a form or the database: an int or ASCII digits in range, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID_TEXT.match(value):
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def material_id_of(data: Mapping[str, Any] | None) -> int | None:
    """The material a block's data refers to, or None (a link block, or broken data)."""
    return parse_material_id((data or {}).get("material"))
