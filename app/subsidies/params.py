"""The declared programme parameters (issue 12 §4): one row per key a rule version may hold.

`RuleVersion.params` stores `{key: value}`; everything a person reads about a parameter comes
from here: the programmes page, the new-version form, the validation messages and the audit
text show the Chinese label, the unit and the bounds, and the policy clause when the version's
own `sources` does not name one. The criteria in `rules.py` read the same keys.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.errors import FieldErrorCollector


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str
    unit: str
    minimum: int
    maximum: int
    clause: str
    # The value may be left empty ("（略）": not published yet, or no limit).
    optional: bool = False

    @property
    def title(self) -> str:
        """Label with its unit: 补贴金额（元）; 最少带动就业人数（含本人，人）."""
        if self.label.endswith("）"):
            return f"{self.label[:-1]}，{self.unit}）"
        return f"{self.label}（{self.unit}）"

    def display(self, value: Any) -> str:
        """5,000 元 · 6 个月 · （略） when not set."""
        if value is None or value == "":
            return "（略）"
        shown = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
        return f"{shown}{self.unit}" if self.unit == "%" else f"{shown} {self.unit}"

    def parse(self, raw: Any, errors: FieldErrorCollector) -> int | None:
        """A whole number within the bounds, or None when optional and empty; else an error
        naming the label and the bounds."""
        text = "" if raw is None else str(raw).strip().replace(",", "").replace("，", "")
        if text == "":
            if self.optional:
                return None
            errors.add(self.key, f"请填写{self.title}。")
            return None
        bounds = f"{self.minimum:,} 到 {self.maximum:,} 之间的整数"
        if isinstance(raw, bool):
            errors.add(self.key, f"{self.title}应为 {bounds}。")
            return None
        try:
            number = int(text)
        except ValueError:
            errors.add(self.key, f"{self.title}应为 {bounds}。")
            return None
        if not self.minimum <= number <= self.maximum:
            errors.add(self.key, f"{self.title}应为 {bounds}，“{number:,}”超出范围。")
            return None
        return number


SEED = "宜昌市支持农民工等人员返乡创业工作方案"
LOANS = "财金〔2020〕21号"

PARAMETERS: dict[str, Parameter] = {p.key: p for p in [
    Parameter("amount", "补贴金额", "元", 0, 10_000_000, f"{SEED} 第七项", optional=True),
    Parameter("min_operating_months", "最少正常经营月数", "个月", 1, 120, f"{SEED} 第七项：正常经营 6 个月以上"),
    Parameter("min_jobs", "最少带动就业人数（含本人）", "人", 1, 10_000,
              f"{SEED} 第七项：带动就业 2 人以上（含本人）"),
    Parameter("yearly_quota", "年度名额", "个", 0, 10_000, "市人社局年度名额（可调整）", optional=True),
    Parameter("individual_cap", "个人贷款额度上限", "元", 0, 100_000_000, f"{LOANS}：个人创业担保贷款最高 20 万元（湖北现行 30 万元，由市级确定）"),
    Parameter("small_micro_cap", "小微企业贷款额度上限", "元", 0, 100_000_000, f"{LOANS}：小微企业最高 300 万元（湖北现行最高 500 万元）"),
    Parameter("partnership_uplift_pct", "合伙创业额度比例（人数×个人上限的百分比）", "%", 100, 200,
              f"{LOANS}：合伙创业可按人数适当提高，上浮不超过 10%"),
    Parameter("individual_term_months", "个人贷款期限上限", "个月", 1, 120, f"{LOANS}：个人贷款期限最长 3 年，小微企业最长 2 年"),
    Parameter("enterprise_term_months", "小微企业贷款期限上限", "个月", 1, 120, f"{LOANS}：小微企业贷款期限最长 2 年"),
    Parameter("borrower_discount_bp", "借款人承担利率低于 LPR", "基点", 0, 1_000,
              "借款人承担 LPR−150BP 以下部分，其余由财政贴息"),
    Parameter("max_rate_over_lpr_bp", "贷款利率最多高于 LPR", "基点", 0, 1_000, "贷款利率不超过 LPR+50BP"),
]}


def clause_of(key: str, sources: dict | None) -> str:
    """The clause a version names for `key`, else the declared one."""
    return (sources or {}).get(key) or (PARAMETERS[key].clause if key in PARAMETERS else "")


def rows(params: dict, sources: dict | None = None) -> list[tuple[Parameter, Any, str]]:
    """`(parameter, value, clause)` for each key a version holds, in declaration order."""
    ordered = [p for p in PARAMETERS.values() if p.key in params]
    return [(p, params[p.key], clause_of(p.key, sources)) for p in ordered]
