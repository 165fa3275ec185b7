"""The README's pictures, taken in real Chromium on the demo data, so they show the platform as it is:
a leader's "Mit forløb", a film module, and a leader group's dashboard as its facilitator sees it.

Every run takes them (into a temporary folder) and checks that each is a real picture; to renew the
README's copies, run:

    README_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/e2e/test_readme_screenshots.py
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

import pytest
from playwright.sync_api import expect

from course_app.paths import REPOSITORY_DIR
from tests.e2e.conftest import open_module_from_dashboard, sign_in_as

pytestmark = pytest.mark.e2e

LEADER = "leder1@albertslund.example"
FACILITATOR = "facilitator@demo.example"
FILM_1 = "Film 1: Anja Pors"
PICTURES = ("mit-forloeb.png", "modul.png", "ledergruppe.png")
VIEWPORT = {"width": 1200, "height": 900}


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_the_readmes_pictures_can_be_taken(page, tmp_path):
    folder = Path(os.environ.get("README_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(VIEWPORT)

    sign_in_as(page, LEADER)
    page.goto("/mit-forloeb")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit forløb")
    page.screenshot(path=folder / "mit-forloeb.png")

    open_module_from_dashboard(page, FILM_1)
    expect(page.get_by_role("heading", level=1)).to_have_text(FILM_1)
    page.screenshot(path=folder / "modul.png")

    sign_in_as(page, FACILITATOR)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Ledergrupper"
    ).click()
    page.locator("main table").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r".*/ledergrupper/\d+$"))
    page.screenshot(path=folder / "ledergruppe.png")

    for name in PICTURES:
        width, height = _png_size(folder / name)
        assert (width, height) == (VIEWPORT["width"], VIEWPORT["height"]), name


def test_the_readme_shows_the_pictures():
    readme = (REPOSITORY_DIR / "README.md").read_text(encoding="utf-8")
    for name in PICTURES:
        assert f"docs/screenshots/{name}" in readme, name
        _png_size(REPOSITORY_DIR / "docs" / "screenshots" / name)
