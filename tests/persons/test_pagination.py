"""Keyset pagination: every sort walks all rows exactly once, NULLs last, same on both databases."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from app.core import clock
from app.core.errors import FieldErrors
from app.core.pagination import decode_cursor, encode_cursor
from app.extensions import db
from app.persons import queries
from app.persons.models import Person
from tests.persons.factories import create_person

VILLAGE = "420506103214"  # no demo people there
NAMES = ["张伟", "曾伟", "单丽", "区强", "李娜", "林安", "王芳", "吕华", "陈静", "赵敏", "周杰", "吴涛", "徐丽", "孙强",
         "胡军", "朱霞", "高峰", "何琴", "郭亮", "马超", "罗兰", "梁勇"]


@pytest.fixture
def people(demo):
    created = []
    base = clock.now()
    for n, name in enumerate(NAMES):
        returned = None if n % 3 == 0 else date(2020, 1, 1) + timedelta(days=(n * 97) % 900)
        if n in (4, 5):
            returned = date(2021, 6, 1)  # ties broken by id
        created.append(create_person(name=name, returned_on=returned, village_code=VILLAGE, commit=False))
    db.session.flush()
    for n, person in enumerate(created):  # distinct, known update times (ties on two)
        at = base - timedelta(minutes=(n * 7) % 40, microseconds=n)
        db.session.execute(update(Person).where(Person.id == person.id).values(updated_at=at))
    db.session.commit()
    db.session.expire_all()
    return created


def only_village():
    from app.regions.operations import by_code

    return queries.PersonFilters(regions=[by_code(VILLAGE)])


def walk(user, sort, limit):
    seen, cursor, pages = [], None, 0
    while True:
        page = queries.list_page(user, only_village(), sort, cursor, limit)
        seen += [p.id for p in page.items]
        pages += 1
        if page.next_cursor is None:
            return seen, pages
        cursor = page.next_cursor
        assert pages < 100


def expected(people, sort):
    rows = [db.session.get(Person, p.id) for p in people]
    if sort == "name":
        return [p.id for p in sorted(rows, key=lambda p: (p.name_sort, p.id))]
    if sort == "updated":
        return [p.id for p in sorted(rows, key=lambda p: (p.updated_at, p.id), reverse=True)]
    dated = sorted((p for p in rows if p.returned_on), key=lambda p: (p.returned_on, p.id), reverse=True)
    undated = sorted((p for p in rows if not p.returned_on), key=lambda p: p.id, reverse=True)
    return [p.id for p in dated + undated]


@pytest.mark.parametrize("sort", ["name", "returned", "updated"])
@pytest.mark.parametrize("limit", [1, 4, 7, 22, 50])
def test_walks_every_row_once_in_order(people, demo, sort, limit):
    ids, pages = walk(demo["demo_city"], sort, limit)
    assert ids == expected(people, sort)
    assert pages == max(1, -(-len(people) // limit))


def test_pinyin_order(people, demo):
    page = queries.list_page(demo["demo_city"], only_village(), "name", None, 50)
    names = [p.name for p in page.items]
    # 曾 sorts as zeng (after 张 zhang? no: zeng < zhang), 单 as shan, 区 as ou, 吕 as lv
    assert names.index("李娜") < names.index("林安")  # li na < lin an
    assert names.index("区强") < names.index("单丽") < names.index("王芳") < names.index("曾伟") < names.index("张伟")
    assert names.index("罗兰") < names.index("吕华") < names.index("马超")


def test_cursor_round_trip_and_rejections():
    token = encode_cursor("returned", [date(2020, 1, 2), 5])
    assert decode_cursor(token, "returned") == [date(2020, 1, 2), 5]
    at = clock.now()
    assert decode_cursor(encode_cursor("updated", [at, 7]), "updated") == [at, 7]
    for bad in ("", "!!!", "e30", token + "x", encode_cursor("name", ["a", 1])):
        with pytest.raises(FieldErrors) as error:
            decode_cursor(bad, "returned")
        assert "cursor" in error.value.fields


def test_bad_cursor_values_are_field_errors(people, demo):
    for token in (encode_cursor("name", [None, 1]), encode_cursor("name", ["a", "x"]),
                  encode_cursor("name", ["a", None])):
        with pytest.raises(FieldErrors):
            queries.list_page(demo["demo_city"], queries.PersonFilters(), "name", token, 5)


def test_tampered_cursor_values_of_the_wrong_type_are_422(people, demo):
    bad = [("name", [5, 1]), ("name", [True, 1]), ("returned", ["2020-01-01", 1]), ("updated", ["x", 1]),
           ("updated", [date(2020, 1, 1), 1]), ("returned", [clock.now(), 1]), ("name", ["a", 10**30]),
           ("name", ["a\x00", 1])]
    for sort, values in bad:
        with pytest.raises(FieldErrors):
            queries.list_page(demo["demo_city"], queries.PersonFilters(), sort, encode_cursor(sort, values), 5)
