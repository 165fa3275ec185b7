"""Texts the self-assessment's pages show (Danish message ids, English in the catalogue), and how
they show plain text: in the page's language (``language``), in paragraphs (``paragraphs``).

``ANONYMITY_TEXT`` is what "anonym" means here, in plain words, for the first page of the
assessment; it must say what docs/privacy.md ("Kompetencehjulet: hvad 'anonym' betyder her") says.
"""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from course_app.core.i18n import locale_name
from course_app.self_assessment.models import MeasurementPoint

_BLANK_LINES = re.compile(r"\n\s*\n")


def language() -> str:
    """The language the page is shown in ("da" or "en": the signed-in person's choice)."""
    return locale_name()


def paragraphs(text: str) -> tuple[str, ...]:
    """Plain text (an assessment's intro or outro) as paragraphs, split at blank lines, for the
    template to escape."""
    text = text.replace("\r\n", "\n").strip()
    return tuple(part.strip() for part in _BLANK_LINES.split(text) if part.strip())


def _anonymity_text() -> str:
    return gettext(
        "Dine svar er anonyme. Vi gemmer dem adskilt fra dit navn: ét sted står kun, at du er "
        "startet på og har gennemført en måling (så vi kan minde dig om den), et andet sted står dine svar under en "
        "kode, som kun platformen kan regne ud med en nøgle, der ikke ligger i databasen. Ingen "
        "administrator, koordinator, mødeleder eller kollega kan se dine svar, og ingen side, rapport "
        "eller eksport viser dem. Kun du ser dit eget hjul. Andre ser kun gennemsnit for mindst "
        "%(k)d personer, og tal, der kunne afsløre en enkelt, bliver skjult. Vi gemmer kun datoen for "
        "dine svar, ikke klokkeslættet. Den, der driver platformen og har nøglen, kan teknisk set "
        "finde dine svar, men gør det kun for at vise dig dem eller udlevere dem til dig, og sletter "
        "vi dine data, kan heller ikke nøglen længere føre til dem.",
        k=current_app.config["ASSESSMENT_MIN_GROUP"],
    )


# Lazy: translated, and k read from the configuration, where it is shown.
ANONYMITY_TEXT = LazyString(_anonymity_text)

POINT_LABELS = {
    MeasurementPoint.START: _l("Startmåling"),
    MeasurementPoint.END: _l("Slutmåling"),
    MeasurementPoint.ADHOC: _l("Løbende måling"),
}

# The wheel page's private reflection prompts when the assessment's file names none (the
# programme's three questions, as in the course module "Mine digitale kompetencer"): stable keys,
# which saved reflections point at, and the Danish text (English in the catalogue).
DEFAULT_REFLECTION_PROMPTS = (
    ("vigtige", _l("Hvilke digitale kompetencer er vigtige på dit område?")),
    ("ikke-vigtige", _l("Hvilke digitale kompetencer er ikke vigtige på dit område?")),
    (
        "styrke",
        _l("Hvad skal der til for at styrke de kompetencer, der er vigtigst på dit område?"),
    ),
)

REFLECTIONS_PRIVATE_TEXT = _l("Dine svar her er private. Kun du kan se dem.")

# How the wheel draws each dimension and each measurement, in words beside the legend's swatches
# (in the order of assessments/wheel.py DIMENSION_STYLES and SERIES_STYLES): the legend then tells
# them apart in print, without colour and without seeing the swatch.
DIMENSION_LOOKS = (
    _l("hel linje, runde mærker"),
    _l("stiplet linje, firkantede mærker"),
    _l("prikket linje, trekantede mærker"),
)
SERIES_LOOKS = (
    _l("tynd linje, hule mærker"),
    _l("tyk linje, udfyldte mærker"),
    _l("tynd linje, mærker med en prik"),
    _l("tyk linje, hule mærker"),
    _l("tynd linje, udfyldte mærker"),
    _l("tyk linje, mærker med en prik"),
)
