"""DKFDS icons from the sprite the app serves (static/dkfds/img/all-svg-icons.svg); decorative.

A template global, not a macro: the layout shows three on every page, and a macro call costs a new
template context each time, while the markup of one icon never changes once its address is known.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, url_for
from markupsafe import Markup

SPRITE = "dkfds/img/all-svg-icons.svg"


def icon(name: str, classes: str = "") -> Markup:
    """``<svg>`` for the sprite's icon ``name`` (e.g. "error"), with extra CSS ``classes``."""
    return _icon(url_for("static", filename=SPRITE), name, classes)


@lru_cache(maxsize=256)
def _icon(sprite: str, name: str, classes: str) -> Markup:
    return Markup(
        '<svg class="icon-svg{}" focusable="false" aria-hidden="true"><use href="{}#{}"></use></svg>'
    ).format(f" {classes}" if classes else "", sprite, name)


def configure_icons(app: Flask) -> None:
    app.jinja_env.globals["icon"] = icon
