"""What a new password must be (NIST SP 800-63B, 5.1.1): at least ``MIN_LENGTH`` characters, at most
``MAX_LENGTH``, and not one of the common passwords shipped in ``common_passwords.txt`` (compared in
lower case; ``tools/make_common_passwords.py`` makes the list). No composition rules: any character
counts, spaces too, so a sentence makes a good password.

Hashing: ``PASSWORD_HASH_METHOD`` (scrypt; a cheap method where TESTING is on, see tests/conftest.py).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from flask_babel import lazy_gettext as _l

from course_app.core.errors import ServiceError

MIN_LENGTH = 12
MAX_LENGTH = 256
_LIST = "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower case (read once per process)."""
    text = resources.files(__package__).joinpath(_LIST).read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()


def check_new_password(password: str) -> None:
    """Raise ServiceError (in plain Danish, translated on display) when ``password`` may not be
    chosen; the message never repeats the password."""
    if len(password) < MIN_LENGTH:
        raise ServiceError(_l("Adgangskoden skal være mindst %(length)s tegn.", length=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise ServiceError(_l("Adgangskoden må højst være %(length)s tegn.", length=MAX_LENGTH))
    if is_common(password):
        raise ServiceError(
            _l(
                "Den adgangskode er for almindelig og let at gætte. Vælg en anden, "
                "fx en sætning på nogle ord, som kun du kender."
            )
        )
