"""Once an e-mail has gone (or has been given up), the links in it that work as keys are cut from
the stored copy: an invitation, a password reset, a sign-in link or an unsubscribe address must
not lie readable in the outbox table, in a backup or a database dump. The person has the e-mail;
the table keeps what was sent to whom and when, which is all support needs.

A key is a path segment of 24 or more URL-safe characters (``secrets.token_urlsafe`` gives 43, a
signed unsubscribe token more). Ordinary links (a module, a material's short name) stay.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from course_app.notifications.models import OutboxMessage

REMOVED = "[link fjernet efter afsendelse]"
_URL = re.compile(r"https?://[^\s\"'<>]+")
_KEY_SEGMENT = re.compile(r"/[A-Za-z0-9_.~-]{24,}(?=/|$)")


def without_keys(text: str) -> str:
    """``text`` with every link whose path holds a key replaced by ``REMOVED``."""

    def replace(match: re.Match[str]) -> str:
        return REMOVED if _KEY_SEGMENT.search(urlsplit(match.group(0)).path) else match.group(0)

    return _URL.sub(replace, text)


def scrub(message: OutboxMessage) -> None:
    """Cut the keys from a message that will not be sent again (its body, HTML and headers)."""
    message.body_text = without_keys(message.body_text)
    if message.body_html is not None:
        message.body_html = without_keys(message.body_html)
    if message.headers:
        message.headers = {name: without_keys(value) for name, value in message.headers.items()}
