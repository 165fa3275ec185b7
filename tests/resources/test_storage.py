"""The storage folder, its configuration, and sizes in the reader's number format."""

from __future__ import annotations

import io

import pytest

from course_app import create_app
from course_app.paths import STATIC_DIR
from course_app.resources import services, storage
from tests.conftest import TEST_CONFIG
from tests.mail import app_config


def test_storage_dir_defaults_to_uploads_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_APP_STORAGE_DIR", raising=False)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["STORAGE_DIR"] == str(tmp_path / "uploads")
    assert app.config["RESOURCE_MAX_BYTES"] == 200 * 1024 * 1024


def test_storage_dir_and_limit_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_APP_STORAGE_DIR", str(tmp_path / "delt"))
    monkeypatch.setenv("COURSE_APP_RESOURCE_MAX_BYTES", "1048576")
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["STORAGE_DIR"] == str(tmp_path / "delt")
    assert app.config["RESOURCE_MAX_BYTES"] == 1048576


def test_storage_inside_the_static_folder_is_refused(app):
    with (
        app.app_context(),
        app_config(app, STORAGE_DIR=str(STATIC_DIR / "uploads")),
        pytest.raises(RuntimeError, match="static"),
    ):
        storage.root()


def test_save_counts_hashes_and_cleans_up_when_too_large(app, storage_dir):
    with app.app_context():
        stored = storage.save(io.BytesIO(b"abc"), max_bytes=3)
        assert stored.size == 3
        assert stored.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        with pytest.raises(storage.TooLarge):
            storage.save(io.BytesIO(b"abcd"), max_bytes=3)
        assert [p.name for p in (storage_dir / "resources").iterdir()] == [stored.name]
        with pytest.raises(ValueError):
            storage.path_of("../../etc/passwd")


@pytest.mark.parametrize(
    ("size", "danish", "english"),
    [
        (0, "0 B", "0 B"),
        (1023, "1.023 B", "1,023 B"),
        (15 * 1024 + 300, "15,3 kB", "15.3 kB"),
        (int(1.2 * 1024 * 1024), "1,2 MB", "1.2 MB"),
        (200 * 1024 * 1024, "200 MB", "200 MB"),
        (3 * 1024**3, "3 GB", "3 GB"),
    ],
)
def test_sizes_follow_the_locale(app, size, danish, english):
    with app.test_request_context(headers={"Accept-Language": "da"}):
        assert services.format_size(size) == danish
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert services.format_size(size) == english
