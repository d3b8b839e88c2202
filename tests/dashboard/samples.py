"""Access-test objects for the targets dashboard."""
from app.regions.operations import by_code
from tests.access_samples import Sample, sample

YILING = "420506"


@sample("dashboard_region")
def dashboard_region(demo) -> Sample:
    # 夷陵区: the city admin and demo_county (夷陵区) may drill into it; demo_county2 (秭归县) only
    # sees its total on the target table.
    return Sample({"region_id": by_code(YILING).id}, visible_to={"demo_city", "demo_county", "demo_township",
                                                                 "demo_village", "demo_village2"})


@sample("dashboard_records")
def dashboard_records(demo) -> Sample:
    return Sample({"region_id": by_code(YILING).id, "metric_key": "people"},
                  visible_to={"demo_city", "demo_county", "demo_township", "demo_village", "demo_village2"})
