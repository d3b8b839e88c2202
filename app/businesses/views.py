"""Pages of the business entities: list, register, the business page (explained eligibility for
each business programme, applications, the offer to move the founder's case to `founded`), edit."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.businesses import labels
from app.businesses import operations as ops
from app.businesses.forms import ActionForm, BusinessForm
from app.businesses.models import Business, BusinessKind
from app.codes import operations as codes
from app.codes.models import CodeList
from app.core import audit
from app.core.access import REGION_ROLES, TOWNSHIP_AND_ABOVE, Role, rule
from app.core.access import subsidies as access
from app.core.access.persons import can_view_person
from app.core.forms import int_or_none, submit_action, submit_form
from app.core.pagination import Sort, keyset_page
from app.extensions import db
from app.persons.models import Person
from app.regions.models import Region
from app.subsidies import eligibility, integration
from app.subsidies.models import BUSINESS_PAGE_KINDS, Application, Programme

bp = Blueprint("businesses", __name__, url_prefix="/businesses")

PAGE_SIZE = 50
LIST_SORT = Sort("registered", Business.registered_on, descending=True, label="登记日期")
# The list shows "township village": the township's name in the rows' statement, not one
# lazy load per distinct township.
LIST_LOAD = (joinedload(Business.village).joinedload(Region.township).load_only(Region.name),
             joinedload(Business.founder).load_only(Person.name).lazyload("*"))


@bp.route("/")
@rule(REGION_ROLES)
def index():
    q = (request.args.get("q") or "").strip()[:50]
    stmt = select(Business).where(access.visible_businesses_condition(current_user)).options(*LIST_LOAD)
    if q:
        stmt = stmt.where(Business.name.contains(q))
    page = keyset_page(stmt, LIST_SORT, Business.id, request.args.get("cursor"), PAGE_SIZE)
    from app.businesses.models import BusinessKindSetting

    enterprise = {s.code for s in db.session.scalars(select(BusinessKindSetting)) if s.is_enterprise}
    return render_template("businesses/list.html", items=page.items, next_cursor=page.next_cursor, q=q, enterprise=enterprise,
                           kind_labels={k: k.label for k in BusinessKind}, can_set_kinds=access.can_manage_programmes(current_user))


def _form(business: Business | None = None) -> BusinessForm:
    form = BusinessForm()
    form.industry.choices = {"": "（未填）", **codes.choices(CodeList.INDUSTRY)}
    return form


@bp.route("/new", methods=["GET", "POST"])
@rule(REGION_ROLES)
def new():
    form = _form()
    founder = None
    founder_id = int_or_none(request.args.get("founder_id"))
    if founder_id and 0 < founder_id < 2**31:
        candidate = db.session.get(Person, founder_id)
        if candidate is not None and can_view_person(current_user, candidate):
            founder = candidate
    if request.method == "GET" and founder is not None:
        form.founder_id.data = founder.id
        form.village_code.data = founder.village.code
    done = submit_form(form, lambda: ops.create_business(current_user, form.values()),
                       success="经营主体已登记。",
                       next_url=lambda business: url_for("businesses.detail", business_id=business.id))
    return done or render_template("businesses/form.html", form=form, business=None, founder=founder)


@bp.route("/<int:business_id>/edit", methods=["GET", "POST"])
@rule(REGION_ROLES, sample="business")
def edit(business_id: int):
    business = ops.load(current_user, business_id)
    form = _form(business)
    if request.method == "GET":
        for name in ("name", "credit_code", "park"):
            getattr(form, name).data = getattr(business, name)
        form.founder_id.data = business.founder_id
        form.kind.data = business.kind.value
        form.registered_on.data = business.registered_on.isoformat()
        form.is_first_registration.data = {None: "", True: "true", False: "false"}[business.is_first_registration]
        form.village_code.data = business.village.code
        form.industry.data = business.industry or ""
        form.jobs.data = "" if business.jobs is None else str(business.jobs)
        form.status.data = business.status.value
        form.closed_on.data = business.closed_on.isoformat() if business.closed_on else ""
        form.version.data = business.version

    def save():
        values = form.values()
        values.pop("founder_id")
        return ops.update_business(current_user, business, values, expected_version=int_or_none(form.version.data))

    done = submit_form(form, save, success="已保存。",
                       next_url=lambda _: url_for("businesses.detail", business_id=business.id))
    return done or render_template("businesses/form.html", form=form, business=business, founder=business.founder)


def checks_for(business: Business) -> list[tuple[Programme, object, Application | None]]:
    out = []
    for programme in eligibility.programmes_of_kind(*BUSINESS_PAGE_KINDS):
        application = db.session.scalar(select(Application).where(
            Application.business_id == business.id, Application.programme_id == programme.id)
            .order_by(Application.id.desc()).limit(1))
        out.append((programme, eligibility.check(programme, business.founder, business), application))
    return out


@bp.route("/<int:business_id>")
@rule(REGION_ROLES, sample="business")
def detail(business_id: int):
    business = ops.load(current_user, business_id)
    applications = list(db.session.scalars(select(Application).where(Application.business_id == business.id)
                                           .order_by(Application.id.desc())))
    return render_template(
        "businesses/detail.html", business=business, labels=labels, checks=checks_for(business),
        applications=applications, can_edit=access.can_edit_business(current_user, business),
        can_apply=access.can_submit_application(current_user, business.founder, business),
        founded_case=integration.founded_offer(current_user, business), action_form=ActionForm(),
        code_labels=codes.labels(CodeList.INDUSTRY), history=audit.history("business", business.id),
        kind_is_enterprise=_is_enterprise(business))


def _is_enterprise(business: Business) -> bool:
    from app.businesses.models import BusinessKindSetting

    setting = db.session.get(BusinessKindSetting, business.kind.value)
    return bool(setting and setting.is_enterprise)


@bp.route("/<int:business_id>/case-founded", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="business")
def case_founded(business_id: int):
    """Move the founder's open case to `founded` (offered after registering a business)."""
    business = ops.load(current_user, business_id)
    page = url_for("businesses.detail", business_id=business.id)
    form = ActionForm()
    return submit_action(lambda: integration.move_case_to_founded(current_user, business,
                                                                  expected_version=int_or_none(form.version.data)),
                         form=form, back_url=page, section="founded", next_url=page + "#founded",
                         success="创办人的档案已转为“已创业”（跟踪服务一年）。")


@bp.route("/<int:business_id>/collect/<string:programme>", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="business_collect")
def collect(business_id: int, programme: str):
    """Turn the missing criteria of a programme into collect-data items on the founder's case."""
    business = ops.load(current_user, business_id)
    found = eligibility.programme_by_code(programme)
    if found is None:
        from app.core.errors import NotFound

        raise NotFound()

    def outcome(items) -> tuple[str, str]:
        if not items:
            return "没有缺少的数据。", "info"
        if any(i.service_item_id for i in items):
            return f"已在创办人的档案中生成 {len(items)} 项补充材料任务（已有的不重复生成）。", "success"
        return "创办人尚未建档：缺少的数据已列入主动服务清单，请先建档或直接补充。", "warning"

    page = url_for("businesses.detail", business_id=business.id)
    return submit_action(lambda: integration.collect_missing_data(current_user, found, business.founder, business),
                         form=ActionForm(), back_url=page, section="eligibility", next_url=page + "#eligibility",
                         success=outcome)


@bp.route("/kinds", methods=["POST"])
@rule({Role.CITY_ADMIN})
def kinds():
    """Set which kinds count as 企业类主体 (data for the targets dashboard)."""
    page = url_for("businesses.index")
    return submit_action(lambda: ops.set_enterprise_kinds(current_user, set(request.form.getlist("enterprise"))),
                         back_url=page, section="kinds", next_url=page + "#kinds", labels={"enterprise": "企业类主体"},
                         success="已保存企业类主体的范围。")
