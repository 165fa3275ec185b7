"""Build hook: compile the gettext catalogues (.po -> .mo) into the built package.

Compiled catalogues are build output, never committed. An editable install compiles them in place so a
checkout speaks English too.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogues(source_root: Path, target_root: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in sorted((source_root / "course_app" / "translations").glob("*/LC_MESSAGES/*.po")):
        relative = po_path.relative_to(source_root).with_suffix(".mo")
        mo_path = target_root / relative
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalogue)


class BuildPyWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).parent
        target = root if getattr(self, "editable_mode", False) else Path(self.build_lib)
        compile_catalogues(root, target)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
