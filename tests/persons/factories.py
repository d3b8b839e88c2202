"""Synthetic people for tests (valid check characters, never real numbers)."""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from app.auth.models import User
from app.core.validators import id_check_char
from app.extensions import db
from app.persons import operations as ops
from app.persons.models import Person

_counter = itertools.count(1)
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸春夏秋冬梅兰竹菊松柏"


def make_id(born: date = date(1990, 1, 1), *, male: bool = True, region: str = "420506", seq: int = 1) -> str:
    """A valid 18-digit ID number: region, birth date, a sequence with the right gender parity."""
    sequence = (seq * 2 + (1 if male else 0)) % 1000
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def unique_id(n: int | None = None, **kwargs: Any) -> str:
    n = next(_counter) if n is None else n
    return make_id(date(1970, 1, 1) + timedelta(days=n * 37 % 15000), seq=n % 499, **kwargs)


def unique_name(n: int | None = None) -> str:
    n = next(_counter) if n is None else n
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)] + GIVEN[n % len(GIVEN)]


def city_admin() -> User:
    return db.session.scalar(select(User).where(User.username == "demo_city"))


def create_person(actor: User | None = None, *, commit: bool = True, **overrides: Any) -> Person:
    """Register a person through the operation (near duplicates allowed)."""
    n = next(_counter)
    values = {
        "id_number": unique_id(n),
        "name": unique_name(n),
        "village_code": "420506103202",
        "source": "survey",
        "status": "returned",
    }
    values.update(overrides)
    result = ops.create_person(actor or city_admin(), values, allow_near_duplicates=True)
    if commit:
        db.session.commit()
    return result.person
