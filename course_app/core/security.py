"""Security plumbing shared by every blueprint: safe redirects, response headers (CSP, HSTS) and
trusting the reverse proxy's forwarded headers."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from course_app.core.html import csp_frame_sources, csp_media_sources


def safe_next_url(target: str | None, fallback: str) -> str:
    """Only paths inside this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target:
        return fallback
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or _has_control_chars(target):
        return fallback
    return target


def _has_control_chars(target: str) -> bool:
    """Control characters, raw or percent-encoded (``/%0d%0a``): no legitimate next URL holds one."""
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in target + unquote(target))


def content_security_policy(*, frame_sources: tuple[str, ...] = ()) -> str:
    """The site's policy; ``frame_sources``: more sources one page may frame (e.g. ``'self'`` for
    the admins' e-mail preview, whose HTML route answers with a policy of its own)."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": [*frame_sources, *csp_frame_sources()] or ["'none'"],
        "media-src": list(csp_media_sources()) or ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


HSTS = "max-age=31536000; includeSubDomains"


def configure_proxy(app: Flask) -> None:
    """Trust ``X-Forwarded-For`` and ``-Proto`` from the ``PROXY_COUNT`` nearest proxies, so
    ``request.remote_addr`` is the client's (the sign-in throttle counts per address) and
    ``request.is_secure`` says whether the client used https (HSTS). Without proxies nothing is
    trusted: anyone can send those headers. ``X-Forwarded-Host`` and ``-Prefix`` are never trusted:
    the proxy passes ``Host`` on itself, the app lives at the root, and a proxy that does not set
    them would pass a client's own on (links in e-mails use ``BASE_URL`` anyway)."""
    count = app.config["PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_prefix=0)


def configure_security_headers(app: Flask) -> None:
    policy = content_security_policy()

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:  # browsers ignore it over http (RFC 6797), so it is sent only here
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
