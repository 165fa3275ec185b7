"""Danish first, English second: the interface switches, course content keeps its own language."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from course_app.paths import REPOSITORY_DIR, TRANSLATIONS_DIR
from tests import factories
from tests.conftest import csrf_token_from
from tests.helpers import sign_in

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHOD_MAP = [
    ("course_app/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]


def test_switching_to_english_translates_the_interface_but_not_the_course(client, session):
    org = factories.organisation()
    course = factories.course()
    cohort = factories.cohort(course, orgs=[org])
    leader, _ = factories.enrolled_leader(cohort, org=org)
    session.commit()
    sign_in(client, leader.email)
    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert '<html lang="da">' in page and "Mit forløb" in page
    response = client.post(
        "/sprog",
        data={"language": "en", "next": "/mit-forloeb", "csrf_token": csrf_token_from(page)},
    )
    assert response.headers["Location"].endswith("/mit-forloeb")
    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "My programme" in page and "Next step" in page
    assert f'<h2 id="forloeb-{cohort.id}" lang="da">{course.title}</h2>' in page
    session.refresh(leader)
    assert leader.locale == "en"


def _searched(path: str) -> bool:
    """Babel skips folders starting with "_" by default, and so templates/_macros; only hidden
    folders, caches and build output are skipped here."""
    name = Path(path).name
    return not name.startswith(".") and name not in ("__pycache__", "build", "dist")


def test_every_interface_string_has_an_english_translation():
    root = Path(REPOSITORY_DIR)
    extracted = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), METHOD_MAP, keywords=KEYWORDS, directory_filter=_searched
        )
    }
    catalogue_path = TRANSLATIONS_DIR / "en" / "LC_MESSAGES" / "messages.po"
    catalogue = read_po(io.BytesIO(catalogue_path.read_bytes()))
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(extracted - translated)
    assert not missing, (
        "untranslated strings; run the commands in docs/translations.md: " + "; ".join(missing)
    )
