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


@sample("case_item")
def case_item(demo) -> Sample:
    c = create_case(specialist="demo_specialist", mentor="demo_mentor")
    item = ops.add_service_item(user("demo_city"), c, {"service_type": "policy_advice"})
    db.session.commit()
    return Sample({"case_id": c.id, "item_id": item.id}, visible_to=CASE_VIEWERS)
