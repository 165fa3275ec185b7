"""Stored-XSS payloads for the browser test (issue 3, point 8).

Each payload is a template with ``{n}`` standing for its number. If a payload ever runs, it reports
itself: ``__xss(n)`` (recorded by an init script), ``alert(n)`` (a dialog) or ``fetch('/xss-hit?n')``
(a request). Payloads are single lines, so they can be joined into titles and chapter lines.
"""

from __future__ import annotations

from collections.abc import Iterable

_TEMPLATES = [
    # Script tags.
    "<script>__xss({n})</script>",
    "<SCRIPT>alert({n})</SCRIPT>",
    "<script src=data:text/javascript,__xss({n})></script>",
    "<scr<script>ipt>__xss({n})</scr</script>ipt>",
    "<script>fetch('/xss-hit?{n}')</script>",
    "<<script>__xss({n});//<</script>",
    # Event handlers.
    "<img src=x onerror=__xss({n})>",
    "<img src=x onerror=\"fetch('/xss-hit?{n}')\">",
    "<svg onload=__xss({n})>",
    "<body onload=__xss({n})>",
    "<input autofocus onfocus=__xss({n})>",
    "<details open ontoggle=__xss({n})>",
    "<video><source onerror=__xss({n})></video>",
    "<audio src=x onerror=alert({n})>",
    '<div style="animation-name:spin" onanimationstart=__xss({n})>x</div>',
    "<marquee onstart=__xss({n})>m</marquee>",
    "<select autofocus onfocus=__xss({n})></select>",
    "<object data=x onerror=__xss({n})></object>",
    # javascript: and data: URLs, raw and as Markdown.
    '<a href="javascript:__xss({n})">klik</a>',
    "[klik](javascript:__xss({n}))",
    "[klik](JaVaScRiPt:__xss({n}))",
    "[klik](java&#x09;script:__xss({n}))",
    "[klik](&#106;avascript:__xss({n}))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) {n}",
    "![billede](javascript:__xss({n}))",
    "[ref {n}][r{n}] [r{n}]: javascript:__xss({n})",
    "<javascript:__xss({n})>",
    '<a href="data:text/html,<script>__xss({n})</script>">d</a>',
    '<iframe src="javascript:__xss({n})"></iframe>',
    "<form action=javascript:__xss({n})><button>f</button></form>",
    "<math><a xlink:href=javascript:__xss({n})>m</a></math>",
    '<embed src="javascript:__xss({n})">',
    # SVG.
    "<svg><script>__xss({n})</script></svg>",
    "<svg><animate onbegin=__xss({n}) attributeName=x dur=1s>",
    "<svg><a><animate attributeName=href values=javascript:__xss({n}) />x</a></svg>",
    "<svg><image href=x onerror=__xss({n}) /></svg>",
    "<svg><foreignObject><img src=x onerror=__xss({n})></foreignObject></svg>",
    # Iframes from hosts not on the allowlist (and an allowed host used as a trick).
    '<iframe src="https://evil.example/{n}"></iframe>',
    '<iframe srcdoc="<script>parent.__xss({n})</script>"></iframe>',
    '<iframe src="https://www.youtube-nocookie.com.evil.example/{n}"></iframe>',
    '<iframe src="data:text/html,<script>parent.__xss({n})</script>"></iframe>',
    # Mutation XSS.
    '<noscript><p title="</noscript><img src=x onerror=__xss({n})>"></noscript>',
    '<svg></p><style><a id="</style><img src=1 onerror=__xss({n})>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss({n})>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=__xss({n})>",
    '<table><tr><td><a title="</td><img src=x onerror=__xss({n})>">t</a>',
    "<!--><img src=x onerror=__xss({n})>-->",
    "<![CDATA[><img src=x onerror=__xss({n})>]]>",
    "<style><img src=x onerror=__xss({n})></style>",
    "<xmp><img src=x onerror=__xss({n})></xmp>",
    "<template><img src=x onerror=__xss({n})></template>",
    # Breaking out of elements: textarea, title, and out of attributes with quotes.
    "</textarea><script>__xss({n})</script>",
    "</textarea><img src=x onerror=__xss({n})>",
    "</title><img src=x onerror=__xss({n})>",
    "</option></select><img src=x onerror=__xss({n})>",
    '"><img src=x onerror=__xss({n})>',
    "'><img src=x onerror=__xss({n})>",
    '" autofocus onfocus="__xss({n})',
    "' autofocus onfocus='__xss({n})",
    '" onmouseover="__xss({n})" x="',
    "`><img src=x onerror=__xss({n})>",
    '[t](https://ok.example/"onmouseover="__xss({n}))',
    '[t](https://ok.example "t\\" onmouseover=__xss({n}) \\"")',
    "</script><script>__xss({n})</script>",
    # Template injection.
    "{{{{ config }}}} {{{{ 7*7 }}}} {n}",
    "{{{{ ''.__class__.__mro__[1].__subclasses__() }}}} {n}",
    "{{% for x in range(3) %}}{n}{{% endfor %}}",
    "${{alert({n})}} #{{__xss({n})}}",
    "{{{{constructor.constructor('__xss({n})')()}}}}",
    # Unicode tricks and encodings.
    "＜script＞__xss({n})＜/script＞",
    "\u202e<img src=x onerror=__xss({n})>\u202c",
    "\u2028<img src=x onerror=__xss({n})>\u2029",
    "&lt;img src=x onerror=__xss({n})&gt;",
    "&#60;img src=x onerror=__xss({n})&#62;",
    "%3Cimg%20src%3Dx%20onerror%3D__xss({n})%3E",
    "\\u003cimg src=x onerror=__xss({n})\\u003e",
    "<img src=x\u00a0onerror=__xss({n})>",
    "<ſcript>__xss({n})</ſcript>",
    '<a href="jav\u200bascript:__xss({n})">z</a>',
]

PAYLOADS: list[str] = [template.format(n=n) for n, template in enumerate(_TEMPLATES, start=1)]

# URLs a URL field must refuse (the service validates schemes), for video and resource blocks.
DANGEROUS_URLS = [
    "javascript:__xss(9001)",
    "JaVaScRiPt:__xss(9002)",
    " javascript:__xss(9003)",
    "java\tscript:__xss(9004)",
    "data:text/html,<script>__xss(9005)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCg5MDA2KTwvc2NyaXB0Pg==",
    "vbscript:msgbox(9007)",
    "//evil.example/9008",
    "https:__xss(9009)",
    "file:///etc/passwd",
]


def pack(payloads: Iterable[str], limit: int, separator: str = " ") -> list[str]:
    """The payloads joined into as few values as possible, each at most ``limit`` characters."""
    chunks: list[str] = []
    current = ""
    for payload in payloads:
        candidate = f"{current}{separator}{payload}" if current else payload
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        if len(payload) > limit:
            raise ValueError(f"payload longer than {limit}: {payload!r}")
        current = payload
    if current:
        chunks.append(current)
    return chunks
