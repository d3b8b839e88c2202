"""Pages of the subsidy workflow: applications (submit with attachments, the decision record and
criteria table, review / decide / publicise / pay), attachments (scoped, audited download),
programmes and rule versions, the proactive list and loans with their interest-subsidy schedule."""
from __future__ import annotations

import io

from flask import Blueprint, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from app.businesses import operations as business_ops
from app.core import audit, clock, confirm, records
from app.core.access import COUNTY_AND_ABOVE, REGION_ROLES, TOWNSHIP_AND_ABOVE, rule
from app.core.access import subsidies as access
from app.core.access.persons import load_person
from app.core.access.roles import Role
from app.core.errors import BadRequest, FieldErrors, Forbidden, NotFound
from app.core.fields import date_format_message, to_date
from app.core.forms import int_or_none, section_state, submit_action, submit_page, uploaded_files
from app.core.pagination import Sort, keyset_page
from app.core.templating import date_cn
from app.extensions import db
from app.subsidies import eligibility, export, proactive, questions
from app.subsidies import operations as ops
from app.subsidies import params as programme_params
from app.subsidies.models import (
    Application,
    AppState,
    Attachment,
    AttachmentKind,
    Loan,
    LoanStatus,
    Programme,
    ProgrammeKind,
    RuleVersion,
)
from app.subsidies.questions import approve_question, pay_question, reject_question, version_question

bp = Blueprint("subsidies", __name__, url_prefix="/subsidies")

PAGE_SIZE = 50
APPLICATION_SORT = Sort("newest", Application.id, descending=True, label="最新")


def _load(application_id: int) -> Application:
    return access.load_application(current_user, application_id)


# ---------------------------------------------------------------------------------------------
# Applications

@bp.route("/applications")
@rule(REGION_ROLES)
def applications():
    state = request.args.get("state") or ""
    stmt = select(Application).where(access.visible_applications_condition(current_user))
    if state in {s.value for s in AppState}:
        stmt = stmt.where(Application.state == AppState(state))
    page = keyset_page(stmt, APPLICATION_SORT, Application.id, request.args.get("cursor"), PAGE_SIZE)
    return render_template("subsidies/applications.html", items=page.items, next_cursor=page.next_cursor,
                           state=state, states=list(AppState))


@bp.route("/applications/new", methods=["GET", "POST"])
@rule(TOWNSHIP_AND_ABOVE)
def application_new():
    programme = eligibility.programme_by_code(request.values.get("programme") or "")
    if programme is None:
        raise BadRequest("请从经营主体或人员页面发起申请（缺少补贴项目）。")
    business = None
    business_id = int_or_none(request.values.get("business_id"))
    if business_id:
        business = business_ops.load(current_user, business_id)
        person = business.founder
    else:
        person_id = int_or_none(request.values.get("person_id")) or 0
        if not records.valid_id(person_id):
            raise BadRequest("请从经营主体或人员页面发起申请（缺少申请人）。")
        person = load_person(current_user, person_id)
    if not access.can_submit_application(current_user, person, business):
        raise Forbidden()
    check = eligibility.check(programme, person, business)

    def submit_it() -> Application:
        uploads = _uploads()
        application = ops.submit(current_user, programme, person, business, amount=request.form.get("amount"),
                                 note=request.form.get("note"))
        for kind, upload in uploads:
            try:
                ops.add_attachment(current_user, application, kind, upload)
            except FieldErrors as error:  # name the input, so that its refused file is not kept
                raise FieldErrors(fields={f"file_{kind}": [m for ms in error.fields.values() for m in ms]}) from None
        return application

    kinds = {k: k.label for k in AttachmentKind}
    done = submit_page(submit_it, success="申请已提交。",
                       next_url=lambda a: url_for("subsidies.application_detail", application_id=a.id),
                       labels={"amount": "申请金额（元）", "note": "备注",
                               **{f"file_{kind.value}": label for kind, label in kinds.items()}},
                       back_url=url_for("subsidies.application_new", programme=programme.code,
                                        **({"business_id": business.id} if business else {"person_id": person.id})))
    return done or render_template("subsidies/application_new.html", programme=programme, person=person,
                                   business=business, check=check, state=section_state(None), kinds=kinds)


def _uploads() -> list[tuple[str, ops.Upload]]:
    """The chosen files of every attachment input (or the ones kept from a failed submit)."""
    return [(kind.value, ops.Upload(filename, data)) for kind in AttachmentKind
            for filename, data in uploaded_files(f"file_{kind.value}", ops.MAX_ATTACHMENT_BYTES)]


@bp.route("/applications/<int:application_id>")
@rule(REGION_ROLES, sample="application")
def application_detail(application_id: int):
    application = _load(application_id)
    user = current_user
    attachments = list(db.session.scalars(select(Attachment).where(Attachment.application_id == application.id)
                                          .order_by(Attachment.id)))
    live = eligibility.check(application.programme, application.person, application.business,
                             application.submitted_on, state_on=clock.today(), loan=application.loan,
                             version=application.rule_version) if application.state in (
        AppState.SUBMITTED, AppState.TOWNSHIP_REVIEWED) else None
    can = {
        "review": application.state == AppState.SUBMITTED and application.programme.township_review
        and access.can_review_application(user, application),
        "decide": application.state in ops.workflow.decision_states(application.programme.township_review)
        and access.can_decide_application(user, application),
        "own": access.may_decide_role(user, application) and application.submitted_by_id == user.id,
        "publicise": ops.workflow.allowed("publicise", application.state) and bool(application.programme.publicity_days)
        and access.can_record_payment(user, application),
        "pay": ops.workflow.allowed("pay", application.state) and access.can_record_payment(user, application),
        "resubmit": application.state == AppState.RETURNED
        and access.can_submit_application(user, application.person, application.business),
        "attach": application.state in ops.workflow.OPEN_STATES
        and access.can_submit_application(user, application.person, application.business),
    }
    return render_template("subsidies/application_detail.html", a=application, attachments=attachments, can=can,
                           live=live, kinds={k: k.label for k in AttachmentKind}, today=clock.today(),
                           questions=questions, history=audit.history("application", application.id))


def _seen_version() -> int | None:
    """The `version` the page was rendered with (hidden input of every action form)."""
    return int_or_none(request.form.get("version"))


def _act(application_id: int, fn, success: str, ids: dict[str, str] | None = None):
    """Finish an action of the application page; its messages are shown in the actions area."""
    application = _load(application_id)
    page = url_for("subsidies.application_detail", application_id=application.id)
    return submit_action(lambda: fn(application), back_url=page, section="actions", next_url=page + "#actions",
                         success=success, ids=ids,
                         labels={"reason": "意见", "paid_on": "拨付日期", "amount": "金额（元）", "voucher_no": "凭证号",
                                 "file": "补充材料", "note": "备注"})


@bp.route("/applications/<int:application_id>/decide", methods=["POST"])
@rule(COUNTY_AND_ABOVE, sample="application")
def application_decide(application_id: int):
    decision = request.form.get("decision", "")
    application = _load(application_id)
    # Ask only who may decide; the operation refuses the others with its own message.
    if decision in ("approve", "reject") and access.can_decide_application(current_user, application) \
            and not confirm.confirmed():
        question, action = (approve_question(application), "确定批准") if decision == "approve" else \
            (reject_question(application), "确定驳回")
        return confirm.ask(question, action=action, danger=decision == "reject",
                           back=url_for("subsidies.application_detail", application_id=application_id))
    words = {"approve": "已批准。", "reject": "已驳回。", "return": "已退回补正。"}
    return _act(application_id, lambda a: ops.decide(current_user, a, decision, request.form.get("reason"),
                                                       expected_version=_seen_version()),
                words.get(decision, "已处理。"), ids={"reason": "decision-reason"})


@bp.route("/applications/<int:application_id>/review", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="application")
def application_review(application_id: int):
    decision = request.form.get("decision", "")
    return _act(application_id, lambda a: ops.review(current_user, a, decision, request.form.get("reason"),
                                                       expected_version=_seen_version()),
                "初审已完成。", ids={"reason": "review-reason"})


@bp.route("/applications/<int:application_id>/publicise", methods=["POST"])
@rule(COUNTY_AND_ABOVE, sample="application", expect={"demo_city": 403})
def application_publicise(application_id: int):
    return _act(application_id, lambda a: ops.publicise(current_user, a, expected_version=_seen_version()),
                "已进入公示。")


@bp.route("/applications/<int:application_id>/pay", methods=["POST"])
@rule(COUNTY_AND_ABOVE, sample="application", expect={"demo_city": 403})
def application_pay(application_id: int):
    form = request.form
    application = _load(application_id)
    if access.can_record_payment(current_user, application) and not confirm.confirmed():
        return confirm.ask(pay_question(application, form.get("amount")), action="确定登记拨付",
                           detail=f"拨付日期：{date_cn(form.get('paid_on'))}；凭证号：{form.get('voucher_no') or '—'}",
                           back=url_for("subsidies.application_detail", application_id=application_id))
    return _act(application_id, lambda a: ops.record_payment(current_user, a, paid_on=form.get("paid_on"),
                                                             amount=form.get("amount"), voucher_no=form.get("voucher_no"),
                                                             expected_version=_seen_version()),
                "已登记拨付。", ids={"paid_on": "paid_on", "amount": "pay-amount", "voucher_no": "voucher_no"})


@bp.route("/applications/<int:application_id>/resubmit", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="application")
def application_resubmit(application_id: int):
    return _act(application_id, lambda a: ops.resubmit(current_user, a, request.form.get("note"),
                                                         expected_version=_seen_version()), "已重新提交。")


@bp.route("/applications/<int:application_id>/attachments", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="application")
def attachment_add(application_id: int):
    def add(application):
        uploads = _uploads()
        if not uploads:
            raise FieldErrors.single("file", "请选择要上传的文件。")
        for kind, upload in uploads:
            ops.add_attachment(current_user, application, kind, upload)

    return _act(application_id, add, "附件已上传。", ids={"file": "file_other"})


@bp.route("/attachments/<int:attachment_id>")
@rule(REGION_ROLES, sample="attachment")
def attachment_download(attachment_id: int):
    """Only in scope (404 otherwise); every download is audited."""
    attachment = records.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound()
    application = _load(attachment.application_id)
    path = ops.attachment_path(attachment)
    audit.record("application_attachment_downloaded", application, actor=current_user,
                 changes={"attachment": [None, f"#{attachment.id} {attachment.filename}"]})
    db.session.commit()
    return send_file(path, mimetype=attachment.content_type, as_attachment=True, download_name=attachment.filename,
                     max_age=0)


# ---------------------------------------------------------------------------------------------
# Programmes and rule versions

@bp.route("/programmes")
@rule(REGION_ROLES)
def programmes():
    items = []
    for p in db.session.scalars(select(Programme).order_by(Programme.sort_order)):
        versions = list(db.session.scalars(select(RuleVersion).where(RuleVersion.programme_id == p.id)
                                           .order_by(RuleVersion.effective_from.desc())))
        items.append((p, versions, eligibility.version_in_force(p, clock.today())))
    return render_template("subsidies/programmes.html", items=items, parameters=programme_params,
                           can_manage=access.can_manage_programmes(current_user), today=clock.today(),
                           questions=questions)


@bp.route("/programmes/<string:code>/versions", methods=["POST"])
@rule({Role.CITY_ADMIN}, sample="programme")
def programme_version(code: str):
    programme = eligibility.programme_by_code(code)
    if programme is None:
        raise NotFound()
    current = eligibility.version_in_force(programme, clock.today())
    params = {k: request.form.get(f"param_{k}") for k in current.params if f"param_{k}" in request.form}
    effective = to_date(request.form.get("effective_from"))
    page = url_for("subsidies.programmes")
    if effective is not None and access.can_manage_programmes(current_user) and not confirm.confirmed():
        return confirm.ask(version_question(programme, effective), action="确定保存为新版本",
                           detail="被申请使用过的参数版本不能再修改；如有误，只能再新增一个版本。",
                           back=url_for("subsidies.programmes", _anchor=f"programme-{programme.code}"))

    def save():
        if effective is None:
            raise FieldErrors.single("effective_from", date_format_message("生效日期"))
        return ops.set_parameters(current_user, programme, params, effective, note=request.form.get("note"))

    return submit_action(
        save, back_url=page, section=f"programme-{programme.code}", next_url=page + f"#programme-{programme.code}",
        labels={"effective_from": "生效日期", "note": "说明"},
        ids={"effective_from": f"{code}-eff", "note": f"{code}-note", **{k: f"{code}-{k}" for k in current.params}},
        success=lambda version: f"已保存参数：{version.full_label}。")


@bp.route("/programmes/<string:code>/options", methods=["POST"])
@rule({Role.CITY_ADMIN}, sample="programme")
def programme_options(code: str):
    programme = eligibility.programme_by_code(code)
    if programme is None:
        raise NotFound()
    page = url_for("subsidies.programmes")
    return submit_action(
        lambda: ops.set_programme_options(current_user, programme,
                                          township_review=request.form.get("township_review") == "1",
                                          publicity_days=request.form.get("publicity_days")),
        back_url=page, section=f"programme-{programme.code}", next_url=page + f"#programme-{programme.code}",
        labels={"publicity_days": "公示天数"}, ids={"publicity_days": f"{code}-pub"}, success=f"已保存{programme.name}的办理环节。")


# ---------------------------------------------------------------------------------------------
# Proactive list (主动服务)

@bp.route("/proactive")
@rule(TOWNSHIP_AND_ABOVE)
def proactive_list():
    if not access.can_see_proactive(current_user):
        raise Forbidden()
    rows = proactive.rows(current_user, clock.today())
    return render_template("subsidies/proactive.html", rows=rows, today=clock.today(), horizon=proactive.HORIZON_DAYS)


@bp.route("/proactive.xlsx")
@rule(TOWNSHIP_AND_ABOVE)
def proactive_export():
    if not access.can_see_proactive(current_user):
        raise Forbidden()
    rows = proactive.rows(current_user, clock.today())
    data = export.proactive_xlsx(rows, clock.today(), current_user)
    audit.record("proactive_exported", actor=current_user, object_type="proactive", object_id="list",
                 changes={"rows": [None, len(rows)]})
    db.session.commit()
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"主动服务清单-{clock.today().isoformat()}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", max_age=0)


# ---------------------------------------------------------------------------------------------
# Loans

def _load_loan(loan_id: int) -> Loan:
    return access.load_loan(current_user, loan_id)


@bp.route("/loans/<int:loan_id>")
@rule(REGION_ROLES, sample="loan")
def loan_detail(loan_id: int):
    loan = _load_loan(loan_id)
    return render_template("subsidies/loan.html", loan=loan, schedule=ops.loan_schedule(loan),
                           can_edit=access.can_edit_loan(current_user, loan), statuses=list(LoanStatus),
                           history=audit.history("loan", loan.id))


@bp.route("/loans/<int:loan_id>/schedule.xlsx")
@rule(REGION_ROLES, sample="loan")
def loan_schedule_export(loan_id: int):
    loan = _load_loan(loan_id)
    data = export.schedule_xlsx(loan, ops.loan_schedule(loan), current_user)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"贴息计划-贷款{loan.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", max_age=0)


# ---------------------------------------------------------------------------------------------
# Person page section: businesses, eligibility and applications

def person_section(user, person) -> dict:
    businesses = business_ops.businesses_of(person.id)
    startup = eligibility.programme_of_kind(ProgrammeKind.STARTUP_GRANT)
    checks = [(b, eligibility.check(startup, person, b)) for b in businesses] if startup else []
    applications = list(db.session.scalars(select(Application).where(Application.person_id == person.id)
                                           .order_by(Application.id.desc())))
    from app.core.access.subsidies import can_create_business

    loans = list(db.session.scalars(select(Loan).where(Loan.person_id == person.id).order_by(Loan.id.desc())))
    return {"businesses": businesses, "checks": checks, "applications": applications, "loans": loans,
            "can_add_business": can_create_business(user, founder=person),
            "can_apply": access.can_submit_application(user, person)}


@bp.route("/loans/new", methods=["GET", "POST"])
@rule(TOWNSHIP_AND_ABOVE)
def loan_new():
    """Register a guaranteed loan and submit the 创业担保贷款 application for it."""
    person_id = int_or_none(request.values.get("person_id")) or 0
    if not records.valid_id(person_id):
        raise BadRequest("请从人员页面登记担保贷款（缺少借款人）。")
    person = load_person(current_user, person_id)
    business = None
    business_id = int_or_none(request.values.get("business_id"))
    if business_id:
        business = business_ops.load(current_user, business_id)
    if not access.can_submit_application(current_user, person, business):
        raise Forbidden()

    def register() -> Application:
        values = {k: request.form.get(k) for k in ("borrower_type", "partners", "amount", "term_months", "lender",
                                                   "contract_on", "rate_bp")}
        loan = ops.create_loan(current_user, person, business, values)
        return ops.submit(current_user, eligibility.programme_of_kind(ProgrammeKind.GUARANTEED_LOAN), person, business,
                          loan=loan)

    done = submit_page(register, success="担保贷款已登记，创业担保贷款申请已提交。",
                       next_url=lambda a: url_for("subsidies.application_detail", application_id=a.id),
                       labels=LOAN_LABELS,
                       back_url=url_for("subsidies.loan_new", person_id=person.id,
                                        **({"business_id": business.id} if business else {})))
    return done or render_template("subsidies/loan_new.html", person=person, business=business,
                                   state=section_state(None), today=clock.today())


LOAN_LABELS = {"borrower_type": "借款人类型", "partners": "合伙人数", "amount": "贷款金额（元）",
               "term_months": "期限（月）", "lender": "贷款银行", "contract_on": "合同日期", "rate_bp": "年利率"}


@bp.route("/loans/<int:loan_id>/update", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="loan")
def loan_update(loan_id: int):
    """Loan status (申请/审批/放款/还款中/还清/逾期) and the overdue periods (no subsidy for them)."""
    loan = _load_loan(loan_id)
    values = {k: request.form[k] for k in ("status", "overdue_periods") if k in request.form}
    page = url_for("subsidies.loan_detail", loan_id=loan.id)
    return submit_action(lambda: ops.update_loan(current_user, loan, values, expected_version=_seen_version()),
                         back_url=page, section="loan-update",
                         next_url=page + "#loan-update", labels={"status": "贷款状态", "overdue_periods": "逾期期次"},
                         ids={"status": "loan-status", "overdue_periods": "overdue"},
                         success="已保存。")
