"""Shared code lists: defaults from the work plan, lookups, and city-admin edits."""
from __future__ import annotations

import re
from collections.abc import Iterable

from flask import has_request_context, request
from sqlalchemy import select

from app.codes.models import CodeItem, CodeList
from app.core import audit
from app.core.errors import FieldErrors, check_version
from app.extensions import db

# Industries named by the work plan (seed items 5 and 8–14) plus a catch-all.
DEFAULT_ITEMS: dict[CodeList, list[tuple[str, str, str]]] = {
    CodeList.INDUSTRY: [
        ("specialty_farming", "特色种养", "第11项 特色种养、设施农业"),
        ("agri_processing", "农产品初加工", "第11项 产地清洗、分选、烘干、预冷、包装等初加工"),
        ("rural_ecommerce", "农村电商", "第13项 培育农村电商生态"),
        ("rural_tourism", "乡村旅游", "第10项 休闲旅游、农耕体验、共享农庄"),
        ("eco_forest", "林下经济与生态康养", "第10项 林下经济、生态康养"),
        ("productive_services", "生产性服务", "第12项 农资供应、统防统治、代耕代种、物流运输、产品营销"),
        ("consumer_services", "生活性服务", "第12项 一老一小、家政、寄递物流、农村商超、维修"),
        ("labour_brand", "劳务品牌", "第14项 品牌+产业+创业"),
        ("manufacturing_support", "制造业配套", "第8项 产业转移升级配套产业"),
        ("light_industry", "轻工制造与来料加工", "第15项 农产品加工、轻工制造、来料加工"),
        ("handicraft", "传统手工艺", "第15项 家庭工坊、传统手工艺"),
        ("tech_innovation", "科技创新", "第5项 西陵、伍家岗、点军、猇亭、高新区侧重科技创新"),
        ("modern_services", "现代服务业", "第5项 现代服务业"),
        ("other", "其他", ""),
    ],
    CodeList.WORK_REGION: [
        ("yangtze_delta", "长三角", "第22项 外出务工人员集中地"),
        ("pearl_delta", "珠三角", "第22项 外出务工人员集中地"),
        ("jingjinji", "京津冀", ""),
        ("in_province", "省内其他", ""),
        ("out_province", "省外其他", ""),
    ],
}

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,31}$")

_MEMO_KEY = "fxcy.code_pairs"


def seed_defaults() -> int:
    """Insert the default items that are missing (idempotent). Returns how many were added."""
    added = 0
    for list_name, items in DEFAULT_ITEMS.items():
        existing = set(db.session.scalars(select(CodeItem.code).where(CodeItem.list_name == list_name)))
        for order, (code, label, source) in enumerate(items, start=1):
            if code not in existing:
                _forget()
                db.session.add(CodeItem(list_name=list_name, code=code, label=label,
                                        sort_order=order * 10, source=source or None))
                added += 1
    db.session.flush()
    return added


def items(list_name: CodeList, *, active_only: bool = True) -> list[CodeItem]:
    stmt = select(CodeItem).where(CodeItem.list_name == list_name)
    if active_only:
        stmt = stmt.where(CodeItem.is_active.is_(True))
    return list(db.session.scalars(stmt.order_by(CodeItem.sort_order, CodeItem.code)))


def _pairs(list_name: CodeList, active_only: bool) -> dict[str, str]:
    """code -> label, read once per request: a list page asks for several lists for its filter
    form and for every row's labels, so the first call reads every list in one statement. The
    memo lives on the request (never across requests) and is dropped when an item is written in
    the same request. Outside a request: straight from the database."""
    if not has_request_context():
        return {i.code: i.label for i in items(list_name, active_only=active_only)}
    memo = request.environ.get(_MEMO_KEY)
    if memo is None:
        memo = {}
        stmt = select(CodeItem.list_name, CodeItem.code, CodeItem.label, CodeItem.is_active) \
            .order_by(CodeItem.list_name, CodeItem.sort_order, CodeItem.code)
        for name, code, label, active in db.session.execute(stmt):
            memo.setdefault((CodeList(name), False), {})[code] = label
            if active:
                memo.setdefault((CodeList(name), True), {})[code] = label
        request.environ[_MEMO_KEY] = memo
    return memo.get((list_name, active_only), {})


def _forget() -> None:
    if has_request_context():
        request.environ.pop(_MEMO_KEY, None)


def choices(list_name: CodeList, *, blank: str | None = None) -> dict[str, str]:
    """code -> label of the active items in display order, for select fields."""
    pairs = dict(_pairs(list_name, True))
    return {"": blank, **pairs} if blank is not None else pairs


def labels(list_name: CodeList) -> dict[str, str]:
    """code -> label for every item, retired ones included (old records keep their label)."""
    return dict(_pairs(list_name, False))


def unknown_codes(list_name: CodeList, codes: Iterable[str]) -> list[str]:
    wanted = {c for c in codes if c}
    if not wanted:
        return []
    known = set(db.session.scalars(
        select(CodeItem.code).where(CodeItem.list_name == list_name, CodeItem.code.in_(wanted),
                                    CodeItem.is_active.is_(True))))
    return sorted(wanted - known)


def _check_label(label: str) -> str:
    label = (label or "").strip()
    if not label:
        raise FieldErrors.single("label", "请填写名称。")
    if len(label) > 64:
        raise FieldErrors.single("label", "名称不能超过 64 个字符。")
    return label


def create_item(actor, list_name: CodeList, code: str, label: str, sort_order: int) -> CodeItem:
    code = (code or "").strip().lower()
    if not CODE_PATTERN.match(code):
        raise FieldErrors.single("code", "代码须以小写字母开头，由 2–32 位小写字母、数字或下划线组成。")
    label = _check_label(label)
    if db.session.scalar(select(CodeItem.id).where(CodeItem.list_name == list_name, CodeItem.code == code)):
        raise FieldErrors.single("code", "该代码已存在。")
    item = CodeItem(list_name=list_name, code=code, label=label, sort_order=sort_order, is_active=True)
    db.session.add(item)
    db.session.flush()
    _forget()
    audit.record("code_create", item, actor=actor, changes=audit.diff({}, audit.snapshot(item)))
    return item


def update_item(actor, item: CodeItem, *, label: str, sort_order: int, is_active: bool,
                expected_version: int | None) -> CodeItem:
    check_version(item, expected_version)
    before = audit.snapshot(item)
    item.label = _check_label(label)
    item.sort_order = sort_order
    item.is_active = is_active
    db.session.flush()
    _forget()
    changes = audit.diff(before, audit.snapshot(item))
    if changes:
        audit.record("code_update", item, actor=actor, changes=changes)
    return item
