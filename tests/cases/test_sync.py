"""Cases follow the person library: a moved person's case changes scope; merges move cases."""
from __future__ import annotations

import pytest

from app.cases import operations as ops
from app.cases.models import Case
from app.core.errors import Conflict
from app.extensions import db
from app.persons import operations as person_ops
from app.regions.operations import by_code
from tests.cases.factories import create_case, user
from tests.persons.factories import create_person


def test_moved_person_takes_the_case_along(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    person = case.person
    person_ops.move_person(user("demo_county"), person, by_code("420506103203"), reason="户籍迁移",
                           expected_version=person.version)
    db.session.commit()
    db.session.expire_all()
    moved = db.session.get(Case, case.id)
    assert moved.village_id == by_code("420506103203").id
    assert login_as("demo_village").get(f"/api/v1/cases/{case.id}").status_code == 404
    assert login_as("demo_village2").get(f"/api/v1/cases/{case.id}").status_code == 200


def test_merge_moves_the_case_to_the_survivor(demo):
    survivor = create_person(user("demo_city"))
    other = create_person(user("demo_city"), village_code="420506103203")
    case = create_case(person=other)
    person_ops.merge_persons(user("demo_county"), survivor, other, reason="重复登记",
                             survivor_version=survivor.version, other_version=other.version)
    db.session.commit()
    db.session.expire_all()
    assert ops.open_case_of(survivor.id).id == case.id
    assert db.session.get(Case, case.id).village_id == survivor.village_id


def test_merge_of_two_open_cases_is_refused(demo):
    a, b = create_case(), create_case()
    with pytest.raises(Conflict):
        person_ops.merge_persons(user("demo_county"), a.person, b.person, reason="重复",
                                 survivor_version=a.person.version, other_version=b.person.version)
