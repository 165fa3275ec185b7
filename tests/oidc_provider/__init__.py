"""A real OpenID Connect provider in a process of its own, for tests of "sign in with the
municipality's own identity provider": a pytest plugin loaded by tests/conftest.py, so any test can
use the ``oidc_provider`` fixture (a :class:`TestProvider`). The provider is server.py beside this.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 20.0
CONTROL_TIMEOUT = 10.0


class TestProvider:
    """Drives the provider process through its ``/_test`` control API; one tenant per issuer path."""

    __test__ = False  # not a test class, despite the name

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def issuer(self, tenant: str) -> str:
        return f"{self.base_url}/{tenant}"

    def configure(
        self,
        tenant: str,
        *,
        client_id: str,
        client_secret: str,
        redirect_uris: list[str] | tuple[str, ...],
        post_logout_redirect_uris: list[str] | tuple[str, ...] = (),
    ) -> str:
        """Create the tenant (with a fresh signing key) or register one more client; returns the issuer."""
        data = self._call(
            "POST",
            f"tenants/{tenant}",
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": list(redirect_uris),
                "post_logout_redirect_uris": list(post_logout_redirect_uris),
            },
        )
        return data["issuer"]

    def next_person(self, tenant: str, **claims: Any) -> None:
        """Who the tenant signs in from now on (until changed): ``sub`` and any other claims."""
        self._call("POST", f"tenants/{tenant}/person", {"claims": claims})

    def tamper(self, tenant: str, mode: str | None) -> None:
        """Break every ID token issued from now on in this way; ``None`` issues honest ones again."""
        self._call("POST", f"tenants/{tenant}/tamper", {"mode": mode})

    def outage(self, tenant: str, mode: str | None, seconds: float = 0) -> None:
        """``down``, ``garbage``, ``token_error`` or ``slow`` (by ``seconds``); ``None`` ends it."""
        self._call("POST", f"tenants/{tenant}/outage", {"mode": mode, "seconds": seconds})

    def rotate_keys(self, tenant: str, *, keep_old: bool = True) -> None:
        self._call("POST", f"tenants/{tenant}/rotate-keys", {"keep_old": keep_old})

    def requests(self, tenant: str) -> list[dict]:
        """What the tenant received, oldest first: method, path, endpoint, args, form, auth_scheme."""
        return self._call("GET", f"tenants/{tenant}/requests")

    def logouts(self, tenant: str) -> list[dict]:
        """The logout calls: id_token_hint, post_logout_redirect_uri, state, client_id, outcome."""
        return self._call("GET", f"tenants/{tenant}/logouts")

    def reset(self) -> None:
        """Forget every tenant, so each test starts from nothing."""
        self._call("POST", "reset", {})

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        response = requests.request(
            method, f"{self.base_url}/_test/{path}", json=payload, timeout=CONTROL_TIMEOUT
        )
        if not response.ok:
            raise AssertionError(
                f"The test OpenID provider refused {method} /_test/{path}: "
                f"{response.status_code} {response.text}"
            )
        return response.json()


def _wait_until_ready(process: subprocess.Popen[str], stderr_path: Path) -> str:
    """The base URL from the READY line; fails with the provider's stderr if it never comes."""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=READY_TIMEOUT)
    except queue.Empty:
        line = ""
    if not line.startswith("READY "):
        process.kill()
        process.wait()
        pytest.fail(
            f"The test OpenID provider did not start (exit code {process.returncode}):\n"
            f"{stderr_path.read_text(errors='replace')}"
        )
    return line.split()[1]


@pytest.fixture(scope="session")
def oidc_provider_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider process, one per pytest process (xdist workers each get theirs); its base URL."""
    stderr_path = tmp_path_factory.mktemp("oidc_provider") / "stderr.log"
    # stderr goes to a file: a pipe nobody reads could fill up and stall the server.
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.server", "--port", "0"],
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            yield _wait_until_ready(process, stderr_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


@pytest.fixture
def oidc_provider(oidc_provider_process: str) -> Iterator[TestProvider]:
    """A controller for the provider, reset first so no tenant or setting leaks between tests."""
    provider = TestProvider(oidc_provider_process)
    provider.reset()
    yield provider
