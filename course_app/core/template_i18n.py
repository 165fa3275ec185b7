"""Templates' ``_``, ``gettext``, ``ngettext``, ``pgettext`` and ``npgettext``: Jinja's new-style
gettext (the translation is always formatted with the call's keyword arguments, and HTML-escaped
where the template escapes), each in one call.

Jinja's own new-style functions reach the catalogue through three calls via the template context
for every string (the ``_`` alias, the new-style wrapper, the lookup), and a page translates thirty
to sixty strings: a sixth of the dashboard's rendering. Here one function does the work, and a text
without variables is translated, escaped and formatted once per language, then only looked up.
"""

from __future__ import annotations

from babel.support import NullTranslations, Translations
from flask import Flask
from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from course_app.core.i18n import locale_name

# A bound on the texts kept ready per language: the templates hold a few thousand; a template that
# translated text from the database (none does) must not make the process grow without end.
_MOST_READY_TEXTS = 20_000


class TemplateCatalogue:
    """One language's catalogue and its texts made ready for a page (the catalogue files do not
    change while the process runs)."""

    __slots__ = ("_ready", "catalogue")

    def __init__(self, catalogue: Translations | NullTranslations) -> None:
        self.catalogue = catalogue
        self._ready: dict[tuple[str, bool], str] = {}

    def text(self, string: str, autoescape: bool) -> str:
        """``string`` translated and formatted without variables ("100 %%" reads "100 %")."""
        ready = self._ready.get((string, autoescape))
        if ready is None:
            ready = _formatted(self.catalogue.ugettext(string), autoescape, {})
            if len(self._ready) < _MOST_READY_TEXTS:
                self._ready[(string, autoescape)] = ready
        return ready


_catalogues: dict[str, TemplateCatalogue] = {}


def current_catalogue() -> TemplateCatalogue:
    """The current locale's catalogue: one copy per locale for the life of the process."""
    key = locale_name()
    catalogue = _catalogues.get(key)
    if catalogue is None:
        catalogue = _catalogues[key] = TemplateCatalogue(get_translations())
    return catalogue


_PAGE_CATALOGUE = "course_app_catalogue"


def _page_catalogue(context: Context) -> TemplateCatalogue:
    """The catalogue a page's rendering looked up once, or the current one where the context has
    none (a macro imported without context)."""
    catalogue = context.get(_PAGE_CATALOGUE)
    return catalogue if catalogue is not None else current_catalogue()


def _formatted(translated: str, autoescape: bool, variables: dict) -> str:
    # The catalogue is ours and its texts are plain (Jinja's new-style gettext does the same).
    return (Markup(translated) if autoescape else translated) % variables  # noqa: S704


@pass_context
def template_gettext(context: Context, string: str, /, **variables) -> str:
    page = _page_catalogue(context)
    if not variables:
        return page.text(string, context.eval_ctx.autoescape)
    return _formatted(page.catalogue.ugettext(string), context.eval_ctx.autoescape, variables)


@pass_context
def template_ngettext(context: Context, singular: str, plural: str, n: int, /, **variables) -> str:
    variables.setdefault("num", n)
    translated = _page_catalogue(context).catalogue.ungettext(singular, plural, n)
    return _formatted(translated, context.eval_ctx.autoescape, variables)


@pass_context
def template_pgettext(context: Context, message_context: str, string: str, /, **variables) -> str:
    variables.setdefault("context", message_context)
    translated = _page_catalogue(context).catalogue.upgettext(message_context, string)
    return _formatted(translated, context.eval_ctx.autoescape, variables)


@pass_context
def template_npgettext(
    context: Context, message_context: str, singular: str, plural: str, n: int, /, **variables
) -> str:
    variables.setdefault("context", message_context)
    variables.setdefault("num", n)
    translated = _page_catalogue(context).catalogue.unpgettext(message_context, singular, plural, n)
    return _formatted(translated, context.eval_ctx.autoescape, variables)


def install_template_gettext(app: Flask) -> None:
    """In place of the callables Flask-Babel installs (``{% trans %}`` blocks stay new-style)."""
    app.context_processor(lambda: {_PAGE_CATALOGUE: current_catalogue()})
    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]
    app.jinja_env.globals.update(
        _=template_gettext,
        gettext=template_gettext,
        ngettext=template_ngettext,
        pgettext=template_pgettext,
        npgettext=template_npgettext,
    )
