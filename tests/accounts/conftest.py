"""The accounts tests' clock: the app's clock in the test's hand (``clock.now = …``), at ``NOW``."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from tests.schedule.conftest import Clock

NOW = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(app: Flask, monkeypatch) -> Clock:
    """(Some modules here keep a clock fixture of their own.)"""
    test_clock = Clock(NOW)
    monkeypatch.setitem(app.config, "CLOCK", test_clock)
    return test_clock
