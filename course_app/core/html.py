"""The one place that turns author text into HTML, and the allowlist of video providers.

Author Markdown is rendered with markdown-it (raw HTML off) and then cleaned by bleach against an allowlist,
so nothing an author types can run script. Video embeds come only from the providers listed here; the
Content-Security-Policy's frame and media sources are derived from the same list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlparse

import bleach
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li",
        "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "td": ["align"], "th": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_markdown = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False}
).enable("table")
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    return _cleaner.clean(html)


@lru_cache(maxsize=4096)
def _render(text: str) -> str:
    return sanitize_html(_markdown.render(text))


def render_markdown(text: str | None) -> Markup:
    """Author Markdown to safe HTML (the only function templates use for author text)."""
    if not text:
        return Markup("")
    return Markup(_render(text))  # noqa: S704 - sanitised by bleach above


@lru_cache(maxsize=4096)
def _render_inline(text: str) -> str:
    return sanitize_html(_markdown.renderInline(text))


def render_markdown_inline(text: str | None) -> Markup:
    """Author Markdown for places that take phrasing content only (a label, a heading): no paragraphs."""
    if not text:
        return Markup("")
    return Markup(_render_inline(text))  # noqa: S704 - sanitised by bleach above


# --- Video providers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoProvider:
    name: str
    frame_sources: tuple[str, ...] = ()
    media_sources: tuple[str, ...] = ()


YOUTUBE = VideoProvider("youtube", frame_sources=("https://www.youtube-nocookie.com",))
VIMEO = VideoProvider("vimeo", frame_sources=("https://player.vimeo.com",))
DIRECT_FILE = VideoProvider("file", media_sources=("'self'", "https:"))
VIDEO_PROVIDERS = (YOUTUBE, VIMEO, DIRECT_FILE)

# Used with fullmatch: a "$" anchor would also accept a trailing newline (e.g. ?v=<id>%0A).
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"[0-9]{1,12}")
_DIRECT_SUFFIXES = {".mp4": "video/mp4", ".webm": "video/webm"}


@dataclass(frozen=True)
class VideoSource:
    """How a video URL is shown: an embed after a click, an HTML5 video, or a plain link."""

    kind: str  # "embed" | "file" | "link"
    url: str
    embed_url: str | None = None
    mime_type: str | None = None
    provider: str | None = None

    def starting_at(self, seconds: int | None) -> str:
        """The embed (or file) address that starts the film at ``seconds``: YouTube's ``start``,
        Vimeo's ``#t=``, a media fragment for a file. A link elsewhere is returned as it is."""
        address = self.embed_url if self.kind == "embed" else self.url
        if not seconds or self.kind == "link" or address is None:
            return address or self.url
        if self.provider == YOUTUBE.name:
            return f"{address}?start={seconds}"
        return f"{address.split('#')[0]}#t={seconds}{'s' if self.provider == VIMEO.name else ''}"


def classify_video_url(url: str) -> VideoSource:
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return VideoSource("link", url)
    host = parsed.netloc.lower().removeprefix("www.").removeprefix("m.")
    path = parsed.path
    youtube_id = None
    if host in ("youtube.com", "youtube-nocookie.com"):
        if path == "/watch":
            youtube_id = parse_qs(parsed.query).get("v", [""])[0]
        elif path.startswith(("/embed/", "/shorts/")):
            youtube_id = path.split("/")[2]
    elif host == "youtu.be":
        youtube_id = path.lstrip("/").split("/")[0]
    if youtube_id is not None and _YOUTUBE_ID.fullmatch(youtube_id):
        embed = f"{YOUTUBE.frame_sources[0]}/embed/{youtube_id}"
        return VideoSource("embed", url, embed_url=embed, provider=YOUTUBE.name)
    vimeo_id = None
    if host == "vimeo.com":
        vimeo_id = path.strip("/").split("/")[0]
    elif host == "player.vimeo.com" and path.startswith("/video/"):
        vimeo_id = path.split("/")[2]
    if vimeo_id is not None and _VIMEO_ID.fullmatch(vimeo_id):
        embed = f"{VIMEO.frame_sources[0]}/video/{vimeo_id}?dnt=1"
        return VideoSource("embed", url, embed_url=embed, provider=VIMEO.name)
    for suffix, mime_type in _DIRECT_SUFFIXES.items():
        if path.lower().endswith(suffix) and parsed.scheme == "https":
            return VideoSource("file", url, mime_type=mime_type, provider=DIRECT_FILE.name)
    return VideoSource("link", url)


def csp_frame_sources() -> tuple[str, ...]:
    return tuple(src for provider in VIDEO_PROVIDERS for src in provider.frame_sources)


def csp_media_sources() -> tuple[str, ...]:
    sources: list[str] = []
    for provider in VIDEO_PROVIDERS:
        sources.extend(src for src in provider.media_sources if src not in sources)
    return tuple(sources)
