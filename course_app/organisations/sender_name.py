"""The name an organisation's kick-off invitation is sent in ("Direktionen i Albertslund Kommune").

It goes into an e-mail header (the From line's display name), so it is checked here, not only in
the form: surrounding spaces are trimmed, it is at most ``MAIL_SENDER_NAME_LENGTH`` characters,
and control characters, line and paragraph separators and undecodable bytes are refused (a line
break in a header would let the text start headers of its own). Empty means the platform's own
sender name.

Who may: platform admins for every organisation, coordinators for their own. Each change has an
audit entry; saving the name it already has changes nothing.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from course_app.audit import services as audit
from course_app.core.db import db
from course_app.core.errors import NotAllowed, ServiceError
from course_app.core.text import has_control_characters
from course_app.organisations.access import Viewer
from course_app.organisations.models import MAIL_SENDER_NAME_LENGTH, Organisation


def may_set_sender_name(viewer: Viewer, organisation: Organisation) -> bool:
    return viewer.is_platform_admin or organisation.id in viewer.coordinator_of


def checked_sender_name(name: str) -> str:
    """The name as it will be stored; ``ServiceError`` says what is wrong with it."""
    name = name.strip()
    if has_control_characters(name):
        raise ServiceError(
            _l("Afsendernavnet må ikke indeholde linjeskift eller andre styretegn (fx tabulator).")
        )
    if len(name) > MAIL_SENDER_NAME_LENGTH:
        raise ServiceError(
            _l(
                "Afsendernavnet må højst være %(most)s tegn langt; det er %(length)s.",
                most=MAIL_SENDER_NAME_LENGTH,
                length=len(name),
            )
        )
    return name


def set_sender_name(organisation: Organisation, name: str, *, actor: Viewer) -> bool:
    """Store the checked name (flush only, with an audit entry); False when it is unchanged."""
    if not may_set_sender_name(actor, organisation):
        raise NotAllowed(
            _l("Kun organisationens koordinator og platformsadministratorer kan ændre det.")
        )
    name = checked_sender_name(name)
    before = organisation.mail_sender_name or ""
    if name == before:
        return False
    organisation.mail_sender_name = name
    db.session.flush()
    audit.record(
        actor_id=actor.user_id,
        action="changed",
        object_type="organisation",
        object_key=str(organisation.id),
        summary=f"Afsendernavn på invitationen til kick-off ændret for {organisation.name}",
        details={"mail_sender_name": [before, name]},
    )
    return True
