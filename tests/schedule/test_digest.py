"""The digest's plain text reads as paragraphs, one thing per line (the app's Jinja trims the newline
after block tags, so a template that forgets it runs lines together)."""

from __future__ import annotations

import datetime as dt

from course_app.schedule import digest as mail

MEETING = mail.EventInfo(
    "Ledermøde 1",
    dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC),
    dt.datetime(2027, 2, 1, 14, tzinfo=dt.UTC),
    "Rådhuset",
    "https://forloeb.test/kalender/7",
)


def test_a_question_set_and_a_module_read_as_separate_paragraphs(app):
    digest = mail.Digest(
        recipient=mail.Recipient("Lene Jensen", "lene@test.example", "da"),
        dashboard="https://forloeb.test/",
        modules=[mail.OpenedModule("Film 2", "https://forloeb.test/f2", "Digital ledelse")],
        question_sets=[
            mail.GroupMeeting("Nord", MEETING, "Ledergruppe 1", "https://forloeb.test/lg1")
        ],
    )
    with app.test_request_context():
        composed = mail.compose(digest)
    assert composed.subject == "2 nye ting i dit forløb"
    assert composed.body_text == (
        "Kære Lene Jensen\n"
        "\n"
        "Nu er det tid til næste del af Digital ledelse:\n"
        "- Film 2\n"
        "  https://forloeb.test/f2\n"
        "\n"
        "Din ledergruppe Nord mødes mandag 1. februar 2027 kl. 13.00–15.00.\n"
        "Sted: Rådhuset\n"
        "Her er spørgsmålene, I skal drøfte. Forbered dine svar inden mødet:\n"
        "- Ledergruppe 1\n"
        "  https://forloeb.test/lg1\n"
        "\n"
        "Du finder altid hele forløbet under »Mit forløb«:\n"
        "https://forloeb.test/\n"
        "\n"
        "Linket logger dig ikke ind. Brug din e-mail og din adgangskode, hvis du bliver spurgt.\n"
        "\n"
        "Venlig hilsen\n"
        "Forløbsplatformen"
    )


def test_the_english_digest_has_english_dates_and_words(app):
    digest = mail.Digest(
        recipient=mail.Recipient("Lene Jensen", "lene@test.example", "en"),
        dashboard="https://forloeb.test/",
        reminders=[mail.GroupMeeting("Nord", MEETING, "Ledergruppe 1", "https://forloeb.test/lg1")],
        unsubscribe_link="https://forloeb.test/afmeld/abc",
    )
    with app.test_request_context():
        composed = mail.compose(digest)
    assert (
        composed.subject == "Reminder: your answers for the leader meeting Monday 1 February 2027"
    )
    assert "Don't want more reminders?" in composed.body_text
    assert 'href="https://forloeb.test/afmeld/abc"' in composed.body_html
    assert '<html lang="en">' in composed.body_html
