"""Forms of the sign-in settings (``admin/sign_in_views.py``). They carry what the admin typed; the
rules live in ``accounts/identity_admin.py`` and their messages are shown at the fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField

from course_app.core.forms import BaseForm


class ProviderForm(BaseForm):
    organisation = SelectField(_l("Organisation"), coerce=str)
    slug = StringField(
        _l("Adressenavn"),
        description=_l(
            "Bruges i adressen /log-ind/med/<navn> og i navnet på klienthemmeligheden. "
            "Kan ikke ændres senere."
        ),
    )
    label = StringField(
        _l("Knappens tekst"), description=_l("Fx »Log ind med Albertslund Kommune«.")
    )
    issuer = StringField(
        _l("Issuer-adresse"),
        description=_l(
            "Udbyderens issuer, fx https://login.microsoftonline.com/<tenant-id>/v2.0 "
            "for Microsoft Entra ID."
        ),
    )
    client_id = StringField(_l("Klient-id"))
    domains = TextAreaField(
        _l("E-maildomæner"),
        description=_l(
            "De domæner, udbyderen svarer for, adskilt af komma, fx »albertslund.dk«. "
            "Kun personer med en bekræftet adresse i et af dem kan logge ind."
        ),
    )
    active = BooleanField(_l("Aktiv: vis knappen på log-ind-siden"), default=True)
    save = SubmitField(_l("Gem"))


class PolicyForm(BaseForm):
    passwords_allowed = BooleanField(_l("Log ind med e-mail og adgangskode er tilladt"))
    create_on_first_sign_in = BooleanField(
        _l("Opret ukendte personer som ledere, første gang de logger ind via udbyderen")
    )
    save = SubmitField(_l("Gem log-ind-politik"))
