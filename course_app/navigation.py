"""The header menu: which sections a signed-in person sees, from their roles (one lookup per request)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from course_app.organisations.access import Viewer, viewer_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    endpoint_prefix: str


def current_viewer() -> Viewer:
    """The signed-in person's roles, loaded once per request."""
    if "viewer" not in g:
        g.viewer = viewer_for(current_user)
    return g.viewer


def nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    viewer = current_viewer()
    items = [NavItem(str(_l("Mit forløb")), url_for("learning.dashboard"), "learning.")]
    if viewer.current_group_id is not None:
        items.append(NavItem(str(_l("Min ledergruppe")), url_for("groups.my_group"), "groups."))
    if viewer.staff_group_ids or viewer.coordinator_of or viewer.is_platform_admin:
        items.append(
            NavItem(str(_l("Ledergrupper")), url_for("reports.group_list"), "reports.group")
        )
    if viewer.may_see_any_report:
        items.append(NavItem(str(_l("Rapport")), url_for("reports.programme"), "reports.programme"))
        items.append(NavItem(str(_l("Deltagere")), url_for("people.import_people"), "people."))
    return items


def configure_navigation(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
