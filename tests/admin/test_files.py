"""Course files in the admin area: download as zip, upload a zip to create or update a course."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.cohorts.models import Enrolment
from course_app.core.db import db
from course_app.courses import archive
from course_app.courses.archive import ArchiveError, unpacked_course
from course_app.courses.file_export import export_zip
from course_app.courses.file_import import import_course
from course_app.courses.models import Block, Course, LearningGoal, Lesson, Module
from course_app.organisations import services as directory
from course_app.organisations.models import Role
from course_app.reflections import services as reflections
from course_app.reflections.models import ReflectionAnswer
from tests import factories
from tests.conftest import csrf_token_from
from tests.helpers import sign_in

MINIMAL = Path(__file__).resolve().parents[1] / "courses" / "fixtures" / "minimal"
UPLOAD = "/admin/kurser/upload"


# --- Helpers ----------------------------------------------------------------------------------------


def minimal_files() -> dict[str, str]:
    return {
        path.relative_to(MINIMAL).as_posix(): path.read_text("utf-8")
        for path in sorted(MINIMAL.rglob("*"))
        if path.is_file()
    }


def make_zip(files: dict[str, str | bytes], *, top: str = "minimal") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_:
        for name, content in files.items():
            archive_.writestr(f"{top}/{name}" if top else name, content)
    return buffer.getvalue()


def edited(**replacements: tuple[str, str]) -> dict[str, str]:
    """The minimal course with text replaced in some files: ``file=(old, new)`` (``/`` as ``__``)."""
    files = minimal_files()
    for key, (old, new) in replacements.items():
        name = key.replace("__", "/").replace("_md", ".md").replace("_yml", ".yml")
        assert old in files[name], (name, old)
        files[name] = files[name].replace(old, new)
    return files


def upload(client, data: bytes, filename: str = "kursus.zip"):
    token = csrf_token_from(client.get(UPLOAD).get_data(as_text=True))
    return client.post(
        UPLOAD,
        data={"file": (io.BytesIO(data), filename), "csrf_token": token},
        content_type="multipart/form-data",
    )


def content_counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Course, LearningGoal, Module, Lesson, Block, AuditEntry)
    }


def person(role: Role | None = None, course: Course | None = None):
    user = factories.user()
    if role is Role.PLATFORM_ADMIN:
        directory.assign_role(user, role)
    elif role is Role.COURSE_EDITOR:
        directory.assign_role(user, role, course_id=course.id)
    return user


@pytest.fixture
def minimal_course(session: Any) -> Course:
    return import_course(MINIMAL).course


# --- Download ---------------------------------------------------------------------------------------


def test_download_is_the_deterministic_export_zip(client, minimal_course: Course) -> None:
    editor = person(Role.COURSE_EDITOR, minimal_course)
    sign_in(client, editor.email)
    url = f"/admin/kurser/{minimal_course.id}/download.zip"

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == 200
    assert first.mimetype == "application/zip"
    assert first.headers["Content-Disposition"] == 'attachment; filename="minimal.zip"'
    assert first.data == second.data == export_zip(minimal_course)
    names = zipfile.ZipFile(io.BytesIO(first.data)).namelist()
    assert "minimal/course.yml" in names


def test_downloaded_zip_uploads_without_changes(client, minimal_course: Course) -> None:
    admin = person(Role.PLATFORM_ADMIN)
    sign_in(client, admin.email)
    data = client.get(f"/admin/kurser/{minimal_course.id}/download.zip").data
    before = content_counts()

    response = upload(client, data, "minimal.zip")

    assert response.status_code == 200
    assert "intet er ændret" in response.get_data(as_text=True)
    assert content_counts() == before  # not even an audit entry


@pytest.mark.parametrize("role", [None, "other_editor"])
def test_download_refused_to_non_editors(client, minimal_course: Course, role) -> None:
    other = factories.course()
    user = person(Role.COURSE_EDITOR, other) if role else person()
    sign_in(client, user.email)

    assert client.get(f"/admin/kurser/{minimal_course.id}/download.zip").status_code == 403


def test_download_of_unknown_course_is_404(client, session) -> None:
    sign_in(client, person(Role.PLATFORM_ADMIN).email)

    assert client.get("/admin/kurser/999999/download.zip").status_code == 404


def test_download_requires_sign_in(client, minimal_course: Course) -> None:
    response = client.get(f"/admin/kurser/{minimal_course.id}/download.zip")

    assert response.status_code == 302
    assert "/log-ind" in response.headers["Location"]


# --- Upload: success --------------------------------------------------------------------------------


def test_admin_upload_creates_course_and_shows_report(client, session) -> None:
    admin = person(Role.PLATFORM_ADMIN)
    sign_in(client, admin.email)

    response = upload(client, make_zip(minimal_files()), "minimal.zip")

    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "created course minimal" in html
    assert "created block film-reflection" in html
    course = db.session.scalar(select(Course).where(Course.slug == "minimal"))
    assert course is not None and course.title == "Minimal course"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.course_id == course.id))
    assert (entry.actor_id, entry.action, entry.object_key) == (admin.id, "created", "minimal")
    assert "created course minimal" in entry.details["lines"]


def test_editor_upload_updates_their_course(client, minimal_course: Course) -> None:
    editor = person(Role.COURSE_EDITOR, minimal_course)
    sign_in(client, editor.email)
    files = edited(**{"01-start__film_md": ("title: The film", "title: The new film")})

    response = upload(client, make_zip(files))

    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "updated block film-video (title)" in html
    block = db.session.scalar(select(Block).where(Block.key == "film-video"))
    db.session.refresh(block)
    assert block.data["title"] == "The new film"
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert (entry.actor_id, entry.action, entry.course_id) == (
        editor.id,
        "imported",
        minimal_course.id,
    )


def test_upload_never_loses_learner_work(client, minimal_course: Course) -> None:
    question = db.session.scalar(select(Block).where(Block.key == "film-reflection"))
    _leader, enrolment = factories.enrolled_leader(factories.cohort(minimal_course))
    reflections.save_answer(enrolment, question, "Mit svar", submit=True)
    sign_in(client, person(Role.COURSE_EDITOR, minimal_course).email)
    files = minimal_files()
    film = files["01-start/film.md"]
    files["01-start/film.md"] = film[: film.index("  - id: film-reflection")] + "---\n"

    response = upload(client, make_zip(files))

    assert response.status_code == 200, response.get_data(as_text=True)
    assert "retired block film-reflection" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Block, question.id).retired_at is not None
    answer = db.session.scalar(
        select(ReflectionAnswer).where(ReflectionAnswer.block_id == question.id)
    )
    assert answer is not None and answer.text == "Mit svar"
    assert db.session.get(Enrolment, enrolment.id) is not None


# --- Upload: permissions ----------------------------------------------------------------------------


def test_upload_page_is_for_authors_only(client, minimal_course: Course) -> None:
    sign_in(client, person().email)

    assert client.get(UPLOAD).status_code == 403


def test_editor_may_not_create_a_new_course(client, minimal_course: Course) -> None:
    sign_in(client, person(Role.COURSE_EDITOR, minimal_course).email)
    files = edited(course_yml=("id: minimal", "id: helt-nyt"))
    before = content_counts()

    response = upload(client, make_zip(files, top="helt-nyt"))

    assert response.status_code == 403
    assert "Kun platformsadministratorer kan oprette nye kurser" in response.get_data(as_text=True)
    assert content_counts() == before


def test_editor_of_another_course_may_not_update_it(client, minimal_course: Course) -> None:
    sign_in(client, person(Role.COURSE_EDITOR, factories.course()).email)
    before = content_counts()

    response = upload(client, make_zip(edited(course_yml=("Minimal course", "Overtaget"))))

    assert response.status_code == 403
    assert "Du er ikke redaktør for kurset »minimal«" in response.get_data(as_text=True)
    assert content_counts() == before
    db.session.refresh(minimal_course)
    assert minimal_course.title == "Minimal course"


def test_upload_post_without_csrf_is_refused(client, minimal_course: Course) -> None:
    sign_in(client, person(Role.PLATFORM_ADMIN).email)

    response = client.post(
        UPLOAD,
        data={"file": (io.BytesIO(make_zip(minimal_files())), "minimal.zip")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400


# --- Upload: broken course files --------------------------------------------------------------------

BROKEN = {
    "bad YAML": (
        {"01-start__welcome_md": ("title: Welcome", "title: [Welcome")},
        ["minimal/01-start/welcome.md:4", "Ugyldig YAML: En liste i [ ] er ikke skrevet rigtigt."],
    ),
    "duplicate id": (
        {"01-start__film_md": ("id: film-reflection", "id: film-video")},
        [
            "minimal/01-start/film.md:18",
            "Id&#39;et »film-video« bruges allerede af en anden blok (i minimal/01-start/film.md:6).",
        ],
    ),
    "missing file": (
        {"01-start__module_md": ("  - film.md", "  - film.md\n  - missing.md")},
        [
            "minimal/01-start/module.md:9",
            "Lektionsfilen »missing.md« findes ikke i mappen 01-start/.",
        ],
    ),
    "unknown block type": (
        {"02-workshop__prep_md": ("type: resource", "type: podcast")},
        ["minimal/02-workshop/prep.md:11", "(der står »podcast«)."],
    ),
}


def _problem_cells(html: str) -> list[str]:
    """``file:line`` for each row of the problems table."""
    rows = re.findall(
        r'<th scope="row"><code>([^<]+)</code></th>\s*<td class="numeric">([^<]+)</td>', html
    )
    return [f"{file}:{line}" for file, line in rows]


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_course_lists_the_problem_and_imports_nothing(
    client, minimal_course: Course, case: str
) -> None:
    replacements, expected = BROKEN[case]
    sign_in(client, person(Role.PLATFORM_ADMIN).email)
    before = content_counts()

    response = upload(client, make_zip(edited(**replacements)))

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Intet er indlæst" in html
    assert expected[0] in _problem_cells(html)
    assert expected[1] in html
    assert content_counts() == before


def test_every_problem_is_listed_at_once_and_nothing_is_created(client, session) -> None:
    sign_in(client, person(Role.PLATFORM_ADMIN).email)
    replacements: dict[str, tuple[str, str]] = {}
    for case_replacements, _expected in BROKEN.values():
        replacements.update(case_replacements)
    before = content_counts()

    response = upload(client, make_zip(edited(**replacements)))

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _problem_cells(html) == [expected[0] for _r, expected in BROKEN.values()]
    assert "har 4 problemer" in html
    assert content_counts() == before
    assert db.session.scalar(select(Course).where(Course.slug == "minimal")) is None


# --- Upload: the problems in the reader's language -------------------------------------------------

UNKNOWN_TYPE = {"02-workshop__prep_md": ("type: resource", "type: podcast")}
DANISH_TYPE = (
    "»type« skal være en af: text, video, reflection, workshop_prep, resource (der står »podcast«)."
)
ENGLISH_TYPE = (
    "&#39;type&#39; must be one of: text, video, reflection, workshop_prep, resource (it says "
    "&#39;podcast&#39;)."
)
# Words of ruamel.yaml's own (English) error texts, which must not reach the page.
PARSER_WORDS = ("while ", "expected", "found character", "but got", "but found", "mapping values")


def _problem_messages(html: str) -> list[str]:
    """The problem column of the problems table, as the page has it (escaped)."""
    return re.findall(r'<td class="numeric">[^<]*</td>\s*<td>([^<]*)</td>', html)


def test_problems_are_danish_and_not_marked_as_english(client, minimal_course: Course) -> None:
    sign_in(client, person(Role.PLATFORM_ADMIN).email)

    html = upload(client, make_zip(edited(**UNKNOWN_TYPE))).get_data(as_text=True)

    assert '<html lang="da">' in html
    assert _problem_messages(html) == [DANISH_TYPE]
    table = html[html.index("<table") : html.index("</table>")]
    assert 'lang="en"' not in table  # the language menu's "English" is the page's only one


def test_problems_are_english_in_the_english_interface(
    client, session, minimal_course: Course
) -> None:
    admin = person(Role.PLATFORM_ADMIN)
    admin.locale = "en"
    session.commit()
    sign_in(client, admin.email)

    html = upload(client, make_zip(edited(**UNKNOWN_TYPE))).get_data(as_text=True)

    assert '<html lang="en">' in html
    assert _problem_messages(html) == [ENGLISH_TYPE]
    assert "skal være" not in html and "der står" not in html


@pytest.mark.parametrize(
    ("old", "new", "danish"),
    [
        ("title: Welcome", "title: [Welcome", "En liste i [ ] er ikke skrevet rigtigt."),
        ("title: Welcome", "title: Welcome: home", "Der står et kolon og et mellemrum"),
        ("title: Welcome", 'title: "Welcome', "En tekst i anførselstegn er ikke lukket."),
        ("title: Welcome", "title: @Welcome", "En værdi begynder med et tegn"),
        ("title: Welcome", "title: Welcome\n\tmode: x", "Linjen har et tabulatortegn."),
        ("title: Welcome", "title: Welcome\ntitle: Again", "Nøglen »title« står to gange."),
    ],
    ids=["flow list", "colon", "open quote", "reserved character", "tab", "duplicate key"],
)
def test_a_yaml_syntax_error_is_told_in_danish_without_the_parsers_words(
    client, minimal_course: Course, old: str, new: str, danish: str
) -> None:
    sign_in(client, person(Role.PLATFORM_ADMIN).email)

    html = upload(client, make_zip(edited(**{"01-start__welcome_md": (old, new)}))).get_data(
        as_text=True
    )

    [message] = _problem_messages(html)
    assert message.startswith("Ugyldig YAML: ") and danish in message, message
    assert not [word for word in PARSER_WORDS if word in message], message


def test_names_from_the_files_are_escaped_on_the_page(client, minimal_course: Course) -> None:
    sign_in(client, person(Role.PLATFORM_ADMIN).email)
    bad_key = {"01-start__module_md": ("mode: individual\n", "mode: individual\n<b>x</b>: 1\n")}

    html = upload(client, make_zip(edited(**bad_key))).get_data(as_text=True)
    assert "Ukendt nøgle »&lt;b&gt;x&lt;/b&gt;«" in html
    assert "<b>x</b>" not in html

    # The zip's own problems are lazy messages, which flask-babel marks as safe HTML.
    html = upload(client, _zip_with([("minimal/<b>x</b>\\y.md", b"x")])).get_data(as_text=True)
    assert "»minimal/&lt;b&gt;x&lt;/b&gt;\\y.md«: navnet indeholder »\\«" in html
    assert "<b>x</b>" not in html


# --- Upload: unsafe or malformed zips ---------------------------------------------------------------


def _zip_with(infos: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_:
        for name, content in infos:
            archive_.writestr(name, content)
    return buffer.getvalue()


def _symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def _valid_entries() -> list[tuple[str, bytes]]:
    return [(f"minimal/{name}", text.encode()) for name, text in minimal_files().items()]


UNSAFE = {
    "parent path": ([("minimal/../evil.md", b"x")], "».."),
    "absolute path": ([("/tmp/evil.md", b"x")], "absolutte stier"),
    "windows drive": ([("C:/evil.md", b"x")], "absolutte stier"),
    "backslash": ([("minimal\\..\\evil.md", b"x")], "Brug »/«"),
    "symlink": ([_symlink("minimal/01-start/link.md", "/etc/passwd")], "symbolske links"),
    "two folders": ([("andet/course.yml", b"x")], "flere mapper"),
    "file at the top": ([("course.yml", b"x")], "pak mappen, ikke filerne i den"),
}


@pytest.mark.parametrize("case", list(UNSAFE), ids=list(UNSAFE))
def test_unsafe_entries_are_refused_before_anything_is_written(
    case: str, tmp_path: Path, monkeypatch
) -> None:
    extra, message = UNSAFE[case]
    monkeypatch.setattr(archive.tempfile, "tempdir", str(tmp_path))

    data = _zip_with(_valid_entries() + extra)

    with pytest.raises(ArchiveError) as error, unpacked_course(data):
        pytest.fail("an unsafe zip was unpacked")

    assert any(message in str(problem) for problem in error.value.problems), error.value.problems
    assert list(tmp_path.iterdir()) == []  # the temporary folder is gone, nothing escaped it
    assert not (tmp_path.parent / "evil.md").exists()


def test_zip_bomb_is_refused_by_its_unpacked_size(monkeypatch) -> None:
    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = _zip_with([*_valid_entries(), ("minimal/bomb.md", b"0" * (2 * 1024 * 1024))])
    assert len(bomb) < 20 * 1024  # highly compressed

    with pytest.raises(ArchiveError) as error, unpacked_course(bomb):
        pytest.fail("a zip bomb was unpacked")

    assert "højst 1 MB" in str(error.value)


def test_zip_bomb_with_understated_sizes_is_stopped_while_unpacking(monkeypatch) -> None:
    """Headers may lie about sizes: the bytes actually unpacked are counted too."""
    check_entries = archive._check_entries

    def believing_the_headers(infos):
        with monkeypatch.context() as patch:
            patch.setattr(archive, "MAX_UNPACKED_BYTES", 10**12)
            patch.setattr(archive, "MAX_COMPRESSION_RATIO", 10**12)
            return check_entries(infos)

    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 1024 * 1024)
    monkeypatch.setattr(archive, "_check_entries", believing_the_headers)
    bomb = _zip_with([*_valid_entries(), ("minimal/bomb.md", b"0" * (2 * 1024 * 1024))])

    with pytest.raises(ArchiveError) as error, unpacked_course(bomb):
        pytest.fail("a zip bomb was unpacked")

    assert "mere end 1 MB" in str(error.value)


def test_too_many_entries_are_refused(monkeypatch) -> None:
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)

    with pytest.raises(ArchiveError) as error, unpacked_course(_zip_with(_valid_entries())):
        pytest.fail("unpacked")

    assert "højst 3 er tilladt" in str(error.value)


def test_unsafe_upload_imports_nothing_and_says_why(client, session) -> None:
    sign_in(client, person(Role.PLATFORM_ADMIN).email)
    before = content_counts()

    response = upload(client, _zip_with([*_valid_entries(), ("minimal/../evil.md", b"x")]))

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "kunne ikke pakkes ud" in html
    assert "minimal/../evil.md" in html
    assert content_counts() == before


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"not a zip at all", "kursus.zip", "Filen er ikke en zip-fil"),
        (b"name;email\n", "people.csv", "Filen skal være en zip-fil"),
    ],
)
def test_not_a_zip_is_refused(client, session, data, filename, message) -> None:
    sign_in(client, person(Role.PLATFORM_ADMIN).email)

    response = upload(client, data, filename)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_macos_extras_are_ignored(session, tmp_path: Path, monkeypatch) -> None:
    extras = [("__MACOSX/minimal/._course.yml", b"x"), ("minimal/.DS_Store", b"x")]

    with unpacked_course(_zip_with(_valid_entries() + extras)) as folder:
        assert folder.name == "minimal"
        assert (folder / "course.yml").is_file()
        assert not (folder / ".DS_Store").exists()
        assert not (folder.parent / "__MACOSX").exists()
