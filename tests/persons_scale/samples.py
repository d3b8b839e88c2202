"""Access-test objects for issue 4 (import batches)."""
from app.extensions import db
from app.persons.models import ImportStatus, PersonImport
from app.regions.operations import by_code
from tests.access_samples import Sample, sample


@sample("person_import")
def person_import(demo) -> Sample:
    """A previewed batch uploaded by demo_township (分乡镇): visible to its uploader and to the
    township-and-above users whose scope holds 分乡镇; only the uploader may commit it."""
    uploader = demo["demo_township"]
    batch = PersonImport(user_id=uploader.id, username=uploader.username, region_id=by_code("420506103").id,
                         file_name="样例.csv", file_hash="0" * 64, file_format="csv:utf-8",
                         status=ImportStatus.PREVIEWED, columns=["id_number"], errors=[[2, "身份证号码", "样例", ""]])
    db.session.add(batch)
    db.session.commit()
    return Sample({"batch_id": batch.id}, visible_to={"demo_city", "demo_county", "demo_township"})
