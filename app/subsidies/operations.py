"""Subsidy operations: rule versions, applications and their workflow, attachments, loans
(issue 6 §2, §5–§7).

Every state change is a conditional `UPDATE applications SET state = … WHERE id = … AND state IN
(…)` whose row count is checked (409 when another request changed the state first), and an
approval of a one-time programme inserts its `grants` row in the same transaction: the unique
constraints there refuse a second grant to the same person or business even when two officers
click at once. Operations audit and `flush()`; callers commit (and roll back on error).
"""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.core import audit, clock
from app.core.access import subsidies as access
from app.core.errors import BadRequest, Conflict, FieldErrorCollector, FieldErrors, Forbidden, check_version
from app.core.fields import date_format_message, parse_reason, to_date
from app.core.templating import date_cn
from app.core.validators import has_unsafe_chars
from app.extensions import db
from app.subsidies import eligibility, rules, schedule, workflow
from app.subsidies.models import (
    Application,
    AppState,
    Attachment,
    AttachmentKind,
    BorrowerType,
    Grant,
    Loan,
    LoanStatus,
    LprRate,
    Programme,
    ProgrammeKind,
    RuleVersion,
)
from app.subsidies.params import PARAMETERS

REASON_LIMIT = 500
MAX_AMOUNT = 100_000_000
# Hooks run after each transition: fn(actor, application, state) (the cases domain: timeline).
TRANSITION_HOOKS: list[Callable[[Any, Application, AppState], None]] = []


def _reason(value: Any, *, required: bool, field: str = "reason") -> str | None:
    return parse_reason(value, limit=REASON_LIMIT, required=required, name=field,
                        missing="请填写原因（驳回和退回时必填）。")


# ---------------------------------------------------------------------------------------------
# Rule versions

def set_parameters(actor: Any, programme: Programme, params: dict[str, Any], effective_from: date,
                   note: str | None = None) -> RuleVersion:
    """A parameter change: a new rule version from `effective_from` (city admins; audited).

    Versions an application has used are never changed: the same effective date as a used
    version is refused (409). An unused version with the same date is replaced in place."""
    if not access.can_manage_programmes(actor):
        raise Forbidden()
    current = eligibility.version_in_force(programme, effective_from)
    errors = FieldErrorCollector()
    merged = dict(current.params or {})
    for key, value in params.items():
        declared = PARAMETERS.get(key)
        if key not in merged or declared is None:
            errors.add(key, f"{programme.name}没有“{key}”这一参数。")
            continue
        merged[key] = declared.parse(value, errors)
    errors.raise_if_any()
    same_day = db.session.scalar(select(RuleVersion).where(RuleVersion.programme_id == programme.id,
                                                           RuleVersion.effective_from == effective_from))
    if same_day is not None:
        used = db.session.scalar(select(Application.id).where(Application.rule_version_id == same_day.id).limit(1))
        if used is not None:
            raise Conflict("该版本已被申请使用，不能修改；请设置新的生效日期以创建新版本。",
                           fields={"effective_from": ["已有申请使用该生效日期的版本。"]})
        before = dict(same_day.params)
        same_day.params = merged
        same_day.note = note
        audit.record("rule_version_updated", same_day, actor=actor, changes=_param_changes(before, merged))
        db.session.flush()
        return same_day
    last_no = db.session.scalar(select(RuleVersion.version_no).where(RuleVersion.programme_id == programme.id)
                                .order_by(RuleVersion.version_no.desc()).limit(1)) or 0
    version = RuleVersion(programme_id=programme.id, version_no=last_no + 1, effective_from=effective_from,
                          params=merged, sources=dict(current.sources or {}), note=note, created_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    audit.record("rule_version_created", version, actor=actor,
                 changes={"programme": [None, programme.name], "effective_from": [None, effective_from.isoformat()],
                          **_param_changes(current.params, merged)})
    return version


def _param_changes(before: dict | None, after: dict) -> dict[str, list[Any]]:
    """`{key: [old, new]}` of the parameters that changed (the audit page names them by label)."""
    before = before or {}
    return {k: [before.get(k), after.get(k)] for k in PARAMETERS if before.get(k) != after.get(k)}


# ---------------------------------------------------------------------------------------------
# Loans

LOAN_FIELDS = ("borrower_type", "partners", "amount", "term_months", "lender", "contract_on", "rate_bp",
               "status", "overdue_periods")


def lpr_before(day: date) -> int | None:
    rows = db.session.execute(select(LprRate.published_on, LprRate.one_year_bp).where(LprRate.published_on < day)
                              .order_by(LprRate.published_on.desc()).limit(1)).all()
    return schedule.lpr_for(day, [(r[0], r[1]) for r in rows])


def clean_loan(values: dict[str, Any], current: Loan | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    required = ("borrower_type", "amount", "term_months", "lender", "contract_on", "rate_bp") if current is None else ()
    for name in LOAN_FIELDS:
        if name not in values and name not in required:
            continue
        value = values.get(name)
        if value is None or value == "":
            if name in required:
                add(name, "此项为必填项。")
            continue
        try:
            if name == "borrower_type":
                out[name] = BorrowerType(str(value))
            elif name == "status":
                out[name] = LoanStatus(str(value))
            elif name in ("partners", "amount", "term_months", "rate_bp"):
                number = int(value)
                limits = {"partners": (1, 50), "amount": (1, MAX_AMOUNT), "term_months": (1, 120),
                          "rate_bp": (0, 2400)}[name]
                if isinstance(value, bool) or not limits[0] <= number <= limits[1]:
                    add(name, "数值超出允许范围。")
                else:
                    out[name] = number
            elif name == "lender":
                text = str(value).strip()
                if not text or len(text) > 100 or has_unsafe_chars(text):
                    add(name, "请填写贷款银行（100 字以内）。")
                else:
                    out[name] = text
            elif name == "contract_on":
                day = to_date(value)
                if day is None:
                    add(name, date_format_message("合同日期"))
                elif day > clock.today():
                    add(name, "合同日期不能晚于今天。")
                else:
                    out[name] = day
            elif name == "overdue_periods":
                items = value if isinstance(value, list) else re.split(r"[,，、\s]+", str(value).strip())
                out[name] = sorted({int(v) for v in items if str(v).strip()})
        except (TypeError, ValueError):
            add(name, "取值不正确。")
    if errors:
        raise FieldErrors(fields=errors)
    if "contract_on" in out:
        lpr = lpr_before(out["contract_on"])
        if lpr is None:
            raise FieldErrors.single("contract_on", "没有合同日期之前公布的一年期 LPR，请先维护 LPR。")
        out["lpr_bp"] = lpr
    return out


def create_loan(actor: Any, person, business, values: dict[str, Any]) -> Loan:
    """Register a guaranteed loan for `person` (and `business`); the LPR before the contract date is fixed."""
    if not access.can_submit_application(actor, person, business):
        raise Forbidden()
    cleaned = {"partners": 1, "status": LoanStatus.APPLIED, "overdue_periods": [], **clean_loan(values)}
    loan = Loan(person_id=person.id, business_id=business.id if business is not None else None, **cleaned)
    loan.set_village(business.village if business is not None else person.village)
    db.session.add(loan)
    db.session.flush()
    audit.record("loan_created", loan, actor=actor, changes=audit.diff({}, audit.snapshot(loan)))
    return loan


def update_loan(actor: Any, loan: Loan, values: dict[str, Any], *, expected_version: int | None) -> Loan:
    """Loan status and overdue periods; `expected_version` is the loan version the user saw."""
    if not access.can_edit_loan(actor, loan):
        raise Forbidden()
    check_version(loan, expected_version)
    before = audit.snapshot(loan)
    for key, value in clean_loan(values, loan).items():
        setattr(loan, key, value)
    changes = audit.diff(before, audit.snapshot(loan))
    if changes:
        db.session.flush()
        audit.record("loan_updated", loan, actor=actor, changes=changes)
    return loan


def loan_schedule(loan: Loan) -> schedule.Schedule:
    programme = eligibility.programme_of_kind(ProgrammeKind.LOAN_INTEREST)
    max_over = 50
    if programme is not None:
        params = eligibility.version_in_force(programme, loan.contract_on).params or {}
        max_over = int(params.get("max_rate_over_lpr_bp") or 50)
    return schedule.build(loan.amount, loan.term_months, loan.contract_on, loan.rate_bp, loan.lpr_bp,
                          overdue_periods=loan.overdue_periods or [], max_over_lpr_bp=max_over)


# ---------------------------------------------------------------------------------------------
# Applications

def _blocking(programme: Programme, person_id: int, business_id: int | None, exclude: int | None = None) -> bool:
    conditions = [Application.person_id == person_id]
    if business_id is not None:
        conditions.append(Application.business_id == business_id)
    stmt = select(Application.id).where(Application.programme_id == programme.id, or_(*conditions),
                                        Application.state.in_(workflow.BLOCKING_STATES))
    if exclude is not None:
        stmt = stmt.where(Application.id != exclude)
    return programme.is_one_time and db.session.scalar(stmt.limit(1)) is not None


def _check_for(application: Application, *, as_of: date, state_on: date, version: RuleVersion | None = None):
    return eligibility.check(application.programme, application.person, application.business, as_of,
                             state_on=state_on, loan=application.loan, version=version)


def submit(actor: Any, programme: Programme, person, business=None, *, amount: Any = None,
           loan: Loan | None = None, note: str | None = None) -> Application:
    """帮办代办: township staff and above submit for a person (and business) in scope. The check at
    submission (rule version in force today) is stored as the decision record."""
    if not access.can_submit_application(actor, person, business):
        raise Forbidden("只有乡镇服务站及以上人员可为管辖范围内的人员提交申请。")
    if business is not None and business.founder_id != person.id:
        raise FieldErrors.single("business_id", "该经营主体的创办人不是申请人。")
    if programme.needs_business and business is None:
        raise FieldErrors.single("business_id", f"{programme.name}需要选择经营主体。")
    if programme.kind.needs_loan and loan is None:
        raise FieldErrors.single("loan", "请填写或选择担保贷款。")
    if _blocking(programme, person.id, business.id if business is not None else None):
        raise Conflict(f"该人员或经营主体已有{programme.name}的申请（办理中或已批准），不能重复申请。")
    today = clock.today()
    result = eligibility.check(programme, person, business, today, loan=loan)
    # A loan application asks for the loan's amount (the check's amount is the cap).
    value = loan.amount if loan is not None and programme.kind == ProgrammeKind.GUARANTEED_LOAN else result.amount
    if amount not in (None, ""):
        try:
            value = int(amount)
        except (TypeError, ValueError):
            raise FieldErrors.single("amount", "金额应为整数（元）。") from None
        if not 0 < value <= MAX_AMOUNT:
            raise FieldErrors.single("amount", "金额超出允许范围。")
        if result.amount is not None and value > result.amount:
            raise FieldErrors.single("amount", f"金额不能超过标准或上限 {result.amount:,} 元。")
    application = Application(programme_id=programme.id, rule_version_id=result.rule_version_id,
                              person_id=person.id, business_id=business.id if business is not None else None,
                              loan_id=loan.id if loan is not None else None, state=AppState.SUBMITTED,
                              amount=value, submitted_on=today, submitted_by_id=actor.id,
                              submission_check=result.as_dict(), note=(note or "").strip()[:1000] or None)
    application.set_village(business.village if business is not None else person.village)
    db.session.add(application)
    db.session.flush()
    audit.record("application_submitted", application, actor=actor,
                 changes={"state": [None, "submitted"], "programme": [None, programme.code],
                          "check": [None, result.status]})
    _after(actor, application, AppState.SUBMITTED)
    return application


def _transition(application: Application, action: str, **values: Any) -> AppState:
    """Conditional UPDATE: only from the states the action allows and only at the version the
    operation checked (`check_version` first); 409 when another request won."""
    from_states, to_state = workflow.TRANSITIONS[action]
    if action in ("approve", "reject", "return"):
        from_states = from_states & workflow.decision_states(application.programme.township_review)
    previous = application.state
    result = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.state.in_(from_states),
               Application.version == application.version)
        .values(state=to_state, version=Application.version + 1, updated_at=clock.now(), **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("该申请的状态已变化（可能已被他人处理），请刷新后查看。")
    db.session.refresh(application)
    return previous


def _after(actor: Any, application: Application, state: AppState) -> None:
    for hook in TRANSITION_HOOKS:
        hook(actor, application, state)
    db.session.flush()


def _audit(actor: Any, application: Application, previous: AppState, reason: str | None = None, **extra: Any):
    changes = {"state": [previous.value, application.state.value]}
    if reason:
        changes["reason"] = [None, reason]
    changes.update({k: [None, v] for k, v in extra.items()})
    audit.record(f"application_{application.state.value}", application, actor=actor, changes=changes)


def review(actor: Any, application: Application, decision: str, reason: str | None = None, *,
           expected_version: int | None) -> Application:
    """乡镇初审: pass → township_reviewed, return → returned (reason required).
    `expected_version` is the application version the reviewer saw (missing 422, stale 409)."""
    if decision not in ("pass", "return"):
        raise FieldErrors.single("decision", "初审结论应为 pass（通过）或 return（退回补正）。")
    if not access.can_review_application(actor, application):
        raise Forbidden("初审须由提交人以外的乡镇服务站及以上人员办理。")
    check_version(application, expected_version)
    if not application.programme.township_review:
        raise Conflict(f"{application.programme.name}未设置乡镇初审环节。")
    text = _reason(reason, required=decision == "return")
    today = clock.today()
    previous = _transition(application, f"review_{decision}", reviewed_by_id=actor.id, reviewed_on=today,
                           reason=text if decision == "return" else application.reason)
    _audit(actor, application, previous, text)
    _after(actor, application, application.state)
    return application


def decide(actor: Any, application: Application, decision: str, reason: str | None = None, *,
           expected_version: int | None) -> Application:
    """Approve / reject / return. Deciders only (county officers for county programmes, city
    admins for city programmes), never the submitter (403). Approval re-checks the facts under the
    submission's rule version — time-based criteria as of the submission date, "still operating"
    and "not already granted" as of today — and anything but `eligible` blocks it (409).
    `expected_version` is the application version the decider saw (missing 422, stale 409)."""
    if decision not in ("approve", "reject", "return"):
        raise FieldErrors.single("decision", "审批结论应为 approve、reject 或 return。")
    if not access.may_decide_role(actor, application):
        raise Forbidden(f"{application.programme.name}由{application.programme.decider_level.label}，您的角色无权审批。")
    if application.submitted_by_id == actor.id:
        raise Forbidden("不能审批自己提交的申请。")
    check_version(application, expected_version)
    text = _reason(reason, required=decision != "approve")
    today = clock.today()
    if decision != "approve":
        previous = _transition(application, decision, decided_by_id=actor.id, decided_on=today, reason=text)
        _audit(actor, application, previous, text)
        _after(actor, application, application.state)
        return application
    if not workflow.allowed("approve", application.state):
        raise Conflict("该申请的状态已变化（可能已被他人处理），请刷新后查看。")
    recheck = _check_for(application, as_of=application.submitted_on, state_on=today,
                         version=application.rule_version)
    if recheck.status != rules.ELIGIBLE:
        failing = "；".join(c.message for c in recheck.criteria if c.result != rules.PASSED)
        raise Conflict(f"复核结果为“{recheck.status_label}”，不能批准：{failing}")
    programme = application.programme
    previous = _transition(application, "approve", decided_by_id=actor.id, decided_on=today, reason=text,
                           decision_check=recheck.as_dict())
    if programme.is_one_time:
        try:
            with db.session.begin_nested():
                db.session.add(Grant(programme_id=programme.id, person_id=application.person_id,
                                     business_id=application.business_id, application_id=application.id,
                                     granted_on=today))
                db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise Conflict("该人员或经营主体已获批此项补贴，不能重复批准。") from None
    if programme.publicity_days:
        application.publicity_until = add_working_days(today, programme.publicity_days)
    _audit(actor, application, previous, text, amount=application.amount)
    _after(actor, application, application.state)
    return application


def add_working_days(start: date, days: int) -> date:
    """`days` working days (Mon–Fri) after `start` (public holidays are not modelled)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def publicise(actor: Any, application: Application, *, expected_version: int | None) -> Application:
    if not access.can_record_payment(actor, application):
        raise Forbidden()
    check_version(application, expected_version)
    if not application.programme.publicity_days:
        raise Conflict(f"{application.programme.name}未设置公示环节。")
    until = application.publicity_until or add_working_days(clock.today(), application.programme.publicity_days)
    previous = _transition(application, "publicise", publicity_until=until)
    _audit(actor, application, previous, publicity_until=until.isoformat())
    _after(actor, application, application.state)
    return application


def record_payment(actor: Any, application: Application, *, paid_on: Any, amount: Any, voucher_no: Any,
                   expected_version: int | None) -> Application:
    """已拨付: date, amount, voucher number (deciders of the programme), at `expected_version`."""
    if not access.can_record_payment(actor, application):
        raise Forbidden("只有该项目的审批人员可以登记拨付。")
    check_version(application, expected_version)
    errors: dict[str, list[str]] = {}
    day = to_date(paid_on)
    if day is None:
        errors["paid_on"] = [date_format_message("拨付日期")]
    elif day > clock.today():
        errors["paid_on"] = ["拨付日期不能晚于今天。"]
    elif application.decided_on and day < application.decided_on:
        errors["paid_on"] = ["拨付日期不能早于批准日期。"]
    try:
        value = int(amount)
        if isinstance(amount, bool) or not 0 < value <= MAX_AMOUNT:
            errors["amount"] = ["拨付金额超出允许范围。"]
        elif application.amount is not None and value > application.amount:
            errors["amount"] = [f"拨付金额不能超过批准金额 {application.amount:,} 元。"]
    except (TypeError, ValueError):
        errors["amount"] = ["拨付金额应为整数（元）。"]
        value = None
    voucher = str(voucher_no or "").strip()
    if not voucher or len(voucher) > 64 or has_unsafe_chars(voucher):
        errors["voucher_no"] = ["请填写拨付凭证号（64 字以内）。"]
    if errors:
        raise FieldErrors(fields=errors)
    if application.state == AppState.APPROVED and application.programme.publicity_days:
        raise Conflict("该项目须先公示，公示期满后再登记拨付。")
    if application.state == AppState.PUBLICISED and application.publicity_until \
            and clock.today() <= application.publicity_until:
        raise Conflict(f"公示期至 {date_cn(application.publicity_until)}，期满后再登记拨付。")
    previous = _transition(application, "pay", paid_on=day, paid_amount=value, voucher_no=voucher)
    _audit(actor, application, previous, paid_on=day.isoformat(), paid_amount=value, voucher_no=voucher)
    _after(actor, application, application.state)
    return application


def resubmit(actor: Any, application: Application, note: str | None = None, *,
             expected_version: int | None) -> Application:
    """退回补正 → 已提交 after correction: a fresh check (rule version in force today) replaces the
    record. `expected_version` is the application version the user saw."""
    if not access.can_submit_application(actor, application.person, application.business):
        raise Forbidden()
    check_version(application, expected_version)
    today = clock.today()
    result = _check_for(application, as_of=today, state_on=today,
                        version=eligibility.version_in_force(application.programme, today))
    previous = _transition(application, "resubmit", submitted_on=today, submitted_by_id=actor.id,
                           submission_check=result.as_dict(), rule_version_id=result.rule_version_id,
                           reason=None)
    _audit(actor, application, previous, note)
    _after(actor, application, application.state)
    return application


# ---------------------------------------------------------------------------------------------
# Attachments

ALLOWED_TYPES = {  # extension -> (content type, magic prefixes)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20


@dataclass
class Upload:
    filename: str
    data: bytes


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "applications"
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_attachment(actor: Any, application: Application, kind: str, upload: Upload) -> Attachment:
    """Store a scan under instance/uploads (random name; PDF, JPG or PNG checked by content; ≤ 10 MB)."""
    if not (access.can_submit_application(actor, application.person, application.business)
            or access.may_decide_role(actor, application)):
        raise Forbidden()
    try:
        kind_value = AttachmentKind(kind or "other")
    except ValueError:
        raise FieldErrors.single("kind", "附件类型不正确。") from None
    name = Path((upload.filename or "").replace("\\", "/")).name.strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise FieldErrors.single("file", "只能上传 PDF、JPG 或 PNG 文件。")
    if not upload.data:
        raise FieldErrors.single("file", "文件是空的。")
    if len(upload.data) > MAX_ATTACHMENT_BYTES:
        raise FieldErrors.single("file", "文件不能超过 10 MB。")
    content_type, magics = ALLOWED_TYPES[extension]
    if not upload.data.startswith(magics):
        raise FieldErrors.single("file", "文件内容与扩展名不符（只接受真实的 PDF、JPG、PNG 文件）。")
    count = db.session.scalar(select(db.func.count()).select_from(Attachment)
                              .where(Attachment.application_id == application.id)) or 0
    if count >= MAX_ATTACHMENTS:
        raise Conflict(f"每份申请最多 {MAX_ATTACHMENTS} 个附件。")
    if has_unsafe_chars(name):
        name = f"附件.{extension}"
    stored = f"{secrets.token_hex(16)}.{extension}"
    (upload_dir() / stored).write_bytes(upload.data)
    attachment = Attachment(application_id=application.id, kind=kind_value, filename=name[-200:], stored_name=stored,
                            content_type=content_type, size=len(upload.data),
                            sha256=hashlib.sha256(upload.data).hexdigest(), uploaded_by_id=actor.id,
                            uploaded_at=clock.now())
    db.session.add(attachment)
    db.session.flush()
    audit.record("application_attachment_added", application, actor=actor,
                 changes={"attachment": [None, f"{kind_value.label}：{attachment.filename}（{attachment.size:,} 字节）"]})
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    path = upload_dir() / attachment.stored_name
    if not path.is_file():
        raise BadRequest("附件文件不存在。")
    return path


def set_programme_options(actor: Any, programme: Programme, *, township_review: bool, publicity_days: Any) -> Programme:
    """Whether the programme needs 乡镇初审 and how many working days of 公示 follow approval
    (city admins; audited; None/0 = no publicity step)."""
    if not access.can_manage_programmes(actor):
        raise Forbidden()
    days: int | None = None
    if publicity_days not in (None, ""):
        try:
            days = int(publicity_days)
        except (TypeError, ValueError):
            raise FieldErrors.single("publicity_days", "公示天数应为整数（工作日）。") from None
        if not 0 <= days <= 60:
            raise FieldErrors.single("publicity_days", "公示天数应在 0 到 60 个工作日之间。")
    before = {"township_review": programme.township_review, "publicity_days": programme.publicity_days}
    programme.township_review = bool(township_review)
    programme.publicity_days = days or None
    after = {"township_review": programme.township_review, "publicity_days": programme.publicity_days}
    changes = audit.diff(before, after)
    if changes:
        audit.record("programme_options_updated", programme, actor=actor, changes=changes)
    db.session.flush()
    return programme
