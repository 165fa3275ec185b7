"""Type detection by content: the allowlist, markup refused whatever it is called, and names."""

from __future__ import annotations

import io

import pytest

from course_app.resources import sniffing
from tests.resources import files


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (files.pdf(), sniffing.PDF),
        (files.png(), sniffing.PNG),
        (files.jpeg(), sniffing.JPEG),
        (files.webp(), sniffing.WEBP),
        (files.mp4(), sniffing.MP4),
        (files.mp4(major=b"mp42", compatible=(b"mp42", b"isom")), sniffing.MP4),
        (files.webm(), sniffing.WEBM),
        (files.ooxml("pptx"), sniffing.PPTX),
        (files.ooxml("docx"), sniffing.DOCX),
        (files.ooxml("xlsx"), sniffing.XLSX),
        (files.odf(), sniffing.ODP),
        (files.odf("application/vnd.oasis.opendocument.text"), sniffing.ODT),
    ],
    ids=lambda value: value.key if isinstance(value, sniffing.FileType) else None,
)
def test_allowed_types_are_recognised_by_content(data, expected):
    stream = io.BytesIO(data)
    assert sniffing.detect(stream) is expected
    assert stream.tell() == 0  # left ready for storing


@pytest.mark.parametrize(
    "data",
    [
        files.HTML,
        files.SVG,
        b"\xef\xbb\xbf  \n<html><body>hi</body></html>",  # BOM and whitespace first
        "<svg onload=alert(1)>".encode("utf-16"),  # UTF-16 with BOM
        b"<?xml version='1.0'?><root/>",
        b"junk\x00\x01<script>alert(1)</script>",  # markup after a few bytes: still named markup
    ],
)
def test_markup_is_refused_as_markup(data):
    with pytest.raises(sniffing.Refused) as refused:
        sniffing.detect(io.BytesIO(data))
    assert refused.value.reason == "markup"


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",  # GIF is not on the list
        b"MZ\x90\x00" + b"\x00" * 60,  # a Windows program
        b"just some text",
        files.plain_zip(),
        files.ooxml("pptx", macro=True),  # macro-enabled
        files.ooxml("pptx", content_type_suffix="presentationml.slideshow.main+xml"),  # .ppsx
        files.ebml(b"matroska"),  # .mkv
        files.mp4(major=b"qt  ", compatible=(b"qt  ",)),  # QuickTime .mov
        files.mp4(major=b"heic", compatible=(b"mif1", b"heic")),  # an HEIF image
        files.odf("application/vnd.oasis.opendocument.spreadsheet"),
        b"PK\x03\x04 broken zip",
    ],
)
def test_other_content_is_refused_as_unknown(data):
    with pytest.raises(sniffing.Refused) as refused:
        sniffing.detect(io.BytesIO(data))
    assert refused.value.reason == "unknown"


def test_empty_file_is_refused():
    with pytest.raises(sniffing.Refused) as refused:
        sniffing.detect(io.BytesIO(b""))
    assert refused.value.reason == "empty"


@pytest.mark.parametrize(
    ("file_type", "filename", "agrees"),
    [
        (sniffing.PDF, "Håndbog.PDF", True),
        (sniffing.PDF, "slides.pptx", False),
        (sniffing.JPEG, "foto.jpeg", True),
        (sniffing.JPEG, "foto.jpg", True),
        (sniffing.PPTX, "oplæg.pptx", True),
        (sniffing.PPTX, "oplæg.zip", False),
        (sniffing.PNG, "uden-endelse", False),
    ],
)
def test_extension_must_agree_with_content(file_type, filename, agrees):
    assert sniffing.extension_agrees(file_type, filename) is agrees


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("Håndbog for ledere.pdf", "Håndbog for ledere.pdf"),
        ("C:\\Users\\lene\\Slides 1.pptx", "Slides 1.pptx"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ('a"b<c>d\r\nx;y.pdf', "a_b_c_dx_y.pdf"),
        ("...pdf", "fil.pdf"),
        ("", "fil"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
        ("Ha\u030angbog.pdf", "Hångbog.pdf"),  # decomposed å becomes one character (NFC)
    ],
)
def test_safe_filename(raw, safe):
    assert sniffing.safe_filename(raw) == safe


def test_url_filename_is_readable_ascii():
    assert sniffing.url_filename("Præsentation å ø 1.pdf") == "Praesentation-aa-oe-1.pdf"
    assert sniffing.url_filename("ææ") == "aeae"
    assert sniffing.url_filename("???") == "fil"
