"""Assessment files: the shipped demo model, byte-identical round trips and the idempotent import."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course_app.assessments.file_export import assessment_to_files, export_assessment
from course_app.assessments.file_import import (
    AssessmentValidationError,
    import_assessment,
    import_missing_assessments,
)
from course_app.assessments.file_reader import read_assessment_dir
from course_app.assessments.file_schema import ASSESSMENT_FILE
from course_app.assessments.models import (
    DIMENSION_LABELS,
    Assessment,
    AssessmentArea,
    AssessmentItem,
    Dimension,
)
from course_app.audit.models import AuditEntry
from course_app.courses.file_export import ExportError
from course_app.courses.file_import import import_missing_courses
from course_app.paths import COURSES_DIR

SHIPPED = COURSES_DIR / "kompetencehjul"
FIXTURE = Path(__file__).parent / "fixtures" / "mini"
# Every optional key: films before and after, reflection prompts (one without English).
FULL = Path(__file__).parent / "fixtures" / "full"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "mini"))


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- The shipped demo model -----------------------------------------------------------------------


def test_shipped_demo_model_is_labelled_and_built_from_the_six_activities():
    data, problems = read_assessment_dir(SHIPPED)
    assert problems == []
    assert data.key == "kompetencehjul"
    assert data.demo_model is True
    assert "ikke Center for Digital Dannelses værktøj" in data.label.da
    assert "not the Center for Digital Dannelse tool" in data.label.en
    assert [area.key for area in data.areas] == [
        "opgaver",
        "problemloesning",
        "kommunikation",
        "informationshaandtering",
        "samarbejde",
        "indholdsproduktion",
    ]
    # Three items per area and dimension: 54 statements, about 30 minutes.
    cells = Counter((item.area, item.dimension) for item in data.items)
    assert set(cells.values()) == {3} and len(cells) == 18
    assert (data.scale_min, data.scale_max) == (1, 5)
    assert data.scale[0].label.da == "Passer slet ikke" and data.scale[-1].label.da == "Passer helt"
    assert all(item.text.da.startswith("Jeg ") and item.text.en for item in data.items)


def test_shipped_demo_model_has_the_three_reflection_prompts_and_no_films():
    data, problems = read_assessment_dir(SHIPPED)
    assert problems == []
    assert [(reflection.key, reflection.prompt.da) for reflection in data.reflections] == [
        ("vigtige", "Hvilke digitale kompetencer er vigtige på dit område?"),
        ("ikke-vigtige", "Hvilke digitale kompetencer er ikke vigtige på dit område?"),
        (
            "styrke",
            "Hvad skal der til for at styrke de kompetencer, der er vigtigst på dit område?",
        ),
    ]
    assert all(reflection.prompt.en.endswith("?") for reflection in data.reflections)
    assert (data.intro_video_url, data.outro_video_url) == ("", "")


def test_shipped_model_is_not_taken_for_a_course(session, tmp_path):
    only_assessment = tmp_path / "courses"
    shutil.copytree(SHIPPED, only_assessment / "kompetencehjul")
    assert import_missing_courses(only_assessment) == ([], [])


@pytest.mark.parametrize(
    "folder", [SHIPPED, FIXTURE, FULL], ids=["shipped", "fixture", "films-and-reflections"]
)
def test_export_of_an_imported_file_gives_the_same_bytes(session, folder, tmp_path):
    report = import_assessment(folder)
    assert report.changed
    files = assessment_to_files(report.assessment)
    assert files == {ASSESSMENT_FILE: (folder / ASSESSMENT_FILE).read_text(encoding="utf-8")}
    written = export_assessment(report.assessment, tmp_path)
    assert [path.read_bytes() for path in written] == [(folder / ASSESSMENT_FILE).read_bytes()]


def test_import_stores_texts_with_english_falling_back_to_danish(session):
    assessment = import_assessment(FIXTURE).assessment
    assert assessment.title("da") == assessment.title("en") == "Lille afdækning"
    assert assessment.label("en") == "Test model – not a real tool"
    assert assessment.intro("da").startswith('Første afsnit: med kolon og "citater".\n\n')
    assert assessment.scale_label(2, "en") == "Passer delvist"
    assert assessment.scale_label(3, "en") == "Completely"
    items = session.scalars(select(AssessmentItem).order_by(AssessmentItem.position)).all()
    assert [(item.key, item.area.key, item.dimension) for item in items] == [
        ("opgaver-viden-1", "opgaver", Dimension.KNOWLEDGE),
        ("opgaver-tilgang-1", "opgaver", Dimension.APPROACH),
        ("samarbejde-faerdigheder-1", "samarbejde", Dimension.SKILLS),
    ]
    assert items[0].goals == ["lm-motivation", "lm-rollemodel"]
    assert items[1].text("en") == "Jeg er åben for: nye ting"
    assert str(DIMENSION_LABELS[Dimension.SKILLS]) == "Færdigheder"


def test_import_stores_films_and_reflection_prompts(session):
    assessment = import_assessment(FULL).assessment
    assert assessment.intro_video_url == "https://www.youtube.com/watch?v=Ab3dEf6hIj0"
    assert assessment.outro_video_url == "https://video.example.org/film/afslutning.mp4"
    assert assessment.reflection_prompts == [
        {
            "key": "vigtige",
            "da": "Hvilke digitale kompetencer er vigtige på dit område?",
            "en": "Which digital competences are important in your area?",
        },
        {"key": "naeste-skridt", "da": "Næste skridt: hvad gør du i morgen?", "en": ""},
    ]


def test_a_file_without_films_and_reflections_imports_none(session):
    assessment = import_assessment(FIXTURE).assessment
    assert (assessment.intro_video_url, assessment.outro_video_url) == ("", "")
    assert assessment.reflection_prompts == []


# --- Import: idempotent, updates, retires ---------------------------------------------------------


def test_importing_an_unchanged_file_changes_nothing(session, count_statements):
    first = import_assessment(FIXTURE)
    stamp = first.assessment.content_stamp
    audits = session.scalar(select(func.count()).select_from(AuditEntry))
    with count_statements() as counter:
        again = import_assessment(FIXTURE)
    assert not again.changed and str(again) == "assessment mini: no changes"
    assert again.assessment.content_stamp == stamp
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audits
    writes = [s for s in counter.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []


def test_a_changed_text_updates_and_a_removed_item_is_retired_then_restored(session, mini):
    import_assessment(mini)
    stamp = session.scalar(select(Assessment.content_stamp))
    edit(mini, "Jeg kan dele dokumenter.", "Jeg kan dele dokumenter med andre.")
    edit(
        mini,
        "  - id: opgaver-tilgang-1\n    area: opgaver\n    dimension: approach\n    text:\n"
        '      da: "Jeg er åben for: nye ting"\n',
        "",
    )
    report = import_assessment(mini)
    assert report.lines == [
        "updated item samarbejde-faerdigheder-1 (text_da, position)",
        "retired item opgaver-tilgang-1",
    ]
    assert report.assessment.content_stamp != stamp
    retired = session.scalar(
        select(AssessmentItem).where(AssessmentItem.key == "opgaver-tilgang-1")
    )
    assert retired.retired_at is not None
    assert "opgaver-tilgang-1" not in assessment_to_files(report.assessment)[ASSESSMENT_FILE]

    shutil.copy(FIXTURE / ASSESSMENT_FILE, mini / ASSESSMENT_FILE)
    report = import_assessment(mini)
    assert "restored item opgaver-tilgang-1" in report.lines
    assert retired.retired_at is None
    assert assessment_to_files(report.assessment)[ASSESSMENT_FILE] == (
        FIXTURE / ASSESSMENT_FILE
    ).read_text(encoding="utf-8")


@pytest.fixture
def full(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FULL, tmp_path / "full"))


def test_reimport_without_films_and_reflections_clears_them_and_with_them_sets_them(session, full):
    import_assessment(full)
    stamp = session.scalar(select(Assessment.content_stamp))
    text = (full / ASSESSMENT_FILE).read_text(encoding="utf-8")
    edit(full, "intro_video: https://www.youtube.com/watch?v=Ab3dEf6hIj0\n", "")
    edit(full, "outro_video: https://video.example.org/film/afslutning.mp4\n", "")
    edit(full, text[text.index("reflections:") : text.index("scale:")], "")
    report = import_assessment(full)
    assert report.lines == [
        "updated assessment full (intro_video_url, outro_video_url, reflection_prompts)"
    ]
    assessment = report.assessment
    assert assessment.content_stamp != stamp
    assert (assessment.intro_video_url, assessment.outro_video_url) == ("", "")
    assert assessment.reflection_prompts == []
    exported = assessment_to_files(assessment)[ASSESSMENT_FILE]
    assert exported == (full / ASSESSMENT_FILE).read_text(encoding="utf-8")
    assert "_video:" not in exported and "\nreflections:" not in exported

    shutil.copy(FULL / ASSESSMENT_FILE, full / ASSESSMENT_FILE)
    assert import_assessment(full).lines == [
        "updated assessment full (intro_video_url, outro_video_url, reflection_prompts)"
    ]
    assert assessment_to_files(assessment)[ASSESSMENT_FILE] == text
    assert not import_assessment(full).changed


def test_a_changed_or_reordered_prompt_updates_the_prompts(session, full):
    assessment = import_assessment(full).assessment
    edit(full, '      da: "Næste skridt: hvad gør du i morgen?"\n', "      da: Hvad gør du nu?\n")
    edit(
        full,
        "outro_video: https://video.example.org/film/afslutning.mp4",
        "outro_video: https://vimeo.com/76979871",
    )
    report = import_assessment(full)
    assert report.lines == ["updated assessment full (outro_video_url, reflection_prompts)"]
    assert assessment.outro_video_url == "https://vimeo.com/76979871"
    assert [prompt["da"] for prompt in assessment.reflection_prompts] == [
        "Hvilke digitale kompetencer er vigtige på dit område?",
        "Hvad gør du nu?",
    ]
    assert assessment_to_files(assessment)[ASSESSMENT_FILE] == (full / ASSESSMENT_FILE).read_text(
        encoding="utf-8"
    )


def test_a_removed_area_is_retired_with_its_items(session, mini):
    import_assessment(mini)
    text = (mini / ASSESSMENT_FILE).read_text(encoding="utf-8")
    area = "  - id: samarbejde\n    title:\n      da: Samarbejde\n"
    item = text[text.index("  - id: samarbejde-faerdigheder-1") :]
    (mini / ASSESSMENT_FILE).write_text(text.replace(area, "").replace(item, ""), encoding="utf-8")
    report = import_assessment(mini)
    assert report.lines == ["retired area samarbejde", "retired item samarbejde-faerdigheder-1"]
    live = session.scalars(select(AssessmentArea.key).where(AssessmentArea.retired_at.is_(None)))
    assert list(live) == ["opgaver"]


def test_a_file_with_problems_imports_nothing(session, mini):
    edit(mini, "dimension: skills", "dimension: evner")
    with pytest.raises(AssessmentValidationError) as raised:
        import_assessment(mini)
    assert [str(problem) for problem in raised.value.problems] == [
        "mini/assessment.yml:55: »dimension« er ikke en kendt dimension (der står »evner«): "
        "skriv knowledge (viden), skills (færdigheder) eller approach (tilgang)."
    ]
    assert session.scalar(select(func.count()).select_from(Assessment)) == 0


def test_import_leaves_one_audit_entry(session):
    import_assessment(FIXTURE)
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.object_type, entry.object_key, entry.action) == ("assessment", "mini", "created")
    assert entry.summary == "Indlæst fra afdækningsfil: 6 oprettet"


def test_import_missing_assessments_imports_new_folders_only(session, tmp_path):
    folder = tmp_path / "courses"
    shutil.copytree(FIXTURE, folder / "mini")
    shutil.copytree(COURSES_DIR / "digital-ledelse", folder / "digital-ledelse")
    broken = folder / "broken"
    broken.mkdir()
    (broken / ASSESSMENT_FILE).write_text("format: 1\n", encoding="utf-8")
    imported, skipped = import_missing_assessments(folder)
    assert imported == ["mini"]
    assert [name for name, _problems in skipped] == ["broken"]
    edit(folder / "mini", "Lille afdækning", "Ændret titel")
    assert import_missing_assessments(folder)[0] == []  # never overwrites an existing one
    assert session.scalar(select(Assessment.title_da)) == "Lille afdækning"


def test_export_refuses_a_non_empty_folder(session, tmp_path):
    assessment = import_assessment(FIXTURE).assessment
    export_assessment(assessment, tmp_path)
    with pytest.raises(ExportError):
        export_assessment(assessment, tmp_path)
    assert export_assessment(assessment, tmp_path, overwrite=True)
