"""The accounts tests' clock: the app's clock in the test's hand (``clock.now = …``), at the test
module's ``NOW`` (or this one's)."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from tests.helpers import Clock

NOW = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(app: Flask, monkeypatch, request: pytest.FixtureRequest) -> Clock:
    test_clock = Clock(getattr(request.module, "NOW", NOW))
    monkeypatch.setitem(app.config, "CLOCK", test_clock)
    return test_clock
