"""The pseudonym a leader's responses are stored under: HMAC-SHA256 of her id and the assessment's
with the operator's key (``ASSESSMENT_PSEUDONYM_KEY``), which is configuration, never a row.

Per person and assessment, not per round: start, end and every løbende measurement of one assessment,
in any round, carry the same pseudonym, so she can follow her own wheel over time. Without the key
nothing turns a pseudonym back into a person (a copy of the database cannot even test a guess); with
it, the app computes it whenever she asks for her own answers, and stores it next to nothing that
names her. It is never posted by a form: the services compute it from the signed-in person.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from flask_babel import lazy_gettext as _l

from course_app.core.errors import ServiceError

SCOPE = "assessment-pseudonym"


class SelfAssessmentUnavailable(ServiceError):
    """The operator has not set the pseudonym key: no response may be stored or read."""

    def __init__(self) -> None:
        super().__init__(
            _l("Selvevalueringen er ikke sat op på denne platform endnu. Kontakt din koordinator.")
        )


def configured_key() -> str | None:
    return current_app.config.get("ASSESSMENT_PSEUDONYM_KEY") or None


def pseudonym(user_id: int, assessment_id: int, key: str | None = None) -> str:
    """The hex pseudonym of ``user_id`` for ``assessment_id`` (with the configured key unless given)."""
    key = key if key is not None else configured_key()
    if not key:
        raise SelfAssessmentUnavailable()
    message = f"{SCOPE}:{int(user_id)}:{int(assessment_id)}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
