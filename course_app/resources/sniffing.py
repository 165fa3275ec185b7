"""Which kind of file is this? Decided by the bytes (magic numbers, zip structure), never by the name
or the Content-Type the browser sent; the extension must then agree with what was found.

Allowed: PDF, PNG, JPEG, WebP, MP4, WebM, Office Open XML (pptx, docx, xlsx, without macros) and
OpenDocument (odp, odt). Markup (HTML, SVG, XML) is refused outright, whatever the file is called:
served from our origin it could run script. Everything else is refused because it is not on the list.

No Flask here: ``detect`` takes a seekable binary stream and leaves it at position 0.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

HEAD_BYTES = 4096
# Only [Content_Types].xml and the ODF mimetype entry are read out of a zip; cap what we decompress.
ZIP_MEMBER_READ_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    extensions: tuple[str, ...]
    # Safe to show in the browser (with nosniff and a sandboxing CSP); everything else is a download.
    inline: bool


PDF = FileType("pdf", "application/pdf", ("pdf",), True)
PNG = FileType("png", "image/png", ("png",), True)
JPEG = FileType("jpeg", "image/jpeg", ("jpg", "jpeg"), True)
WEBP = FileType("webp", "image/webp", ("webp",), True)
MP4 = FileType("mp4", "video/mp4", ("mp4", "m4v"), True)
WEBM = FileType("webm", "video/webm", ("webm",), True)
PPTX = FileType(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
    False,
)
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
    False,
)
XLSX = FileType(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), False
)
ODP = FileType("odp", "application/vnd.oasis.opendocument.presentation", ("odp",), False)
ODT = FileType("odt", "application/vnd.oasis.opendocument.text", ("odt",), False)

ALL_TYPES = (PDF, PNG, JPEG, WEBP, MP4, WEBM, PPTX, DOCX, XLSX, ODP, ODT)
BY_CONTENT_TYPE = {file_type.content_type: file_type for file_type in ALL_TYPES}
ALLOWED_EXTENSIONS = tuple(ext for file_type in ALL_TYPES for ext in file_type.extensions)

# Office Open XML: the part that must exist, and the main content type [Content_Types].xml must
# declare (the macro-enabled variants declare a different one and are refused).
_OOXML = (
    (PPTX, "ppt/presentation.xml", b"presentationml.presentation.main+xml"),
    (DOCX, "word/document.xml", b"wordprocessingml.document.main+xml"),
    (XLSX, "xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
)
_ODF = {ODP.content_type.encode(): ODP, ODT.content_type.encode(): ODT}

# ISO base media ``ftyp`` brands that are MP4 video (not QuickTime .mov, HEIF/AVIF images, audio).
_MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9",
    b"mp41", b"mp42", b"mp71", b"avc1", b"dash", b"M4V ", b"M4VH", b"M4VP", b"MSNV",
    b"mmp4", b"f4v ",
}  # fmt: skip
_NOT_VIDEO_BRANDS = {
    b"qt  ",
    b"heic",
    b"heix",
    b"mif1",
    b"msf1",
    b"avif",
    b"avis",
    b"M4A ",
    b"M4B ",
}

_MARKUP_START = re.compile(rb"^\s*<")
_MARKUP_ANYWHERE = re.compile(rb"<\s*(?:!doctype|html|svg|script|\?xml|body|head|iframe)\b", re.I)


class Refused(Exception):
    """The content is not an allowed type. ``reason``: empty, markup or unknown."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def detect(stream: BinaryIO) -> FileType:
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if not head:
        raise Refused("empty")
    text = _markup_view(head)
    if _MARKUP_START.match(text):
        raise Refused("markup")
    found = _by_magic(head) or _by_zip(stream, head)
    stream.seek(0)
    if found is None:
        # Not on the list anyway; name markup as such (e.g. HTML after a few junk bytes).
        raise Refused("markup" if _MARKUP_ANYWHERE.search(text[:1024]) else "unknown")
    return found


def extension_of(filename: str) -> str:
    _, dot, extension = filename.rpartition(".")
    return extension.lower() if dot else ""


def extension_agrees(file_type: FileType, filename: str) -> bool:
    return extension_of(filename) in file_type.extensions


def _markup_view(head: bytes) -> bytes:
    """The head as markup would read it: without a byte-order mark, UTF-16 folded to bytes."""
    text = head
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if text.startswith(bom):
            text = text[len(bom) :]
            break
    # UTF-16 markup: drop the zero bytes so "<\0s\0v\0g\0" reads as "<svg".
    if text[:2] in (b"<\x00", b"\x00<"):
        text = text.replace(b"\x00", b"")
    return text


def _by_magic(head: bytes) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and _is_mp4_video(head):
        return MP4
    if head.startswith(b"\x1a\x45\xdf\xa3") and _ebml_doctype(head) == b"webm":
        return WEBM
    return None


def _is_mp4_video(head: bytes) -> bool:
    box_size = int.from_bytes(head[0:4], "big")
    if box_size < 16 or box_size > len(head):
        return False
    major = head[8:12]
    compatible = [head[i : i + 4] for i in range(16, box_size - 3, 4)]
    if major in _NOT_VIDEO_BRANDS:
        return False
    return major in _MP4_BRANDS or any(brand in _MP4_BRANDS for brand in compatible)


def _ebml_doctype(head: bytes) -> bytes | None:
    """The DocType element (id 0x4282) of the EBML header: ``webm`` or ``matroska``."""
    position = head.find(b"\x42\x82", 4, 64)
    if position < 0 or position + 3 > len(head):
        return None
    size_byte = head[position + 2]
    if not size_byte & 0x80:  # only the one-byte size form, which every muxer writes here
        return None
    size = size_byte & 0x7F
    return head[position + 3 : position + 3 + size]


def _by_zip(stream: BinaryIO, head: bytes) -> FileType | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if not entries:
                return None
            if entries[0].filename == "mimetype":
                return _odf(archive, entries[0])
            return _ooxml(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None


def _odf(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> FileType | None:
    if entry.compress_type != zipfile.ZIP_STORED or entry.file_size > 100:
        return None
    return _ODF.get(archive.read(entry).strip())


def _ooxml(archive: zipfile.ZipFile) -> FileType | None:
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None
    with archive.open("[Content_Types].xml") as member:
        content_types = member.read(ZIP_MEMBER_READ_LIMIT)
    for file_type, part, main_type in _OOXML:
        if part in names and main_type in content_types:
            return file_type
    return None


_UNSAFE_IN_FILENAME = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|;]+')


def safe_filename(raw: str, *, fallback_stem: str = "fil") -> str:
    """A display and download name from what the browser sent: no path, no control or reserved
    characters, NFC, at most 200 characters with the extension kept. Never used on disk."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_IN_FILENAME.sub("_", name)
    name = " ".join(name.split()).rstrip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension[:10]
    stem = stem[: 200 - len(extension) - 1].strip(" .") or fallback_stem
    return f"{stem}.{extension}" if extension else stem


_DANISH_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def url_filename(name: str) -> str:
    """The last segment of a download URL: readable ASCII (``Præsentation 1.pdf`` →
    ``Praesentation-1.pdf``); the real name travels in Content-Disposition."""
    ascii_name = (
        unicodedata.normalize("NFKD", name.translate(_DANISH_ASCII))
        .encode("ascii", "ignore")
        .decode()
    )
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-.")
    return ascii_name or "fil"
