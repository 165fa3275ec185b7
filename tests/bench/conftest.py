"""Shared by the benchmark's tests: wrk, which drives the load, is a system package."""

from __future__ import annotations

import os
import shutil

import pytest

WRK_HINT = "install wrk (apt-get install wrk)"


@pytest.fixture(scope="session")
def wrk() -> str:
    """wrk's path; skipped where it is missing, except in CI (CI set), where that is a failure."""
    path = shutil.which("wrk")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(WRK_HINT)
        pytest.skip(WRK_HINT)
    return path
