"""Pages of the case files: lists and queues, requests, the case page (person summary per role,
the "1+1", services, timeline), assignment, visit logs and mentor notes, stage changes, service
items, the audited full phone for the assignees, the printable A4 case file and the catalogue."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.cases import operations as ops
from app.cases import queries, questions
from app.cases.forms import (
    ActionForm,
    AssignForm,
    DecideForm,
    LogForm,
    RequestForm,
    ServiceForm,
    ServiceTypeForm,
    ServiceUpdateForm,
    StageForm,
)
from app.cases.models import Case, CaseLog, CaseRequest, CaseStage, ServiceItem, ServiceType
from app.cases.present import case_dues, person_summary, row_dues
from app.cases.questions import close_question, decline_question
from app.cases.timeline import timeline
from app.cases.workflow import next_stages
from app.core import audit, clock, confirm, records
from app.core.access import ASSIGNMENT_ROLES, REGION_ROLES, TOWNSHIP_AND_ABOVE, Role, rule
from app.core.access import cases as access
from app.core.access import persons as person_access
from app.core.access.scope import deny
from app.core.errors import Conflict, FieldErrors, Forbidden, NotFound
from app.core.forms import int_or_none, restore, submit_action, submit_form
from app.extensions import db
from app.persons.models import Person

bp = Blueprint("cases", __name__, url_prefix="/cases")

VIEWERS = REGION_ROLES | ASSIGNMENT_ROLES
# Users who may view a case but write neither a visit log nor a mentor note on the sample case.
NO_LOG_WRITERS = {"demo_city": 403, "demo_county": 403}


QUEUE_TITLES = {
    "requests": "待决定的建档申请",
    "village_followups": "本村待跟进档案",
    "my_due": "我的档案：联系到期或逾期",
    "without_ones": "未配齐“1+1”的档案",
    "overdue": "逾期未跟进的档案",
    "items_past_due": "超期未办结的服务事项",
    "reassign": "待重新分配（服务人员已停用）",
    "new_assignments": "新分派给我",
    "my_items_past_due": "我的个案逾期服务事项",
}
CASE_QUEUES = {"village_followups": queries.village_followups, "my_due": queries.my_due,
               "without_ones": queries.without_both_ones, "overdue": queries.overdue_cases,
               "reassign": queries.reassignment_queue, "new_assignments": queries.new_assignments}


@bp.app_template_filter("service_label")
def service_label(code: str) -> str:
    """Label of a service type code (timeline needs)."""
    found = db.session.get(ServiceType, code)
    return found.label if found is not None else code


def _load(case_id: int) -> Case:
    return access.load_case(current_user, case_id)


def _load_person(person_id: int) -> Person:
    return person_access.load_person(current_user, person_id)


# ---------------------------------------------------------------------------------------------
# Lists



@bp.route("/")
@rule(VIEWERS)
def index():
    queue = request.args.get("queue") or ""
    filters = queries.parse_filters(request.args)
    if queue in CASE_QUEUES:
        found = CASE_QUEUES[queue](current_user, queries.LIST_LIMIT)
        cases, title, next_cursor = found.cases, QUEUE_TITLES[queue], None
    else:
        queue = ""
        page = None if filters.errors else queries.list_cases(current_user, filters, request.args.get("cursor"))
        cases, next_cursor = (page.items, page.next_cursor) if page else ([], None)
        title = "一人一档"
    return render_template("cases/list.html", cases=cases, title=title, queue=queue, filters=filters,
                           next_cursor=next_cursor, row_dues=row_dues,
                           sort_label=queries.list_sort(current_user).label, overdue_label=queries.overdue_label(current_user),
                           stages=list(CaseStage), today=clock.today(),
                           can_requests=access.can_view_requests(current_user)), 422 if filters.errors else 200


@bp.route("/requests")
@rule(REGION_ROLES)
def requests():
    pending = queries.pending_requests(current_user, queries.LIST_LIMIT)
    return render_template("cases/requests.html", rows=pending.requests, count=pending.count, form=DecideForm(),
                           types={t.code: t.label for t in ops.service_types(active_only=False)},
                           questions=questions,
                           can_decide=bool(current_user.roles & TOWNSHIP_AND_ABOVE))


@bp.route("/request/<int:person_id>", methods=["GET", "POST"])
@rule(REGION_ROLES, sample="person")
def request_case(person_id: int):
    person = _load_person(person_id)
    if not access.can_request_case(current_user, person):
        raise Forbidden()
    form = RequestForm()
    form.load_needs(ops.service_types())
    done = submit_form(
        form, lambda: ops.request_case(current_user, person, {"reason": form.reason.data, "needs": form.needs.data}),
        success="已提交建档申请，等待乡镇服务站决定。", next_url=lambda _: url_for("persons.detail", person_id=person.id))
    return done or render_template("cases/request_form.html", form=form, person=person)


@bp.route("/requests/<int:request_id>/decide", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="case_request")
def decide(request_id: int):
    req = records.get(CaseRequest, request_id)
    if req is None:
        raise NotFound()
    if not access.can_decide_request(current_user, req):
        raise deny("case_request", request_id, current_user)
    form = DecideForm()
    if form.decision.data == "decline" and (form.reason.data or "").strip() and not confirm.confirmed() \
            and form.validate_on_submit():
        return confirm.ask(decline_question(req), action="确定不予建档", danger=True, back=url_for("cases.requests"))

    def decide_it() -> Case | None:
        if form.decision.data not in ("open", "decline"):
            raise FieldErrors.single("decision", "请选择建档或不予建档。")
        return ops.decide_request(current_user, req, accept=form.decision.data == "open", reason=form.reason.data,
                                  expected_version=int_or_none(form.version.data))

    return submit_action(
        decide_it, form=form, back_url=url_for("cases.requests"), section=f"request-{req.id}",
        labels={"reason": "说明"},
        success=lambda case: "已建档，请分配服务专员和创业导师。" if case is not None else "已不予建档，原因已记录。",
        next_url=lambda case: url_for("cases.assign", case_id=case.id) if case is not None else url_for("cases.requests"))


@bp.route("/open/<int:person_id>", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="person")
def open_case(person_id: int):
    person = _load_person(person_id)

    def open_it() -> Case:
        if ops.open_case_of(person.id) is not None:
            raise Conflict("该人员已有在办的档案。")
        return ops.open_case(current_user, person)

    return submit_action(open_it, form=ActionForm(), back_url=url_for("persons.detail", person_id=person.id),
                         section="case", success="已建档，请分配服务专员和创业导师。",
                         next_url=lambda case: url_for("cases.assign", case_id=case.id))


# ---------------------------------------------------------------------------------------------
# The case page


def _items(case: Case) -> list[ServiceItem]:
    return list(db.session.scalars(select(ServiceItem).where(ServiceItem.case_id == case.id).order_by(ServiceItem.id)))


def _can(case: Case) -> dict[str, bool]:
    user = current_user
    return {
        "assign": access.can_assign(user, case) and case.is_open,
        "stage": access.can_change_stage(user, case) and case.is_open,
        "visit": access.can_log_visit(user, case) and case.is_open,
        "note": access.can_add_note(user, case) and case.is_open,
        "services": access.can_manage_services(user, case) and case.is_open,
        "phone": access.can_view_full_phone(user, case),
        "person_page": person_access.can_view_person(user, case.person),
    }


def _render_case(case: Case, full_phone: str | None = None, status: int = 200):
    stage_form = StageForm()
    stage_form.stage.choices = [("", "请选择")] + [(s.value, s.label) for s in next_stages(case.stage)]
    service_form = ServiceForm()
    service_form.service_type.choices = [("", "请选择")] + [(t.code, t.label) for t in ops.service_types()]
    restore(stage_form, section="stage")
    restore(service_form, section="new-service")
    entries = timeline(case, current_user)
    return render_template(
        "cases/detail.html", case=case, person=person_summary(current_user, case, full_phone),
        full_phone=full_phone, items=_items(case), entries=list(reversed(entries)),
        dues=case_dues(case),
        can=_can(case), stage_form=stage_form, service_form=service_form, action_form=ActionForm(),
        update_form=ServiceUpdateForm(), today=clock.today(),
        revisable={e.data["log_id"] for e in entries if "log_id" in e.data and not e.data.get("superseded")
                   and e.data.get("author_id") == current_user.id
                   and ops.can_revise(current_user, db.session.get(CaseLog, e.data["log_id"]))},
        history=audit.history("case", case.id), questions=questions,
    ), status


@bp.route("/<int:case_id>")
@rule(VIEWERS, sample="case")
def detail(case_id: int):
    case = _load(case_id)
    if ops.mark_assignment_seen(current_user, case):  # no longer "新分派给我"
        db.session.commit()
    return _render_case(case)


@bp.route("/<int:case_id>/phone", methods=["POST"])
@rule(ASSIGNMENT_ROLES, sample="case")
def phone(case_id: int):
    case = _load(case_id)
    ActionForm().validate_on_submit()
    number = ops.reveal_phone(current_user, case)
    db.session.commit()
    return _render_case(case, full_phone=number or "未登记")


@bp.route("/<int:case_id>/print")
@rule(VIEWERS, sample="case")
def print_view(case_id: int):
    case = _load(case_id)
    return render_template("cases/print.html", case=case, person=person_summary(current_user, case),
                           items=_items(case), entries=timeline(case, current_user),
                           dues=case_dues(case), today=clock.today(),
                           printed_by=current_user)


# ---------------------------------------------------------------------------------------------
# Assignment, stage


@bp.route("/<int:case_id>/assign", methods=["GET", "POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="case")
def assign(case_id: int):
    case = _load(case_id)
    if not access.can_assign(current_user, case):
        raise Forbidden()
    specialists, mentors = ops.specialist_candidates(case), ops.mentor_candidates(case)
    form = AssignForm()
    form.specialist.choices = [("", "（不变）")] + [(c.user.username, c.user.full_name) for c in specialists]
    form.mentor.choices = [("", "（不变）")] + [(c.user.username, c.user.full_name) for c in mentors]
    if request.method == "GET":
        form.version.data = str(case.version)
    done = submit_form(
        form, lambda: ops.assign(current_user, case, specialist=form.specialist.data or None,
                                 mentor=form.mentor.data or None, reason=form.reason.data,
                                 expected_version=int_or_none(form.version.data)),
        success="已保存分配。", next_url=lambda _: url_for("cases.detail", case_id=case.id))
    if done is not None:
        return done
    from app.codes import operations as codes
    from app.codes.models import CodeList

    return render_template("cases/assign.html", case=case, form=form, specialists=specialists, mentors=mentors,
                           industries=codes.labels(CodeList.INDUSTRY))


@bp.route("/<int:case_id>/stage", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE | {Role.SPECIALIST}, sample="case")
def stage(case_id: int):
    case = _load(case_id)
    if not access.can_change_stage(current_user, case):
        raise Forbidden()
    form = StageForm()
    form.stage.choices = [(s.value, s.label) for s in next_stages(case.stage)]
    back = url_for("cases.detail", case_id=case.id)
    if form.stage.data == CaseStage.CLOSED.value and not confirm.confirmed() and form.validate_on_submit():
        return confirm.ask(close_question(case), action="确定结案", danger=True, back=back)
    return submit_action(lambda: ops.change_stage(case, form.stage.data, current_user, form.reason.data,
                                                  expected_version=int_or_none(form.version.data)),
                         form=form, back_url=back, section="stage", next_url=back + "#stage",
                         success=lambda _: f"阶段已变更为「{case.stage.label}」。")


# ---------------------------------------------------------------------------------------------
# Visit logs and mentor notes


def _log_form(case: Case, kind: str, source: CaseLog | None = None) -> LogForm:
    form = LogForm()
    form.load_needs(ops.service_types())
    if request.method == "GET":
        form.kind.data = kind
        if source is not None:
            form.date.data = source.contact_on.isoformat()
            form.content.data = source.content
            form.method.data = source.method.value if source.method else ""
            form.topic.data = source.topic.value if source.topic else ""
            form.advice.data = source.advice or ""
            form.next_steps.data = source.next_steps or ""
            form.next_follow_up.data = source.next_follow_up.isoformat() if source.next_follow_up else ""
        else:
            form.date.data = clock.today().isoformat()
    return form


def _log_values(form: LogForm, kind: str) -> dict:
    return {"kind": kind, "date": form.date.data, "method": form.method.data, "topic": form.topic.data,
            "content": form.content.data, "advice": form.advice.data, "next_steps": form.next_steps.data,
            "needs": form.needs.data or [], "next_follow_up": form.next_follow_up.data, "reason": form.reason.data}


@bp.route("/<int:case_id>/logs/new", methods=["GET", "POST"])
@rule(VIEWERS, sample="case", expect=NO_LOG_WRITERS)
def new_log(case_id: int):
    case = _load(case_id)
    default = "mentor_note" if access.can_add_note(current_user, case) else "visit"
    kind = request.values.get("kind") or default
    if kind not in ("visit", "mentor_note") or not access.can_write_log(current_user, case, kind):
        raise Forbidden("只有指派的创业导师可以填写辅导记录。" if kind == "mentor_note"
                        else "您无权为该档案填写走访记录。")
    form = _log_form(case, kind)
    done = submit_form(form, lambda: ops.add_log(current_user, case, _log_values(form, kind)),
                       success="已保存记录。", notice_at="timeline",
                       next_url=lambda _: url_for("cases.detail", case_id=case.id) + "#timeline")
    return done or render_template("cases/log_form.html", case=case, form=form, kind=kind, source=None,
                                   person=person_summary(current_user, case))


@bp.route("/<int:case_id>/logs/<int:log_id>/revise", methods=["GET", "POST"])
@rule(VIEWERS, sample="case_log", expect={"demo_city": 403, "demo_county": 403, "demo_township": 403,
                                          "demo_village": 403, "demo_mentor": 403})
def revise_log(case_id: int, log_id: int):
    case = _load(case_id)
    log = records.get(CaseLog, log_id)
    if log is None or log.case_id != case.id:
        raise deny("case_log", log_id, current_user)
    if log.author_id != current_user.id:
        raise Forbidden("只有记录的填写人可以修订。")
    if not ops.can_revise(current_user, log):
        raise Conflict("该记录已不能修订（辅导记录只能在 24 小时内修订，且只修订最新版本）。")
    form = _log_form(case, log.kind.value, source=log)
    done = submit_form(form, lambda: ops.revise_log(current_user, log, _log_values(form, log.kind.value)),
                       success="已保存修订，原记录保留在时间线中。", notice_at="timeline",
                       next_url=lambda _: url_for("cases.detail", case_id=case.id) + "#timeline")
    return done or render_template("cases/log_form.html", case=case, form=form, kind=log.kind.value, source=log,
                                   person=person_summary(current_user, case))


# ---------------------------------------------------------------------------------------------
# Service items


@bp.route("/<int:case_id>/services", methods=["POST"])
@rule(REGION_ROLES | {Role.SPECIALIST}, sample="case")
def add_service(case_id: int):
    case = _load(case_id)
    form = ServiceForm()
    form.service_type.choices = [("", "请选择")] + [(t.code, t.label) for t in ops.service_types()]
    back = url_for("cases.detail", case_id=case.id)
    return submit_action(
        lambda: ops.add_service_item(current_user, case, {
            "service_type": form.service_type.data, "title": form.title.data,
            "responsible_unit": form.responsible_unit.data, "due_on": form.due_on.data}),
        form=form, back_url=back, section="new-service", next_url=back + "#new-service",
        success="已新增服务事项。")


@bp.route("/<int:case_id>/services/<int:item_id>", methods=["POST"])
@rule(REGION_ROLES | {Role.SPECIALIST}, sample="case_item")
def update_service(case_id: int, item_id: int):
    case = _load(case_id)
    item = records.get(ServiceItem, item_id)
    if item is None or item.case_id != case.id:
        raise deny("service_item", item_id, current_user)
    form = ServiceUpdateForm()
    back = url_for("cases.detail", case_id=case.id)
    return submit_action(
        lambda: ops.update_service_item(current_user, item, {
            "status": form.status.data or None, "outcome": form.outcome.data,
            "cannot_reason": form.cannot_reason.data}, expected_version=int_or_none(form.version.data)),
        form=form, back_url=back, section=f"item-{item.id}", next_url=back + f"#item-{item.id}",
        success="已更新服务事项。")


# ---------------------------------------------------------------------------------------------
# Catalogue (city admins)


@bp.route("/catalogue", methods=["GET", "POST"])
@rule({Role.CITY_ADMIN})
def catalogue():
    if not access.can_manage_catalogue(current_user):
        raise Forbidden()
    form = ServiceTypeForm()
    done = submit_form(
        form, lambda: ops.create_service_type(current_user, {"code": form.code.data, "label": form.label.data,
                                                             "responsible_unit": form.responsible_unit.data}),
        success="已新增服务类型。", next_url=lambda _: url_for("cases.catalogue"))
    if done is not None:
        return done
    return render_template("cases/catalogue.html", form=form, types=ops.service_types(active_only=False),
                           action_form=ActionForm())


@bp.route("/catalogue/<string:code>/toggle", methods=["POST"])
@rule({Role.CITY_ADMIN}, sample="service_type")
def toggle_type(code: str):
    if not access.can_manage_catalogue(current_user):
        raise Forbidden()
    item = db.session.get(ServiceType, code[:32])
    if item is None:
        abort(404)
    return submit_action(
        lambda: ops.update_service_type(current_user, item, {"label": item.label, "responsible_unit": item.default_unit,
                                                             "is_active": not item.is_active}),
        form=ActionForm(), back_url=url_for("cases.catalogue"), section="types",
        next_url=url_for("cases.catalogue") + "#types",
        success=lambda _: f"已{'启用' if item.is_active else '停用'}「{item.label}」。")

