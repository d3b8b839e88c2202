"""User management: the grant matrix, stale saves, deactivation (issue 2 §3, §7)."""
import pytest
from sqlalchemy import select

from app.auth import operations as ops
from app.auth.models import ApiToken, User
from app.core.access import users as grants
from app.core.access.roles import Role
from app.core.errors import FieldErrors, Forbidden
from app.extensions import db
from tests.form_pages import shown_again


def _data(username, region_code, *roles, **mentor):
    data = ops.UserData(username=username, full_name="新用户", region_code=region_code, roles=set(roles))
    for key, value in mentor.items():
        setattr(data, key, value)
    return data


COUNTY_MENTOR = dict(mentor_level="county", mentor_category="expert", mentor_capacity=5,
                     mentor_expertise=["rural_ecommerce"])


@pytest.mark.parametrize(("actor", "data", "allowed"), [
    ("demo_city", _data("user_a1", "4205", Role.CITY_ADMIN), True),
    ("demo_city", _data("user_a2", "420527", Role.COUNTY_OFFICER), True),
    ("demo_city", _data("user_a3", "4205", Role.MENTOR, **{**COUNTY_MENTOR, "mentor_level": "city"}), True),
    ("demo_county", _data("user_b1", "420506103", Role.TOWNSHIP_STAFF), True),
    ("demo_county", _data("user_b2", "420506103202", Role.VILLAGE_STAFF), True),
    ("demo_county", _data("user_b3", "420506103", Role.SPECIALIST), True),
    ("demo_county", _data("user_b4", "420506", Role.MENTOR, **COUNTY_MENTOR), True),
    ("demo_county", _data("user_b5", "420506", Role.COUNTY_OFFICER), False),
    ("demo_county", _data("user_b6", "4205", Role.MENTOR, **{**COUNTY_MENTOR, "mentor_level": "city"}), False),
    ("demo_county", _data("user_b7", "420527101", Role.TOWNSHIP_STAFF), False),  # another county
    ("demo_county", _data("user_b8", "4205", Role.CITY_ADMIN), False),
    ("demo_township", _data("user_c1", "420506103202", Role.VILLAGE_STAFF), False),
    ("demo_village", _data("user_c2", "420506103202", Role.VILLAGE_STAFF), False),
    ("demo_specialist", _data("user_c3", "420506103202", Role.VILLAGE_STAFF), False),
])
def test_grant_matrix(demo, actor, data, allowed):
    if allowed:
        user = ops.create_user(demo[actor], data, "a long password")
        assert user.roles == frozenset(data.roles) and user.must_change_password
    else:
        with pytest.raises(Forbidden):
            ops.create_user(demo[actor], data, "a long password")


def test_region_level_must_fit_the_role(demo):
    with pytest.raises(FieldErrors) as error:
        ops.create_user(demo["demo_county"], _data("user_d1", "420506", Role.VILLAGE_STAFF), "a long password")
    assert "村（社区）级" in error.value.fields["region_code"][0]


def test_duplicate_username_and_weak_password_name_their_fields(demo):
    with pytest.raises(FieldErrors) as error:
        ops.create_user(demo["demo_city"], _data("demo_village", "420506103202", Role.VILLAGE_STAFF), "123456")
    assert set(error.value.fields) == {"username", "password"}


def test_county_officer_lists_only_users_of_the_county(login_as, demo):
    body = login_as("demo_county").get("/users").get_data(as_text=True)
    assert "demo_village" in body and "demo_township" in body
    assert "demo_county2" not in body and "demo_city" not in body


def test_stale_save_answers_409_and_keeps_the_newer_data(login_as, demo):
    target = demo["demo_village"]
    county, city = login_as("demo_county"), login_as("demo_city")
    form = {"full_name": "第一次修改", "region_code": "420506103202", "roles": ["village_staff"],
            "version": str(target.version)}
    assert county.post(f"/users/{target.id}/edit", data=form).status_code == 302
    stale = {**form, "full_name": "基于旧版本的修改"}
    response = city.post(f"/users/{target.id}/edit", data=stale)
    assert response.status_code == 409
    assert "此记录已被他人修改" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, target.id).full_name == "第一次修改"


def test_deactivation_revokes_tokens_and_queues_nothing_silently(demo, login_as):
    target = demo["demo_specialist"]
    _, secret = ops.create_token(target, "对接")
    db.session.commit()
    api = demo_client = login_as("demo_city")
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    response = demo_client.post(f"/users/{target.id}/deactivate",
                                data={"reason": "离职", "version": target.version, "confirm": "1"})
    assert response.status_code == 302
    fresh = demo_client.application.test_client()
    assert fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert db.session.scalar(select(ApiToken.revoked_at)) is not None
    # Deactivating twice is a state conflict; deactivating oneself is refused.
    db.session.expire_all()
    again = demo_client.post(f"/users/{target.id}/deactivate",
                             data={"reason": "again", "version": db.session.get(User, target.id).version,
                                   "confirm": "1"})
    assert "该用户已停用。" in shown_again(demo_client, again, f"/users/{target.id}/deactivate")
    with pytest.raises(Forbidden):
        ops.deactivate_user(demo["demo_city"], demo["demo_city"], "self", expected_version=demo["demo_city"].version)


def test_deactivation_needs_a_reason(login_as, demo):
    county = login_as("demo_county")
    response = county.post(f"/users/{demo['demo_village'].id}/deactivate", data={"reason": ""})
    assert "请填写停用原因" in shown_again(county, response)


def test_mentor_profile_is_saved_with_expertise(demo):
    mentor = ops.create_user(demo["demo_county"], _data("user_m1", "420506", Role.MENTOR, **COUNTY_MENTOR), "a long password")
    db.session.commit()
    assert mentor.mentor_profile.expertise == ["rural_ecommerce"]
    assert grants.can_manage_user(demo["demo_county"], mentor)
    assert not grants.can_manage_user(demo["demo_county2"], mentor)


def test_unknown_expertise_code_is_rejected(demo):
    with pytest.raises(FieldErrors) as error:
        ops.create_user(demo["demo_city"], _data("user_m2", "420506", Role.MENTOR,
                                                 **{**COUNTY_MENTOR, "mentor_expertise": ["nope"]}), "a long password")
    assert "mentor_expertise" in error.value.fields
