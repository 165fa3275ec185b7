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


def test_shipped_model_is_not_taken_for_a_course(session, tmp_path):
    only_assessment = tmp_path / "courses"
    shutil.copytree(SHIPPED, only_assessment / "kompetencehjul")
    assert import_missing_courses(only_assessment) == ([], [])


@pytest.mark.parametrize("folder", [SHIPPED, FIXTURE], ids=["shipped", "fixture"])
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
        "mini/assessment.yml:55: 'dimension' names an unknown dimension (got 'evner'): use "
        "knowledge (viden), skills (færdigheder) or approach (tilgang)"
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
