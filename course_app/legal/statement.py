"""The accessibility statement's facts, in the structure of the Digitaliseringsstyrelsen's WAS-Tool
(EU standard statement, implementing decision 2018/1523).

Keep it true: when a check is added to the browser tests, or a known problem is fixed, change the
lists below and ``STATEMENT_DATE``. The statement may only claim what the code and tests do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# When the statement was last written or reviewed against the code (at least once a year).
STATEMENT_DATE = dt.date(2026, 12, 5)

# Where people complain when the responsible body does not answer (Digitaliseringsstyrelsen, the
# enforcement body under lov om tilgængelighed af offentlige organers websteder og mobilapplikationer).
ENFORCEMENT_URL = (
    "https://digst.dk/digital-inklusion/webtilgaengelighed/oplever-du-ikke-tilgaengeligt-indhold/"
)


@dataclass(frozen=True)
class Problem:
    """A known non-conformity: what, which WCAG 2.1 success criteria, and what to do meanwhile."""

    what: object  # lazy strings
    criteria: str
    alternative: object


KNOWN_PROBLEMS = (
    Problem(
        _l(
            "Film fra YouTube og Vimeo vises i udbyderens afspiller. Om der er undertekster, og "
            "om afspilleren kan betjenes med tastatur og skærmlæser, afhænger af udbyderen og af "
            "den, der har lagt filmen op – ikke af platformen."
        ),
        "1.2.2, 1.2.3, 1.2.5, 2.1.1",
        _l(
            "Skriv til kontakten nedenfor, hvis du har brug for en udskrift eller en udgave med "
            "undertekster."
        ),
    ),
    Problem(
        _l(
            "Materialer, som redaktørerne lægger op (fx PDF-filer og præsentationer), bliver ikke "
            "kontrolleret for tilgængelighed, når de lægges op. De kan mangle overskrifter, "
            "tekstalternativer og en logisk læserækkefølge."
        ),
        "1.1.1, 1.3.1, 1.3.2, 2.4.2",
        _l("Skriv til kontakten nedenfor, så sender vi materialet i en tilgængelig form."),
    ),
    Problem(
        _l(
            "Tabeller i kursets tekster, som redaktørerne skriver, får ingen billedtekst, og "
            "platformen kan ikke sikre, at overskrifternes niveauer og linkteksterne giver mening "
            "uden for sammenhængen."
        ),
        "1.3.1, 2.4.4, 2.4.6",
        _l("Redaktørerne gennemgår teksterne, når kurset ændres."),
    ),
)

# What the automated checks cannot prove (and so this statement does not claim).
NOT_PROVEN = (
    _l("at tekstalternativer, linktekster og overskrifter er meningsfulde – kun at de findes"),
    _l("at eksterne film har korrekte undertekster og synstolkning"),
    _l("at sproget er klart og let at forstå"),
    _l(
        "at rækkefølgen ved tastaturbetjening er logisk på alle sider (det er testet for "
        "linket “Gå til indhold” og log ind)"
    ),
    _l("at fokus altid er tydeligt synligt"),
    _l("at siderne fungerer med skærmlæsere som JAWS, NVDA og VoiceOver"),
    _l("at indholdet kan forstørres til 400 procent uden tab af indhold på alle sider"),
    _l("at uploadede dokumenter og videoer er tilgængelige"),
    _l(
        "at sider, man ikke når ved at følge links i demoens data – fx sider fra links i e-mails, "
        "formularer med fejl og meget lange navne og tekster – overholder alle regler; de vigtigste "
        "af dem testes hver for sig"
    ),
)
