"""A minimal HTTP client for the benchmark's set-up: sign in with the CSRF token, read a form.

The load itself is driven by wrk; this only prepares each virtual user's session cookie and token.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser

from bench.server import BenchmarkError

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: str


@dataclass(frozen=True)
class SignedIn:
    """A virtual user: the session cookie to send and the CSRF token their forms carry."""

    email: str
    cookie: str
    csrf_token: str


def request(
    base_url: str,
    method: str,
    path: str,
    *,
    cookie: str = "",
    form: dict[str, str] | list[tuple[str, str]] | None = None,
) -> Reply:
    parsed = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        reply = Reply(
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            response.read().decode("utf-8", "replace"),
        )
    finally:
        connection.close()
    return reply


@dataclass(frozen=True)
class Download:
    status: int
    seconds_to_first_byte: float
    seconds: float
    bytes: int
    lines: int


def download(base_url: str, path: str, *, cookie: str) -> Download:
    """Read a streamed response to its end in 64 KB pieces, timing the first byte and the whole."""
    parsed = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=300)
    started = time.perf_counter()
    first_byte = None
    size = lines = 0
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        while chunk := response.read(65536):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(chunk)
            lines += chunk.count(b"\n")
    finally:
        connection.close()
    total = time.perf_counter() - started
    return Download(response.status, first_byte or total, total, size, lines)


def session_cookie(reply: Reply) -> str:
    """``name=value`` of the cookie the reply sets (the app sets one: the signed session)."""
    header = reply.headers.get("set-cookie", "")
    return header.split(";", 1)[0]


def csrf_token(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    if match is None:
        raise BenchmarkError("No CSRF token on the page.")
    return match.group(1)


def sign_in(base_url: str, email: str, password: str) -> SignedIn:
    """Sign in as a browser would: the form's CSRF token, the POST, then a page for the new token."""
    page = request(base_url, "GET", "/log-ind")
    cookie = session_cookie(page)
    reply = request(
        base_url,
        "POST",
        "/log-ind",
        cookie=cookie,
        form={"email": email, "password": password, "csrf_token": csrf_token(page.body)},
    )
    if reply.status != 302 or "log-ind" in reply.headers.get("location", ""):
        raise BenchmarkError(f"Sign-in as {email} failed ({reply.status}).")
    cookie = session_cookie(reply)
    dashboard = request(base_url, "GET", "/mit-forloeb", cookie=cookie)
    if dashboard.status != 200:
        raise BenchmarkError(f"{email}: /mit-forloeb answered {dashboard.status} after sign-in.")
    # The first page after sign-in stores the CSRF secret in the session: keep that cookie.
    return SignedIn(email, session_cookie(dashboard) or cookie, csrf_token(dashboard.body))


class _FormReader(HTMLParser):
    """The fields of the form posting to ``action`` (or to its own page), as a browser sends them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: list[list[str]] = []
        self.textarea: list[str] | None = None
        self.select: str | None = None
        self.textareas: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        kind = attributes.get("type", "text")
        if tag == "form":
            # A form without an action posts to its own page, the one asked for here.
            action = attributes.get("action", "").split("#")[0]
            self.inside = not action or action.endswith(self.action)
        elif not self.inside:
            return
        elif tag == "option" and self.select and "selected" in attributes:
            self.fields.append([self.select, attributes.get("value", "")])
        elif "name" not in attributes:
            return
        elif tag == "input" and kind not in ("submit", "checkbox", "radio", "button"):
            self.fields.append([attributes["name"], attributes.get("value", "")])
        elif tag == "input" and kind in ("checkbox", "radio") and "checked" in attributes:
            self.fields.append([attributes["name"], attributes.get("value", "on")])
        elif tag == "textarea":
            self.textarea = [attributes["name"], ""]
            self.fields.append(self.textarea)
            self.textareas.append(self.textarea)
        elif tag == "select":
            self.select = attributes["name"]

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, action: str) -> list[tuple[str, str]]:
    """The form's (name, value) pairs; a textarea's first newline is dropped, as browsers do.
    Enough for the app's own forms (a select always has a selected option there)."""
    reader = _FormReader(action)
    reader.feed(html)
    if not reader.fields:
        raise BenchmarkError(f"No form posting to {action} on the page.")
    for textarea in reader.textareas:
        textarea[1] = textarea[1].removeprefix("\n")
    return [(name, value) for name, value in reader.fields]
