"""Where the bundled folders live: beside the package in a checkout, inside it when installed.

setup.cfg maps the top-level ``templates/``, ``migrations/`` and ``courses/`` into the package for a plain
``pip install .``; in a checkout (or an editable install) they stay at the repository's top level.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPOSITORY_DIR = PACKAGE_DIR.parent


def _bundled(top_level_name: str, installed_name: str) -> Path:
    installed = PACKAGE_DIR / installed_name
    if installed.is_dir():
        return installed
    return REPOSITORY_DIR / top_level_name


TEMPLATES_DIR = _bundled("templates", "templates")
MIGRATIONS_DIR = _bundled("migrations", "migrations")
COURSES_DIR = _bundled("courses", "shipped_courses")
STATIC_DIR = PACKAGE_DIR / "static"
TRANSLATIONS_DIR = PACKAGE_DIR / "translations"
