"""Navigation (issue 12 §8): entries grouped into the five menus, exactly one entry highlighted."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from app.core import nav
from app.core.access.roles import Role


def _user(*roles: Role):
    return SimpleNamespace(is_authenticated=True, roles=frozenset(roles))


def _labels(menu):
    return {g.label: [i.label for i in g.items] for g in menu}


def test_every_registered_entry_is_in_one_of_the_five_menus(app):
    assert list(nav.GROUPS.values()) == ["工作", "人员与个案", "补贴", "统计", "系统管理"]
    menu = nav.menu_for(_user(*Role), None)
    assert _labels(menu) == {
        "工作": ["工作台", "主动服务"],
        "人员与个案": ["人员信息库", "一人一档", "经营主体"],
        "补贴": ["补贴申请", "补贴项目"],
        "统计": ["目标基数", "总体目标"],
        "系统管理": ["用户管理", "服务目录", "区划", "代码表", "审计日志"],
    }
    assert all(item.group in nav.GROUPS for item in nav.items_for(_user(*Role)))


def test_menus_follow_the_roles(app):
    village = _labels(nav.menu_for(_user(Role.VILLAGE_STAFF), None))
    assert village["工作"] == ["工作台"]
    assert "系统管理" in village and "审计日志" not in village["系统管理"]
    assert nav.menu_for(SimpleNamespace(is_authenticated=False, roles=frozenset()), None) == []


@pytest.mark.parametrize(("endpoint", "expected"), [
    ("main.home", "工作台"),
    ("persons.index", "人员信息库"),
    ("persons.detail", "人员信息库"),          # same blueprint: the list, not 目标基数
    ("persons.imports_index", "人员信息库"),
    ("persons.baselines_page", "目标基数"),     # its own entry
    ("cases.detail", "一人一档"),
    ("cases.catalogue", "服务目录"),
    ("subsidies.application_detail", "补贴申请"),
    ("subsidies.programme_version", "补贴项目"),
    ("subsidies.loan_detail", "补贴申请"),
    ("dashboard.region", "总体目标"),
    ("auth.user_detail", "用户管理"),
])
def test_exactly_one_entry_matches_a_page(app, endpoint, expected):
    menu = nav.menu_for(_user(Role.CITY_ADMIN), endpoint)
    current = [g.current.label for g in menu if g.current is not None]
    assert current == [expected]


@pytest.mark.parametrize("endpoint", ["auth.profile", "auth.change_password", "api_docs_page.docs", None])
def test_a_page_outside_every_entry_highlights_none(app, endpoint):
    assert all(g.current is None for g in nav.menu_for(_user(Role.CITY_ADMIN), endpoint))


def test_an_unknown_group_is_refused():
    with pytest.raises(ValueError):
        nav.register("测试", "tests.nowhere", group="nowhere")


def test_a_new_domain_may_name_its_menu():
    try:
        nav.register("测试项", "tests.somewhere", roles={Role.CITY_ADMIN}, order=1, group="statistics")
        menu = nav.menu_for(_user(Role.CITY_ADMIN), "tests.somewhere_else")
        stats = next(g for g in menu if g.key == "statistics")
        assert stats.items[0].label == "测试项" and stats.current is stats.items[0]
    finally:
        nav._ITEMS.pop("tests.somewhere", None)


@pytest.mark.parametrize(("username", "path", "expected"), [
    ("demo_city", "/persons/", "人员信息库"),
    ("demo_city", "/dashboard/", "总体目标"),
    ("demo_county", "/subsidies/applications", "补贴申请"),
    ("demo_village", "/", "工作台"),
])
def test_the_page_marks_one_entry_current(demo, login_as, username, path, expected):
    html = login_as(username).get(path).text
    menu = html.split('class="navbar-nav me-auto main-menu"')[1].split("</ul>\n      <ul")[0]
    current = re.findall(r'class="[^"]*\bactive" aria-current="page" href="[^"]*">([^<]+)</a>', menu)
    assert current == [expected]
    assert menu.count(" active") == 1 and menu.count("current-group") <= 1
