"""``python -m bench scale-out``: two app instances on different ports against one database; a
session from a sign-in on one is valid on the other, and what one writes the other reads.

Nothing is shared between instances but the database and the secret key: sessions are signed
cookies, so any instance that knows the key accepts them (docs/operations.md).
"""

from __future__ import annotations

import secrets
import urllib.parse
from dataclasses import dataclass

from bench import client, scenarios, sizes
from bench.server import BenchmarkError, Server, app_environment

__all__ = ["BenchmarkError", "ScaleOutResult", "show_scale_out"]

APP = "course_app:create_app()"


@dataclass(frozen=True)
class ScaleOutResult:
    first_url: str
    second_url: str
    session_valid_on_second: bool
    write_on_second_read_on_first: bool
    other_key_refuses_session: bool


def show_scale_out(database: str, *, workers: int = 1, quiet: bool = False) -> ScaleOutResult:
    fixture = scenarios.read_fixture(database, sizes.SIZES["XS"])
    key = secrets.token_hex(32)
    say = (lambda _text: None) if quiet else print
    with (
        Server("instance 1", APP, app_environment(database, key), workers) as first,
        Server("instance 2", APP, app_environment(database, key), workers) as second,
        Server("other key", APP, app_environment(database, secrets.token_hex(32)), 1) as stranger,
    ):
        say(f"Instance 1 on {first.base_url}, instance 2 on {second.base_url}, one database.")
        leader = client.sign_in(first.base_url, sizes.leader_email(1), sizes.BENCH_PASSWORD)
        say(f"Signed in as {leader.email} on instance 1.")
        on_second = client.request(second.base_url, "GET", "/mit-forloeb", cookie=leader.cookie)
        valid = on_second.status == 200 and "log-ind" not in on_second.headers.get("location", "")
        say(f"Instance 2, same cookie: /mit-forloeb answers {on_second.status}.")

        text = f"Skrevet på instans 2 ({secrets.token_hex(4)})"
        module = f"/forloeb/{scenarios.COHORT_ID}/moduler/{fixture.module_key}"
        saved = client.request(
            second.base_url,
            "POST",
            f"/forloeb/{scenarios.COHORT_ID}/svar/{fixture.block_key}",
            cookie=leader.cookie,
            form={"csrf_token": leader.csrf_token, "text": text, "save_draft": "Gem kladde"},
        )
        page = client.request(first.base_url, "GET", module, cookie=leader.cookie)
        shared_write = saved.status == 302 and text in page.body
        say(
            f"Answer saved on instance 2 ({saved.status}); instance 1 shows it: "
            f"{'yes' if shared_write else 'no'}."
        )
        refused = client.request(stranger.base_url, "GET", "/mit-forloeb", cookie=leader.cookie)
        other_key_refuses = refused.status == 302 and "log-ind" in urllib.parse.unquote(
            refused.headers.get("location", "")
        )
        say(
            "An instance with another secret key sends the same cookie to sign-in: "
            f"{'yes' if other_key_refuses else 'no'}."
        )
    result = ScaleOutResult(first.base_url, second.base_url, valid, shared_write, other_key_refuses)
    if not (valid and shared_write and other_key_refuses):
        raise BenchmarkError(f"Scale-out check failed: {result}")
    say("Scale-out works: every instance with the same key and database serves the session.")
    return result
