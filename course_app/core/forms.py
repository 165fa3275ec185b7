"""Form pieces shared by several blueprints."""

from flask_wtf import FlaskForm


class ButtonForm(FlaskForm):
    """A form with no fields: a bare button still goes through CSRF protection."""
