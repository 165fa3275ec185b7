"""Questions during the film in real Chromium: the film pauses at a question's moment, the question
takes focus and is answered in the background, the film goes on; time links seek; the YouTube and
Vimeo adapters drive stand-in players through the providers' postMessage interfaces; and without
JavaScript the same lesson lists the questions with their times.

The film is ``tests/e2e/media/test-clip.webm``: 12 seconds of ffmpeg's test pattern (VP8, 160x90, 5
frames a second, no sound; ``ffmpeg -f lavfi -i testsrc=size=160x90:rate=5:duration=12 -c:v libvpx
-b:v 20k -an``), served by Playwright at an https address as a film host would serve it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from course_app.core.db import db
from course_app.courses import outline_cache
from course_app.courses.models import Block, CompletionRule, Lesson
from tests.e2e import fake_players
from tests.e2e.conftest import (
    DESKTOP,
    _open_now,
    assert_accessible,
    assert_no_problems,
    demo_app,
    new_page,
    open_module_from_dashboard,
    serving,
    sign_in,
)

pytestmark = pytest.mark.e2e

CLIP = (Path(__file__).parent / "media" / "test-clip.webm").read_bytes()
CLIP_URL = "https://film.test.example/test-clip.webm"
FILM_1 = "Film 1: Anja Pors"
FILM_2 = "Film 2: Thomas Winther"
LEADER = "leder1@albertslund.example"
FILM = "#blok-film-1-video"
FIRST, SECOND, THIRD = "film-1-refleksion-1", "film-1-refleksion-2", "film-1-refleksion-3"


def _set(key: str, **data) -> None:
    block = db.session.scalar(select(Block).where(Block.key == key))
    block.data = {
        name: value for name, value in {**block.data, **data}.items() if value is not None
    }


@pytest.fixture(scope="module")
def live_server(database_factory, tmp_path_factory) -> Iterator[str]:
    """The demo, with film 1 a real (local) clip with its questions at 3, 7 and 10 seconds and two
    chapters, and the short KL film beside it on YouTube with its question at 4 seconds."""
    app = demo_app(database_factory, tmp_path_factory)
    with app.app_context():
        _set(
            "film-1-video",
            url=CLIP_URL,
            placeholder=None,
            duration_minutes=1,
            chapters=[
                {"at": "00:00", "title": "Begyndelsen"},
                {"at": "00:09", "title": "Til sidst"},
            ],
        )
        lesson = db.session.scalar(select(Lesson).where(Lesson.key == "film-1-anja-pors"))
        lesson.completion = CompletionRule.WATCHED
        _set(FIRST, at="00:03")
        _set(SECOND, at="00:07")
        _set(THIRD, at="00:10")
        _set(
            "kl-digital-ledelse-video",
            url="https://www.youtube.com/watch?v=abcdefghijk",
            placeholder=None,
        )
        _set("kl-digital-ledelse-refleksion", at="00:04")
        _set("kl-gevinstansvar-video", url="https://vimeo.com/76979871", placeholder=None)
        _set("kl-gevinstansvar-refleksion", at="00:04")
        _open_now("film-2")
        db.session.commit()
        outline_cache.outlines.clear()
    with serving(app) as url:
        yield url


def _clip(requests: list[str]):
    """The clip as a film host serves it: byte ranges (206), without which Chromium cannot seek."""

    def handle(route) -> None:
        requests.append(route.request.url)
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", route.request.headers.get("range", ""))
        if not wanted:
            route.fulfill(
                status=200,
                body=CLIP,
                headers={"Content-Type": "video/webm", "Accept-Ranges": "bytes"},
            )
            return
        first = int(wanted.group(1))
        last = min(int(wanted.group(2) or len(CLIP) - 1), len(CLIP) - 1)
        route.fulfill(
            status=206,
            body=CLIP[first : last + 1],
            headers={
                "Content-Type": "video/webm",
                "Accept-Ranges": "bytes",
                "Content-Range": f"bytes {first}-{last}/{len(CLIP)}",
            },
        )

    return handle


@pytest.fixture
def film_page(browser, live_server, browser_problems):
    """A desktop page whose https film addresses are answered by the clip and the stand-ins; every
    request to them is kept in ``film_page.film_requests``."""
    context, page = new_page(browser, live_server, browser_problems, DESKTOP)
    requests: list[str] = []

    def answer(body: bytes | str, content_type: str):
        def handle(route) -> None:
            requests.append(route.request.url)
            route.fulfill(status=200, body=body, content_type=content_type)

        return handle

    context.route(CLIP_URL, _clip(requests))
    context.route("https://www.youtube-nocookie.com/**", answer(fake_players.YOUTUBE, "text/html"))
    context.route("https://player.vimeo.com/**", answer(fake_players.VIMEO, "text/html"))
    page.film_requests = requests
    yield page
    context.close()
    assert_no_problems(browser_problems)


def _open_film(page, module: str = FILM_1) -> None:
    sign_in(page, LEADER)
    open_module_from_dashboard(page, module)
    page.evaluate("window.samePage = true")
    expect(page.locator(".film-status").first).to_be_attached()  # the film script has started


def _video(page, expression: str):
    return page.evaluate(
        f"(() => {{ const video = document.querySelector('{FILM} video'); return {expression}; }})()"
    )


def _play(page) -> None:
    _video(page, "(video.muted = true, video.play(), true)")


def _wait_for_pause(page, near: float, slack: float = 1) -> None:
    # (Playwright's wait_for_function evaluates a string, which the page's CSP forbids.)
    expect(page.locator(f"{FILM} video")).to_have_js_property("paused", True, timeout=20_000)
    assert near <= _video(page, "video.currentTime") < near + slack


def _wait_for_playing(page) -> None:
    expect(page.locator(f"{FILM} video")).to_have_js_property("paused", False)


def test_the_film_pauses_at_a_question_which_is_answered_and_the_film_goes_on(film_page):
    page = film_page
    _open_film(page)
    status = page.locator(f"{FILM} .film-status")
    assert page.film_requests == []  # the film is fetched only once it is played

    _play(page)
    _wait_for_pause(page, 3)

    expect(page.locator(f"#blok-{FIRST}")).to_have_class(re.compile(r"\bfilm-question-open\b"))
    expect(status).to_have_text(
        "Filmen holder pause ved 00:03: der er et spørgsmål til dig under filmen."
    )
    expect(page.locator(f"#svar-{FIRST}")).to_be_focused()
    assert_accessible(page, "a question open during the film")

    page.keyboard.type("Jeg tager samspillet mellem IT og ledelse med.")
    page.locator(f"#indsend-{FIRST}").click()

    expect(status).to_have_text("Dit svar er gemt. Filmen fortsætter.")
    expect(page.locator(f"#blok-{FIRST} .answer-status")).to_contain_text("Indsendt")
    expect(page.locator(f"#svar-{FIRST}")).to_have_value(
        "Jeg tager samspillet mellem IT og ledelse med."
    )
    _wait_for_playing(page)
    assert page.evaluate("window.samePage") is True  # answered without leaving the page

    _wait_for_pause(page, 7)
    expect(page.locator(f"#svar-{SECOND}")).to_be_focused()
    page.get_by_role("button", name="Spring over og se videre").click()
    expect(status).to_have_text("Filmen fortsætter.")
    _wait_for_playing(page)
    expect(page.locator(f"#blok-{SECOND}")).not_to_have_class(re.compile("film-question-open"))
    assert page.locator(f"#blok-{SECOND} .answer-status").inner_text().startswith("Ikke besvaret")


def test_a_refused_answer_keeps_the_film_paused_and_the_text(film_page, browser_problems):
    page = film_page
    browser_problems.expect_console_error("400")
    _open_film(page)
    _play(page)
    _wait_for_pause(page, 3)
    page.locator(f"#svar-{FIRST}").fill("x" * 20_001)

    page.locator(f"#indsend-{FIRST}").click()

    expect(page.locator(f"{FILM} .film-status")).to_have_text(
        "Dit svar blev ikke gemt. Se beskeden ved spørgsmålet."
    )
    expect(page.locator(f"#blok-{FIRST} .field-errors")).to_be_visible()
    assert len(page.locator(f"#svar-{FIRST}").input_value()) == 20_001
    assert _video(page, "video.paused") is True


def test_nothing_moves_focus_while_the_leader_types_elsewhere(film_page):
    page = film_page
    _open_film(page)
    page.locator("#svar-film-1-refleksion-3").click()
    _play(page)
    page.keyboard.type("Jeg skriver")

    _wait_for_pause(page, 3)

    expect(page.locator(f"{FILM} .film-status")).to_contain_text("Filmen holder pause ved 00:03")
    expect(page.locator(f"#svar-{THIRD}")).to_be_focused()
    page.keyboard.type(" videre.")
    expect(page.locator(f"#svar-{THIRD}")).to_have_value("Jeg skriver videre.")


def test_a_chapter_link_starts_the_film_at_its_time_without_a_new_page(film_page):
    page = film_page
    _open_film(page)
    page.locator(f"{FILM} details.chapters summary").click()

    page.locator(f"{FILM} .chapters").get_by_role("link", name="00:09").click()

    _wait_for_playing(page)
    for _ in range(50):
        if _video(page, "video.currentTime") >= 9:
            break
        page.wait_for_timeout(100)
    assert 9 <= _video(page, "video.currentTime") < 10
    assert page.evaluate("window.samePage") is True
    # The moments at 3 and 7 seconds were skipped over, not crossed: the film only stops at 10.
    _wait_for_pause(page, 10)
    expect(page.locator(f"#svar-{THIRD}")).to_be_focused()


PROVIDERS = {
    "youtube": (
        FILM_1,
        "kl-digital-ledelse",
        "https://www.youtube-nocookie.com/embed/abcdefghijk?enablejsapi=1&origin=",
        {"event": "listening", "id": 1, "channel": "widget"},
        {"event": "command", "func": "pauseVideo", "args": [], "id": 1, "channel": "widget"},
        {"event": "command", "func": "playVideo", "args": [], "id": 1, "channel": "widget"},
    ),
    "vimeo": (
        FILM_2,
        "kl-gevinstansvar",
        "https://player.vimeo.com/video/76979871?dnt=1",
        {"method": "addEventListener", "value": "timeupdate"},
        {"method": "pause"},
        {"method": "play"},
    ),
}


@pytest.mark.parametrize(
    ("module", "lesson", "address", "hello", "pause", "play"),
    PROVIDERS.values(),
    ids=PROVIDERS.keys(),
)
def test_a_framed_player_is_driven_through_its_postmessage_interface(
    film_page, module, lesson, address, hello, pause, play
):
    page = film_page
    _open_film(page, module)
    figure = page.locator(f"#blok-{lesson}-video")
    assert page.film_requests == []  # nothing from the film host before the click

    figure.get_by_role("link", name="Afspil video").click()

    player = figure.frame_locator("iframe").locator("body")
    expect(player).to_contain_text("stand-in")
    assert figure.locator("iframe").get_attribute("src").startswith(address)
    _wait_for_message(player, hello)
    player.evaluate("() => window.dispatchEvent(new CustomEvent('stand-in-play'))")
    _wait_for_message(player, pause)  # told to pause at the question's moment (00:04)
    expect(page.locator(f"#svar-{lesson}-refleksion")).to_be_focused()
    expect(figure.locator(".film-status")).to_have_text(
        "Filmen holder pause ved 00:04: der er et spørgsmål til dig under filmen."
    )

    page.get_by_role("button", name="Spring over og se videre").click()

    _wait_for_message(player, play)


def _wait_for_message(player, message: dict) -> None:
    """Until the stand-in player has been sent ``message`` by the page."""
    for _ in range(100):
        if message in player.evaluate("() => window.received"):
            return
        player.page.wait_for_timeout(100)
    raise AssertionError(
        f"the player was never sent {message}: {player.evaluate('() => window.received')}"
    )


def _vimeo_film(page):
    """The Vimeo film loaded and listening; returns the figure and the stand-in's body."""
    _open_film(page, FILM_2)
    figure = page.locator("#blok-kl-gevinstansvar-video")
    figure.get_by_role("link", name="Afspil video").click()
    player = figure.frame_locator("iframe").locator("body")
    _wait_for_message(player, {"method": "addEventListener", "value": "seeked"})
    return figure, player


def _vimeo_says(player, *events: tuple[str, float]) -> None:
    """The stand-in posts these events, in order, as Vimeo's player does, and nothing else (it does
    not play by itself): the test decides when the time reports come."""
    player.evaluate(
        """(_, events) => { for (const [event, seconds] of events)
          parent.postMessage({event, data: {seconds, percent: seconds / 60, duration: 60}}, "*"); }""",
        [list(event) for event in events],
    )


VIMEO_PAUSE = {"method": "pause"}


def test_a_moment_passed_before_the_first_report_after_a_jump_is_asked(film_page):
    """Under load the first time report after a jump can come seconds of film after where the film
    landed; the question at 00:04 between the two is still asked."""
    page = film_page
    figure, player = _vimeo_film(page)

    _vimeo_says(player, ("play", 0), ("timeupdate", 0.5), ("seeked", 2), ("timeupdate", 4.6))

    _wait_for_message(player, VIMEO_PAUSE)
    expect(figure.locator(".film-status")).to_have_text(
        "Filmen holder pause ved 00:04: der er et spørgsmål til dig under filmen."
    )


def test_a_jump_that_lands_a_frame_before_a_moment_does_not_ask_it_there(film_page):
    """ "Fortsæt fra 00:04" may land at 3.97: the leader is at the question's moment, not before it,
    so the film goes on; a jump back to before it asks it once when the film passes it again."""
    page = film_page
    figure, player = _vimeo_film(page)

    _vimeo_says(player, ("play", 0), ("seeked", 3.97), ("timeupdate", 4.3), ("timeupdate", 4.6))
    page.wait_for_timeout(500)  # the messages of one frame arrive in order, within milliseconds
    assert VIMEO_PAUSE not in player.evaluate("() => window.received")
    expect(figure.locator(".film-status")).to_have_text("")

    _vimeo_says(player, ("seeked", 1), ("timeupdate", 1.2), ("timeupdate", 4.1))

    _wait_for_message(player, VIMEO_PAUSE)
    page.wait_for_timeout(300)  # any further command would have been posted by now
    assert player.evaluate("() => window.received").count(VIMEO_PAUSE) == 1
    expect(figure.locator(".film-status")).to_contain_text("Filmen holder pause ved 00:04")


def test_without_javascript_the_questions_stand_with_their_times(
    browser, live_server, browser_problems
):
    context = browser.new_context(java_script_enabled=False, base_url=live_server, locale="da-DK")
    page = context.new_page()
    try:
        sign_in(page, LEADER)
        open_module_from_dashboard(page, FILM_1)
        questions = page.locator("#spoergsmaal-film-1-video")
        expect(questions.get_by_role("heading")).to_contain_text("Spørgsmål undervejs i filmen")
        expect(questions.locator(".question-kind")).to_have_text(
            [
                "Refleksionsspørgsmål · ved 00:03 · skal besvares",
                "Refleksionsspørgsmål · ved 00:07 · skal besvares",
                "Refleksionsspørgsmål · ved 00:10",
            ]
        )
        questions.get_by_role("link", name="00:07").click()
        page.wait_for_url("**?vis=film-1-video&t=7#blok-film-1-video")
        assert page.locator(f"{FILM} video").get_attribute("src") == f"{CLIP_URL}#t=7"
    finally:
        context.close()


def test_reloading_offers_to_go_on_where_the_film_stopped(film_page):
    page = film_page
    _open_film(page)
    _play(page)
    _wait_for_pause(page, 3)
    page.get_by_role("button", name="Spring over og se videre").click()
    _wait_for_pause(page, 7)  # paused: the position is reported
    page.wait_for_timeout(500)

    page.reload()

    go_on = page.locator(f"{FILM} .film-resume").get_by_role("link")
    expect(go_on).to_have_text("Fortsæt fra 00:07")
    expect(page.locator(".film-status").first).to_be_attached()
    go_on.click()
    _wait_for_playing(page)
    assert 7 <= _video(page, "video.currentTime") < 9


def test_a_lesson_done_by_watching_is_done_only_after_the_film_has_been_played(film_page):
    page = film_page
    _open_film(page)
    lesson = page.locator("#lektion-film-1-anja-pors")
    expect(lesson.locator(".film-rule")).to_have_text(
        "Du kan markere lektionen som færdig, når du har set mindst 90 % af filmen."
    )
    for key in (FIRST, SECOND):  # the required answers first
        page.locator(f"#svar-{key}").fill("Mit svar.")
        page.locator(f"#indsend-{key}").click()
        expect(page.locator(f"#blok-{key} .answer-status")).to_contain_text("Indsendt")

    _video(page, "(video.muted = true, video.currentTime = 11.5, video.play(), true)")  # the end
    expect(page.locator(f"{FILM} video")).to_have_js_property("ended", True)
    page.wait_for_timeout(3_000)  # the report (sent again if it came too soon)
    lesson.get_by_role("button", name="Markér som færdig").click()

    expect(page.locator(".flash-messages")).to_contain_text("Se mindst 90 %, før du markerer")
    expect(lesson.locator(".lesson-footer")).not_to_contain_text("Du har gennemført lektionen.")

    _video(page, "(video.playbackRate = 4, video.currentTime = 0, video.play(), true)")
    for moment in (3, 7, 10):
        _wait_for_pause(page, moment, slack=2.5)  # four times as fast: time moves in bigger steps
        page.get_by_role("button", name="Spring over og se videre").click()
    expect(page.locator(f"{FILM} video")).to_have_js_property("ended", True, timeout=20_000)
    page.wait_for_timeout(3_000)
    lesson.get_by_role("button", name="Markér som færdig").click()

    expect(page.locator(".flash-messages")).to_contain_text("Lektionen er markeret som færdig.")
    expect(lesson.locator(".lesson-footer")).to_contain_text("Du har gennemført lektionen.")


def test_messages_from_elsewhere_are_ignored(film_page):
    """A time posted by the page itself (another origin than the player's, another source than its
    frame) does not stop the film, though it names a moment with a question."""
    page = film_page
    _open_film(page)
    figure = page.locator("#blok-kl-digital-ledelse-video")
    figure.get_by_role("link", name="Afspil video").click()
    player = figure.frame_locator("iframe").locator("body")
    _wait_for_message(player, {"event": "listening", "id": 1, "channel": "widget"})

    for state, seconds in ((1, 1.0), (1, 4.5)):
        info = {"currentTime": seconds, "playerState": state}
        page.evaluate(
            "(info) => window.postMessage(JSON.stringify({event: 'infoDelivery', info}), '*')",
            info,
        )
    page.wait_for_timeout(500)

    expect(figure.locator(".film-status")).to_have_text("")
    assert {
        "event": "command",
        "func": "pauseVideo",
        "args": [],
        "id": 1,
        "channel": "widget",
    } not in (player.evaluate("() => window.received"))
