"""The reflection block form's moment in the film: "Tid i filmen" and "Film", checked against the
lesson's films in Danish, with what was typed kept when it is refused."""

from __future__ import annotations

from sqlalchemy import func, select

from course_app.courses.models import Block, BlockType, Lesson
from tests import factories
from tests.helpers import post_form, sign_in


def _url(world, suffix: str) -> str:
    return f"/admin/kurser/{world.course.id}{suffix}"


NEW_REFLECTION = "/lektioner/lektion-film/ny-blok/reflection"


def _count(session, world) -> int:
    return session.scalar(
        select(func.count()).select_from(Block).where(Block.course_id == world.course.id)
    )


def test_a_reflection_at_a_moment_of_the_film_above(client, world, session):
    sign_in(client, world.editor.email)
    url = _url(world, NEW_REFLECTION)
    page = client.get(url).get_data(as_text=True)
    assert "Tid i filmen (valgfri)" in page
    assert '<option value="film-video">Film</option>' in page

    response = post_form(
        client, url, url, {"prompt": "Hvad nu?", "required": "y", "at": " 12:30 ", "save": "Gem"}
    )

    assert response.status_code == 302
    block = session.scalars(
        select(Block).where(Block.course_id == world.course.id).order_by(Block.id.desc())
    ).first()
    assert block.data == {"prompt": "Hvad nu?", "required": True, "at": "12:30"}
    edit = client.get(_url(world, f"/blokke/{block.key}")).get_data(as_text=True)
    assert 'value="12:30"' in edit


def test_refused_moments_say_what_to_fix_and_keep_the_text(client, world, session):
    sign_in(client, world.editor.email)
    url = _url(world, NEW_REFLECTION)
    before = _count(session, world)
    cases = [
        ({"at": "12:75"}, "Skriv tiden i filmen som &#34;MM:SS&#34;"),
        ({"at": "\x0012:75\x00"}, "Skriv tiden i filmen som &#34;MM:SS&#34;"),
        ({"at": "9" * 5000}, "Skriv tiden i filmen som &#34;MM:SS&#34;"),
        ({"at": "41:00"}, "Tiden ligger efter filmens slutning"),
        ({"at": "10:00", "video": "spoergsmaal-1"}, "Vælg en af lektionens film fra listen."),
        ({"at": "10:00", "video": "findes-ikke"}, "Vælg en af lektionens film fra listen."),
        ({"video": "film-video"}, "Skriv tiden i filmen, når du vælger en film"),
    ]
    for typed, message in cases:
        data = {"prompt": "Mit lange spørgsmål", "save": "Gem", **typed}
        response = post_form(client, url, url, data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, typed
        assert message in page, typed
        assert "Mit lange spørgsmål" in page
        assert "Not a valid" not in page
    assert _count(session, world) == before


def test_a_moment_needs_a_film_in_the_lesson(client, world, session):
    """A lesson without films offers no moment; one typed anyway is refused, saying why."""
    sign_in(client, world.editor.email)
    url = _url(world, "/lektioner/lektion-tekst/ny-blok/reflection")
    assert "Tid i filmen" not in client.get(url).get_data(as_text=True)

    response = post_form(client, url, url, {"prompt": "Hvorfor?", "at": "01:00", "save": "Gem"})

    assert response.status_code == 400
    assert "Der er ingen film over spørgsmålet" in response.get_data(as_text=True)


def test_a_film_of_another_lesson_cannot_be_named(client, world, session):
    other = session.scalar(
        select(Lesson).where(Lesson.course_id == world.course.id, Lesson.key == "lektion-tekst")
    )
    factories._block(
        other, "anden-film", BlockType.VIDEO, 5, title="Anden", url="https://vimeo.com/1"
    )
    session.commit()
    sign_in(client, world.editor.email)
    url = _url(world, NEW_REFLECTION)

    response = post_form(
        client, url, url, {"prompt": "Hvad?", "at": "01:00", "video": "anden-film", "save": "Gem"}
    )

    assert response.status_code == 400
    assert "Vælg en af lektionens film fra listen." in response.get_data(as_text=True)


def test_editing_keeps_the_moment_checked_where_the_question_stands(client, world, session):
    sign_in(client, world.editor.email)
    url = _url(world, "/blokke/spoergsmaal-1")

    response = post_form(
        client,
        url,
        url,
        {"prompt": "Hvad tager du med?", "required": "y", "at": "39:59", "save": "Gem"},
    )

    assert response.status_code == 302
    block = session.scalar(
        select(Block).where(Block.course_id == world.course.id, Block.key == "spoergsmaal-1")
    )
    session.refresh(block)
    assert block.data["at"] == "39:59"
    response = post_form(
        client, url, url, {"prompt": "Hvad tager du med?", "at": "", "save": "Gem"}
    )
    assert response.status_code == 302
    session.refresh(block)
    assert "at" not in block.data


def test_a_lesson_can_be_done_by_watching(client, world, session):
    sign_in(client, world.editor.email)
    url = _url(world, "/lektioner/lektion-film")
    page = client.get(url).get_data(as_text=True)
    assert "Hvornår er lektionen færdig?" in page

    for typed, message in (
        ("0", "Skriv en procent fra 1 til 100"),
        ("9" * 400, "Skriv en procent"),
    ):
        data = {"title": "Film og refleksion", "completion": "watched", "watched_percent": typed}
        response = post_form(client, url, url, {**data, "save": "Gem"})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    response = post_form(
        client,
        url,
        url,
        {
            "title": "Film og refleksion",
            "completion": "watched",
            "watched_percent": "75",
            "save": "Gem",
        },
    )

    assert response.status_code == 302
    lesson = session.scalar(
        select(Lesson).where(Lesson.course_id == world.course.id, Lesson.key == "lektion-film")
    )
    session.refresh(lesson)
    assert (lesson.completion.value, lesson.watched_percent) == ("watched", 75)
    assert 'value="75"' in client.get(url).get_data(as_text=True)
    post_form(
        client, url, url, {"title": "Film og refleksion", "completion": "self", "save": "Gem"}
    )
    session.refresh(lesson)
    assert (lesson.completion.value, lesson.watched_percent) == ("self", None)


def test_a_film_cannot_end_before_its_questions_nor_move_below_them(client, world, session):
    question = session.scalar(
        select(Block).where(Block.course_id == world.course.id, Block.key == "spoergsmaal-1")
    )
    question.data = {**question.data, "at": "30:00"}
    session.commit()
    sign_in(client, world.editor.email)
    url = _url(world, "/blokke/film-video")
    typed = {"title": "Film", "url": "https://vimeo.com/12345", "duration_minutes": "20"}

    shorter = post_form(client, url, url, {**typed, "save": "Gem"})

    assert shorter.status_code == 400
    assert "Et spørgsmål til filmen stilles efter den nye slutning." in shorter.get_data(
        as_text=True
    )
    assert (
        post_form(client, url, url, {**typed, "duration_minutes": "35", "save": "Gem"}).status_code
        == 302
    )
    outline = _url(world, "")
    moved = post_form(
        client, outline, _url(world, "/blokke/film-video/flyt"), {"direction": "down"}
    )
    page = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert "Så ville et spørgsmål ikke længere stå under den film, det hører til." in page
    film = session.scalar(
        select(Block).where(Block.course_id == world.course.id, Block.key == "film-video")
    )
    session.refresh(film)
    assert film.position == 0 and film.data["duration_minutes"] == 35
