"""The floors contract in setup.cfg names every package and module of course_app, and holds.

A package left off the contract is not checked by import-linter at all, so a new one must be placed
on a floor before the suite passes; and no module may be larger than a newcomer can read.
"""

from __future__ import annotations

import configparser
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import course_app

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "course_app"
MAX_MODULE_LINES = 500


def _contract_layers() -> list[list[str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["importlinter:contract:floors"]["layers"].strip().splitlines()
    return [[name.strip() for name in re.split(r"[|:]", line)] for line in lines if line.strip()]


def test_every_package_and_module_of_course_app_is_on_a_floor():
    named = {name for layer in _contract_layers() for name in layer}
    present = {
        f"course_app.{module.name}"
        for module in pkgutil.iter_modules(course_app.__path__)
        if module.name != "__init__"
    }
    assert present - named == set(), "place these on a floor in setup.cfg's [importlinter] section"
    assert named - present == set(), "the contract names modules that do not exist"


def test_siblings_on_a_floor_are_independent():
    """ ":" would let siblings import each other; the floors are a strict order."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    assert ":" not in config["importlinter:contract:floors"]["layers"]


def test_the_contract_holds():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports is not None, "import-linter is a test dependency (setup.cfg)"
    result = subprocess.run(
        [lint_imports, "--no-cache", "--config", str(ROOT / "setup.cfg")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_is_longer_than_a_newcomer_can_read():
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in PACKAGE.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}, f"split these by job (at most {MAX_MODULE_LINES} lines)"


def test_every_package_is_in_the_wheel():
    """setup.cfg lists the packages explicitly (templates, migrations and courses are mapped in);
    a package left off is missing from the wheel, and the installed app cannot start."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = set(config["options"]["packages"].split())
    packages = {
        "course_app." + ".".join(path.parent.relative_to(PACKAGE).parts)
        for path in PACKAGE.rglob("__init__.py")
        if path.parent != PACKAGE
    }
    assert packages - listed == set(), "add these to [options] packages in setup.cfg"
