"""Meeting notes per leader meeting (the chair writes, members and the facilitator read; coordinators
and admins get 404) and the printable meeting-preparation sheet."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from course_app.paths import STATIC_DIR
from course_app.reflections.models import MeetingNote
from tests.groups.conftest import A_SHARED, B_PRIVATE
from tests.helpers import post_form

NOTE = "Det tager vi med til workshoppen: ét eksempel på en chatbot."


def _notes(session, world) -> list[tuple]:
    session.expire_all()
    return [
        (note.module_id, note.text, note.version, note.author_id)
        for note in session.scalars(
            select(MeetingNote).where(MeetingNote.group_id == world.g1.id).order_by(MeetingNote.id)
        )
    ]


def test_chair_writes_and_edits_the_note_and_the_version_counts_changes(session, world, browser):
    h = browser(world.h)
    page = h.get(world.note_url()).get_data(as_text=True)
    assert 'id="moedenoter"' in page and 'name="version" type="hidden" value="0"' in page
    response = post_form(h, world.note_url(), world.note_url(), {"text": NOTE, "version": "0"})
    assert response.status_code == 302
    assert [(text, version) for _, text, version, _ in _notes(session, world)] == [(NOTE, 1)]
    html = h.get(world.note_url()).get_data(as_text=True)
    assert "Mødenoterne er gemt." in html and "version 1" in html
    # Saving the same text does not raise the version; a change does.
    post_form(h, world.note_url(), world.note_url(), {"text": NOTE, "version": "1"})
    post_form(h, world.note_url(), world.note_url(), {"text": NOTE + " Og Y.", "version": "1"})
    assert [(text, version) for _, text, version, _ in _notes(session, world)] == [
        (NOTE + " Og Y.", 2)
    ]


def test_a_stale_version_is_refused_and_the_typed_text_survives(session, world, browser):
    h = browser(world.h)
    post_form(h, world.note_url(), world.note_url(), {"text": NOTE, "version": "0"})
    response = post_form(
        h, world.note_url(), world.note_url(), {"text": "Min nye udgave", "version": "0"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Mødenoterne er blevet ændret, siden du åbnede siden." in html
    assert "Min nye udgave" in html and NOTE in html  # typed text and the stored version
    assert 'name="version" type="hidden" value="1"' in html  # saving again overwrites knowingly
    assert [text for _, text, _, _ in _notes(session, world)] == [NOTE]


def test_an_empty_note_is_refused(session, world, browser):
    response = post_form(browser(world.h), world.note_url(), world.note_url(), {"text": " "})
    assert response.status_code == 400
    assert "Skriv mødenoterne, før du gemmer." in response.get_data(as_text=True)
    assert _notes(session, world) == []


def test_members_and_the_facilitator_read_the_note_but_cannot_write(session, world, browser):
    post_form(browser(world.h), world.note_url(), world.note_url(), {"text": NOTE, "version": "0"})
    for person in (world.a, world.b, world.f):
        client = browser(person)
        response = client.get(world.note_url())
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert NOTE in html and "Helle Mødeleder" in html
        assert 'id="moedenoter"' not in html
        response = post_form(client, world.note_url(), world.note_url(), {"text": "Overskrevet"})
        assert response.status_code == 403
    assert [text for _, text, _, _ in _notes(session, world)] == [NOTE]
    # The facilitator reads notes, not shared answers: no sheet link and no group page link.
    html = browser(world.f).get(world.note_url()).get_data(as_text=True)
    assert world.sheet_url() not in html and f'href="{world.group_url()}"' not in html


def test_meeting_note_page_without_a_note_is_helpful(world, browser):
    html = browser(world.a).get(world.note_url()).get_data(as_text=True)
    assert "Mødelederen har ikke skrevet mødenoter til mødet endnu." in html


def test_only_leader_meetings_have_notes(world, browser):
    h = browser(world.h)
    for key in ("film-1", "ws-1", "findes-ikke"):
        assert h.get(world.note_url(key)).status_code == 404
        assert h.get(world.sheet_url(key)).status_code == 404


def test_forged_fields_cannot_move_a_note_to_another_group(session, world, browser):
    forged = {"group_id": str(world.g2.id), "module_id": "1", "author_id": str(world.a.id)}
    post_form(browser(world.h), world.note_url(), world.note_url(), {"text": NOTE, **forged})
    notes = session.scalars(select(MeetingNote)).all()
    assert [(n.group_id, n.author_id) for n in notes] == [(world.g1.id, world.h.id)]


def test_sheet_holds_the_question_set_the_shared_answers_and_the_note(world, browser):
    post_form(browser(world.h), world.note_url(), world.note_url(), {"text": NOTE, "version": "0"})
    for person in (world.b, world.h):
        response = browser(person).get(world.sheet_url())
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Mødeforberedelse" in html
        assert "Spørgsmål lg-1-q1?" in html and "Spørgsmål lg-1-q2?" in html
        assert A_SHARED in html and "Anna Andersen" in html
        assert B_PRIVATE not in html
        assert NOTE in html
        assert 'class="screen-only' in html
        assert 'href="/static/css/print.css"' in html and 'media="print"' in html


def test_print_stylesheet_hides_navigation_and_buttons_on_the_sheet():
    css = (Path(STATIC_DIR) / "css" / "print.css").read_text(encoding="utf-8")
    for selector in (".site-header", ".button", "form", "nav", ".screen-only", ".sheet-answer"):
        assert selector in css


def test_a_note_over_the_limit_names_it_and_keeps_the_text(session, world, browser):
    too_long = "Lang note. " * 2_000  # 22.000 characters
    response = post_form(
        browser(world.h), world.note_url(), world.note_url(), {"text": too_long, "version": "0"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Mødenoterne er for lange: højst 20.000 tegn" in html
    assert too_long.strip() in html
    assert _notes(session, world) == []


def test_control_characters_in_a_note_are_dropped_not_a_server_error(session, world, browser):
    response = post_form(
        browser(world.h),
        world.note_url(),
        world.note_url(),
        {"text": "Før\x00 efter\x1b\r\nNy linje", "version": "0"},
    )
    assert response.status_code == 302
    assert [text for _, text, _, _ in _notes(session, world)] == ["Før efter\nNy linje"]
