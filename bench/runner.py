"""``python -m bench run``: start the app and the baseline under gunicorn, drive them, write the report.

Order of one run: the bare baseline page; the baseline's Jinja page and the two leader pages whose ratio
to it is a target, in turn, ``RATIO_ROUNDS`` times (each keeps its median window); every other app
endpoint driven alone (same connections, duration and gunicorn settings as the baseline, so the
throughputs compare), then the scripted loops mixed,
then sign-in on its own, then the CSV export of every progress row with one connection (its worker's
peak memory is read afterwards). Each measurement is preceded by a short unrecorded warm-up.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import replace
from pathlib import Path

from bench import client, report, scenarios, summary
from bench.load import LoadResult, VirtualUser, drive, wrk_path
from bench.server import BenchmarkError, Server, app_environment
from bench.sizes import Size
from bench.sysinfo import machine_description, password_hash_parameters

__all__ = ["BenchmarkError", "run_benchmark"]

BASELINE_APP = "bench.baseline:create_baseline_app()"
COURSE_APP = "course_app:create_app()"

# A page's throughput on a shared machine moves by up to a third from one window to the next (two
# runs of S on one commit: the dashboard 588 and 426 a second, the baseline 895 and 877). The pages
# whose ratio to the baseline is a target are therefore measured in turn with it, several times.
RATIO_PAGES = ("leader: dashboard", "leader: module page")
RATIO_ROUNDS = 3


def _measure(
    base_url: str, users: list[VirtualUser], *, connections: int, duration: float
) -> LoadResult:
    drive(base_url, users, connections=connections, duration=min(2.0, max(1.0, duration / 5)))
    return drive(base_url, users, connections=connections, duration=duration)


def _median_window(windows: list[LoadResult]) -> LoadResult:
    """The window with the median throughput, naming every window's throughput in ``extra``."""
    median = sorted(windows, key=lambda window: window.requests_per_second)[len(windows) // 2]
    per_second = [round(window.requests_per_second, 1) for window in windows]
    return replace(median, extra={**median.extra, "windows_per_second": per_second})


def _timed_download(base_url: str, cookie: str, path: str) -> LoadResult:
    """One whole download, read as a browser would: a row like the others (one request)."""
    result = client.download(base_url, path, cookie=cookie)
    microseconds = round(result.seconds * 1e6)
    return LoadResult(
        requests=1,
        duration_us=microseconds,
        bytes=result.bytes,
        unexpected=int(result.status != 200),
        first_error="" if result.status == 200 else f"progress csv: {result.status}",
        connect_errors=0,
        read_errors=0,
        write_errors=0,
        status_errors=int(result.status >= 400),
        timeouts=0,
        p50_us=microseconds,
        p95_us=microseconds,
        p99_us=microseconds,
        max_us=microseconds,
        mean_us=float(microseconds),
        extra={
            "lines": result.lines,
            "megabytes": round(result.bytes / 1e6, 1),
            "seconds_to_first_byte": round(result.seconds_to_first_byte, 2),
        },
    )


def run_benchmark(
    database: str,
    size: Size,
    *,
    duration: float,
    connections: int,
    workers: int,
    output: Path,
    markdown: Path | None,
) -> Path:
    wrk_path()
    fixture = scenarios.read_fixture(database, size)
    environment = app_environment(database, secrets.token_hex(32))
    started = dt.datetime.now(dt.UTC)
    results: dict[str, dict] = {}

    def record(name: str, result: LoadResult, *, kind: str) -> None:
        results[name] = {"kind": kind, **result.as_dict()}
        print(
            f"  {name:36} {result.requests_per_second:8.1f} req/s  p95 {result.p95_us / 1000:7.1f} ms"
            f"  errors {result.errors}" + (f" ({result.first_error})" if result.first_error else "")
        )

    with (
        Server("baseline", BASELINE_APP, environment, workers, "/hello") as baseline,
        Server("app", COURSE_APP, environment, workers) as app,
    ):
        print(
            f"Benchmark {size.name} on {database}: {connections} connections, {duration:g} s each"
        )
        record(
            "baseline: hello",
            _measure(
                baseline.base_url,
                [VirtualUser("", (scenarios.Step("baseline: hello", "/hello"),))],
                connections=connections,
                duration=duration,
            ),
            kind="baseline",
        )
        cast = scenarios.Cast(app.base_url, fixture, connections)
        # The baseline's Jinja page and the leader pages in turn (see RATIO_PAGES).
        in_turn = {
            report.RATIO_BASE: (
                baseline.base_url,
                [VirtualUser("", (scenarios.Step(report.RATIO_BASE, "/rows"),))],
            ),
            **{page: (app.base_url, cast.users_for(page, connections)) for page in RATIO_PAGES},
        }
        windows: dict[str, list[LoadResult]] = {name: [] for name in in_turn}
        for _round in range(RATIO_ROUNDS):
            for name, (base_url, users) in in_turn.items():
                windows[name].append(
                    _measure(base_url, users, connections=connections, duration=duration)
                )
        for name, measured in windows.items():
            kind = "baseline" if name == report.RATIO_BASE else "endpoint"
            record(name, _median_window(measured), kind=kind)
        for endpoint in scenarios.ENDPOINTS:
            if endpoint in RATIO_PAGES:
                continue
            users = cast.users_for(endpoint, connections)
            record(
                endpoint,
                _measure(app.base_url, users, connections=connections, duration=duration),
                kind="endpoint",
            )
        record(
            "scripted loops (mixed)",
            _measure(
                app.base_url, cast.scripted_loops(), connections=connections, duration=duration
            ),
            kind="loops",
        )
        record(
            "sign-in (password check)",
            drive(
                app.base_url,
                scenarios.sign_in_users(app.base_url, connections),
                connections=connections,
                duration=duration,
            ),
            kind="sign-in",
        )
        record(
            "coordinator: programme report, 1 connection",
            _measure(
                app.base_url,
                cast.users_for("coordinator: programme report", 1),
                connections=1,
                duration=duration,
            ),
            kind="latency",
        )
        memory_before_export = app.peak_rss_mb()
        export = cast.progress_export_user()
        record(
            "admin: CSV of every progress row",
            _timed_download(app.base_url, export.cookie, export.steps[0].path),
            kind="export",
        )
        memory = {"app": app.peak_rss_mb(), "baseline": baseline.peak_rss_mb()}

    document = report.build(
        size=size,
        database=database,
        started=started,
        settings={"connections": connections, "duration_s": duration, "workers": workers},
        results=results,
        memory=memory,
        memory_before_export=memory_before_export,
        machine=machine_description(database),
        password_hash=password_hash_parameters(database),
    )
    path = report.write_json(document, output)
    if markdown is not None:
        report.update_markdown(document, markdown)
        summary.update_summary(output, markdown)
    return path
