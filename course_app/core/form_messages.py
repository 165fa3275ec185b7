"""WTForms' own messages in the person's language. WTForms ships no Danish catalogue, so a message of
its own (a validator or field without a message of ours) would reach a Danish page in English. Every
message WTForms can give (its ``wtforms.pot``) has a Danish message id here, translated like the rest
of the interface; ``BaseForm`` (``core/forms.py``) gives WTForms this as its translations.
"""

from __future__ import annotations

from flask_babel import get_translations


def N_(message: str) -> str:
    return message


# WTForms' message (its English msgid) → ours (a Danish msgid of our catalogue).
MESSAGES = {
    "Invalid field name '%s'.": N_("Ugyldigt feltnavn '%s'."),
    "Field must be equal to %(other_name)s.": N_("Feltet skal være det samme som %(other_name)s."),
    "Field must be between %(min)d and %(max)d characters long.": (
        N_("Skriv mellem %(min)d og %(max)d tegn.")
    ),
    "Number must be at least %(min)s.": N_("Skriv et tal på mindst %(min)s."),
    "Number must be at most %(max)s.": N_("Skriv et tal på højst %(max)s."),
    "Number must be between %(min)s and %(max)s.": N_("Skriv et tal mellem %(min)s og %(max)s."),
    "Date must be at least %(min)s.": N_("Vælg en dato, der ikke er før %(min)s."),
    "Date must be at most %(max)s.": N_("Vælg en dato, der ikke er efter %(max)s."),
    "Date must be between %(min)s and %(max)s.": N_("Vælg en dato mellem %(min)s og %(max)s."),
    "This field is required.": N_("Udfyld feltet."),
    "Invalid input.": N_("Feltet er ikke udfyldt rigtigt."),
    "Invalid email address.": N_("Skriv en gyldig e-mailadresse."),
    "Invalid IP address.": N_("Skriv en gyldig IP-adresse."),
    "Invalid Mac address.": N_("Skriv en gyldig MAC-adresse."),
    "Invalid URL.": N_("Skriv en gyldig adresse (URL)."),
    "Invalid UUID.": N_("Skriv et gyldigt UUID."),
    "Invalid value, must be one of: %(values)s.": N_("Vælg en af disse værdier: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": N_(
        "Værdien må ikke være nogen af disse: %(values)s."
    ),
    "This field cannot be edited.": N_("Feltet kan ikke ændres."),
    "This field is disabled and cannot have a value.": N_(
        "Feltet er slået fra og kan ikke have en værdi."
    ),
    "Invalid CSRF Token.": N_("Formularen er udløbet. Indlæs siden igen, og prøv en gang til."),
    "CSRF token missing.": N_("Formularen er udløbet. Indlæs siden igen, og prøv en gang til."),
    "CSRF failed.": N_("Formularen er udløbet. Indlæs siden igen, og prøv en gang til."),
    "CSRF token expired.": N_("Formularen er udløbet. Indlæs siden igen, og prøv en gang til."),
    "Invalid Choice: could not coerce.": N_("Vælg en af mulighederne på listen."),
    "Choices cannot be None.": N_("Vælg en af mulighederne på listen."),
    "Not a valid choice.": N_("Vælg en af mulighederne på listen."),
    "Invalid choice(s): one or more data inputs could not be coerced.": (
        N_("Vælg kun muligheder fra listen.")
    ),
    "Not a valid datetime value.": N_("Skriv et gyldigt tidspunkt."),
    "Not a valid date value.": N_("Skriv en gyldig dato."),
    "Not a valid time value.": N_("Skriv et gyldigt klokkeslæt."),
    "Not a valid week value.": N_("Skriv en gyldig uge."),
    "Not a valid integer value.": N_("Skriv et helt tal."),
    "Not a valid decimal value.": N_("Skriv et tal."),
    "Not a valid float value.": N_("Skriv et tal."),
}

# (singular, plural) → ours.
PLURAL_MESSAGES = {
    (
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
    ): N_("Skriv mindst %(min)d tegn."),
    (
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
    ): N_("Skriv højst %(max)d tegn."),
    (
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
    ): N_("Skriv præcis %(max)d tegn."),
    (
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
    ): N_("Vælg kun muligheder fra listen."),
}


class FormTranslations:
    """What WTForms asks for (``gettext``/``ngettext`` of its English msgids), answered with our
    Danish ids in the person's language. WTForms formats the result itself, so the placeholders stay
    (the catalogue is read without Flask-Babel's formatting); an id we do not know (a newer WTForms)
    is passed on as it is. Danish says "tegn" for one and many, so plurals need one text."""

    def gettext(self, string: str) -> str:
        ours = MESSAGES.get(string)
        return string if ours is None else get_translations().ugettext(ours)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        ours = PLURAL_MESSAGES.get((singular, plural))
        if ours is None:
            return singular if n == 1 else plural
        return get_translations().ugettext(ours)


translations = FormTranslations()
