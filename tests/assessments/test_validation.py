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
            "mini/assessment.yml:53: duplicate item id 'opgaver-viden-1' (first at "
            "mini/assessment.yml:41): give it a new id"
        ],
    ),
    "duplicate area id": (
        [("  - id: samarbejde\n", "  - id: opgaver\n"), ("area: samarbejde", "area: opgaver")],
        [
            "mini/assessment.yml:37: duplicate area id 'opgaver' (first at "
            "mini/assessment.yml:33): give it a new id"
        ],
    ),
    "unknown dimension": (
        [("dimension: approach", "dimension: tilgang")],
        [
            "mini/assessment.yml:50: 'dimension' names an unknown dimension (got 'tilgang'): use "
            "knowledge (viden), skills (færdigheder) or approach (tilgang)"
        ],
    ),
    "unknown area": (
        [("    area: samarbejde", "    area: samarbjede")],
        [
            "mini/assessment.yml:54: unknown area 'samarbjede': define it under 'areas'",
            "mini/assessment.yml:37: area 'samarbejde' has no items: give it some or remove it",
        ],
    ),
    "missing Danish text": (
        [("      da: Jeg kan dele dokumenter.\n", "")],
        ["mini/assessment.yml:56: 'text' is missing required key 'da'"],
    ),
    "missing title": (
        [("  - id: samarbejde\n    title:\n      da: Samarbejde\n", "  - id: samarbejde\n")],
        ["mini/assessment.yml:37: area is missing required key 'title'"],
    ),
    "empty text": (
        [("      da: Jeg ved, hvordan vi arbejder.", '      da: " "')],
        ["mini/assessment.yml:45: 'da' must be a non-empty string (got ' ')"],
    ),
    "text not a language mapping": (
        [
            (
                "    text:\n      da: Jeg kan dele dokumenter.\n      en: I can share documents.\n",
                "    text: Jeg kan dele dokumenter.\n",
            )
        ],
        [
            "mini/assessment.yml:56: 'text' must be a mapping of 'key: value' lines (got "
            "'Jeg kan dele dokumenter.')"
        ],
    ),
    "unknown language": (
        [("        en: Completely\n", "        de: Völlig\n")],
        ["mini/assessment.yml:31: unknown key 'de' in 'label' (allowed: da, en)"],
    ),
    "unknown key": (
        [("demo_model: true\n", "demo_model: true\nversion: 2\n")],
        [
            "mini/assessment.yml:6: unknown key 'version' in assessment.yml (allowed: format, id, "
            "title, demo_model, label, intro, intro_video, outro, outro_video, reflections, scale, "
            "areas, items)"
        ],
    ),
    "min not below max": (
        [("  min: 1\n  max: 3", "  min: 3\n  max: 3")],
        ["mini/assessment.yml:19: 'max' must be above 'min' (3)"],
    ),
    "a point without a label": (
        [("  max: 3", "  max: 4")],
        ["mini/assessment.yml:20: no label for value 4: every point of the scale needs one"],
    ),
    "a label outside the scale": (
        [("    - value: 3", "    - value: 7")],
        [
            "mini/assessment.yml:28: value 7 is outside the scale (1–3)",
            "mini/assessment.yml:20: no label for value 3: every point of the scale needs one",
        ],
    ),
    "two labels for one point": (
        [("    - value: 3", "    - value: 2")],
        [
            "mini/assessment.yml:28: value 2 has a label already (line 25): remove one",
            "mini/assessment.yml:20: no label for value 3: every point of the scale needs one",
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
            "mini/assessment.yml:5: a demo model needs a 'label' saying whose model it is (e.g. "
            "this platform's own demo model, not the original tool)"
        ],
    ),
    "bad goal id": (
        [("goals: [lm-motivation, lm-rollemodel]", "goals: [lm-motivation, Rollemodel]")],
        [
            "mini/assessment.yml:47: goal id must be lowercase letters, digits and hyphens, "
            "starting with a letter or digit, at most 63 characters (got 'Rollemodel')"
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
        ["mini/assessment.yml:38: aliases (*x) are not supported: write the value out"],
    ),
    "bad YAML": (
        [("format: 1", "format: [1")],
        [
            "mini/assessment.yml:2: invalid YAML: while parsing a flow sequence, expected ',' or ']', but got ':'"
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
            "full/assessment.yml:18: duplicate reflection id 'vigtige' (first at "
            "full/assessment.yml:14): give it a new id"
        ],
    ),
    "bad reflection id": (
        [("  - id: naeste-skridt", "  - id: Næste skridt")],
        [
            "full/assessment.yml:18: 'id' must be lowercase letters, digits and hyphens, starting "
            "with a letter or digit, at most 63 characters (got 'Næste skridt')"
        ],
    ),
    "reflection without Danish text": (
        [("      da: Hvilke digitale kompetencer er vigtige på dit område?\n", "")],
        ["full/assessment.yml:15: 'prompt' is missing required key 'da'"],
    ),
    "reflection without prompt": (
        [('    prompt:\n      da: "Næste skridt: hvad gør du i morgen?"\n', "")],
        ["full/assessment.yml:18: reflection is missing required key 'prompt'"],
    ),
    "prompt in an unknown language": (
        [("      en: Which digital", "      de: Which digital")],
        ["full/assessment.yml:17: unknown key 'de' in 'prompt' (allowed: da, en)"],
    ),
    "prompt too long": (
        [('      da: "Næste skridt: hvad gør du i morgen?"', "      da: " + "x" * 501)],
        ["full/assessment.yml:20: 'da' is 501 characters long; shorten it to at most 500"],
    ),
    "unknown key in a reflection": (
        [("  - id: vigtige\n", "  - id: vigtige\n    required: true\n")],
        ["full/assessment.yml:15: unknown key 'required' in reflection (allowed: id, prompt)"],
    ),
    "a reflection that is not a mapping": (
        [
            (
                "  - id: vigtige\n    prompt:\n",
                "  - Hvad er vigtigt?\n  - id: vigtige\n    prompt:\n",
            )
        ],
        [
            "full/assessment.yml:14: reflection must be a mapping of 'key: value' lines (got "
            "'Hvad er vigtigt?')"
        ],
    ),
    "reflections not a list": (
        [(REFLECTIONS, "reflections: Hvad er vigtigt?\n")],
        ["full/assessment.yml:13: 'reflections' must be a list (got 'Hvad er vigtigt?')"],
    ),
    "too many reflections": (
        [(REFLECTIONS, TOO_MANY_PROMPTS)],
        ["full/assessment.yml:14: 'reflections' has 11 entries; at most 10"],
    ),
    "a film that is not a web link": (
        [("intro_video: https://www.youtube.com", "intro_video: ftp://www.youtube.com")],
        [
            "full/assessment.yml:8: 'intro_video' must be a full http: or https: link (got "
            "'ftp://www.youtube.com/watch?v=Ab3dEf6...')"
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
            "full/assessment.yml:12: 'outro_video' must be a full http: or https: link (got "
            "'afslutning.mp4')"
        ],
    ),
    "a film with spaces": (
        [("film/afslutning.mp4", "film/min afslutning.mp4")],
        [
            "full/assessment.yml:12: 'outro_video' must be a full http: or https: link (got "
            "'https://video.example.org/film/min af...')"
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
            "full/assessment.yml:13: 'outro_video' must be a full http: or https: link (got a "
            "mapping)"
        ],
    ),
    "a control character in a prompt": (
        [("      da: Hvilke digitale kompetencer", '      da: "Hvilke\\0"\n      x: Hvilke')],
        [
            "full/assessment.yml:17: unknown key 'x' in 'prompt' (allowed: da, en)",
            "full/assessment.yml:16: 'da' holds a control character (such as NUL); remove it (line "
            "breaks and tabs are fine)",
        ],
    ),
    "a control character in a film address": (
        [
            (
                "intro_video: https://www.youtube.com/watch?v=Ab3dEf6hIj0",
                'intro_video: "https://www.youtube.com/watch?v=Ab3\\0"',
            )
        ],
        ["full/assessment.yml:8: 'intro_video' holds a control character (such as NUL); remove it"],
    ),
    "a film address too long": (
        [("intro_video: https://www.youtube.com/watch?v=Ab3dEf6hIj0", "intro_video: " + LONG_URL)],
        ["full/assessment.yml:8: 'intro_video' is 501 characters long; shorten it to at most 500"],
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
        "empty/assessment.yml: assessment.yml not found: every assessment folder needs one"
    ]
    (mini / "notes.md").write_text("x", encoding="utf-8")
    assert [str(p) for p in read_assessment_dir(mini)[1]] == [
        "mini/notes.md: an assessment folder holds only assessment.yml: move or remove this"
    ]
    assert [str(p) for p in read_assessment_dir(tmp_path / "nowhere")[1]] == [
        "nowhere: assessment folder not found"
    ]
