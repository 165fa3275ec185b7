"""A person's accounts at her organisation's identity providers in her data export: which provider,
the subject it knows her by, when she first and last signed in through it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from course_app.accounts.identity_models import IdentityProvider, LinkedIdentity
from course_app.accounts.models import User
from course_app.core.db import db


def linked_identities(user: User, row) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(LinkedIdentity, IdentityProvider.label)
        .join(IdentityProvider, IdentityProvider.id == LinkedIdentity.provider_id)
        .where(LinkedIdentity.user_id == user.id)
        .order_by(LinkedIdentity.created_at, LinkedIdentity.id)
    ).all()
    return [
        row(
            provider=label,
            subject=link.subject,
            first_sign_in_at=link.created_at,
            last_sign_in_at=link.last_used_at,
        )
        for link, label in rows
    ]
