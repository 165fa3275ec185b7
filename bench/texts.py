"""Reflection texts of realistic length (median about 600 characters, a long tail up to the field's
limit) and the adversarial strings 2 % of them carry; the names of the municipalities, areas and people."""

from __future__ import annotations

import math
import random

from course_app.reflections.models import ANSWER_MAX_LENGTH

SENTENCES = (
    "I vores afdeling bruger vi allerede digitale værktøjer til vagtplanlægning.",
    "Filmen fik mig til at tænke over, hvordan jeg selv går forrest med nye løsninger.",
    "Det svære er ikke teknologien, men at få kollegerne med fra begyndelsen.",
    "Vi har talt om gevinstrealisering, men ingen har ansvaret for at følge op.",
    "Jeg vil prøve at inddrage medarbejderne tidligere, når vi indfører nye systemer.",
    "Borgerne forventer, at vi kan svare hurtigt og digitalt, også uden for åbningstid.",
    "Min rolle som leder er at skabe rum for at eksperimentere og lære af fejl.",
    "Vi mangler et fælles sprog om data, så beslutningerne bliver bedre.",
    "På sidste møde i ledergruppen delte vi erfaringer med robotter i administrationen.",
    "Det var tankevækkende, at modenheden varierer så meget mellem vores områder.",
    "Jeg tager spørgsmålet om datasikkerhed med til næste personalemøde.",
    "Kompetencehjulet viste, at jeg er stærkest i forandringsledelse og svagest i data.",
    "Vi kunne samarbejde med Glostrup om en fælles løsning til hjemmeplejen.",
    "Medarbejderne er positive, men de har brug for tid til at lære det nye system.",
    "Et konkret tiltag kunne være en digital tavle, hvor vi følger op hver uge.",
    "Jeg er blevet mere opmærksom på, hvordan jeg selv taler om digitalisering.",
)

# XSS payloads, spreadsheet formulas, right-to-left and zero-width characters, emoji.
ADVERSARIAL = (
    "<script>alert('xss')</script>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(document.cookie)>",
    "javascript:alert(1)",
    '"><iframe src="javascript:alert(1)"></iframe>',
    '=HYPERLINK("http://evil.example","klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\u202eTXT.exe\u202c højre-til-venstre",
    "skjult\u200b\u200c\u200dtekst\ufeff",
    "مرحبا بالعالم שלום",
    "Godt gået 🎉👍🏽 👨‍👩‍👧‍👦 ❤️",
    "{{ 7*7 }} {% raw %}",
    "'; DROP TABLE users; --",
)

MEDIAN_LENGTH = 600
ADVERSARIAL_SHARE = 0.02


def answer_length(rng: random.Random) -> int:
    """Log-normal around the median, capped at the field limit (a few leaders write essays)."""
    return min(ANSWER_MAX_LENGTH, max(20, int(rng.lognormvariate(math.log(MEDIAN_LENGTH), 0.8))))


def answer_text(rng: random.Random) -> tuple[str, bool]:
    """A reflection and whether it carries an adversarial string."""
    wanted = answer_length(rng)
    parts: list[str] = []
    length = 0
    while length < wanted:
        sentence = rng.choice(SENTENCES)
        parts.append(sentence)
        length += len(sentence) + 1
    adversarial = rng.random() < ADVERSARIAL_SHARE
    if adversarial:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(ADVERSARIAL))
    return " ".join(parts)[:ANSWER_MAX_LENGTH], adversarial


MUNICIPALITIES = (
    "Albertslund", "Glostrup", "Ballerup", "Brøndby", "Hvidovre", "Rødovre", "Herlev", "Gladsaxe",
    "Gentofte", "Lyngby-Taarbæk", "Furesø", "Egedal", "Høje-Taastrup", "Ishøj", "Vallensbæk",
    "Greve", "Solrød", "Køge", "Roskilde", "Lejre", "Frederikssund", "Halsnæs", "Hillerød",
    "Allerød", "Fredensborg", "Helsingør", "Gribskov", "Rudersdal", "Hørsholm", "Dragør", "Tårnby",
    "Frederiksberg", "Holbæk", "Kalundborg", "Odsherred", "Sorø", "Ringsted", "Slagelse",
    "Næstved", "Faxe", "Stevns", "Vordingborg", "Guldborgsund", "Lolland", "Odense", "Svendborg",
    "Nyborg", "Kerteminde", "Middelfart", "Assens",
)  # fmt: skip
AREAS = ("Børn og unge", "Social og sundhed", "By, kultur og miljø", "Administration")
FIRST_NAMES = (
    "Anne", "Mette", "Louise", "Sofie", "Hanne", "Birgitte", "Karin", "Camilla", "Maria", "Ida",
    "Lars", "Jens", "Peter", "Mads", "Søren", "Henrik", "Thomas", "Kasper", "Morten", "Ali",
)  # fmt: skip
LAST_NAMES = (
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Møller",
    "Hussein", "Østergaard", "Ærø", "Ågesen",
)  # fmt: skip
