"""The header menu is rendered once per role combination, language and page, and kept
(``navigation.rendered_menu``): people with the same roles share it, nobody sees anything of
another person's, and a change of roles or group shows at the next request without invalidation."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from markupsafe import Markup

from course_app.navigation import MenuCache
from course_app.organisations import services as directory
from course_app.organisations.models import Role
from tests.groups.conftest import World, make_world
from tests.helpers import sign_in


@pytest.fixture
def world(session, client) -> World:
    return make_world(session)


def _browser(app: Flask, person):
    browser = app.test_client()
    assert sign_in(browser, person.email).status_code == 302
    return browser


def _menu(html: str) -> str:
    menu = re.search(r'<nav[^>]*aria-label="(?:Hovedmenu|Main menu)".*?</nav>', html, re.S)
    assert menu, "no main menu"
    return menu.group(0)


def _page(browser, path: str = "/mit-forloeb") -> str:
    response = browser.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_people_with_the_same_roles_share_a_menu_and_see_only_their_own_name(
    app: Flask, world: World
):
    anna, bo = world.people["a"], world.people["b"]  # leaders in the same group
    anna_page, bo_page = _page(_browser(app, anna)), _page(_browser(app, bo))
    assert _menu(anna_page) == _menu(bo_page)
    assert anna.name in anna_page and bo.name not in anna_page
    assert bo.name in bo_page and anna.name not in bo_page
    # The kept menus hold nobody's name or e-mail address.
    for person in world.people.values():
        for menu in app.extensions["navigation_menus"]._menus.values():
            assert person.name not in menu and person.email not in menu


def test_each_coordinator_gets_her_own_organisations_overview(app: Flask, world: World):
    albertslund = _menu(_page(_browser(app, world.people["ka"]), "/kalender"))
    glostrup = _menu(_page(_browser(app, world.people["kb"]), "/kalender"))
    assert f'href="/organisationer/{world.albertslund.id}"' in albertslund
    assert f'href="/organisationer/{world.glostrup.id}"' in glostrup
    assert f"/organisationer/{world.glostrup.id}" not in albertslund
    assert f"/organisationer/{world.albertslund.id}" not in glostrup


def test_a_new_role_or_group_shows_at_the_next_request(app: Flask, session, world: World):
    anna, chair = world.people["a"], world.people["h"]
    anna_browser, chair_browser = _browser(app, anna), _browser(app, chair)
    assert 'href="/rapport"' not in _menu(_page(anna_browser))
    chair_menu = _menu(_page(chair_browser, "/kalender"))
    assert 'href="/mit-forloeb"' not in chair_menu  # she follows a group, takes part in none
    directory.assign_role(anna, Role.COORDINATOR, organisation=world.albertslund)
    directory.move_to_group(chair, world.g2)
    session.commit()
    anna_menu = _menu(_page(anna_browser))
    assert 'href="/rapport"' in anna_menu
    assert f'href="/organisationer/{world.albertslund.id}"' in anna_menu
    assert 'href="/mit-forloeb"' in _menu(_page(chair_browser, "/kalender"))


def test_the_menu_follows_the_language_and_marks_the_page(app: Flask, world: World):
    browser = _browser(app, world.people["a"])
    on_dashboard = _menu(_page(browser))
    assert re.search(r'href="/mit-forloeb"\s+aria-current="page"><span>Mit forløb<', on_dashboard)
    on_calendar = _menu(_page(browser, "/kalender"))
    assert re.search(r'href="/kalender"\s+aria-current="page"><span>Kalender<', on_calendar)
    assert 'href="/mit-forloeb" aria-current' not in on_calendar
    with browser.session_transaction() as cookie:
        cookie["locale"] = "en"
    in_english = _menu(_page(browser))
    assert 'aria-label="Main menu"' in in_english
    assert "<span>My programme</span>" in in_english and "Mit forløb" not in in_english


def test_nobody_signed_in_has_no_menu(client):
    assert "mainmenu" not in client.get("/log-ind").get_data(as_text=True)


def test_the_cache_keeps_the_most_recently_used_menus():
    cache = MenuCache(size=2)
    cache.put(("a",), Markup("A"))
    cache.put(("b",), Markup("B"))
    assert cache.get(("a",)) == "A"  # now the most recent
    cache.put(("c",), Markup("C"))
    assert len(cache) == 2
    assert cache.get(("b",)) is None
    assert cache.get(("a",)) == "A" and cache.get(("c",)) == "C"
