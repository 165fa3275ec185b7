"""The workshops blueprint: one object that every views module of the package adds its routes to
(``views.py`` imports them all, so registering the blueprint brings every route)."""

from flask import Blueprint

bp = Blueprint("workshops", __name__)
