"""The competence wheel's blueprint: every views module of the package adds its routes to ``bp``
(``views.py`` imports them all, so registering the blueprint brings every route)."""

from flask import Blueprint

bp = Blueprint("self_assessment", __name__)
