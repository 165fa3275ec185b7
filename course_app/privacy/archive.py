"""The download of ``export.personal_data``: ``persondata.json`` (machine-readable) and
``persondata.html`` (one readable page in the person's language: no scripts, no links out, its
style inline) in one zip."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from course_app.accounts.models import User
from course_app.core.i18n import COPENHAGEN
from course_app.privacy.export import FORMAT_VERSION, NOT_EXPORTED, Section, personal_data

FIELD_LABELS: dict[str, Any] = {
    "id": _l("Id"),
    "name": _l("Navn"),
    "email": _l("E-mail"),
    "locale": _l("Sprog"),
    "organisation": _l("Organisation"),
    "area": _l("Område"),
    "created_at": _l("Oprettet"),
    "updated_at": _l("Ændret"),
    "last_sign_in_at": _l("Seneste login"),
    "deactivated_at": _l("Deaktiveret"),
    "reminders_stopped_at": _l("Påmindelser stoppet"),
    "has_password": _l("Har adgangskode"),
    "role": _l("Rolle"),
    "course": _l("Kursus"),
    "group": _l("Ledergruppe"),
    "valid_from": _l("Fra"),
    "valid_until": _l("Til"),
    "round": _l("Forløb"),
    "starts_on": _l("Starter"),
    "ends_on": _l("Slutter"),
    "enrolled_at": _l("Tilmeldt"),
    "module": _l("Modul"),
    "lesson": _l("Lektion"),
    "state": _l("Status"),
    "started_at": _l("Startet"),
    "completed_at": _l("Færdig"),
    "unlocked_at": _l("Åbnet"),
    "notified_at": _l("Besked sendt"),
    "question": _l("Spørgsmål"),
    "text": _l("Tekst"),
    "status": _l("Status"),
    "version": _l("Version"),
    "visibility": _l("Synlighed"),
    "shared_with_group": _l("Delt med"),
    "submitted_at": _l("Afleveret"),
    "deleted_at": _l("Slettet"),
    "on_question": _l("Kommentar til svar på"),
    "reason": _l("Årsag"),
    "subject": _l("Emne"),
    "kind": _l("Slags"),
    "sent_at": _l("Sendt"),
    "failed_at": _l("Mislykkedes"),
    "body_text": _l("Indhold"),
    "expires_at": _l("Udløber"),
    "used_at": _l("Brugt"),
    "action": _l("Handling"),
    "object_type": _l("Objekt"),
    "object_key": _l("Nøgle"),
    "summary": _l("Beskrivelse"),
    "title": _l("Titel"),
    "original_filename": _l("Filnavn"),
    "content_type": _l("Filtype"),
    "size_bytes": _l("Størrelse (bytes)"),
    "assessment": _l("Kompetencehjul"),
    "point": _l("Måling"),
}


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(type(value))


def export_json(user: User, sections: list[Section], now: dt.datetime) -> str:
    document = {
        "format": "course-app personal data",
        "version": FORMAT_VERSION,
        "exported_at": now,
        **{section.key: section.rows for section in sections},
        "not_included": {
            "password": "only a one-way hash is stored; it is never exported",
            **NOT_EXPORTED,
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default)


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "–"
    if isinstance(value, dt.datetime):
        return value.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def export_html(user: User, sections: list[Section], now: dt.datetime) -> str:
    """The readable page, in her language: no scripts, no links out, its style inline."""
    with force_locale(user.locale):
        return render_template(
            "privacy/export.html",
            person=user,
            sections=sections,
            labels=FIELD_LABELS,
            shown=_shown,
            exported_at=_shown(now),
            lang=user.locale,
        )


def export_zip(user: User, now: dt.datetime) -> bytes:
    """The download: ``persondata.json`` and ``persondata.html`` in one zip (needs an app context)."""
    sections = personal_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("persondata.json", export_json(user, sections, now))
        archive.writestr("persondata.html", export_html(user, sections, now))
    return buffer.getvalue()
