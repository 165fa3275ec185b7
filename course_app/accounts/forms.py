from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from course_app.core.forms import BaseForm
from course_app.core.i18n import LOCALE_NAMES


class SignInForm(BaseForm):
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


class LanguageForm(BaseForm):
    language = SelectField(_l("Sprog"), choices=list(LOCALE_NAMES))
    next = HiddenField()


class ChoosePasswordForm(BaseForm):
    # Its length and the common-password list are checked by accounts/passwords.py, with Danish
    # messages (a form limit would answer in English).
    password = PasswordField(
        _l("Ny adgangskode"),
        validators=[DataRequired(_l("Skriv en adgangskode."))],
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


class ChangePasswordForm(ChoosePasswordForm):
    current = PasswordField(
        _l("Nuværende adgangskode"),
        validators=[
            DataRequired(_l("Skriv din nuværende adgangskode.")),
            Length(max=1024, message=_l("Din nuværende adgangskode er ikke rigtig. Prøv igen.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Skriv din e-mailadresse.")),
            Length(max=254, message=_l("En e-mailadresse er højst 254 tegn.")),
        ],
        render_kw={"autocomplete": "username"},
    )
