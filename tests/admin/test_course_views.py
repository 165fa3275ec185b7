"""The authoring screens over HTTP: forms keep what was typed, CSRF, preview, retire/delete pages."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from course_app.courses.models import Block, Course, Module
from course_app.learning import services as learning
from course_app.reflections.models import ReflectionAnswer
from tests.conftest import csrf_token_from
from tests.helpers import post_form, sign_in


def _course_url(world, suffix: str = "") -> str:
    return f"/admin/kurser/{world.course.id}{suffix}"


def test_home_lists_courses_with_links_and_create_for_admins(client, world):
    sign_in(client, world.admin.email)
    html = client.get("/admin/").get_data(as_text=True)
    assert f'href="/admin/kurser/{world.course.id}"' in html
    assert "Opret kursus" in html
    client.post("/log-ud", data={"csrf_token": csrf_token_from(html)})
    sign_in(client, world.editor.email)
    html = client.get("/admin/").get_data(as_text=True)
    assert world.course.title in html and world.other_course.title not in html
    assert "Opret kursus" not in html


def test_outline_shows_modules_lessons_blocks_and_states(client, world):
    sign_in(client, world.editor.email)
    html = client.get(_course_url(world)).get_data(as_text=True)
    for text in (
        "Modul A",
        "Modul B",
        "Film og refleksion",
        "Hvad tager du med?",
        "Offentliggjort",
    ):
        assert text in html
    assert "Forhåndsvis som deltager" in html


def test_create_course_and_a_module_with_blocks(client, world, session):
    sign_in(client, world.admin.email)
    response = post_form(
        client,
        "/admin/kurser/ny",
        "/admin/kurser/ny",
        {
            "slug": "nyt-kursus",
            "title": "Nyt kursus",
            "language": "da",
            "summary": "Om",
            "save": "Gem",
        },
    )
    assert response.status_code == 302
    course = session.scalar(select(Course).where(Course.slug == "nyt-kursus"))
    base = f"/admin/kurser/{course.id}"
    response = post_form(
        client,
        f"{base}/nyt-modul",
        f"{base}/nyt-modul",
        {"title": "Første modul", "mode": "individual", "intro": "", "save": "Gem"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{base}#module-foerste-modul")
    url = f"{base}/moduler/foerste-modul/ny-lektion"
    response = post_form(client, url, url, {"title": "Lektion et", "intro": "Hej", "save": "Gem"})
    assert response.status_code == 302
    url = f"{base}/lektioner/lektion-et/ny-blok/video"
    response = post_form(
        client,
        url,
        url,
        {
            "title": "Filmen",
            "url": "https://vimeo.com/76979871",
            "duration_minutes": "12",
            "chapters": "00:00 Start\n02:00 Videre",
            "save": "Gem",
        },
    )
    assert response.status_code == 302
    block = session.scalar(select(Block).where(Block.course_id == course.id))
    assert block.data["chapters"][1] == {"at": "02:00", "title": "Videre"}
    assert block.data["duration_minutes"] == 12
    html = client.get(f"{base}/blokke/{block.key}").get_data(as_text=True)
    assert "02:00 Videre" in html
    # A number too large for anything, or no number: a Danish message, the input kept, no change.
    for typed, message in (
        ("9" * 400, "Skriv et helt antal minutter over 0."),
        ("tolv", "Skriv et helt tal."),
    ):
        response = post_form(
            client,
            url,
            url,
            {
                "title": "Film to",
                "url": "https://vimeo.com/1",
                "duration_minutes": typed,
                "save": "Gem",
            },
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and message in page
        assert typed in page and "Not a valid" not in page
    assert (
        session.scalar(select(func.count()).select_from(Block).where(Block.course_id == course.id))
        == 1
    )


def test_only_platform_admins_create_courses(client, world):
    sign_in(client, world.editor.email)
    assert client.get("/admin/kurser/ny").status_code == 403


def test_rejected_form_keeps_typed_text_and_names_the_field(client, world):
    sign_in(client, world.editor.email)
    url = _course_url(world, "/lektioner/lektion-film/ny-blok/video")
    response = post_form(
        client,
        url,
        url,
        {
            "title": "Min film med en lang titel",
            "url": "ikke en adresse",
            "chapters": "9 forkert",
            "save": "Gem",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Min film med en lang titel"' in html
    assert 'value="ikke en adresse"' in html
    assert "9 forkert" in html
    assert "Skriv en fuld adresse" in html
    assert "Linje 1" in html
    assert 'aria-invalid="true"' in html


def test_non_embeddable_video_needs_the_link_choice(client, world):
    sign_in(client, world.editor.email)
    url = _course_url(world, "/lektioner/lektion-film/ny-blok/video")
    data = {"title": "Ekstern", "url": "https://example.org/film", "save": "Gem"}
    response = post_form(client, url, url, data)
    assert response.status_code == 400
    assert "almindeligt link" in response.get_data(as_text=True)
    response = post_form(client, url, url, {**data, "allow_link": "y"})
    assert response.status_code == 302


def test_markdown_preview_renders_sanitised_html_without_saving(client, world):
    sign_in(client, world.editor.email)
    url = _course_url(world, "/lektioner/lektion-film")
    response = post_form(
        client,
        url,
        url,
        {
            "title": "Film og refleksion",
            "intro": "**Fed** <script>alert(1)</script>",
            "preview": "Vis forhåndsvisning",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>Fed</strong>" in html
    assert "<script>alert(1)" not in html
    assert "**Fed** &lt;script&gt;" in html  # the typed text stays in the field
    assert world.lesson().intro == ""


def test_csrf_is_required(client, world):
    sign_in(client, world.editor.email)
    response = client.post(
        _course_url(world, "/lektioner/lektion-film"), data={"title": "X", "save": "Gem"}
    )
    assert response.status_code == 400
    assert world.lesson().title == "Film og refleksion"
    response = client.post(_course_url(world, "/moduler/modul-b/flyt"), data={"direction": "up"})
    assert response.status_code == 400


def test_move_and_publish_buttons(client, world, session):
    sign_in(client, world.editor.email)
    page = _course_url(world)
    response = post_form(
        client, page, _course_url(world, "/moduler/modul-b/flyt"), {"direction": "up"}
    )
    assert response.status_code == 302
    order = session.scalars(
        select(Module.key).where(Module.course_id == world.course.id).order_by(Module.position)
    ).all()
    assert order == ["modul-b", "modul-a"]
    response = post_form(
        client, page, _course_url(world, "/lektioner/lektion-tekst/status"), {"publish": "0"}
    )
    assert response.status_code == 302
    session.expire_all()
    assert world.lesson("lektion-tekst").status == "draft"
    response = post_form(
        client, page, _course_url(world, "/blokke/tekst-1/status"), {"publish": "0"}
    )
    assert response.status_code == 404


def test_retire_question_with_answers_asks_for_confirmation(client, world, session):
    learning.answer_question(world.enrolment, "spoergsmaal-1", "Svaret", submit=True)
    session.commit()
    sign_in(client, world.editor.email)
    url = _course_url(world, "/blokke/spoergsmaal-1/udfas")
    html = client.get(url).get_data(as_text=True)
    assert "Der er 1 svar" in html
    response = post_form(client, url, url, {"submit": "Udfas"})
    assert response.status_code == 400
    session.expire_all()
    assert world.block().retired_at is None
    response = post_form(client, url, url, {"submit": "Udfas", "confirm_answers": "y"})
    assert response.status_code == 302
    session.expire_all()
    assert world.block().retired_at is not None
    assert session.scalar(select(ReflectionAnswer.text)) == "Svaret"
    # deleting it is refused: the answer points at it
    url = _course_url(world, "/blokke/spoergsmaal-1/slet")
    assert "kan ikke slettes" in client.get(url).get_data(as_text=True)
    response = post_form(client, url, url, {"submit": "Slet"})
    assert response.status_code == 400
    session.expire_all()
    assert world.block() is not None
    # and it comes back
    response = post_form(
        client, _course_url(world), _course_url(world, "/blokke/spoergsmaal-1/genopret"), {}
    )
    assert response.status_code == 302
    session.expire_all()
    assert world.block().retired_at is None


def test_delete_with_confirmation(client, world, session):
    sign_in(client, world.editor.email)
    url = _course_url(world, "/blokke/tekst-2/slet")
    assert "slettes for altid" in client.get(url).get_data(as_text=True)
    response = post_form(client, url, url, {"submit": "Slet"})
    assert response.status_code == 302
    session.expire_all()
    assert world.block("tekst-2") is None


def test_preview_as_leader_is_the_module_page_with_forms_off(client, world):
    sign_in(client, world.editor.email)
    url = _course_url(world, "/moduler/modul-a/forhaandsvisning")
    html = client.get(url).get_data(as_text=True)
    assert "Forhåndsvisning som deltager" in html
    assert "Hvad tager du med?" in html and "Markér som færdig" in html
    assert re.search(r"<textarea[^>]*disabled", html)
    assert re.search(r'<input[^>]*disabled[^>]*id="indsend-spoergsmaal-1"', html)
    # the leader's own page has the same blocks, with the forms on
    client.post("/log-ud", data={"csrf_token": csrf_token_from(html)})
    sign_in(client, world.leader.email)
    leader_html = client.get(f"/forloeb/{world.cohort.id}/moduler/modul-a").get_data(as_text=True)
    assert "Hvad tager du med?" in leader_html
    assert not re.search(r"<textarea[^>]*disabled", leader_html)
    assert not re.search(r'<input[^>]*disabled[^>]*id="indsend-spoergsmaal-1"', leader_html)


def test_preview_hides_draft_lessons_unless_asked(client, world):
    sign_in(client, world.editor.email)
    post_form(
        client,
        _course_url(world),
        _course_url(world, "/lektioner/lektion-tekst/status"),
        {"publish": "0"},
    )
    url = _course_url(world, "/moduler/modul-a/forhaandsvisning")
    html = client.get(url).get_data(as_text=True)
    assert 'id="lektion-lektion-tekst"' not in html
    assert "Vis også kladder" in html
    html = client.get(url + "?kladder=1").get_data(as_text=True)
    assert 'id="lektion-lektion-tekst"' in html


def test_unknown_ids_and_keys_are_404(client, world):
    sign_in(client, world.admin.email)
    for url in (
        "/admin/kurser/999999",
        _course_url(world, "/moduler/findes-ikke"),
        _course_url(world, "/lektioner/findes-ikke"),
        _course_url(world, "/blokke/findes-ikke"),
        _course_url(world, "/moduler/findes-ikke/forhaandsvisning"),
        _course_url(world, "/blokke/findes-ikke/udfas"),
    ):
        assert client.get(url).status_code == 404, url
