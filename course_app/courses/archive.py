"""Importing a course from an uploaded zip: unpack it safely, then validate and import it as
``course-app courses import`` does.

A zip is untrusted input. Before anything is written to disk every entry is checked, and the archive
is refused (with every refused entry named) when it holds absolute paths, ``..``, backslashes,
symlinks, encrypted entries, duplicate names, more than one top-level folder, too many entries,
too many bytes once unpacked or an entry compressed past any real file's ratio (a zip bomb). Entries are then written one by one with their own names
into a fresh temporary folder (never ``extractall``), counting the bytes actually produced, and the
folder is removed when the import is done.
"""

from __future__ import annotations

import io
import re
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.core.db import db
from course_app.core.errors import NotAllowed, ServiceError
from course_app.courses.file_import import CourseValidationError, ImportReport, import_course
from course_app.courses.file_reader import read_course_dir
from course_app.courses.file_schema import COURSE_FILE
from course_app.courses.models import Course

MAX_ARCHIVE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 2000
# Text and office files pack 5-20 times; a bigger entry packed past this is a zip bomb.
MAX_COMPRESSION_RATIO = 100
_RATIO_FROM_BYTES = 1024 * 1024
_CHUNK = 64 * 1024
# What macOS's "Compress" adds next to the folder; never part of a course.
_IGNORED_TOP = frozenset({"__MACOSX"})
_IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db"})
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ArchiveError(ServiceError):
    """The zip cannot be unpacked safely; ``problems`` names every refused entry. Nothing was
    written to the database."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    """What is wrong with one entry's name or kind, or None."""
    name = info.filename
    if _CONTROL.search(name):
        return _l("»%(name)s«: navnet indeholder kontroltegn.", name=_CONTROL.sub("?", name))
    if "\\" in name:
        return _l("»%(name)s«: navnet indeholder »\\«. Brug »/« mellem mapper.", name=name)
    if name.startswith("/") or _DRIVE.match(name):
        return _l("»%(name)s«: absolutte stier er ikke tilladt.", name=name)
    if any(part in ("..", ".") for part in name.rstrip("/").split("/")):
        return _l("»%(name)s«: stier med ».« eller »..« er ikke tilladt.", name=name)
    if stat.S_ISLNK(info.external_attr >> 16):
        return _l("»%(name)s«: symbolske links er ikke tilladt.", name=name)
    if info.flag_bits & 0x1:
        return _l("»%(name)s«: filen er krypteret. Pak mappen uden adgangskode.", name=name)
    if info.file_size > max(_RATIO_FROM_BYTES, MAX_COMPRESSION_RATIO * info.compress_size):
        packed_kb = round(info.compress_size / 1024)
        return _l(
            "»%(name)s« fylder %(size)s MB udpakket, men kun %(packed)s kB pakket. Så høj "
            "komprimering ligner en zip-bombe; filen er afvist.",
            name=name,
            size=_mb(info.file_size),
            packed=packed_kb,
        )
    return None


def _is_ignored(parts: tuple[str, ...]) -> bool:
    return parts[0] in _IGNORED_TOP or parts[-1] in _IGNORED_NAMES


def _check_entries(
    infos: list[zipfile.ZipInfo],
) -> tuple[list[zipfile.ZipInfo], str, list[str]]:
    """The files to unpack, the course folder's name and every problem found (nothing is unpacked
    when there is one)."""
    if len(infos) > MAX_ENTRIES:
        return (
            [],
            "",
            [
                _l(
                    "Zip-filen indeholder %(count)s filer og mapper; højst %(limit)s er tilladt.",
                    count=len(infos),
                    limit=MAX_ENTRIES,
                )
            ],
        )
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNPACKED_BYTES:
        return (
            [],
            "",
            [
                _l(
                    "Zip-filen fylder %(size)s MB udpakket; højst %(limit)s MB er tilladt.",
                    size=_mb(declared),
                    limit=_mb(MAX_UNPACKED_BYTES),
                )
            ],
        )
    problems: list[str] = []
    wanted: list[zipfile.ZipInfo] = []
    seen: set[str] = set()
    tops: set[str] = set()
    for info in infos:
        problem = _entry_problem(info)
        if problem is not None:
            problems.append(problem)
            continue
        parts = tuple(part for part in info.filename.split("/") if part)
        if not parts or _is_ignored(parts):
            continue
        key = "/".join(parts)
        if key in seen:
            problems.append(_l("»%(name)s« findes to gange i zip-filen.", name=info.filename))
            continue
        seen.add(key)
        tops.add(parts[0])
        if info.is_dir():
            continue
        if len(parts) == 1:
            problems.append(
                _l(
                    "»%(name)s« ligger uden for kursusmappen. Zip-filen skal indeholde én mappe "
                    "med kursets filer (fx digital-ledelse/%(course_file)s): pak mappen, ikke "
                    "filerne i den.",
                    name=info.filename,
                    course_file=COURSE_FILE,
                )
            )
            continue
        wanted.append(info)
    if len(tops) > 1:
        problems.append(
            _l(
                "Zip-filen indeholder flere mapper øverst (%(names)s). Den skal indeholde netop "
                "én kursusmappe.",
                names=", ".join(sorted(tops)),
            )
        )
    elif not tops and not problems:
        problems.append(_l("Zip-filen er tom."))
    return wanted, min(tops, default=""), problems


def _unpack(archive: zipfile.ZipFile, wanted: list[zipfile.ZipInfo], root: Path) -> None:
    """Write the entries under ``root``, counting the bytes actually unpacked (the sizes in the
    zip's headers are only a claim)."""
    total = 0
    base = root.resolve()
    for info in wanted:
        target = base.joinpath(*PurePosixPath(info.filename).parts)
        if not target.resolve().is_relative_to(base):
            raise ArchiveError([_l("»%(name)s«: stien peger uden for mappen.", name=info.filename)])
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(info) as source, target.open("xb") as sink:
                while chunk := source.read(_CHUNK):
                    total += len(chunk)
                    if total > MAX_UNPACKED_BYTES:
                        raise ArchiveError(
                            [
                                _l(
                                    "Zip-filen fylder mere end %(limit)s MB udpakket.",
                                    limit=_mb(MAX_UNPACKED_BYTES),
                                )
                            ]
                        )
                    sink.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as error:
            raise ArchiveError(
                [
                    _l(
                        "»%(name)s« kunne ikke pakkes ud (%(reason)s). Pak mappen igen, og "
                        "upload den nye zip-fil.",
                        name=info.filename,
                        reason=str(error) or type(error).__name__,
                    )
                ]
            ) from error


@contextmanager
def unpacked_course(data: bytes) -> Iterator[Path]:
    """Check the zip, unpack it into a temporary folder and yield the course folder in it; the
    folder is removed afterwards. Raises ArchiveError listing every problem."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise ArchiveError(
            [_l("Zip-filen er for stor: højst %(limit)s MB.", limit=_mb(MAX_ARCHIVE_BYTES))]
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
        raise ArchiveError(
            [_l("Filen er ikke en zip-fil, eller den er beskadiget. Vælg en .zip-fil.")]
        ) from error
    with archive, tempfile.TemporaryDirectory(prefix="course-upload-") as tmp:
        wanted, top, problems = _check_entries(archive.infolist())
        if problems:
            raise ArchiveError(problems)
        root = Path(tmp)
        (root / top).mkdir()
        _unpack(archive, wanted, root)
        yield root / top


@contextmanager
def course_folder(path: Path) -> Iterator[Path]:
    """``path`` when it is a course folder; when it is a .zip file, the folder in it, unpacked with
    the checks of a browser upload (for the command line, which takes either)."""
    if path.suffix.lower() != ".zip" or not path.is_file():
        yield path
        return
    with path.open("rb") as file:
        data = file.read(MAX_ARCHIVE_BYTES + 1)  # one byte more is enough to refuse it
    with unpacked_course(data) as folder:
        yield folder


def import_course_zip(
    data: bytes, *, actor_id: int | None, may_import: Callable[[Course | None], bool]
) -> ImportReport:
    """Unpack, validate and import an uploaded course zip (flushed, not committed).

    ``may_import`` is asked with the existing course of the same id, or None for a new course, once
    the files are known to be valid. Raises ArchiveError (the zip), CourseValidationError (every
    problem in the files, with file and line) or NotAllowed, always before anything is written.
    """
    with unpacked_course(data) as folder:
        course_data, problems = read_course_dir(folder)
        if problems or course_data is None:
            raise CourseValidationError(problems)
        existing = db.session.scalar(select(Course).where(Course.slug == course_data.key))
        if not may_import(existing):
            if existing is None:
                raise NotAllowed(
                    _l(
                        "Kun platformsadministratorer kan oprette nye kurser. Kurset »%(key)s« "
                        "findes ikke endnu: bed en platformsadministrator om at uploade det.",
                        key=course_data.key,
                    )
                )
            raise NotAllowed(
                _l(
                    "Du er ikke redaktør for kurset »%(key)s«, som zip-filen opdaterer. Tjek "
                    "kursets id i %(course_file)s.",
                    key=course_data.key,
                    course_file=COURSE_FILE,
                )
            )
        return import_course(folder, actor_id=actor_id)
