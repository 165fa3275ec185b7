"""Registers every admin route: importing this module imports the view modules that attach to ``bp``."""

from course_app.admin import home_views  # noqa: F401 - registers routes
from course_app.admin.blueprint import bp

__all__ = ["bp"]
