"""Access-test objects for the person library."""
from tests.access_samples import SCOPE_DAZHONGBA, Sample, sample
from tests.persons.factories import create_person


@sample("person")
def person(demo) -> Sample:
    p = create_person(demo["demo_city"], village_code="420506103202")
    # Enough for a PATCH to pass validation; form POSTs without their required fields answer 422.
    return Sample({"person_id": p.id}, visible_to=SCOPE_DAZHONGBA, data={"version": p.version, "remarks": "样例备注"})
