"""Files chosen on a subsidy application that fails validation are kept (staged) for the next
submit, per user, and cleaned up (core.staging via core.forms)."""
from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core import staging
from app.extensions import db
from app.subsidies.models import Application, Attachment
from tests.subsidies.factories import create_business, user
from tests.subsidies.samples import PNG

pytestmark = pytest.mark.usefixtures("programmes")


@pytest.fixture(autouse=True)
def uploads(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")


def test_files_chosen_on_a_failed_application_are_kept_for_the_next_submit(app, demo, login_as):
    business = create_business()
    client = login_as("demo_township")
    url = f"/subsidies/applications/new?programme=startup_once&business_id={business.id}"
    failed = client.post(url, data={"amount": "-5", "note": "第一次",
                                    "file_license": (io.BytesIO(PNG), "营业执照.png")},
                         content_type="multipart/form-data")
    assert failed.status_code == 303
    page = client.get(url).text
    assert "已选文件 营业执照.png（已保留" in page
    reference = re.search(r'name="_staged" value="([^"]+)"', page).group(1)
    assert 'value="-5"' in page and "第一次" in page
    folder = Path(app.config["UPLOAD_FOLDER"]) / "staging" / str(user("demo_township").id)
    assert len(list(folder.glob("*.bin"))) == 1
    # Someone else cannot use the reference.
    assert staging.find(user("demo_county").id, reference) is None

    done = client.post(url, data={"amount": "5000", "note": "补正", "_staged": reference},
                       content_type="multipart/form-data")
    assert done.status_code == 302
    application = db.session.scalar(select(Application).order_by(Application.id.desc()))
    files = db.session.scalars(select(Attachment).where(Attachment.application_id == application.id)).all()
    assert [(f.kind.value, f.filename) for f in files] == [("license", "营业执照.png")]
    assert list(folder.glob("*.bin")) == []  # used: cleaned up


def test_staged_files_expire(app, demo):
    kept = staging.stage(1, "file_license", "a.png", PNG)
    path = Path(app.config["UPLOAD_FOLDER"]) / "staging" / "1" / f"{kept.key}.bin"
    old = time.time() - staging.LIFETIME_SECONDS - 10
    os.utime(path, (old, old))
    os.utime(path.with_suffix(".json"), (old, old))
    assert staging.expire() == 1
    assert staging.find(1, kept.reference) is None
