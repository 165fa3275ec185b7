"""People who sign in. A person is deactivated, never deleted: their learning history stays intact."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from course_app.core.db import Base, UTCDateTime, utcnow


class User(Base):
    __tablename__ = "users"
    # An organisation's people by id from the index alone (an index-only scan): counting or joining
    # them then reads no row of the table, whose rows lie far apart once it is large.
    __table_args__ = (Index("ix_users_organisation_id_id", "organisation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="da")
    # Each person belongs to one organisation; platform staff (e.g. the course team) may have none.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("areas.id", ondelete="RESTRICT"), index=True
    )
    # Raised on sign-out everywhere and password change: older session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Set by the one-click unsubscribe: no more reminders; service e-mails still come.
    reminders_stopped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class SingleUseToken:
    """The columns of a single-use, expiring link sent by e-mail: only a hash of its token is
    stored, and ``used_at`` is set once, when it is used."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Invitation(SingleUseToken, Base):
    """A link to choose a password."""

    __tablename__ = "invitations"


class SignInLink(SingleUseToken, Base):
    """A link in an e-mail that signs a leader in (only when the operator turns them on, and never
    for staff roles)."""

    __tablename__ = "sign_in_links"


class SignInFailure(Base):
    """One failed sign-in, counted by accounts/throttle.py per account and per client address.

    ``key`` is a keyed hash of the e-mail typed or of the address, never the text itself: e-mails
    that strangers type are not kept. Rows older than the window are deleted as new ones come in.
    """

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_scope_key_failed_at", "scope", "key", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # "account" or "address"
    key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class PasswordReset(SingleUseToken, Base):
    """A "Glemt adgangskode" link: lets its person choose a new password (``PASSWORD_RESET_HOURS``)."""

    __tablename__ = "password_resets"
