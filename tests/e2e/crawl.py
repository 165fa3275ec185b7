"""A crawler for the browser tests: follows every link a signed-in person sees, page by page, and
checks each page as it goes (axe-core, the phone's width, the skip link, the footer links). The HTML
the server sent is kept, for the Nu Html Checker to read in one go at the end (``vnu.py``).

Pages are told apart by their Flask endpoint: of many links to one kind of page (a module, a group,
a person), the first ``PAGES_PER_ENDPOINT`` are visited, since the rest are the same template with
other data. axe-core (a third of a second a page) reads the first of them; every check but axe, and
the Nu Html Checker, read them all.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.e2e.conftest import AXE, PHONE

PAGES_PER_ENDPOINT = 2

# Links a crawler must not follow: the stylesheets and scripts (not pages).
NOT_PAGES = {"static"}

SKIP_LINK = "a.skip-link[href='#indhold']"
FOOTER_LINKS = {
    "Tilgængelighedserklæring": "/tilgaengelighed",
    "Privatlivspolitik": "/privatliv",
}

# Elements whose right edge lies beyond the screen, outside any region that scrolls on its own (a
# wide table in a .table-scroll region is fine: the page itself does not scroll sideways).
_TOO_WIDE = """
(width) => {
  // A scrolling parent clips an absolutely placed element only if it holds the element's containing
  // block (its nearest positioned ancestor, offsetParent) or is that block.
  const scrollsOnItsOwn = (element) => {
    const absolute = getComputedStyle(element).position === 'absolute';
    let parent = absolute ? element.offsetParent : element.parentElement;
    for (; parent && parent !== document.body; parent = parent.parentElement) {
      const overflow = getComputedStyle(parent).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') return true;
    }
    return false;
  };
  const wide = [];
  const reported = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !scrollsOnItsOwn(element)
        && !reported.some((outer) => outer.contains(element))) {
      reported.push(element);
      const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
        + (element.className && typeof element.className === 'string'
           ? '.' + element.className.trim().split(/\\s+/).join('.') : '');
      wide.push(name + ' (' + Math.round(box.right) + ' px)');
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}
"""


def wider_than_a_phone(page) -> str:
    """What sticks out of a phone-wide window (the page's viewport must be PHONE), or "".

    Measured once the page has loaded: a page reached by a click can have its form already (what
    the test waited for) but not yet its style sheets, and unstyled it is wider (once 389 px)."""
    page.wait_for_load_state("load")
    width = page.evaluate(_TOO_WIDE, PHONE["width"])
    if width["scrollWidth"] > PHONE["width"] or width["wide"]:
        return (
            f"wider than {PHONE['width']} px "
            f"(page {width['scrollWidth']} px; {', '.join(width['wide'])})"
        )
    return ""


@dataclass
class VisitedPage:
    url: str
    endpoint: str
    html: str


@dataclass
class CrawlResult:
    pages: list[VisitedPage] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    other_responses: list[str] = field(default_factory=list)  # downloads: CSV, iCalendar, zip…

    def endpoints(self) -> set[str]:
        return {page.endpoint for page in self.pages}


class Crawler:
    """Breadth-first over the links of one person's pages, in one Playwright page."""

    def __init__(self, app: Flask, page, base_url: str) -> None:
        self.page = page
        self.base = urlsplit(base_url)
        self.routes = app.url_map.bind(self.base.netloc)
        self.result = CrawlResult()
        self._seen: set[str] = set()
        self._per_endpoint: dict[str, int] = {}

    def crawl(self, *start_paths: str) -> CrawlResult:
        queue = deque(self._absolute(path) for path in start_paths)
        while queue:
            url = queue.popleft()
            if url in self._seen:
                continue
            self._seen.add(url)
            endpoint = self._endpoint(url)
            if endpoint in NOT_PAGES or self._per_endpoint.get(endpoint, 0) >= PAGES_PER_ENDPOINT:
                continue
            links = self._visit(url, endpoint)
            queue.extend(link for link in links if link not in self._seen)
        return self.result

    # --- one page ----------------------------------------------------------------------------------

    def _visit(self, url: str, endpoint: str) -> list[str]:
        response = self.page.request.get(url)
        if response.status != 200:
            self.result.problems.append(f"{url}: status {response.status} ({endpoint})")
            return []
        if not response.headers.get("content-type", "").startswith("text/html"):
            self.result.other_responses.append(url)
            return []
        final_url = self._without_fragment(response.url)
        final_endpoint = self._endpoint(final_url)
        if final_url != url:  # a redirect: judge the page it leads to, once
            if final_url in self._seen:
                return []
            self._seen.add(final_url)
            if self._per_endpoint.get(final_endpoint, 0) >= PAGES_PER_ENDPOINT:
                return []
        self._per_endpoint[final_endpoint] = self._per_endpoint.get(final_endpoint, 0) + 1
        self.result.pages.append(VisitedPage(final_url, final_endpoint, response.text()))
        self.page.goto(final_url)
        self._check(final_url, first_of_its_kind=self._per_endpoint[final_endpoint] == 1)
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
        return [link for link in map(self._same_site, hrefs) if link]

    def _check(self, url: str, *, first_of_its_kind: bool) -> None:
        problems = self.result.problems
        self.page.wait_for_load_state("load")
        if first_of_its_kind:
            axe = AXE.run(self.page)
            if axe.violations_count:
                problems.append(f"{url}: axe-core\n{axe.generate_report()}")
        if too_wide := wider_than_a_phone(self.page):
            problems.append(f"{url}: {too_wide}")
        if self.page.locator(SKIP_LINK).count() != 1 or self.page.locator("#indhold").count() != 1:
            problems.append(f"{url}: no skip link to #indhold")
        footer = self.page.locator("footer")
        for name, path in FOOTER_LINKS.items():
            if footer.locator(f"a[href='{path}']").count() != 1:
                problems.append(f"{url}: the footer has no link to {name} ({path})")

    # --- addresses ---------------------------------------------------------------------------------

    def _absolute(self, path: str) -> str:
        return urlunsplit((self.base.scheme, self.base.netloc, path, "", ""))

    @staticmethod
    def _without_fragment(url: str) -> str:
        return urlunsplit(urlsplit(url)._replace(fragment=""))

    def _same_site(self, href: str) -> str | None:
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or parts.netloc != self.base.netloc:
            return None
        return self._without_fragment(href)

    def _endpoint(self, url: str) -> str:
        parts = urlsplit(url)
        try:
            endpoint, _arguments = self.routes.match(parts.path, method="GET")
        except RequestRedirect:
            return f"redirect {parts.path}"
        except HTTPException:
            return f"unrouted {parts.path}"
        return endpoint
