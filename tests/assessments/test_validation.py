"""Bad assessment files: every problem with file and line, all of them at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course_app.assessments.file_reader import read_assessment_dir
from course_app.assessments.file_schema import ASSESSMENT_FILE

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE = FIXTURES / "mini"
# Every optional key: films before and after, reflection prompts.
FULL = FIXTURES / "full"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "mini"))


@pytest.fixture
def full(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FULL, tmp_path / "full"))


def problems_after(folder: Path, *edits: tuple[str, str]) -> list[str]:
    path = folder / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    data, problems = read_assessment_dir(folder)
    assert (data is None) == bool(problems)
    return [str(problem) for problem in problems]


CASES = {
    "duplicate item id": (
        [("id: samarbejde-faerdigheder-1", "id: opgaver-viden-1")],
        [
            "mini/assessment.yml:53: Id'et »opgaver-viden-1« bruges allerede af et andet udsagn "
            "(i mini/assessment.yml:41). Giv denne et nyt id.",
        ],
    ),
    "duplicate area id": (
        [("  - id: samarbejde\n", "  - id: opgaver\n"), ("area: samarbejde", "area: opgaver")],
        [
            "mini/assessment.yml:37: Id'et »opgaver« bruges allerede af et andet område (i "
            "mini/assessment.yml:33). Giv denne et nyt id.",
        ],
    ),
    "unknown dimension": (
        [("dimension: approach", "dimension: tilgang")],
        [
            "mini/assessment.yml:50: »dimension« er ikke en kendt dimension (der står »tilgang«): "
            "skriv knowledge (viden), skills (færdigheder) eller approach (tilgang).",
        ],
    ),
    "unknown area": (
        [("    area: samarbejde", "    area: samarbjede")],
        [
            "mini/assessment.yml:54: Området »samarbjede« findes ikke. Skriv det under »areas«, "
            "eller ret id'et.",
            "mini/assessment.yml:37: Området »samarbejde« har ingen udsagn. Giv det nogle, eller "
            "fjern det.",
        ],
    ),
    "missing Danish text": (
        [("      da: Jeg kan dele dokumenter.\n", "")],
        [
            "mini/assessment.yml:56: Nøglen »da« mangler i »text«. Tilføj den.",
        ],
    ),
    "missing title": (
        [("  - id: samarbejde\n    title:\n      da: Samarbejde\n", "  - id: samarbejde\n")],
        [
            "mini/assessment.yml:37: Nøglen »title« mangler i området. Tilføj den.",
        ],
    ),
    "empty text": (
        [("      da: Jeg ved, hvordan vi arbejder.", '      da: " "')],
        [
            "mini/assessment.yml:45: »da« skal være en tekst, der ikke er tom (der står » «).",
        ],
    ),
    "text not a language mapping": (
        [
            (
                "    text:\n      da: Jeg kan dele dokumenter.\n      en: I can share documents.\n",
                "    text: Jeg kan dele dokumenter.\n",
            )
        ],
        [
            "mini/assessment.yml:56: Skriv »text« som linjer med »nøgle: værdi« (der står »Jeg "
            "kan dele dokumenter.«).",
        ],
    ),
    "unknown language": (
        [("        en: Completely\n", "        de: Völlig\n")],
        [
            "mini/assessment.yml:31: Ukendt nøgle »de« i »label«. Ret den, eller fjern den. "
            "Tilladte nøgler: da, en.",
        ],
    ),
    "unknown key": (
        [("demo_model: true\n", "demo_model: true\nversion: 2\n")],
        [
            "mini/assessment.yml:6: Ukendt nøgle »version« i assessment.yml. Ret den, eller fjern "
            "den. Tilladte nøgler: format, id, title, demo_model, label, intro, intro_video, "
            "outro, outro_video, reflections, scale, areas, items.",
        ],
    ),
    "min not below max": (
        [("  min: 1\n  max: 3", "  min: 3\n  max: 3")],
        [
            "mini/assessment.yml:19: »max« skal være større end »min« (3).",
        ],
    ),
    "a point without a label": (
        [("  max: 3", "  max: 4")],
        [
            "mini/assessment.yml:20: Værdien 4 har ingen tekst. Hvert punkt på skalaen skal have "
            "en.",
        ],
    ),
    "a label outside the scale": (
        [("    - value: 3", "    - value: 7")],
        [
            "mini/assessment.yml:28: Værdien 7 ligger uden for skalaen (1–3).",
            "mini/assessment.yml:20: Værdien 3 har ingen tekst. Hvert punkt på skalaen skal have "
            "en.",
        ],
    ),
    "two labels for one point": (
        [("    - value: 3", "    - value: 2")],
        [
            "mini/assessment.yml:28: Værdien 2 har allerede en tekst (linje 25). Fjern den ene.",
            "mini/assessment.yml:20: Værdien 3 har ingen tekst. Hvert punkt på skalaen skal have "
            "en.",
        ],
    ),
    "a demo model without its label": (
        [
            (
                "label:\n  da: Testmodel – ikke et rigtigt værktøj\n  en: Test model – not a real tool\n",
                "",
            )
        ],
        [
            "mini/assessment.yml:5: En demomodel skal have en »label«, der siger, hvis model det "
            "er (fx platformens egen demomodel, ikke det oprindelige værktøj).",
        ],
    ),
    "bad goal id": (
        [("goals: [lm-motivation, lm-rollemodel]", "goals: [lm-motivation, Rollemodel]")],
        [
            "mini/assessment.yml:47: Læringsmålets id må kun have små bogstaver fra a til z (ikke "
            "æ, ø og å), tal og bindestreger, skal begynde med et bogstav eller et tal og må "
            "højst være 63 tegn lang (der står »Rollemodel«).",
        ],
    ),
    "an alias": (
        [
            (
                "  - id: samarbejde\n    title:\n      da: Samarbejde\n",
                "  - id: samarbejde\n    title: *x\n",
            ),
            ("  - id: opgaver\n    title:\n", "  - id: opgaver\n    title: &x\n"),
        ],
        [
            "mini/assessment.yml:38: YAML-aliaser (*x) kan ikke bruges her. Skriv værdien helt ud "
            "i stedet.",
        ],
    ),
    "bad YAML": (
        [("format: 1", "format: [1")],
        [
            "mini/assessment.yml:2: Ugyldig YAML: En liste i [ ] er ikke skrevet rigtigt. Tjek "
            "kommaerne, og at den slutter med ]. Sæt en tekst med kolon eller komma i "
            "anførselstegn.",
        ],
    ),
}


@pytest.mark.parametrize("edits, expected", CASES.values(), ids=CASES.keys())
def test_each_problem_names_file_and_line(mini, edits, expected):
    assert problems_after(mini, *edits) == expected


LONG_URL = "https://video.example.org/" + "a" * 475  # 501 characters
# The fixture's reflection prompts, all of them.
_FULL_TEXT = (FULL / ASSESSMENT_FILE).read_text(encoding="utf-8")
REFLECTIONS = _FULL_TEXT[_FULL_TEXT.index("reflections:") : _FULL_TEXT.index("scale:")]
TOO_MANY_PROMPTS = "reflections:\n" + "".join(
    f"  - id: p{number}\n    prompt:\n      da: Spørgsmål {number}?\n" for number in range(11)
)
FULL_CASES = {
    "duplicate reflection id": (
        [("  - id: naeste-skridt", "  - id: vigtige")],
        [
            "full/assessment.yml:18: Id'et »vigtige« bruges allerede af et andet "
            "refleksionsspørgsmål (i full/assessment.yml:14). Giv denne et nyt id.",
        ],
    ),
    "bad reflection id": (
        [("  - id: naeste-skridt", "  - id: Næste skridt")],
        [
            "full/assessment.yml:18: »id« må kun have små bogstaver fra a til z (ikke æ, ø og å), "
            "tal og bindestreger, skal begynde med et bogstav eller et tal og må højst være 63 "
            "tegn lang (der står »Næste skridt«).",
        ],
    ),
    "reflection without Danish text": (
        [("      da: Hvilke digitale kompetencer er vigtige på dit område?\n", "")],
        [
            "full/assessment.yml:15: Nøglen »da« mangler i »prompt«. Tilføj den.",
        ],
    ),
    "reflection without prompt": (
        [('    prompt:\n      da: "Næste skridt: hvad gør du i morgen?"\n', "")],
        [
            "full/assessment.yml:18: Nøglen »prompt« mangler i refleksionsspørgsmålet. Tilføj den.",
        ],
    ),
    "prompt in an unknown language": (
        [("      en: Which digital", "      de: Which digital")],
        [
            "full/assessment.yml:17: Ukendt nøgle »de« i »prompt«. Ret den, eller fjern den. "
            "Tilladte nøgler: da, en.",
        ],
    ),
    "prompt too long": (
        [('      da: "Næste skridt: hvad gør du i morgen?"', "      da: " + "x" * 501)],
        [
            "full/assessment.yml:20: »da« er 501 tegn lang; gør den højst 500 tegn lang.",
        ],
    ),
    "unknown key in a reflection": (
        [("  - id: vigtige\n", "  - id: vigtige\n    required: true\n")],
        [
            "full/assessment.yml:15: Ukendt nøgle »required« i refleksionsspørgsmålet. Ret den, "
            "eller fjern den. Tilladte nøgler: id, prompt.",
        ],
    ),
    "a reflection that is not a mapping": (
        [
            (
                "  - id: vigtige\n    prompt:\n",
                "  - Hvad er vigtigt?\n  - id: vigtige\n    prompt:\n",
            )
        ],
        [
            "full/assessment.yml:14: Skriv refleksionsspørgsmålet som linjer med »nøgle: værdi« "
            "(der står »Hvad er vigtigt?«).",
        ],
    ),
    "reflections not a list": (
        [(REFLECTIONS, "reflections: Hvad er vigtigt?\n")],
        [
            "full/assessment.yml:13: »reflections« skal være en liste (der står »Hvad er "
            "vigtigt?«).",
        ],
    ),
    "too many reflections": (
        [(REFLECTIONS, TOO_MANY_PROMPTS)],
        [
            "full/assessment.yml:14: Listen »reflections« har 11 punkter; højst 10 er tilladt.",
        ],
    ),
    "a film that is not a web link": (
        [("intro_video: https://www.youtube.com", "intro_video: ftp://www.youtube.com")],
        [
            "full/assessment.yml:8: »intro_video« skal være et fuldt link, der begynder med en "
            "af: http:, https: (der står »ftp://www.youtube.com/watch?v=Ab3dEf6…«).",
        ],
    ),
    "a film without a host": (
        [
            (
                "outro_video: https://video.example.org/film/afslutning.mp4",
                "outro_video: afslutning.mp4",
            )
        ],
        [
            "full/assessment.yml:12: »outro_video« skal være et fuldt link, der begynder med en "
            "af: http:, https: (der står »afslutning.mp4«).",
        ],
    ),
    "a film with spaces": (
        [("film/afslutning.mp4", "film/min afslutning.mp4")],
        [
            "full/assessment.yml:12: »outro_video« skal være et fuldt link, der begynder med en "
            "af: http:, https: (der står »https://video.example.org/film/min af…«).",
        ],
    ),
    "a film that is a mapping": (
        [
            (
                "outro_video: https://video.example.org/film/afslutning.mp4",
                "outro_video:\n  url: https://video.example.org/film/afslutning.mp4",
            )
        ],
        [
            "full/assessment.yml:13: »outro_video« skal være et fuldt link, der begynder med en "
            "af: http:, https: (der står nøgler med værdier).",
        ],
    ),
    "a control character in a prompt": (
        [("      da: Hvilke digitale kompetencer", '      da: "Hvilke\\0"\n      x: Hvilke')],
        [
            "full/assessment.yml:17: Ukendt nøgle »x« i »prompt«. Ret den, eller fjern den. "
            "Tilladte nøgler: da, en.",
            "full/assessment.yml:16: »da« indeholder et kontroltegn (fx NUL); fjern det "
            "(linjeskift og tabulatortegn er i orden).",
        ],
    ),
    "a control character in a film address": (
        [
            (
                "intro_video: https://www.youtube.com/watch?v=Ab3dEf6hIj0",
                'intro_video: "https://www.youtube.com/watch?v=Ab3\\0"',
            )
        ],
        [
            "full/assessment.yml:8: »intro_video« indeholder et kontroltegn (fx NUL); fjern det.",
        ],
    ),
    "a film address too long": (
        [("intro_video: https://www.youtube.com/watch?v=Ab3dEf6hIj0", "intro_video: " + LONG_URL)],
        [
            "full/assessment.yml:8: »intro_video« er 501 tegn lang; gør den højst 500 tegn lang.",
        ],
    ),
}


@pytest.mark.parametrize("edits, expected", FULL_CASES.values(), ids=FULL_CASES.keys())
def test_each_problem_with_films_and_reflections_names_file_and_line(full, edits, expected):
    assert problems_after(full, *edits) == expected


def test_films_and_reflections_are_optional(full):
    assert (
        problems_after(
            full,
            ("intro_video: https://www.youtube.com/watch?v=Ab3dEf6hIj0\n", ""),
            ("outro_video: https://video.example.org/film/afslutning.mp4\n", ""),
            (REFLECTIONS, "reflections: []\n"),
        )
        == []
    )
    data, _problems = read_assessment_dir(full)
    assert (data.intro_video_url, data.outro_video_url, data.reflections) == ("", "", ())
    assert problems_after(full, ("reflections: []\n", "")) == []


def test_every_problem_is_reported_at_once(mini):
    problems = problems_after(
        mini,
        ("id: samarbejde-faerdigheder-1", "id: opgaver-viden-1"),
        ("dimension: approach", "dimension: viden"),
        ("      da: Jeg kan dele dokumenter.\n", ""),
        ("  max: 3", "  max: 4\n  colour: blue"),
    )
    assert [problem.split(": ", 1)[0] for problem in problems] == [
        "mini/assessment.yml:20",
        "mini/assessment.yml:21",
        "mini/assessment.yml:51",
        "mini/assessment.yml:54",
        "mini/assessment.yml:57",
    ]


def test_missing_file_and_stray_files(tmp_path, mini):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert [str(p) for p in read_assessment_dir(empty)[1]] == [
        "empty/assessment.yml: Filen assessment.yml mangler. Hver mappe til et kompetencehjul "
        "skal have en."
    ]
    (mini / "notes.md").write_text("x", encoding="utf-8")
    assert [str(p) for p in read_assessment_dir(mini)[1]] == [
        "mini/notes.md: Mappen til et kompetencehjul må kun have filen assessment.yml. Flyt eller "
        "fjern denne."
    ]
    assert [str(p) for p in read_assessment_dir(tmp_path / "nowhere")[1]] == [
        "nowhere: Mappen til kompetencehjulet findes ikke."
    ]
