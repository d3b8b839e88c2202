"""Name sort keys, search keys and name queries (pinyin with every reading, Chinese substrings)."""
from __future__ import annotations

import pytest

from app.persons import names, queries
from app.regions.operations import by_code

VILLAGE = "420506103215"  # no demo people there


def test_sort_keys_use_surname_readings():
    assert names.sort_key("曾伟") == "zeng wei"
    assert names.sort_key("单丽") == "shan li"
    assert names.sort_key("区强") == "ou qiang"
    assert names.sort_key("李曾") == "li ceng"  # not a surname there: the common reading
    assert names.sort_key("阿依古丽·买买提") == "a yi gu li mai mai ti"
    assert names.sort_key("李䶮") == "li yan"
    assert names.sort_key("张𬘭").startswith("zhang ")
    assert all(names.sort_key(n).isascii() for n in ("曾伟", "陈𫖮", "王〇"))


def test_search_keys_every_reading():
    keys = names.search_keys("曾伟")
    assert {"zengwei", "cengwei", "zw", "cw", "曾伟", "伟"} == keys
    assert {"danli", "shanli", "chanli", "dl", "sl", "cl"} <= names.search_keys("单丽")
    assert {"ouqiang", "quqiang", "oq", "qq"} <= names.search_keys("区强")
    assert {"lvxiaohua", "luxiaohua", "lxh"} <= names.search_keys("吕小华")


def test_combinations_are_bounded():
    keys = names.pinyin_keys("行和乐乐行和乐乐")
    assert len(keys) <= 3 * names.MAX_COMBINATIONS
    assert all(len(k) <= names.KEY_LENGTH for k in names.search_keys("阿" * 30))


def test_query_classification():
    assert names.normalize_query(" Zeng Wei ") == ("pinyin", "zengwei")
    assert names.normalize_query("xi'an") == ("pinyin", "xian")
    assert names.normalize_query("张 伟") == ("chinese", "张伟")
    assert names.normalize_query("  ") is None and names.normalize_query("%_") is None
    assert names.next_string("zw") == "zx" and names.next_string("张") == chr(ord("张") + 1)


@pytest.fixture
def people(make_person):
    made = {}
    for name in ("曾伟", "张伟", "单丽", "张小伟", "伟张", "李䶮", "陈𫖮", "阿依古丽·买买提", "王伟强", "区强", "欧阳娜娜"):
        made[name] = make_person(name=name, village_code=VILLAGE)
    return made


def found(user, q):
    filters = queries.PersonFilters(regions=[by_code(VILLAGE)], q=q)
    return {p.name for p in queries.list_page(user, filters, "name", None, 100).items}


@pytest.mark.parametrize(("q", "expected"), [
    ("zw", {"曾伟", "张伟"}),
    ("zengwei", {"曾伟"}),
    ("cengwei", {"曾伟"}),
    ("cw", {"曾伟"}),
    ("zhangwei", {"张伟"}),
    ("shanli", {"单丽"}),
    ("danli", {"单丽"}),
    ("ouq", {"区强"}),
    ("quqiang", {"区强"}),
    ("oyn", {"欧阳娜娜"}),
    ("liyan", {"李䶮"}),
    ("chenyi", {"陈𫖮"}),
    ("aygl", {"阿依古丽·买买提"}),
    ("伟", {"曾伟", "张伟", "张小伟", "伟张", "王伟强"}),
    ("张", {"张伟", "张小伟", "伟张"}),
    ("张伟", {"张伟"}),
    ("小伟", {"张小伟"}),
    ("伟强", {"王伟强"}),
    ("张小伟", {"张小伟"}),
    ("依古丽·买", {"阿依古丽·买买提"}),
    ("䶮", {"李䶮"}),
    ("𫖮", {"陈𫖮"}),
    ("曾伟张", set()),
    ("%", None),
])
def test_name_queries(people, demo, q, expected):
    result = found(demo["demo_city"], q)
    if expected is None:  # not a query at all: everything
        assert result == set(people)
    else:
        assert result == expected, q


def test_prefix_search_finds_longer_names(people, demo):
    assert found(demo["demo_city"], "zx") == {"张小伟"}
    assert "王伟强" in found(demo["demo_city"], "wangw")
