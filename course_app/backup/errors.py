"""The one error the backup commands raise for what an operator can mend."""

from __future__ import annotations

from course_app.core.errors import ServiceError


class BackupRefused(ServiceError):
    """A backup or restore that cannot go on: a missing tool, a tampered or incomplete backup, a
    database that is not empty. The message (Danish) says what to do; the CLI prints it as ``Fejl: …``
    without a traceback."""
