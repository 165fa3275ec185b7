"""Production compiles each template once per process and keeps the compiled code on disk (Jinja's
bytecode cache); debug and tests compile from source, and a cache that cannot be written is no
error."""

from __future__ import annotations

import pytest
from flask import render_template
from jinja2 import FileSystemBytecodeCache

from course_app import create_app
from course_app.core import bytecode_cache as cache_module
from course_app.core.db import db
from tests.conftest import TEST_CONFIG

PRODUCTION = {"SECRET_KEY": "a-long-random-value-for-this-test", "DATABASE_URL": "sqlite://"}


@pytest.fixture
def make_app(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    apps = []

    def make(config):
        app = create_app(config, instance_path=str(tmp_path / "instance"))
        apps.append(app)
        return app

    yield make
    for app in apps:
        db.engine(app).dispose()


def test_production_keeps_compiled_templates_and_does_not_reload(make_app):
    app = make_app(PRODUCTION)
    assert app.jinja_env.auto_reload is False
    assert isinstance(app.jinja_env.bytecode_cache, FileSystemBytecodeCache)


def test_tests_and_debug_compile_from_source(make_app):
    assert make_app(TEST_CONFIG).jinja_env.bytecode_cache is None
    debug = make_app({**PRODUCTION, "DEBUG": True, "TEMPLATES_AUTO_RELOAD": True})
    assert debug.jinja_env.bytecode_cache is None
    assert debug.jinja_env.auto_reload is True


def test_a_cache_folder_that_cannot_be_used_only_means_compiling(make_app, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    app = make_app(PRODUCTION)
    app.jinja_env.bytecode_cache = cache_module._QuietFileSystemBytecodeCache(str(not_a_folder))
    with app.test_request_context():
        assert "Forløbsplatformen" in render_template("base.html")


def test_no_cache_when_no_folder_can_be_made(monkeypatch):
    def refuse(_self):
        raise RuntimeError("Cannot determine safe temp directory.")

    monkeypatch.setattr(FileSystemBytecodeCache, "_get_default_cache_dir", refuse)
    assert cache_module.bytecode_cache() is None
