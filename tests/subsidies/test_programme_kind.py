"""Programme behaviour follows the stored kind, not the programme's code."""
from __future__ import annotations

import pytest

from app.core import clock
from app.core.errors import FieldErrors
from app.extensions import db
from app.subsidies import eligibility, proactive
from app.subsidies import operations as ops
from app.subsidies.eligibility import programme_by_code
from app.subsidies.models import BUSINESS_PAGE_KINDS, ProgrammeKind
from app.subsidies.seed import KINDS, PROGRAMMES
from tests.subsidies.factories import create_business, months_ago, user

pytestmark = pytest.mark.usefixtures("programmes")


def test_every_default_programme_has_its_kind():
    assert set(KINDS) == {p[0] for p in PROGRAMMES}
    assert {code: programme_by_code(code).kind for code in KINDS} == KINDS
    assert [p.code for p in eligibility.programmes_of_kind(*BUSINESS_PAGE_KINDS)] == [
        "startup_once", "yangui_yichang", "jingchu_guiyan"]


def test_renamed_programmes_keep_their_behaviour(login_as):
    for code in ("startup_once", "guaranteed_loan"):
        programme_by_code(code).code = f"{code}_2027"
    db.session.commit()
    loan_programme = eligibility.programme_of_kind(ProgrammeKind.GUARANTEED_LOAN)
    assert loan_programme.code == "guaranteed_loan_2027"
    business = create_business(registered_on=months_ago(7).isoformat())
    # A loan programme still needs its loan, whatever its code.
    with pytest.raises(FieldErrors) as refused:
        ops.submit(user("demo_township"), loan_programme, business.founder, business)
    assert "loan" in refused.value.fields
    db.session.rollback()
    # The proactive list still offers the startup grant, and the business page still checks it.
    assert eligibility.programme_of_kind(ProgrammeKind.STARTUP_GRANT).code == "startup_once_2027"
    assert any(r.business.id == business.id for r in proactive.rows(user("demo_township"), clock.today()))
    client = login_as("demo_township")
    page = client.get(f"/businesses/{business.id}")
    assert page.status_code == 200 and 'data-programme="startup_once_2027"' in page.get_data(as_text=True)
