"""Identity providers' client secrets: never in the database, always from the operator.

A provider's secret is the environment variable ``COURSE_APP_OIDC_CLIENT_SECRETS__<slug>`` ("-" in
the slug written "_"; Flask reads it into ``OIDC_CLIENT_SECRETS``), or the provider's entry in the JSON object in the file
``OIDC_CLIENT_SECRETS_FILE`` (e.g. a mounted Kubernetes or Docker secret), read when it is needed so
a changed secret takes effect without a restart. docs/operations.md shows both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from flask import current_app


def env_name(slug: str) -> str:
    """The environment variable for the provider's secret (a shell name: "-" becomes "_")."""
    return f"COURSE_APP_OIDC_CLIENT_SECRETS__{slug.replace('-', '_')}"


def _text(value: object) -> str | None:
    """Flask reads environment values as JSON when they are: a secret of digits is a number."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = str(value)
    return text or None


def client_secret(slug: str) -> str | None:
    """The secret of the provider ``slug``, or None when the operator has set none."""
    given = current_app.config.get("OIDC_CLIENT_SECRETS") or {}
    if isinstance(given, Mapping):
        for key in (slug, slug.replace("-", "_")):
            if secret := _text(given.get(key)):
                return secret
    path = current_app.config.get("OIDC_CLIENT_SECRETS_FILE")
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as file:
            secrets = json.load(file)
    except (OSError, ValueError):
        current_app.logger.error("OIDC_CLIENT_SECRETS_FILE %s cannot be read as JSON", path)
        return None
    return _text(secrets.get(slug)) if isinstance(secrets, Mapping) else None
