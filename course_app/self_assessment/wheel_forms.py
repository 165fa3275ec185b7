"""The wheel page's reflections form: one text area and one hidden version per prompt, named after
the prompt's key (``refleksion-<key>-text``, ``refleksion-<key>-version``), in one form with one
button and CSRF. (A name ending in "text" is what the CSRF error page gives back, so a text is
not lost even there.)"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SubmitField, TextAreaField

from course_app.core.forms import BaseForm
from course_app.core.text import strip_control_characters
from course_app.self_assessment.wheel_reflections import Posted, Prompt

PREFIX = "refleksion-"
TEXT_SUFFIX = "-text"
VERSION_SUFFIX = "-version"
_VERSION_DIGITS = 10


def text_name(key: str) -> str:
    return f"{PREFIX}{key}{TEXT_SUFFIX}"


def version_name(key: str) -> str:
    return f"{PREFIX}{key}{VERSION_SUFFIX}"


class ReflectionsForm(BaseForm):
    """The fields per prompt are added by ``reflections_form``."""

    save = SubmitField(_l("Gem dine refleksioner"))

    def text_field(self, key: str) -> TextAreaField:
        return self[text_name(key)]

    def version_field(self, key: str) -> HiddenField:
        return self[version_name(key)]


def reflections_form(prompts: Iterable[Prompt], **kwargs: Any) -> ReflectionsForm:
    """The form for ``prompts`` (read from the request when posted, unless ``formdata=None``)."""

    class Form(ReflectionsForm):
        pass

    for prompt in prompts:
        setattr(Form, text_name(prompt.key), TextAreaField(prompt.text))
        setattr(Form, version_name(prompt.key), HiddenField())
    return Form(**kwargs)


def seen_version(value: object) -> int | None:
    """A posted version, or None when absent or not a (short) number."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > _VERSION_DIGITS:
        return None
    return int(text)


def posted_reflections(formdata: Mapping[str, str]) -> dict[str, Posted]:
    """Every ``refleksion-<key>-text`` the request posted, also of keys the page does not have (the
    service refuses those), with its version; control characters dropped as every form does."""
    posted = {}
    for name, value in formdata.items():
        if name.startswith(PREFIX) and name.endswith(TEXT_SUFFIX):
            key = name[len(PREFIX) : -len(TEXT_SUFFIX)]
            posted[key] = Posted(
                str(strip_control_characters(value)),
                seen_version(formdata.get(version_name(key))),
            )
    return posted
