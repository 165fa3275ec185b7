"""The header menu: which sections a signed-in person sees, from her roles.

The menu is made from a handful of facts about the person's roles (``MenuFacts``) and nothing else,
so it is rendered once per set of facts, language and page kind and then kept (``rendered_menu``):
everyone with the same roles shares the same menu, and a change of roles or group changes the facts,
and so the key, without any invalidation. Nothing personal is in it (her name and the forms' CSRF
tokens are in the header around it, rendered on every request)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from course_app.core.i18n import locale_name
from course_app.organisations.access import Viewer, request_viewer


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    endpoint_prefix: str | tuple[str, ...]  # marks the item current (``str.startswith``)


@dataclass(frozen=True)
class MenuFacts:
    """What the menu is made from (and so its cache key): a menu item that needs another fact adds
    it here, never reads the viewer itself."""

    in_group: bool  # a leader in a leader group now
    has_role: bool  # any role beyond taking part as a leader
    coordinator_of: frozenset[int]
    chairs: bool
    facilitates: bool
    is_platform_admin: bool
    is_supporter: bool
    may_author: bool

    @classmethod
    def of(cls, viewer: Viewer) -> MenuFacts:
        return cls(
            in_group=viewer.current_group_id is not None,
            has_role=viewer.has_role,
            coordinator_of=viewer.coordinator_of,
            chairs=bool(viewer.chair_of),
            facilitates=bool(viewer.facilitator_of),
            is_platform_admin=viewer.is_platform_admin,
            is_supporter=viewer.is_supporter,
            may_author=viewer.may_author,
        )


def nav_items(facts: MenuFacts) -> list[NavItem]:
    items = []
    # A leader's own pages; someone who only follows others (staff without a group of her own) has
    # none, and finds "Mit forløb" on her home if she takes part in a round after all.
    leader = facts.in_group or not facts.has_role
    if leader:
        items.append(NavItem(str(_l("Mit forløb")), url_for("learning.dashboard"), "learning."))
    if len(facts.coordinator_of) == 1:
        (organisation_id,) = facts.coordinator_of
        items.append(
            NavItem(
                str(_l("Overblik")),
                url_for("home.organisation", organisation_id=organisation_id),
                "home.organisation",
            )
        )
    if facts.in_group or facts.chairs:
        items.append(NavItem(str(_l("Min ledergruppe")), url_for("groups.my_group"), "groups."))
    # The joint workshops: leaders (as "Mit forløb", without a query), and those who run workshops
    # or map the areas.
    if leader or facts.coordinator_of or facts.is_platform_admin or facts.facilitates:
        items.append(
            NavItem(str(_l("Workshops")), url_for("workshops.workshop_list"), "workshops.")
        )
    # The one-to-one service check: leaders (as "Mit forløb", without a query), supporters, and
    # those who see its counts.
    if leader or facts.is_supporter or facts.coordinator_of or facts.is_platform_admin:
        items.append(
            NavItem(str(_l("Servicetjek")), url_for("service_check.home"), "service_check.")
        )
    # The competence wheel: leaders take it and see their own wheel (as "Mit forløb", without a
    # query); coordinators and platform admins see the averages from there.
    if leader:
        items.append(
            NavItem(
                str(_l("Kompetencehjul")), url_for("self_assessment.overview"), "self_assessment."
            )
        )
    elif facts.coordinator_of or facts.is_platform_admin:
        items.append(
            NavItem(
                str(_l("Kompetencehjul")), url_for("self_assessment.averages"), "self_assessment."
            )
        )
    # Everyone's events and calendar link; staff plan their rounds' events from there.
    items.append(NavItem(str(_l("Kalender")), url_for("calendar.my_calendar"), "calendar."))
    if facts.chairs or facts.facilitates or facts.coordinator_of or facts.is_platform_admin:
        items.append(
            NavItem(str(_l("Ledergrupper")), url_for("reports.group_list"), "reports.group")
        )
    if facts.may_author:
        items.append(NavItem(str(_l("Kurser")), url_for("admin.home"), "admin."))
    if facts.is_platform_admin or facts.coordinator_of:
        items.append(NavItem(str(_l("Forløb")), url_for("rounds.round_list"), "rounds."))
    if facts.is_platform_admin or facts.coordinator_of:  # may see a report
        items.append(NavItem(str(_l("Rapport")), url_for("reports.programme"), "reports.programme"))
        # A round's e-mails, and how each kind looks (the e-mail preview, emails.*).
        items.append(
            NavItem(
                str(_l("Udsendelser")),
                url_for("reports.dispatch_list"),
                ("reports.dispatch", "emails."),
            )
        )
        items.append(NavItem(str(_l("Deltagere")), url_for("people.import_people"), "people."))
    if facts.is_platform_admin:  # how each organisation signs in (identity providers, passwords)
        items.append(
            NavItem(str(_l("Log-ind")), url_for("sign_in_admin.overview"), "sign_in_admin.")
        )
    return items


class MenuCache:
    """The rendered menus, the most recently used kept (a handful of role combinations, two
    languages, the pages that mark an item current)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._menus: OrderedDict[tuple, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._menus)

    def get(self, key: tuple) -> Markup | None:
        with self._lock:
            menu = self._menus.get(key)
            if menu is not None:
                self._menus.move_to_end(key)
            return menu

    def put(self, key: tuple, menu: Markup) -> None:
        with self._lock:
            self._menus[key] = menu
            self._menus.move_to_end(key)
            while len(self._menus) > self.size:
                self._menus.popitem(last=False)


def rendered_menu() -> Markup:
    """The signed-in person's menu as HTML (empty when nobody is signed in)."""
    if not current_user.is_authenticated:
        return Markup("")
    facts = MenuFacts.of(request_viewer())
    # The links depend on where the app is mounted, the labels on the language, which item is
    # current on the page.
    key = (facts, locale_name(), request.script_root, request.endpoint)
    cache: MenuCache = current_app.extensions["navigation_menus"]
    menu = cache.get(key)
    if menu is None:
        template = current_app.jinja_env.get_template("_menu.html")
        html = template.render(menu=nav_items(facts), endpoint=request.endpoint).strip()
        menu = Markup(html)  # noqa: S704 - a template's output, escaped by its autoescape
        cache.put(key, menu)
    return menu


def configure_navigation(app: Flask) -> None:
    app.extensions["navigation_menus"] = MenuCache()
    app.jinja_env.globals["rendered_menu"] = rendered_menu
