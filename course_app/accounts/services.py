"""Accounts: creating people, checking passwords, signing in. No request needed."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from course_app.accounts.models import User
from course_app.accounts.passwords import check_new_password
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError


class WrongPassword(ServiceError):
    """The current password given to confirm a change is not the person's."""


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
    if password is not None:
        check_new_password(password)
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
    if not password_matches(user, password) or user is None or not user.is_active:
        return None
    user.last_sign_in_at = utcnow()
    return user


def password_matches(user: User | None, password: str) -> bool:
    """Whether ``password`` is the person's; as costly without a person or password (a dummy hash
    is checked then), so the time taken does not tell whether an e-mail is known."""
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return check_password_hash(user.password_hash, password)


def _dummy_hash(method: str) -> str:
    """What an unknown e-mail's password is checked against: one key derivation from the method,
    salt and password, as for a real hash. It is written, not generated (generating it on first
    use made the first unknown e-mail cost two hashes), and no password matches it."""
    return f"{method}${'0' * 16}${'0' * 64}"


def set_password(user: User, password: str) -> None:
    """Give the person a new password (checked against the rules) and end every session of theirs
    (the caller signs the current browser in again when it should stay signed in)."""
    check_new_password(password)
    user.password_hash = hash_password(password)
    end_all_sessions(user)


def change_password(user: User, current: str, new: str) -> None:
    """The person's own change: the current password first, then the new one's rules."""
    if not password_matches(user, current):
        raise WrongPassword(_l("Din nuværende adgangskode er ikke rigtig. Prøv igen."))
    if current == new:
        raise ServiceError(_l("Den nye adgangskode skal være en anden end den nuværende."))
    set_password(user, new)


def end_all_sessions(user: User) -> None:
    """Every session of the person stops working (their cookies carry the old version)."""
    user.session_version += 1
    db.session.flush()


def parse_session_id(session_id: str) -> tuple[int, int] | None:
    """The person's id and session version from Flask-Login's id (``User.get_id``), or None."""
    user_id, _, version = session_id.partition(":")
    if not (user_id + version).isascii() or not user_id.isdigit() or not version.isdigit():
        return None
    return int(user_id), int(version)


def session_is_current(user: User | None, version: int) -> bool:
    """Whether a session of this version still works: not revoked since, the person not deactivated."""
    return user is not None and user.session_version == version and user.is_active


def load_user_from_session_id(session_id: str) -> User | None:
    """The person a session id names: the id carries a session version so old cookies can be
    revoked. (The app's Flask-Login loader, ``organisations.access.load_signed_in_user``, reads her
    roles in the same query and checks the version the same way.)"""
    parsed = parse_session_id(session_id)
    if parsed is None:
        return None
    user_id, version = parsed
    user = db.session.get(User, user_id)
    return user if session_is_current(user, version) else None


def set_locale(user: User, locale: str) -> None:
    if locale not in ("da", "en"):
        raise ServiceError("Ukendt sprog.")
    user.locale = locale
