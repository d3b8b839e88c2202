"""XLSX exports (XlsxWriter): the proactive list and a loan's interest-subsidy schedule.
No ID numbers or phones are written; each file names its exporter and time."""
from __future__ import annotations

import io
from datetime import date
from typing import Any

import xlsxwriter

from app.core import clock
from app.subsidies.proactive import BUCKET_LABELS


def _book():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    return buffer, book


def _stamp(user: Any) -> str:
    return f"导出人：{getattr(user, 'full_name', '')}（{getattr(user, 'username', '')}） 导出时间：{clock.local_now():%Y-%m-%d %H:%M}"


def proactive_xlsx(rows: list, today: date, user: Any) -> bytes:
    buffer, book = _book()
    sheet = book.add_worksheet("主动服务清单")
    bold = book.add_format({"bold": True})
    sheet.write(0, 0, f"一次性创业补贴主动服务清单（{today.isoformat()}）", bold)
    sheet.write(1, 0, _stamp(user))
    headers = ["经营主体", "统一社会信用代码", "创办人", "登记地", "首次登记日期", "带动就业", "情况", "预计符合日期",
               "不符合或缺少的条件", "是否已建档"]
    for col, title in enumerate(headers):
        sheet.write_string(3, col, title, bold)
    for i, row in enumerate(rows, start=4):
        b = row.business
        values = [b.name, b.credit_code, row.person.name, b.village.full_name, b.registered_on.isoformat(),
                  "未知" if b.jobs is None else str(b.jobs), BUCKET_LABELS[row.bucket],
                  row.holds_from.isoformat() if row.holds_from else "",
                  "；".join(f"{c.label}：{c.message}" for c in row.problems), "是" if row.has_case else "否"]
        for col, value in enumerate(values):
            sheet.write_string(i, col, value)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 22)
    sheet.set_column(3, 3, 28)
    sheet.set_column(8, 8, 60)
    book.close()
    return buffer.getvalue()


def schedule_xlsx(loan: Any, schedule: Any, user: Any) -> bytes:
    buffer, book = _book()
    sheet = book.add_worksheet("贴息计划")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write(0, 0, f"创业担保贷款贴息计划（贷款 #{loan.id}）", bold)
    sheet.write(1, 0, _stamp(user))
    info = [("借款人", loan.person.name), ("借款人类型", loan.borrower_type.label),
            ("贷款金额（元）", f"{loan.amount:,}"), ("期限（月）", str(loan.term_months)), ("贷款银行", loan.lender),
            ("合同日期", loan.contract_on.isoformat()), ("合同年利率", f"{loan.rate_bp / 100:.2f}%"),
            ("合同日前一年期 LPR（锁定）", f"{schedule.lpr_bp / 100:.2f}%"),
            ("借款人承担利率", f"{schedule.borrower_rate_bp / 100:.2f}%"),
            ("财政贴息利率", f"{schedule.subsidy_rate_bp / 100:.2f}%")]
    for r, (k, v) in enumerate(info, start=3):
        sheet.write_string(r, 0, k, bold)
        sheet.write_string(r, 1, v)
    top = 3 + len(info) + 1
    for col, title in enumerate(["期次", "起始日", "截止日", "应付利息", "借款人承担", "财政贴息", "逾期"]):
        sheet.write_string(top, col, title, bold)
    for r, p in enumerate(schedule.periods, start=top + 1):
        sheet.write_number(r, 0, p.number)
        sheet.write_string(r, 1, p.start.isoformat())
        sheet.write_string(r, 2, p.end.isoformat())
        sheet.write_number(r, 3, float(p.interest), money)
        sheet.write_number(r, 4, float(p.borrower_part), money)
        sheet.write_number(r, 5, float(p.subsidy), money)
        sheet.write_string(r, 6, "逾期（不贴息）" if p.overdue else "")
    last = top + 1 + len(schedule.periods)
    sheet.write_string(last, 0, "合计", bold)
    sheet.write_number(last, 3, float(schedule.total_interest), money)
    sheet.write_number(last, 4, float(schedule.total_borrower), money)
    sheet.write_number(last, 5, float(schedule.total_subsidy), money)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 6, 14)
    book.close()
    return buffer.getvalue()
