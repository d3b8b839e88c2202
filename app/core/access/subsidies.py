"""Who may see and do what with businesses, subsidy applications and loans (issue 6).

Businesses
- A business belongs to the village where it is registered: region roles whose subtree holds that
  village see it; so do those who see its founder (the founder's home-village staff, through the
  person and the case).
- Register / edit: region roles whose subtree holds the registered village (and who see the founder).

Applications and loans (帮办代办)
- Visible like their business (or, without one, like their person) to region roles.
- Submit: township staff and above, for a person (and business) in their region scope.
- 乡镇初审: township staff and above in scope, not the submitter.
- Decide and record payment: county officers (in scope) for county programmes, city admins for
  city programmes — never the submitter, never another role (403).
- Specialists and mentors see none of this.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select

from app.core.access.persons import can_view_person, visible_persons_condition
from app.core.access.roles import TOWNSHIP_AND_ABOVE, Role
from app.core.access.scope import (
    has_region_role,
    has_role,
    is_city_admin,
    load_or_404,
    record_in_scope,
    region_in_scope,
    region_scope,
    scope_region,
)
from app.regions.models import Region, RegionLevel

# ---------------------------------------------------------------------------------------------
# Businesses

def visible_businesses_condition(user: Any) -> ColumnElement[bool]:
    from app.businesses.models import Business
    from app.persons.models import Person

    founders = select(Person.id).where(visible_persons_condition(user))
    return or_(region_scope(user, Business), Business.founder_id.in_(founders))


def can_view_business(user: Any, business: Any) -> bool:
    return record_in_scope(user, business) or can_view_person(user, business.founder)


def load_business(user: Any, business_id: int) -> Any:
    """The business `user` may see (404, audited, otherwise): pages and API alike."""
    from app.businesses.models import Business

    return load_or_404(Business, business_id, user, can_view_business)


def can_create_business(user: Any, village: Region | None = None, founder: Any = None) -> bool:
    if not has_region_role(user):
        return False
    if founder is not None and not can_view_person(user, founder):
        return False
    return village is None or (village.level == RegionLevel.VILLAGE and region_in_scope(user, village))


def can_edit_business(user: Any, business: Any) -> bool:
    return record_in_scope(user, business)


# ---------------------------------------------------------------------------------------------
# Applications and loans

def visible_applications_condition(user: Any) -> ColumnElement[bool]:
    from app.subsidies.models import Application

    return region_scope(user, Application)


def can_view_application(user: Any, application: Any) -> bool:
    return record_in_scope(user, application)


def load_application(user: Any, application_id: int) -> Any:
    """The application `user` may see (404, audited, otherwise): pages and API alike."""
    from app.subsidies.models import Application

    return load_or_404(Application, application_id, user, can_view_application)


def can_submit_application(user: Any, person: Any, business: Any = None) -> bool:
    """The business's registered village (or, without one, the person's village) is in scope."""
    return record_in_scope(user, business if business is not None else person, TOWNSHIP_AND_ABOVE)


def can_review_application(user: Any, application: Any) -> bool:
    return record_in_scope(user, application, TOWNSHIP_AND_ABOVE) and application.submitted_by_id != user.id


def decider_role(programme: Any) -> Role:
    return Role.CITY_ADMIN if programme.decider_level.value == "city" else Role.COUNTY_OFFICER


def may_decide_role(user: Any, application: Any) -> bool:
    """The role test alone (403 otherwise): the programme's deciding role, in scope."""
    return record_in_scope(user, application, {decider_role(application.programme)})


def can_decide_application(user: Any, application: Any) -> bool:
    return may_decide_role(user, application) and application.submitted_by_id != user.id


def can_record_payment(user: Any, application: Any) -> bool:
    return may_decide_role(user, application)


def can_view_loan(user: Any, loan: Any) -> bool:
    return record_in_scope(user, loan)


def load_loan(user: Any, loan_id: int) -> Any:
    from app.subsidies.models import Loan

    return load_or_404(Loan, loan_id, user, can_view_loan)


def can_edit_loan(user: Any, loan: Any | None = None) -> bool:
    if loan is None:
        return has_region_role(user, TOWNSHIP_AND_ABOVE)
    return record_in_scope(user, loan, TOWNSHIP_AND_ABOVE)


def can_manage_programmes(user: Any) -> bool:
    return is_city_admin(user)


def can_see_proactive(user: Any) -> bool:
    home = scope_region(user)
    return has_role(user, TOWNSHIP_AND_ABOVE) and home is not None and home.level != RegionLevel.VILLAGE
