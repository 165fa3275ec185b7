"""Author Markdown becomes safe HTML, and video URLs become embeds only for allowlisted providers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from course_app.core.html import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    VIDEO_PROVIDERS,
    classify_video_url,
    csp_frame_sources,
    csp_media_sources,
    render_markdown,
)
from course_app.core.security import content_security_policy

SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see (WHATWG: tabs/newlines removed, leading C0/space stripped)."""
    cleaned = re.sub(r"[\t\n\r]", "", value).lstrip("".join(chr(i) for i in range(33)))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def parsed_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


def assert_harmless(html: str) -> None:
    """Only allowlisted tags and attributes, no event handlers, no link to a script or data URL."""
    assert "<script" not in html.lower()
    for tag, attrs in parsed_tags(html):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name in ALLOWED_ATTRIBUTES.get(tag, []), (tag, name)
            if name in ("href", "src"):
                assert url_scheme(value or "") in SAFE_SCHEMES | {None}, value
    # Whatever the author typed as text is shown escaped: never inside a tag.
    for fragment in re.findall(r"<[^>]*>", html):
        lowered = fragment.lower()
        assert "javascript:" not in lowered and "onerror=" not in lowered, fragment


# --- render_markdown -------------------------------------------------------------------------------


def test_returns_markup_and_keeps_allowed_markup():
    html = render_markdown(
        "Læs **dette** og *hint*.\n\n"
        "- første\n- anden\n\n"
        "1. et\n2. to\n\n"
        "[Kommunen](https://kommune.example/side) eller [skriv](mailto:kursus@kommune.example)"
    )
    assert isinstance(html, Markup)
    assert "<strong>dette</strong>" in html
    assert "<em>hint</em>" in html
    assert "<ul>\n<li>første</li>\n<li>anden</li>\n</ul>" in html
    assert "<ol>\n<li>et</li>" in html
    assert '<a href="https://kommune.example/side">Kommunen</a>' in html
    assert '<a href="mailto:kursus@kommune.example">skriv</a>' in html


def test_empty_text_is_empty_markup():
    assert render_markdown("") == Markup("")
    assert render_markdown(None) == Markup("")
    assert isinstance(render_markdown(None), Markup)


def test_markup_output_is_not_escaped_again_in_a_template():
    rendered = Markup("<div>{}</div>").format(render_markdown("**fed**"))
    assert "<strong>fed</strong>" in rendered


def test_raw_html_is_shown_as_text_not_run():
    html = render_markdown('Hej <script>alert("x")</script> <b onclick="x()">fed</b>')
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "<b" not in html
    assert_harmless(html)


def test_javascript_and_data_links_lose_their_target():
    for source in (
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[klik](data:image/png;base64,iVBORw0KGgo=)",
        "[klik](vbscript:msgbox(1))",
    ):
        html = render_markdown(source)
        assert "href" not in html, source
        assert_harmless(html)


def test_images_are_not_rendered():
    html = render_markdown("![billede](https://evil.example/pixel.png)")
    assert "<img" not in html
    assert_harmless(html)


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "[x]: javascript:alert(1)\n\n[x]",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://ok.example/a.png)',
    '[x](https://ok.example/"onmouseover="alert(1))',
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "```\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "<!-- <script>alert(1)</script> -->",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_never_yield_active_content(payload):
    assert_harmless(str(render_markdown(payload)))
    # Inside a list and a link text as well.
    assert_harmless(str(render_markdown(f"- {payload}\n- [{payload}](https://ok.example)")))


def test_assert_harmless_catches_active_content():
    """The checker itself must fail on what it is meant to catch."""
    for bad in (
        "<script>x</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" java\tscript:alert(1)">x</a>',
        '<p onclick="x()">x</p>',
        "<img src=x>",
    ):
        with pytest.raises(AssertionError):
            assert_harmless(bad)


# --- classify_video_url ----------------------------------------------------------------------------

YOUTUBE_EMBED = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?t=10",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "  https://www.youtube.com/watch?v=dQw4w9WgXcQ  ",
    ],
)
def test_youtube_urls_become_privacy_enhanced_embeds(url):
    source = classify_video_url(url)
    assert (source.kind, source.provider, source.embed_url) == ("embed", "youtube", YOUTUBE_EMBED)


@pytest.mark.parametrize(
    "url",
    [
        "https://vimeo.com/76979871",
        "https://www.vimeo.com/76979871",
        "https://player.vimeo.com/video/76979871",
        "https://player.vimeo.com/video/76979871?h=abc",
    ],
)
def test_vimeo_urls_become_do_not_track_embeds(url):
    source = classify_video_url(url)
    assert (source.kind, source.provider) == ("embed", "vimeo")
    assert source.embed_url == "https://player.vimeo.com/video/76979871?dnt=1"


@pytest.mark.parametrize(
    ("url", "mime_type"),
    [
        ("https://media.kommune.example/film/intro.mp4", "video/mp4"),
        ("https://media.kommune.example/film/INTRO.MP4", "video/mp4"),
        ("https://media.kommune.example/film/intro.webm?download=1", "video/webm"),
    ],
)
def test_https_video_files_play_directly(url, mime_type):
    source = classify_video_url(url)
    assert (source.kind, source.mime_type, source.embed_url) == ("file", mime_type, None)
    assert source.url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://media.kommune.example/film/intro.mp4",
        "ftp://media.kommune.example/film/intro.mp4",
        "javascript:alert(1)",
        "JavaScript://youtube.com/watch?v=dQw4w9WgXcQ",
        "data:video/mp4;base64,AAAA",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://youtube.com@evil.example/watch?v=dQw4w9WgXcQ",
        "https://evil.example/video/76979871",
        "https://media.kommune.example/film/intro.mov",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQXX",
        "https://www.youtube.com/watch?v=dQw4w9WgXc%22%3E",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ%0A",
        "https://www.youtube.com/watch",
        "https://www.youtube.com/embed/",
        "https://youtu.be/",
        "https://youtu.be/<script>",
        "https://vimeo.com/abc",
        "https://vimeo.com/1234567890123",
        "https://player.vimeo.com/video/12ab",
        "https:///watch?v=dQw4w9WgXcQ",
        "",
        "ikke en url",
    ],
)
def test_anything_else_is_only_a_link(url):
    source = classify_video_url(url)
    assert (source.kind, source.embed_url, source.provider) == ("link", None, None)
    assert source.url == url


def test_every_embed_comes_from_a_frame_source_in_the_csp():
    frame_sources = csp_frame_sources()
    for url in ("https://youtu.be/dQw4w9WgXcQ", "https://vimeo.com/76979871"):
        embed = classify_video_url(url).embed_url
        assert any(embed.startswith(source + "/") for source in frame_sources), embed


def test_csp_sources_derive_from_the_provider_list():
    expected_frames = [src for provider in VIDEO_PROVIDERS for src in provider.frame_sources]
    assert list(csp_frame_sources()) == expected_frames
    assert set(expected_frames) == {"https://www.youtube-nocookie.com", "https://player.vimeo.com"}
    media = {src for provider in VIDEO_PROVIDERS for src in provider.media_sources}
    assert set(csp_media_sources()) == media
    assert len(csp_media_sources()) == len(media)  # no duplicates
    policy = dict(
        (part.split()[0], part.split()[1:]) for part in content_security_policy().split("; ")
    )
    assert policy["frame-src"] == expected_frames
    assert set(policy["media-src"]) == media
