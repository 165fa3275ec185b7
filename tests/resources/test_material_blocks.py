"""Material blocks: a resource block refers to one of its course's uploaded materials by id (never a
URL with a host), the authoring form picks it from a list, leaders get the app's own download link,
and the course files carry the material as a file in ``assets/`` (export → import → export is byte
for byte the same, and the file comes back)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from course_app import create_app
from course_app.cohorts.models import Cohort
from course_app.core import migrate
from course_app.core.db import db, make_engine
from course_app.courses import block_authoring
from course_app.courses.archive import import_course_zip
from course_app.courses.authoring_rules import InvalidData
from course_app.courses.file_export import course_to_files, export_course, export_zip
from course_app.courses.file_import import CourseValidationError, import_course
from course_app.courses.file_reader import read_course_dir
from course_app.courses.models import Block, BlockType, Course, Lesson
from course_app.resources import services, storage
from course_app.resources.models import Resource
from tests.conftest import TEST_CONFIG, csrf_token_from
from tests.helpers import sign_in
from tests.resources import files
from tests.resources.conftest import upload


@pytest.fixture
def material(app, client, session, world):
    """Upload as the editor (a client of its own); return a function → the new Resource."""
    world.course.summary = "Et kursus med materialer."
    editor = app.test_client()
    sign_in(editor, world.people["editor"].email)

    def _material(data: bytes, filename: str, *, course=None, title: str = "") -> Resource:
        course = course or world.course
        if course is not world.course:
            editor_of = world.people["other_editor"]
            other = app.test_client()
            sign_in(other, editor_of.email)
            client, url = other, f"/admin/kurser/{course.id}/materialer"
        else:
            client, url = editor, world.list_url
        response = upload(client, url, data, filename, title=title)
        assert response.status_code == 302, response.get_data(as_text=True)
        return session.scalars(
            select(Resource).where(Resource.course_id == course.id).order_by(Resource.id.desc())
        ).first()

    return _material


def _lesson(course: Course, key: str = "lektion-tekst") -> Lesson:
    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.key == key))


def _block(course: Course, key: str) -> Block:
    return db.session.scalar(select(Block).where(Block.course_id == course.id, Block.key == key))


def _material_block(world, resource: Resource, title: str = "Håndbogen") -> Block:
    return block_authoring.create_block(
        _lesson(world.course),
        BlockType.RESOURCE,
        {"title": title, "material": str(resource.id), "kind": "pdf"},
        actor=world.people["editor"],
    )


# --- The problem, reproduced ----------------------------------------------------------------------


def test_the_download_address_is_still_no_url_but_the_material_itself_is_accepted(world, material):
    """Before: the materials page offered ``/materialer/<id>/<name>`` to paste, and the block
    refused it (not a full URL); a full URL wrote the host into exported files."""
    resource = material(files.pdf(), "Håndbog.pdf")
    lesson = _lesson(world.course)
    with pytest.raises(InvalidData) as refused:
        block_authoring.create_block(
            lesson,
            BlockType.RESOURCE,
            {"title": "Håndbog", "url": services.download_path(resource)},
            actor=world.people["editor"],
        )
    assert "url" in refused.value.errors

    block = _material_block(world, resource)
    assert block.data == {"title": "Håndbogen", "material": resource.id, "kind": "pdf"}


# --- Service -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forged",
    ["abc", "-1", "0", "1.0", " 1", "1" * 30, "99999999999", "2147483648", "12\x00", "١", "1e3"],
)
def test_forged_material_ids_are_refused(world, material, forged):
    material(files.pdf(), "Håndbog.pdf")
    with pytest.raises(InvalidData) as refused:
        block_authoring.create_block(
            _lesson(world.course),
            BlockType.RESOURCE,
            {"title": "X", "material": forged},
            actor=world.people["editor"],
        )
    assert set(refused.value.errors) == {"material"}


def test_another_courses_material_and_a_deleted_one_are_refused(world, material, session):
    other = material(files.pdf(), "Andet.pdf", course=world.other_course)
    deleted = material(files.png(), "Slettet.png")
    deleted.deleted_at = deleted.created_at
    session.flush()
    for resource in (other, deleted):
        with pytest.raises(InvalidData) as refused:
            block_authoring.create_block(
                _lesson(world.course),
                BlockType.RESOURCE,
                {"title": "X", "material": str(resource.id)},
                actor=world.people["editor"],
            )
        assert set(refused.value.errors) == {"material"}


def test_a_resource_block_needs_a_link_or_a_material_not_both(world, material):
    resource = material(files.pdf(), "Håndbog.pdf")
    for data in (
        {"title": "X"},
        {"title": "X", "url": "https://example.org/a.pdf", "material": str(resource.id)},
    ):
        with pytest.raises(InvalidData) as refused:
            block_authoring.create_block(
                _lesson(world.course), BlockType.RESOURCE, data, actor=world.people["editor"]
            )
        assert set(refused.value.errors) == {"material"}
    link = block_authoring.create_block(
        _lesson(world.course),
        BlockType.RESOURCE,
        {"title": "X", "url": "https://example.org/a.pdf", "material": ""},
        actor=world.people["editor"],
    )
    assert link.data == {"title": "X", "url": "https://example.org/a.pdf"}


def test_switching_a_block_from_material_to_link_and_back(world, material):
    resource = material(files.pdf(), "Håndbog.pdf")
    block = _material_block(world, resource)
    block_authoring.update_block(
        block, {"title": "Håndbogen", "url": "https://example.org/h.pdf"}, actor=None
    )
    assert block.data == {"title": "Håndbogen", "url": "https://example.org/h.pdf"}
    block_authoring.update_block(
        block, {"title": "Håndbogen", "material": str(resource.id)}, actor=None
    )
    assert block.data == {"title": "Håndbogen", "material": resource.id}


# --- Form ----------------------------------------------------------------------------------------


def _new_block_url(world) -> str:
    return f"/admin/kurser/{world.course.id}/lektioner/lektion-tekst/ny-blok/resource"


def test_form_offers_the_courses_materials_and_saves_the_choice(client, world, material):
    mine = material(files.pdf(), "Håndbog.pdf", title="Håndbogen")
    theirs = material(files.pdf(), "Fremmed.pdf", course=world.other_course, title="Fremmed")
    sign_in(client, world.people["editor"].email)
    page = client.get(_new_block_url(world)).get_data(as_text=True)
    assert f'<option value="{mine.id}">Håndbogen (Håndbog.pdf)</option>' in page
    assert "Fremmed" not in page
    response = client.post(
        _new_block_url(world),
        data={
            "csrf_token": csrf_token_from(page),
            "title": "Læs håndbogen",
            "material": str(mine.id),
            "url": "",
            "kind": "pdf",
            "save": "Gem",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    block = db.session.scalar(
        select(Block).where(Block.course_id == world.course.id, Block.type == BlockType.RESOURCE)
    )
    assert block.data == {"title": "Læs håndbogen", "material": mine.id, "kind": "pdf"}
    edit = client.get(f"/admin/kurser/{world.course.id}/blokke/{block.key}").get_data(as_text=True)
    assert f'<option selected value="{mine.id}">' in edit
    assert theirs.id != mine.id


@pytest.mark.parametrize("forged", ["other", "9" * 40, "1\x00", "-5", "<script>"])
def test_form_with_a_forged_material_shows_the_error_and_saves_nothing(
    client, world, material, forged
):
    other = material(files.pdf(), "Fremmed.pdf", course=world.other_course)
    value = str(other.id) if forged == "other" else forged
    sign_in(client, world.people["editor"].email)
    page = client.get(_new_block_url(world)).get_data(as_text=True)
    response = client.post(
        _new_block_url(world),
        data={
            "csrf_token": csrf_token_from(page),
            "title": "X",
            "material": value,
            "save": "Gem",
        },
    )
    assert response.status_code == 400
    assert "Vælg et af kursets materialer fra listen." in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(Block).where(
                Block.course_id == world.course.id, Block.type == BlockType.RESOURCE
            )
        )
        is None
    )


# --- Rendering -----------------------------------------------------------------------------------


def _module_page(client, world) -> str:
    cohort = db.session.scalar(select(Cohort).where(Cohort.course_id == world.course.id))
    response = client.get(f"/forloeb/{cohort.id}/moduler/modul-a")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_leader_gets_the_apps_own_download_link(client, world, material):
    resource = material(files.pdf(), "Håndbog for ledere.pdf")
    _material_block(world, resource)
    sign_in(client, world.people["leader"].email)
    html = _module_page(client, world)
    path = f"/materialer/{resource.id}/Haandbog-for-ledere.pdf"
    assert f'<a href="{path}">Håndbogen</a>' in html
    assert client.get(path).status_code == 200


def test_a_deleted_material_breaks_nothing_for_leaders_and_tells_authors(
    app, client, world, material, session
):
    resource = material(files.pdf(), "Håndbog.pdf")
    block = _material_block(world, resource)
    resource.deleted_at = resource.created_at
    session.flush()
    sign_in(client, world.people["leader"].email)
    html = _module_page(client, world)
    assert "Håndbogen" in html
    assert "/materialer/" not in html
    assert "materialet er ikke tilgængeligt lige nu" in html

    client = app.test_client()
    sign_in(client, world.people["editor"].email)
    outline = client.get(f"/admin/kurser/{world.course.id}").get_data(as_text=True)
    assert "Materialet er slettet: vælg et andet." in outline
    form = client.get(f"/admin/kurser/{world.course.id}/blokke/{block.key}").get_data(as_text=True)
    assert "Materialet, som blokken viste, er slettet." in form
    preview = client.get(
        f"/admin/kurser/{world.course.id}/moduler/modul-a/forhaandsvisning"
    ).get_data(as_text=True)
    assert "Materialet, som blokken viser, er slettet." in preview


# --- Course files --------------------------------------------------------------------------------


def test_export_writes_the_file_and_no_host(world, material, tmp_path):
    resource = material(files.pdf(), "Håndbog for ledere.pdf")
    _material_block(world, resource)
    written = export_course(world.course, tmp_path)
    folder = tmp_path / world.course.slug
    asset = folder / "assets" / "Haandbog-for-ledere.pdf"
    assert asset in written
    assert asset.read_bytes() == files.pdf()
    lesson = (folder / "01-modul-a" / "lektion-tekst.md").read_text()
    assert "    material: Haandbog-for-ledere.pdf\n" in lesson
    assert "materialer/" not in lesson and "http" not in lesson
    data, problems = read_course_dir(folder)
    assert problems == []
    assert data is not None and set(data.materials) == {"Haandbog-for-ledere.pdf"}


def test_two_materials_with_the_same_name_get_distinct_files(world, material, tmp_path):
    first = material(files.pdf(), "Slides.pdf")
    second = material(files.pdf() + b"%extra\n", "Slides.pdf")
    _material_block(world, first, title="Første")
    _material_block(world, second, title="Anden")
    export_course(world.course, tmp_path)
    assets = tmp_path / world.course.slug / "assets"
    assert sorted(path.name for path in assets.iterdir()) == ["Slides-2.pdf", "Slides.pdf"]
    assert (assets / "Slides-2.pdf").read_bytes() == files.pdf() + b"%extra\n"


def test_reimport_into_the_same_database_changes_nothing(world, material, tmp_path, session):
    resource = material(files.pdf(), "Håndbog.pdf")
    _material_block(world, resource)
    export_course(world.course, tmp_path)
    report = import_course(tmp_path / world.course.slug)
    # (The factory's course had no source names; the export gave it some.)
    assert [line for line in report.lines if "source_name" not in line] == []
    assert len(services.resources_of(world.course.id)) == 1
    assert not import_course(tmp_path / world.course.slug).changed


def test_zip_round_trip_keeps_the_reference(world, material):
    resource = material(files.pdf(), "Håndbog.pdf")
    block = _material_block(world, resource)
    data = export_zip(world.course)
    report = import_course_zip(data, actor_id=None, may_import=lambda _course: True)
    assert [line for line in report.lines if "source_name" not in line] == []
    data = export_zip(world.course)
    report = import_course_zip(data, actor_id=None, may_import=lambda _course: True)
    assert not report.changed, report.lines
    assert block.data["material"] == resource.id
    assert export_zip(world.course) == data


def test_export_import_into_an_empty_database_brings_the_file_and_is_byte_identical(
    world, material, tmp_path, fresh_database_url
):
    resource = material(files.pdf(), "Håndbog for ledere.pdf")
    _material_block(world, resource)
    export_course(world.course, tmp_path / "first")
    exported = tmp_path / "first" / world.course.slug

    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    empty: Flask = create_app(
        {**TEST_CONFIG, "DATABASE_URL": fresh_database_url, "STORAGE_DIR": str(tmp_path / "s2")},
        instance_path=str(tmp_path / "instance"),
    )
    try:
        with empty.app_context():
            report = import_course(exported)
            assert "created material Haandbog-for-ledere.pdf" in report.lines
            db.session.commit()
            [imported] = services.resources_of(report.course.id)
            assert imported.uploaded_by_id is None
            assert imported.content_type == "application/pdf"
            assert storage.path_of(imported.stored_name).read_bytes() == files.pdf()
            export_course(report.course, tmp_path / "second")
            again = import_course(exported)
            assert not again.changed, again.lines
    finally:
        db.engine(empty).dispose()

    second = tmp_path / "second" / world.course.slug
    first_files = {
        p.relative_to(exported): p.read_bytes() for p in exported.rglob("*") if p.is_file()
    }
    second_files = {p.relative_to(second): p.read_bytes() for p in second.rglob("*") if p.is_file()}
    assert second_files == first_files


def test_a_deleted_material_is_left_out_of_the_export_and_validation_says_so(
    world, material, tmp_path, session
):
    resource = material(files.pdf(), "Håndbog.pdf")
    block = _material_block(world, resource)
    resource.deleted_at = resource.created_at
    session.flush()
    files_ = course_to_files(world.course)
    assert "material:" not in files_["01-modul-a/lektion-tekst.md"]
    export_course(world.course, tmp_path)
    lesson = tmp_path / world.course.slug / "01-modul-a" / "lektion-tekst.md"
    assert _problems(tmp_path / world.course.slug) == [
        f"{world.course.slug}/01-modul-a/lektion-tekst.md:{_line(lesson, f'- id: {block.key}')}: "
        "En blok af typen »resource« skal have »url« (et link) eller »material« (en fil i mappen "
        "assets/)."
    ]


# --- Validation with file and line ---------------------------------------------------------------


@pytest.fixture
def exported(world, material, tmp_path) -> Path:
    resource = material(files.pdf(), "Håndbog.pdf")
    _material_block(world, resource)
    export_course(world.course, tmp_path)
    return tmp_path / world.course.slug


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _problems(folder: Path) -> list[str]:
    _data, problems = read_course_dir(folder)
    return [str(problem) for problem in problems]


def _line(path: Path, marker: str) -> int:
    return next(
        n for n, line in enumerate(path.read_text().splitlines(), start=1) if marker in line
    )


def test_a_missing_material_names_file_and_line(exported, world, session):
    lesson = exported / "01-modul-a" / "lektion-tekst.md"
    _edit(lesson, "material: Haandbog.pdf", "material: mangler.pdf")
    (exported / "assets" / "Haandbog.pdf").unlink()
    line = _line(lesson, "material: mangler.pdf")
    assert _problems(exported) == [
        f"{world.course.slug}/01-modul-a/lektion-tekst.md:{line}: "
        "»material«: filen »mangler.pdf« findes ikke i mappen assets/. Læg filen dér, eller ret "
        "navnet."
    ]
    with pytest.raises(CourseValidationError):
        import_course(exported)


NOT_A_MATERIAL = "»material« skal være navnet på en fil i kursets mappe assets/"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("../course.yml", f"{NOT_A_MATERIAL} (der står »../course.yml«)."),
        (".hidden.pdf", f"{NOT_A_MATERIAL} (der står ».hidden.pdf«)."),
        ("42", f"{NOT_A_MATERIAL} (der står tallet 42)."),
    ],
)
def test_a_material_must_be_a_plain_file_name(exported, world, value, expected):
    lesson = exported / "01-modul-a" / "lektion-tekst.md"
    _edit(lesson, "material: Haandbog.pdf", f"material: {value}")
    line = _line(lesson, f"material: {value}")
    problems = _problems(exported)
    assert any(
        problem.startswith(f"{world.course.slug}/01-modul-a/lektion-tekst.md:{line}: {expected}")
        for problem in problems
    ), problems


def test_url_and_material_together_are_refused(exported, world):
    lesson = exported / "01-modul-a" / "lektion-tekst.md"
    _edit(
        lesson,
        "    material: Haandbog.pdf\n",
        "    url: https://example.org/a.pdf\n    material: Haandbog.pdf\n",
    )
    problems = _problems(exported)
    assert any("har enten »url« eller »material«, ikke begge" in problem for problem in problems), (
        problems
    )
    assert all(problem.split(":")[1].isdigit() for problem in problems if "lektion" in problem)


def test_a_file_that_is_not_allowed_material_is_refused(exported, world):
    (exported / "assets" / "Haandbog.pdf").write_bytes(b"<html><script>alert(1)</script></html>")
    lesson = exported / "01-modul-a" / "lektion-tekst.md"
    line = _line(lesson, "material: Haandbog.pdf")
    assert _problems(exported) == [
        f"{world.course.slug}/01-modul-a/lektion-tekst.md:{line}: »material«: filen "
        "assets/Haandbog.pdf er HTML, SVG eller XML, som ikke kan være materiale i et kursus."
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "er tom."),
        (files.png(), "har indhold af typen PNG-billede, så navnet skal ende på .png."),
        (files.plain_zip(), "har en filtype, som materialer ikke kan have (tilladt: .pdf"),
    ],
    ids=["empty", "png named .pdf", "a zip"],
)
def test_why_a_file_cannot_be_material_is_said_in_danish(exported, world, content, expected):
    (exported / "assets" / "Haandbog.pdf").write_bytes(content)
    lesson = exported / "01-modul-a" / "lektion-tekst.md"
    line = _line(lesson, "material: Haandbog.pdf")
    [problem] = _problems(exported)
    assert problem.startswith(
        f"{world.course.slug}/01-modul-a/lektion-tekst.md:{line}: »material«: filen "
        f"assets/Haandbog.pdf {expected}"
    ), problem


def test_an_unused_file_in_assets_is_reported(exported, world):
    shutil.copy(exported / "assets" / "Haandbog.pdf", exported / "assets" / "glemt.pdf")
    assert _problems(exported) == [
        f"{world.course.slug}/assets/glemt.pdf: Ingen blok bruger denne fil som »material«. "
        "Brug den, eller fjern den."
    ]
