"""A course's uploaded material (slides, handbook, images, films).

The file lives in the storage folder under ``stored_name``, a random server-side name that is never
derived from what the uploader sent; ``original_filename`` (sanitised) is only shown and offered as
the download name. Deleting is soft (``deleted_at``) so the audit log and history keep their object;
the file itself is removed from storage.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.accounts.models import User
from course_app.core.db import Base, UTCDateTime, utcnow
from course_app.courses.models import Course


class Resource(Base):
    __tablename__ = "resources"
    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="size_positive"),
        CheckConstraint("length(stored_name) = 32", name="stored_name_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    # Detected from the file's content, never taken from the upload request.
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    # None: brought in from course files by the command line (``course-app courses import``).
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    course: Mapped[Course] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
