"""Drive the servers with wrk (Debian's package ``wrk``, HTTP load in C with Lua scripting).

Why wrk and not locust: on a two-core machine the load generator shares the CPU with the servers;
wrk spends a few microseconds per request where a Python load tool spends about a millisecond, so
the measurement is of the app, not of the tool. It is bounded by construction: a fixed number of
connections (``-c``) for a fixed duration (``-d``), then it stops.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.server import BenchmarkError

SCRIPT = Path(__file__).resolve().parent / "plan.lua"
INSTALL_HINT = "wrk is missing: install it with `sudo apt-get install wrk` (Debian/Ubuntu)."


@dataclass(frozen=True)
class Step:
    """One request of a virtual user's loop and the status it must answer with."""

    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    status: int = 200
    cookie: str | None = None  # another person's session for this step (default: the user's)
    also: tuple[int, ...] = ()  # other statuses that are right too (a report dropped as too soon)


@dataclass(frozen=True)
class VirtualUser:
    cookie: str
    steps: tuple[Step, ...]
    # Keeps the cookies the app sets, as a browser does (plan.lua); a user who signs in again and
    # again sends the sign-in page's cookie every time instead.
    keeps_cookies: bool = True


@dataclass
class LoadResult:
    requests: int
    duration_us: int
    bytes: int
    unexpected: int
    first_error: str
    connect_errors: int
    read_errors: int
    write_errors: int
    status_errors: int
    timeouts: int
    p50_us: int
    p95_us: int
    p99_us: int
    max_us: int
    mean_us: float
    extra: dict = field(default_factory=dict)

    @property
    def requests_per_second(self) -> float:
        return self.requests / (self.duration_us / 1e6) if self.duration_us else 0.0

    @property
    def errors(self) -> int:
        # ``unexpected`` (the plan's check of every reply) already counts replies above 399, which
        # wrk counts again as status errors. A sync worker closes every connection after its reply;
        # wrk may see that as a read error on the idle socket, which is not a failed request.
        return self.unexpected + self.connect_errors + self.timeouts

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "requests_per_second": round(self.requests_per_second, 1),
            "errors": self.errors,
        }


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise BenchmarkError(INSTALL_HINT)
    return path


def _lua_string(value: str) -> str:
    """A Lua 5.1 string literal: printable ASCII as is, every other byte as a decimal escape."""
    return (
        '"'
        + "".join(
            chr(byte) if 32 <= byte < 127 and byte not in (34, 92) else f"\\{byte:03d}"
            for byte in value.encode("utf-8")
        )
        + '"'
    )


def write_plan(users: list[VirtualUser], path: Path) -> None:
    lines = ["return { users = {"]
    for user in users:
        jar = "true" if user.keeps_cookies else "false"
        lines.append(f"  {{ cookie = {_lua_string(user.cookie)}, jar = {jar}, steps = {{")
        for step in user.steps:
            body = _lua_string(step.body) if step.body is not None else "nil"
            cookie = _lua_string(step.cookie) if step.cookie is not None else "nil"
            lines.append(
                f"    {{ name = {_lua_string(step.name)}, method = {_lua_string(step.method)}, "
                f"path = {_lua_string(step.path)}, body = {body}, status = {step.status}, "
                f"cookie = {cookie}, also = {{ {', '.join(str(code) for code in step.also)} }} }},"
            )
        lines.append("  } },")
    lines.append("} }")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def drive(
    base_url: str, users: list[VirtualUser], *, connections: int, duration: float
) -> LoadResult:
    """``connections`` virtual users (each one connection and one wrk thread) for ``duration``."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        plan = Path(folder) / "plan.lua"
        write_plan(users, plan)
        completed = subprocess.run(
            [
                wrk_path(),
                "--threads",
                str(connections),
                "--connections",
                str(connections),
                "--duration",
                f"{max(1, round(duration))}s",
                "--timeout",
                "30s",
                "--script",
                str(SCRIPT),
                base_url,
            ],
            env={**os.environ, "BENCH_PLAN": str(plan)},
            capture_output=True,
            text=True,
            timeout=duration + 120,
        )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return LoadResult(**json.loads(line.removeprefix("BENCH_RESULT ")))
    raise BenchmarkError(f"wrk gave no result:\n{completed.stdout}\n{completed.stderr}")
