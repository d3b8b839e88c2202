"""Access-test objects for case files: a case in 大中坝村 assigned to demo_specialist and
demo_mentor, and one of its service items."""
from app.cases import operations as ops
from app.extensions import db
from tests.access_samples import SCOPE_DAZHONGBA, Sample, sample
from tests.cases.factories import create_case, user

CASE_VIEWERS = SCOPE_DAZHONGBA | {"demo_specialist", "demo_mentor"}


@sample("case")
def case(demo) -> Sample:
    c = create_case(specialist="demo_specialist", mentor="demo_mentor")
    return Sample({"case_id": c.id}, visible_to=CASE_VIEWERS)


@sample("case_write")
def case_write(demo) -> Sample:
    """The case with the version an API write of the case itself must send."""
    c = create_case(specialist="demo_specialist", mentor="demo_mentor")
    return Sample({"case_id": c.id}, visible_to=CASE_VIEWERS, data={"version": c.version})


@sample("case_item")
def case_item(demo) -> Sample:
    c = create_case(specialist="demo_specialist", mentor="demo_mentor")
    item = ops.add_service_item(user("demo_city"), c, {"service_type": "policy_advice"})
    db.session.commit()
    return Sample({"case_id": c.id, "item_id": item.id}, visible_to=CASE_VIEWERS, data={"version": item.version})


@sample("case_request")
def case_request(demo) -> Sample:
    from tests.persons.factories import create_person

    person = create_person(user("demo_city"), village_code="420506103202")
    req = ops.request_case(user("demo_village"), person, {"reason": "样例申请"})
    db.session.commit()
    return Sample({"request_id": req.id}, visible_to=SCOPE_DAZHONGBA, data={"version": req.version})


@sample("case_log")
def case_log(demo) -> Sample:
    c = create_case(specialist="demo_specialist", mentor="demo_mentor")
    log = ops.add_log(user("demo_specialist"), c, {"kind": "visit", "date": "2026-01-05", "method": "phone",
                                                   "content": "样例走访"})
    db.session.commit()
    return Sample({"case_id": c.id, "log_id": log.id}, visible_to=CASE_VIEWERS)


@sample("service_type")
def service_type(demo) -> Sample:
    ops.seed_service_types()
    db.session.commit()
    return Sample({"code": "policy_advice"})
