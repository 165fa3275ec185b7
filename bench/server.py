"""App servers for the benchmark: gunicorn on 127.0.0.1, started and stopped by the run.

Worker class ``sync`` (gunicorn's default): a sync worker serves one request at a time and answers
``Connection: close``, so no connection is kept alive and each new request goes to whichever worker is
free to accept it; the two workers are balanced by the kernel's accept queue, not by connection
stickiness. The load tool reconnects for every request, on the baseline and on the app alike.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.round_dataset import PSEUDONYM_KEY

CHECKOUT = Path(__file__).resolve().parent.parent


class BenchmarkError(RuntimeError):
    """The benchmark cannot run here; the message says what to install or fix."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def gunicorn_command(app: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        app,
    ]


def app_environment(database: str, secret_key: str) -> dict[str, str]:
    """The production configuration, except cookies over plain http on 127.0.0.1; the competence
    wheel's pseudonym key is the one the dataset's responses were stored under."""
    instance = tempfile.mkdtemp(prefix="bench-instance-")
    return {
        **os.environ,
        "COURSE_APP_DATABASE_URL": database,
        "COURSE_APP_SECRET_KEY": secret_key,
        "COURSE_APP_ASSESSMENT_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "COURSE_APP_SESSION_COOKIE_SECURE": "false",
        "COURSE_APP_INSTANCE_PATH": instance,
        "PYTHONPATH": str(CHECKOUT),
    }


@dataclass
class Server:
    """One gunicorn master and its workers."""

    name: str
    app: str
    environment: dict[str, str]
    workers: int = 2
    health_path: str = "/healthz"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.process = subprocess.Popen(
            gunicorn_command(self.app, self.port, self.workers),
            env=self.environment,
            cwd=CHECKOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchmarkError(f"{self.name}: gunicorn stopped at start (see its output).")
            try:
                with urllib.request.urlopen(
                    self.base_url + self.health_path, timeout=2
                ) as response:
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise BenchmarkError(
            f"{self.name}: no answer on {self.base_url}{self.health_path} in 30 s."
        )

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text(encoding="ascii").split()]
        except OSError:
            return []

    def peak_rss_mb(self) -> dict[str, float]:
        """Each process's peak resident memory so far (VmHWM), in MB."""
        assert self.process is not None
        peaks = {"master": _peak_rss_mb(self.process.pid)}
        for number, pid in enumerate(sorted(self.worker_pids()), start=1):
            peaks[f"worker {number}"] = _peak_rss_mb(pid)
        return peaks

    def stop(self) -> None:
        shutil.rmtree(self.environment.get("COURSE_APP_INSTANCE_PATH", ""), ignore_errors=True)
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in (
            Path(f"/proc/{pid}/status").read_text(encoding="utf-8", errors="replace").splitlines()
        ):
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0
