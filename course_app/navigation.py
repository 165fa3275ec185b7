"""The header menu: which sections a signed-in person sees, from their roles (one lookup per request)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from course_app.organisations.access import request_viewer


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    endpoint_prefix: str | tuple[str, ...]  # marks the item current (``str.startswith``)


def nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    viewer = request_viewer()
    items = []
    # A leader's own pages; someone who only follows others (staff without a group of her own) has
    # none, and finds "Mit forløb" on her home if she takes part in a round after all.
    if viewer.current_group_id is not None or not viewer.has_role:
        items.append(NavItem(str(_l("Mit forløb")), url_for("learning.dashboard"), "learning."))
    if len(viewer.coordinator_of) == 1:
        (organisation_id,) = viewer.coordinator_of
        items.append(
            NavItem(
                str(_l("Overblik")),
                url_for("home.organisation", organisation_id=organisation_id),
                "home.organisation",
            )
        )
    if viewer.current_group_id is not None or viewer.chair_of:
        items.append(NavItem(str(_l("Min ledergruppe")), url_for("groups.my_group"), "groups."))
    # The joint workshops: leaders (as "Mit forløb", without a query), and those who run workshops
    # or map the areas.
    if (
        viewer.current_group_id is not None
        or not viewer.has_role
        or viewer.coordinator_of
        or viewer.is_platform_admin
        or viewer.facilitator_of
    ):
        items.append(
            NavItem(str(_l("Workshops")), url_for("workshops.workshop_list"), "workshops.")
        )
    # The one-to-one service check: leaders (as "Mit forløb", without a query), supporters, and
    # those who see its counts.
    if (
        viewer.current_group_id is not None
        or not viewer.has_role
        or viewer.is_supporter
        or viewer.coordinator_of
        or viewer.is_platform_admin
    ):
        items.append(
            NavItem(str(_l("Servicetjek")), url_for("service_check.home"), "service_check.")
        )
    # The competence wheel: leaders take it and see their own wheel (as "Mit forløb", without a
    # query); coordinators and platform admins see the averages from there.
    if viewer.current_group_id is not None or not viewer.has_role:
        items.append(
            NavItem(
                str(_l("Kompetencehjul")), url_for("self_assessment.overview"), "self_assessment."
            )
        )
    elif viewer.coordinator_of or viewer.is_platform_admin:
        items.append(
            NavItem(
                str(_l("Kompetencehjul")), url_for("self_assessment.averages"), "self_assessment."
            )
        )
    # Everyone's events and calendar link; staff plan their rounds' events from there.
    items.append(NavItem(str(_l("Kalender")), url_for("calendar.my_calendar"), "calendar."))
    if viewer.staff_group_ids or viewer.coordinator_of or viewer.is_platform_admin:
        items.append(
            NavItem(str(_l("Ledergrupper")), url_for("reports.group_list"), "reports.group")
        )
    if viewer.may_author:
        items.append(NavItem(str(_l("Kurser")), url_for("admin.home"), "admin."))
    if viewer.is_platform_admin or viewer.coordinator_of:
        items.append(NavItem(str(_l("Forløb")), url_for("rounds.round_list"), "rounds."))
    if viewer.may_see_any_report:
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
    return items


def configure_navigation(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
