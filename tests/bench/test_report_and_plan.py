"""The benchmark's plumbing: the Lua plan wrk reads (``bench/load.py``), the report
(``bench/report.py``) and the form reader used to prepare requests (``bench/client.py``).

The wrk tests drive a tiny local HTTP server for a second each, so wrk's own Lua reads the plan.
"""

from __future__ import annotations

import datetime as dt
import http.server
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from bench import report
from bench.client import form_fields
from bench.load import LoadResult, Step, VirtualUser, _lua_string, drive, write_plan
from bench.server import BenchmarkError
from bench.sizes import SIZES

# -- the Lua plan ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("", '""'),
        ("/mit-forloeb?x=1&y=2", '"/mit-forloeb?x=1&y=2"'),
        ('say "hi"', '"say \\034hi\\034"'),
        ("a\\b", '"a\\092b"'),
        ("one\ntwo", '"one\\010two"'),
        # Always three digits, so a digit after the escape is not read as part of it.
        ("\n1", '"\\0101"'),
        ("\t\r\x7f~", '"\\009\\013\\127~"'),
        ("æ", '"\\195\\166"'),
        ("🎉", '"\\240\\159\\142\\137"'),
        ("[[x]]'", '"[[x]]\'"'),
    ],
)
def test_lua_string_escapes_every_byte_outside_printable_ascii(value, literal):
    assert _lua_string(value) == literal


def read_lua_string(literal: str) -> str:
    """Decode a literal as Lua 5.1 reads it: ``\\ddd`` takes at most three digits."""
    assert literal[0] == literal[-1] == '"'
    body = literal[1:-1]
    assert '"' not in body
    assert "\n" not in body
    decoded = bytearray()
    position = 0
    while position < len(body):
        match = re.compile(r"\\(\d{1,3})").match(body, position)
        if match:
            decoded.append(int(match.group(1)))
            position = match.end()
        else:
            assert body[position] != "\\"
            decoded += body[position].encode("ascii")
            position += 1
    return decoded.decode("utf-8")


@pytest.mark.parametrize(
    "value",
    ["", "plain", 'q"uo\\te', "lines\n\n3\r\n", "æøå ÆØÅ", "\u202eTXT\u200b 👨‍👩‍👧‍👦", "\\\\0123"],
)
def test_lua_string_round_trips(value):
    literal = _lua_string(value)
    assert literal.isascii()
    assert read_lua_string(literal) == value


def test_write_plan_names_every_path_cookie_and_body(tmp_path):
    users = [
        VirtualUser(
            "session=leder-1",
            (
                Step("dashboard", "/mit-forloeb"),
                Step("save", "/forloeb/1/svar/b1", "POST", 'text=a%22b&x="\\', 302),
                Step("review", "/grupper/3/spoergsmaal/b1", cookie="session=chair"),
                Step("report", "/forloeb/1/film/f1", "POST", "report=%7B%7D", 204, also=(202,)),
            ),
        ),
        VirtualUser("session=koordinator", (Step("report", "/rapport?modul=æ"),)),
    ]
    plan = tmp_path / "plan.lua"
    write_plan(users, plan)
    text = plan.read_text(encoding="utf-8")
    assert text.isascii()
    assert text.startswith("return { users = {")
    for user in users:
        assert f"cookie = {_lua_string(user.cookie)}, jar = true, steps" in text
        for step in user.steps:
            assert f"path = {_lua_string(step.path)}" in text
            assert f"name = {_lua_string(step.name)}, method = {_lua_string(step.method)}" in text
            body = "nil" if step.body is None else _lua_string(step.body)
            cookie = "nil" if step.cookie is None else _lua_string(step.cookie)
            also = ", ".join(str(code) for code in step.also)
            assert (
                f"body = {body}, status = {step.status}, cookie = {cookie}, also = {{ {also} }} }}"
                in text
            )
    assert text.count("steps = {") == len(users)


# -- wrk against a local server --------------------------------------------------------------------------


@dataclass
class Recorder:
    """A local HTTP/1.0 server (a new connection per request, as gunicorn's sync workers): GET answers
    ``get_status``, POST ``post_status`` with a redirect; every request is recorded."""

    get_status: int = 200
    post_status: int = 302
    seen: list[tuple[str, str, str | None, bytes]] = field(default_factory=list)
    url: str = ""
    sets_cookie: dict[str, str] = field(default_factory=dict)  # path → the Set-Cookie it answers

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self, status: int, body: bytes) -> None:
                recorder.seen.append((self.command, self.path, self.headers.get("Cookie"), body))
                self.send_response(status)
                if status in (301, 302, 303):
                    self.send_header("Location", "/videre")
                if self.path in recorder.sets_cookie:
                    self.send_header("Set-Cookie", recorder.sets_cookie[self.path])
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def do_GET(self) -> None:
                self._answer(recorder.get_status, b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._answer(recorder.post_status, self.rfile.read(length))

            def log_message(self, *_args) -> None:
                pass

        return Handler


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # wrk drops its connections when the time is up


@pytest.fixture
def serve() -> Iterator:
    servers: list[QuietServer] = []

    def start(recorder: Recorder) -> Recorder:
        server = QuietServer(("127.0.0.1", 0), recorder.handler())
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
        return recorder

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


BODY = 'csrf_token=t&text=say "hi" back\\slash\nnew line æøå 🎉'


def test_wrk_runs_the_plan_and_sends_each_step_as_written(wrk, serve):
    server = serve(Recorder())
    user = VirtualUser(
        "session=leder",
        (
            Step("page", "/side?x=1"),
            Step("save", "/gem", "POST", BODY, 302),
            Step("chair's page", "/s%C3%B8g?q=%22", cookie="session=formand"),
        ),
    )
    result = drive(server.url, [user], connections=2, duration=1)
    assert result.requests > 0
    assert result.errors == 0, result
    assert result.first_error == ""
    assert len(server.seen) >= result.requests
    requests = {(method, path, cookie) for method, path, cookie, _body in server.seen}
    assert requests == {
        ("GET", "/side?x=1", "session=leder"),
        ("POST", "/gem", "session=leder"),
        ("GET", "/s%C3%B8g?q=%22", "session=formand"),
    }
    # wrk's Lua read the escaped literal back to the same bytes.
    assert {body for method, _p, _c, body in server.seen if method == "POST"} == {
        BODY.encode("utf-8")
    }


def test_wrk_takes_a_steps_other_right_statuses(wrk, serve):
    """A film report answers 204 when stored and 202 when dropped as too soon: both are right."""
    server = serve(Recorder(post_status=202))
    reports = VirtualUser(
        "session=leder", (Step("report", "/film", "POST", "r=1", 204, also=(202,)),)
    )
    result = drive(server.url, [reports], connections=1, duration=1)
    assert result.requests > 0
    assert (result.unexpected, result.first_error) == (0, "")
    strict = VirtualUser("session=leder", (Step("report", "/film", "POST", "r=1", 204),))
    assert drive(server.url, [strict], connections=1, duration=1).first_error == "report: 202 "


def test_wrk_keeps_the_cookie_a_page_sets_as_a_browser_does(wrk, serve):
    """The leader's page rewrites her session cookie: her later requests send the new one, the
    chair's step keeps the chair's; a redirect's cookie (a message for the next page) is not kept."""
    server = serve(
        Recorder(
            sets_cookie={
                "/side": "session=leder-ny; HttpOnly; Path=/",
                "/gem": "session=med-besked; HttpOnly; Path=/",
            }
        )
    )
    user = VirtualUser(
        "session=leder",
        (
            Step("page", "/side"),
            Step("save", "/gem", "POST", "x=1", 302),
            Step("chair's page", "/formand", cookie="session=formand"),
        ),
    )
    result = drive(server.url, [user], connections=1, duration=1)
    assert result.requests > 3
    assert (result.unexpected, result.errors) == (0, 0)
    sent = [(path, cookie) for _method, path, cookie, _body in server.seen]
    first_page = sent.index(("/side", "session=leder"))  # wrk's loop may begin at any step
    before, after = sent[: first_page + 1], sent[first_page + 1 :]
    assert ("/gem", "session=leder-ny") in after
    assert ("/side", "session=leder-ny") in after
    assert {cookie for path, cookie in after if path != "/formand"} == {"session=leder-ny"}
    assert {cookie for path, cookie in before if path != "/formand"} == {"session=leder"}
    assert {cookie for path, cookie in sent if path == "/formand"} == {"session=formand"}


def test_a_user_who_signs_in_again_and_again_keeps_no_cookie(wrk, serve):
    server = serve(
        Recorder(sets_cookie={"/log-ind": "session=logget-ind; Path=/"}, post_status=200)
    )
    user = VirtualUser(
        "session=log-ind-siden",
        (Step("sign in", "/log-ind", "POST", "x=1", 200),),
        keeps_cookies=False,
    )
    assert drive(server.url, [user], connections=1, duration=1).requests > 1
    assert {cookie for _m, _p, cookie, _b in server.seen} == {"session=log-ind-siden"}


@pytest.fixture(scope="module")
def failing_run(wrk) -> Iterator[LoadResult]:
    """One second of wrk against a server that answers 500 to everything."""
    server = QuietServer(("127.0.0.1", 0), Recorder(get_status=500, post_status=500).handler())
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield drive(
            f"http://127.0.0.1:{server.server_address[1]}",
            [VirtualUser("session=x", (Step("broken page", "/i-stykker"),))],
            connections=2,
            duration=1,
        )
    finally:
        server.shutdown()
        server.server_close()


def test_wrk_reports_an_unexpected_status_and_names_the_step(wrk, failing_run):
    assert failing_run.requests > 0
    assert failing_run.unexpected == failing_run.requests
    assert failing_run.errors > 0
    assert failing_run.first_error.startswith("broken page: 500")


def test_a_failed_request_counts_as_one_error(wrk, failing_run):
    assert failing_run.errors == failing_run.requests


# -- the report -----------------------------------------------------------------------------------------


def document(
    rates: dict[str, float], *, size: str = "XS", database: str = "sqlite:///bench.sqlite"
) -> dict:
    results = {
        name: {
            "kind": "baseline" if name.startswith("baseline") else "endpoint",
            "requests_per_second": rate,
            "p50_us": 1_500,
            "p95_us": 4_300,
            "p99_us": 9_000,
            "errors": 0,
        }
        for name, rate in rates.items()
    }
    return report.build(
        size=SIZES[size],
        database=database,
        started=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        settings={"connections": 2, "duration_s": 1.0, "workers": 2},
        results=results,
        memory={"app": {"master": 30.0, "worker 1": 81.0}, "baseline": {"master": 25.0}},
        memory_before_export={"master": 30.0, "worker 1": 70.0, "worker 2": 75.0},
        machine={
            "cpu": "Test CPU",
            "cores": 2,
            "memory_gib": 4.0,
            "python": "3.11.7",
            "wrk": "wrk 4.1.0",
            "database": "SQLite 3.45.1",
        },
        password_hash="scrypt:32768:8:1",
    )


RATES = {
    "baseline: hello": 800.0,
    report.RATIO_BASE: 200.0,
    "leader: dashboard": 50.0,
    "coordinator: programme report": 25.0,
    "admin: CSV of every progress row": 0.0,
}


def table_rows(section: str) -> dict[str, list[str]]:
    lines = section.splitlines()
    header = lines.index(
        "| Endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | ratio to baseline |"
    )
    rows = {}
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_build_gives_every_result_its_ratio_to_the_baseline():
    results = document(RATES)["results"]
    assert {name: result["ratio_to_baseline"] for name, result in results.items()} == {
        "baseline: hello": 4.0,
        report.RATIO_BASE: 1.0,
        "leader: dashboard": 0.25,
        "coordinator: programme report": 0.125,
        "admin: CSV of every progress row": 0.0,
    }


def test_markdown_section_has_a_ratio_for_every_endpoint():
    built = document(RATES)
    rows = table_rows(report.markdown_section(built))
    assert list(rows) == list(RATES)
    for name, cells in rows.items():
        assert len(cells) == 6
        assert cells[-1] == f"{built['results'][name]['ratio_to_baseline']:.2f}"
    assert rows["leader: dashboard"][:5] == ["50.0", "1.5", "4.3", "9.0", "0"]
    assert rows[report.RATIO_BASE][-1] == "1.00"


def section_of(text: str, key: str) -> str:
    begin, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    assert text.count(begin) == 1
    assert text.count(end) == 1
    return text[text.index(begin) : text.index(end) + len(end)]


def test_update_markdown_creates_the_file_with_the_section(tmp_path):
    path = tmp_path / "performance.md"
    report.update_markdown(document(RATES), path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n")
    assert "### Size XS (10 leaders), SQLite 3.45.1" in section_of(text, "XS:sqlite")
    assert text.endswith("<!-- /bench:XS:sqlite -->\n")


def test_update_markdown_replaces_only_its_own_section(tmp_path):
    path = tmp_path / "performance.md"
    path.write_text("# Performance\n\nProse written by hand.\n", encoding="utf-8")
    report.update_markdown(document(RATES), path)
    report.update_markdown(document(RATES, size="S"), path)
    report.update_markdown(document(RATES, database="postgresql+psycopg://x/bench"), path)
    before = path.read_text(encoding="utf-8")
    s_section = section_of(before, "S:sqlite")
    postgresql_section = section_of(before, "XS:postgresql")
    assert "| leader: dashboard | 50.0 |" in section_of(before, "XS:sqlite")

    # A backslash and a group reference in a name must be written as they are.
    changed = {**RATES, "leader: dashboard": 75.0, r"leader: \1 \g<0> page": 10.0}
    report.update_markdown(document(changed), path)
    after = path.read_text(encoding="utf-8")
    xs_section = section_of(after, "XS:sqlite")
    assert "| leader: dashboard | 75.0 |" in xs_section
    assert "| leader: dashboard | 50.0 |" not in xs_section
    assert r"| leader: \1 \g<0> page | 10.0 |" in xs_section
    assert section_of(after, "S:sqlite") == s_section
    assert section_of(after, "XS:postgresql") == postgresql_section
    assert after.startswith("# Performance\n\nProse written by hand.\n\n<!-- bench:XS:sqlite -->")
    assert after.index("bench:XS:sqlite") < after.index("bench:S:sqlite")


# -- the form reader --------------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html><body>
<form action="/sprog" method="post">
  <input type="hidden" name="csrf_token" value="language-token">
  <select name="language"><option value="da" selected>Dansk</option></select>
</form>
<form method="post" action="/admin/kurser/1/lektioner/intro#indhold" class="admin-form">
  <input type="hidden" name="csrf_token" value="tok&amp;en">
  <input name="title" value="Intro &quot;film&quot; – æøå">
  <input type="text" name="key" value="intro">
  <input type="text" value="no name">
  <textarea name="intro">
Første linje
anden &lt;linje&gt;</textarea>
  <select name="status">
    <option value="draft">Kladde</option>
    <option value="published" selected>Udgivet</option>
  </select>
  <input type="checkbox" name="goals" value="1" checked>
  <input type="checkbox" name="goals" value="2">
  <input type="checkbox" name="goals" value="3" checked>
  <input type="checkbox" name="required" checked>
  <input type="radio" name="mode" value="individual">
  <input type="radio" name="mode" value="group" checked>
  <input type="submit" name="save" value="Gem">
  <input type="button" name="noop" value="Ingenting">
  <button type="submit" name="action" value="preview">Forhåndsvis</button>
</form>
<form action="/log-ud" method="post">
  <input type="hidden" name="csrf_token" value="sign-out-token">
</form>
</body></html>"""


def test_form_fields_reads_the_form_posting_to_the_action():
    assert form_fields(PAGE, "/admin/kurser/1/lektioner/intro") == [
        ("csrf_token", "tok&en"),
        ("title", 'Intro "film" – æøå'),
        ("key", "intro"),
        ("intro", "Første linje\nanden <linje>"),
        ("status", "published"),
        ("goals", "1"),
        ("goals", "3"),
        ("required", "on"),
        ("mode", "group"),
    ]
    assert form_fields(PAGE, "/log-ud") == [("csrf_token", "sign-out-token")]


def test_form_fields_reads_a_form_without_action_as_posting_to_its_page():
    page = """<h1>Rediger</h1>
    <form method="post" novalidate>
      <input type="hidden" name="csrf_token" value="t">
      <textarea name="body">

two newlines, the first one dropped</textarea>
      <textarea name="empty"></textarea>
      <button type="submit">Gem</button>
    </form>"""
    assert form_fields(page, "/admin/kurser/1/maal/g1") == [
        ("csrf_token", "t"),
        ("body", "\ntwo newlines, the first one dropped"),
        ("empty", ""),
    ]


def test_form_fields_without_a_matching_form_is_an_error():
    with pytest.raises(BenchmarkError, match="/andet"):
        form_fields(PAGE, "/andet")
