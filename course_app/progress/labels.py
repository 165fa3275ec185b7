"""How a progress state reads: the label (pages and CSV files) and the badge the pages show."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from course_app.core.i18n import locale_name
from course_app.progress.models import ProgressState

STATE_LABELS = {
    ProgressState.NOT_STARTED: _l("Ikke startet"),
    ProgressState.IN_PROGRESS: _l("I gang"),
    ProgressState.DONE: _l("Færdig"),
}

# The DKFDS badge variant beside the app's own state class (templates and tests select on the latter).
_VARIANTS = {
    ProgressState.NOT_STARTED: "",
    ProgressState.IN_PROGRESS: "badge-warning ",
    ProgressState.DONE: "badge-success ",
}

_badges: dict[str, dict[ProgressState, Markup]] = {}


def state_badges() -> dict[ProgressState, Markup]:
    """Each state as the badge the pages show, in the current language. A group dashboard shows
    over a hundred, so the three snippets are made once per language and then only looked up."""
    key = locale_name()
    badges = _badges.get(key)
    if badges is None:
        badges = _badges[key] = {
            state: Markup('<span class="badge {}badge-{}">{}</span>').format(
                _VARIANTS[state], state.value.replace("_", "-"), str(label)
            )
            for state, label in STATE_LABELS.items()
        }
    return badges


def badge_context() -> dict[str, object]:
    """Template context: ``state_badge(state)``, bound to this render's language."""
    return {"state_badge": state_badges().__getitem__}
