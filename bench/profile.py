"""Profile mode: where one page's time goes, measured in this process and split by layer.

The app gets the production configuration the load benchmark gives its servers
(``server.app_environment``); a virtual user signs in over HTTP as in the load benchmark, then the
page is requested through Flask's test client in this thread: first timed without a profiler (the
milliseconds a request costs here, with no network and one request at a time), then under cProfile,
whose own time per function is summed per layer (template rendering, SQLAlchemy, the database
driver, Flask and Werkzeug, the sign-in, session and form libraries, translations, the app's own
code). The baseline's Jinja page is measured the same way, so the two can be set side by side: a
page's ratio to the baseline is about the baseline's milliseconds over the page's.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from bench import scenarios
from bench.cost import serving
from bench.load import Step
from bench.server import app_environment
from bench.sizes import Size

BASELINE = "baseline: Jinja 50 rows"
DEFAULT_ENDPOINTS = (BASELINE, "leader: dashboard", "leader: module page")

# (layer, does this function belong to it?) in order: the first that matches takes the function.
# A function is (file, line, name) as cProfile names it; C functions have the file "~".
LAYERS: tuple[tuple[str, Callable[[str, str], bool]], ...] = (
    ("database driver", lambda f, n: "/psycopg" in f or "sqlite3" in n or "psycopg" in n),
    ("SQLAlchemy", lambda f, _n: "/sqlalchemy/" in f),
    ("templates (Jinja and compiled templates)", lambda f, _n: "/jinja2/" in f or _template(f)),
    ("markup escaping (MarkupSafe)", lambda f, _n: "/markupsafe/" in f),
    ("translations (Babel, Flask-Babel)", lambda f, _n: "babel/" in f),
    (
        "sign-in, session, CSRF, forms",
        lambda f, _n: (
            any(p in f for p in ("/flask_login/", "/flask_wtf/", "/wtforms/"))
            or "/itsdangerous/" in f
        ),
    ),
    ("Flask, Werkzeug", lambda f, _n: "/flask/" in f or "/werkzeug/" in f),
    ("the app's own code", lambda f, _n: "/course_app/" in f or "/bench/baseline" in f),
)
OTHER = "Python and the rest"


def _template(filename: str) -> bool:
    return filename.endswith((".html", ".txt")) or filename == "<template>"


class ProfileError(Exception):
    """A page did not answer as the load benchmark expects (so its profile would mislead)."""


@dataclass(frozen=True)
class Profile:
    endpoint: str
    requests: int
    status: int
    ms_per_request: float
    layers: dict[str, float]  # layer → share of the profiled time (0..1)
    top: list[tuple[str, float]]  # the functions with most own time: (name, share)


def profile_endpoints(
    database: str, size: Size, endpoints: tuple[str, ...], *, requests: int
) -> list[Profile]:
    from bench.baseline import create_baseline_app
    from course_app import create_app

    before = dict(os.environ)
    os.environ.update(app_environment(database, secrets.token_hex(32)))
    try:  # both read their configuration from the environment, as the servers do
        app = create_app()
        baseline = create_baseline_app()
    finally:
        os.environ.clear()
        os.environ.update(before)
    fixture = scenarios.read_fixture(database, size)
    found = []
    with serving(app) as base_url:
        cast = scenarios.Cast(base_url, fixture, connections=1)
        for endpoint in endpoints:
            if endpoint == BASELINE:
                found.append(_profile(baseline, endpoint, "", Step(endpoint, "/rows"), requests))
                continue
            user = cast.users_for(endpoint, 1)[0]
            step = user.steps[0]
            found.append(_profile(app, endpoint, step.cookie or user.cookie, step, requests))
    return found


def _profile(app: Flask, endpoint: str, cookie: str, step: Step, requests: int) -> Profile:
    # As wrk sends it: no User-Agent (Flask-Login compares it with the sign-in's) and the cookie a
    # page set last (plan.lua keeps cookies as a browser does; a redirect's is not kept).
    client = app.test_client(use_cookies=False)
    client.environ_base.pop("HTTP_USER_AGENT", None)
    headers = {"Cookie": cookie} if cookie else {}
    if step.body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    def send() -> int:
        response = client.open(step.path, method=step.method, data=step.body, headers=headers)
        response.close()
        fresh = response.headers.get("Set-Cookie", "").split(";", 1)[0]
        if fresh and 200 <= response.status_code < 300 and cookie:
            headers["Cookie"] = fresh
        return response.status_code

    status = 0
    for _ in range(20):  # warm: the outline, the menu and the templates are cached after this
        status = send()
    if status not in (step.status, *step.also):
        raise ProfileError(f"{endpoint}: {step.method} {step.path} answered {status}")
    started = time.perf_counter()
    for _ in range(requests):
        send()
    ms_per_request = (time.perf_counter() - started) * 1000 / requests
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        send()
    profiler.disable()
    return Profile(
        endpoint, requests, status, ms_per_request, *_split(pstats.Stats(profiler).stats)
    )


def _split(stats: dict) -> tuple[dict[str, float], list[tuple[str, float]]]:
    """Own time per layer, and the ten functions with most own time, as shares of the whole."""
    layers = {name: 0.0 for name, _belongs in LAYERS} | {OTHER: 0.0}
    functions = []
    for (filename, line, name), (_calls, _primitive, own, _cumulative, _callers) in stats.items():
        layer = next((layer for layer, belongs in LAYERS if belongs(filename, name)), OTHER)
        layers[layer] += own
        functions.append((f"{_short(filename)}:{line}({name})", own))
    total = sum(layers.values()) or 1.0
    top = sorted(functions, key=lambda item: item[1], reverse=True)[:10]
    return (
        {layer: own / total for layer, own in layers.items()},
        [(function, own / total) for function, own in top],
    )


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/work/main/", "lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def print_profiles(profiles: list[Profile]) -> None:
    for found in profiles:
        print(
            f"\n{found.endpoint}: {found.ms_per_request:.2f} ms a request without the profiler "
            f"(status {found.status}, {found.requests} requests)"
        )
        for layer, share in sorted(found.layers.items(), key=lambda item: -item[1]):
            print(f"  {share * 100:5.1f} %  {layer}")
        print("  most own time:")
        for function, share in found.top:
            print(f"  {share * 100:5.1f} %  {function}")
    baseline = next((p for p in profiles if p.endpoint == BASELINE), None)
    if baseline is not None:
        print("\nIn this process, one request at a time (the load benchmark's ratio is measured")
        print("over HTTP with 8 connections and differs):")
        for found in profiles:
            ratio = baseline.ms_per_request / found.ms_per_request
            print(f"  {found.endpoint:36} {found.ms_per_request:6.2f} ms  ratio {ratio:.2f}")
