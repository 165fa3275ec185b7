"""Form pieces shared by several blueprints, and the base every form of the app derives from."""

from flask_wtf import FlaskForm
from wtforms import StringField

from course_app.core.text import strip_control_characters


class BaseForm(FlaskForm):
    """Every form of the app. Its text fields (``StringField`` and its kinds: text areas, hidden,
    password, e-mail fields) drop NUL and the other C0/C1 control characters as they read what was
    posted; tab and line breaks stay (a one-line field's own checks refuse line breaks where they
    matter). In one place, so no form can forget it: PostgreSQL refuses NUL (a 500 that lost the
    typed text), and nobody types these characters on purpose, so dropping them is kinder than
    refusing a long answer for an invisible character.

    A form whose service checks control characters itself, with a message that names the field
    (round names, dates, sender names, events), keeps them for that check:
    ``Meta.strip_control_characters = False``.
    """

    class Meta(FlaskForm.Meta):
        strip_control_characters = True

        def bind_field(self, form, unbound_field, options):
            if self.strip_control_characters and issubclass(unbound_field.field_class, StringField):
                filters = options.get("filters") or unbound_field.kwargs.get("filters") or ()
                options["filters"] = (strip_control_characters, *filters)
            return super().bind_field(form, unbound_field, options)


class ButtonForm(BaseForm):
    """A form with no fields: a bare button still goes through CSRF protection."""
