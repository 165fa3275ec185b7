"""Absolute links for e-mails and calendar files, built without a request from ``BASE_URL`` (the
address people reach the platform at), so a link made by the scheduler at night is the same one a
page would make."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values: object) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
