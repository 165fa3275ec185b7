"""Accounts: creating people, checking passwords, signing in. No request needed."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from course_app.accounts.models import User
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError

MIN_PASSWORD_LENGTH = 10
# Checked against when the e-mail is unknown, so a wrong e-mail costs as much time as a wrong password.
_DUMMY_HASH_CACHE: dict[str, str] = {}


def normalise_email(email: str) -> str:
    """Lower-case and syntax-check an address; deliverability is not checked (no network here)."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ServiceError(f"Ugyldig e-mailadresse: {error}") from error
    return result.normalized.lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    *,
    email: str,
    name: str,
    password: str | None = None,
    organisation_id: int | None = None,
    area_id: int | None = None,
    locale: str = "da",
) -> User:
    email = normalise_email(email)
    if not name.strip():
        raise ServiceError("Skriv personens navn.")
    if find_user_by_email(email) is not None:
        raise ServiceError(f"Der findes allerede en bruger med e-mailen {email}.")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Adgangskoden skal være mindst {MIN_PASSWORD_LENGTH} tegn.")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password) if password else None,
        organisation_id=organisation_id,
        area_id=area_id,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same cost either way)."""
    user = find_user_by_email(email)
    if user is None or user.password_hash is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        dummy = _DUMMY_HASH_CACHE.setdefault(method, generate_password_hash("x", method=method))
        check_password_hash(dummy, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    user.last_sign_in_at = utcnow()
    return user


def load_user_from_session_id(session_id: str) -> User | None:
    """Flask-Login's loader: the id carries a session version so old cookies can be revoked."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def set_locale(user: User, locale: str) -> None:
    if locale not in ("da", "en"):
        raise ServiceError("Ukendt sprog.")
    user.locale = locale
