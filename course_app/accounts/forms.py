from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from course_app.core.i18n import LOCALE_NAMES


class SignInForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Skriv din e-mailadresse.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Adgangskode"),
        validators=[DataRequired(_l("Skriv din adgangskode.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class LanguageForm(FlaskForm):
    language = SelectField(_l("Sprog"), choices=list(LOCALE_NAMES))
    next = HiddenField()


class ChoosePasswordForm(FlaskForm):
    password = PasswordField(
        _l("Ny adgangskode"),
        validators=[DataRequired(_l("Skriv en adgangskode.")), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Gentag adgangskoden"),
        validators=[
            DataRequired(_l("Skriv adgangskoden igen.")),
            EqualTo("password", _l("De to adgangskoder er ikke ens.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
