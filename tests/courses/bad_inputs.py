"""Course files and zips built to be expensive, shared by the service, browser and CLI tests.

Each case is the minimal course with one file or entry made hostile, and the words its refusal must
contain. They are built on the fly (tens of megabytes would not belong in the repository).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from course_app.courses.file_limits import MAX_ITEMS

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
TIME_LIMIT = 2.0  # seconds: generous; before the limits these took half a minute or crashed


def minimal_files() -> dict[str, bytes]:
    return {
        path.relative_to(MINIMAL).as_posix(): path.read_bytes()
        for path in sorted(MINIMAL.rglob("*"))
        if path.is_file()
    }


def _replace(name: str, old: str, new: str) -> dict[str, bytes]:
    files = minimal_files()
    text = files[name].decode()
    assert old in text, (name, old)
    files[name] = text.replace(old, new, 1).encode()
    return files


def _block(index: int) -> str:
    return f"  - id: extra-{index}\n    type: text\n    body: Text {index}.\n"


FILE_CASES: dict[str, tuple[Callable[[], dict[str, bytes]], str]] = {
    # 10,000 levels of '[': ruamel's scanner is quadratic in flow depth.
    "flow nesting": (
        lambda: _replace(
            "course.yml",
            "summary: A small",
            "summary: " + "[" * 10_000 + "]" * 10_000 + "\nx: A small",
        ),
        "indlejret i mere end 20 niveauer",
    ),
    # 10,000 block sequences, each indented one step past its parent.
    "indentation nesting": (
        lambda: _replace(
            "course.yml", "summary: A small", "extra:\n" + "- " * 10_000 + "x\nsummary: A small"
        ),
        "indlejret i mere end 20 niveauer",
    ),
    # 300 mapping levels on their own lines, one more space each: refused at line 21 of the file.
    "deep mappings": (
        lambda: _replace(
            "course.yml",
            "summary: A small",
            "".join(" " * level + "a:\n" for level in range(300))
            + " " * 300
            + "b: 1\nsummary: A small",
        ),
        "YAML-teksten er indlejret",
    ),
    # 10,000 levels of indentation written out line by line is 50 MB: refused by its size unread.
    "huge file": (
        lambda: _replace(
            "01-start/welcome.md",
            "---\n",
            "---\n" + "".join(" " * level + "a:\n" for level in range(10_000)),
        ),
        "må højst fylde 256 kB",
    ),
    "too many YAML nodes": (
        lambda: _replace(
            "course.yml", "summary: A small", "extra: [" + "1, " * 10_000 + "]\nsummary: A small"
        ),
        "mere end 5000 YAML-elementer",
    ),
    "too many modules": (
        lambda: _replace(
            "course.yml",
            "modules:\n",
            "modules:\n" + "".join(f"  - m{n}\n" for n in range(MAX_ITEMS["modules"] + 1)),
        ),
        f"»modules« har {MAX_ITEMS['modules'] + 3} punkter",
    ),
    "too many blocks": (
        lambda: _replace(
            "01-start/welcome.md",
            "blocks:\n",
            "blocks:\n" + "".join(_block(n) for n in range(MAX_ITEMS["blocks"] + 1)),
        ),
        "»blocks« har",
    ),
}


def write_folder(files: dict[str, bytes], root: Path) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def make_zip(files: dict[str, bytes], *, top: str = "minimal") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{top}/{name}", data)
    return buffer.getvalue()


def _with(name: str, data: bytes) -> dict[str, bytes]:
    return {**minimal_files(), name: data}


ZIP_CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    # 60 MB of zeros packs into 60 kB: refused by the sizes in the zip's directory.
    "zip bomb": (
        lambda: make_zip(_with("assets/zeros.pdf", bytes(60 << 20))),
        "udpakket; højst 50 MB",
    ),
    # 20 MB of zeros is under the total but packed 1000 times: no real file does that.
    "high compression ratio": (
        lambda: make_zip(_with("01-start/zeros.md", bytes(20 << 20))),
        "ligner en zip-bombe",
    ),
    "too many entries": (
        lambda: make_zip({**minimal_files(), **{f"extra/{n}.md": b"x" for n in range(2_001)}}),
        "højst 2000 er tilladt",
    ),
    # 1 MB that does not pack: it passes the zip's checks, the reader refuses it unread.
    "huge course file": (
        lambda: make_zip(_with("01-start/welcome.md", os.urandom(512 << 10).hex().encode())),
        "må højst fylde 256 kB",
    ),
    **{
        f"{case} in a zip": ((lambda build=build: make_zip(build())), message)
        for case, (build, message) in FILE_CASES.items()
        if case != "huge file"  # 50 MB of spaces: the ratio check refuses it first
    },
}
