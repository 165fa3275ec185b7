"""Identity providers' client secrets: never in the database, always from the operator.

A provider's secret is the environment variable ``COURSE_APP_OIDC_CLIENT_SECRETS__<slug>`` (Flask
reads it into ``OIDC_CLIENT_SECRETS[<slug>]``), or the provider's entry in the JSON object in the file
``OIDC_CLIENT_SECRETS_FILE`` (e.g. a mounted Kubernetes or Docker secret), read when it is needed so
a changed secret takes effect without a restart. docs/operations.md shows both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from flask import current_app


def client_secret(slug: str) -> str | None:
    """The secret of the provider ``slug``, or None when the operator has set none."""
    given = current_app.config.get("OIDC_CLIENT_SECRETS") or {}
    if isinstance(given, Mapping) and isinstance(given.get(slug), str) and given[slug]:
        return given[slug]
    path = current_app.config.get("OIDC_CLIENT_SECRETS_FILE")
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as file:
            secrets = json.load(file)
    except (OSError, ValueError):
        current_app.logger.error("OIDC_CLIENT_SECRETS_FILE %s cannot be read as JSON", path)
        return None
    secret = secrets.get(slug) if isinstance(secrets, Mapping) else None
    return secret if isinstance(secret, str) and secret else None
