"""Default programmes, their first rule versions and the published 1-year LPR (DOMAIN.md §6).

`seed()` is idempotent (adds what is missing, never changes what exists); `flask subsidies seed`,
`make run`, the demo loader and the tests call it. Amounts the city has not published are None
("(略)": set by the city admin as a new rule version).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.businesses.models import DEFAULT_ENTERPRISE_KINDS, BusinessKind, BusinessKindSetting
from app.extensions import db
from app.subsidies.models import DeciderLevel, LprRate, Programme, ProgrammeKind, RuleVersion
from app.subsidies.params import SEED, clause_of

FIRST_EFFECTIVE = date(2020, 1, 1)
# Shown on the programmes page as the first version's note (users read where the defaults come from).
SEED_NOTE = "默认参数（市级工作方案）"

# code, name, decider, one-time, needs business, criteria, seed clause, params, and the clauses of
# this programme's parameters where they differ from the declared ones (`params.PARAMETERS`).
PROGRAMMES = [
    ("startup_once", "一次性创业补贴", DeciderLevel.COUNTY, True, True,
     ["returnee", "first_registration", "operating_months", "still_operating", "min_jobs", "not_granted"],
     f"{SEED} 第七项（一次性创业补贴）",
     {"amount": 5000, "min_operating_months": 6, "min_jobs": 2},
     {"amount": "湖北省一次性创业补贴标准 5000 元（夷陵区自 2020 年起按 5000 元发放）"}),
    ("yangui_yichang", "雁归宜昌项目", DeciderLevel.CITY, True, True,
     ["returnee", "registered_in_city", "still_operating", "within_quota", "not_granted"],
     f"{SEED} 第七项（雁归宜昌项目）",
     {"amount": 50000, "yearly_quota": 20},
     {"amount": f"{SEED} 第七项：每个项目 5 万元"}),
    ("jingchu_guiyan", "荆楚归雁项目", DeciderLevel.CITY, True, True,
     ["returnee", "registered_in_city", "still_operating", "not_granted"],
     f"{SEED} 第七项（荆楚归雁项目，市级推荐至省级）",
     {"amount": None},
     {"amount": "（略）由市级确定"}),
    ("guaranteed_loan", "创业担保贷款", DeciderLevel.COUNTY, False, False,
     ["returnee", "creditworthy", "loan_amount", "loan_term"],
     f"{SEED}（创新金融支持）",
     {"individual_cap": 200_000, "small_micro_cap": 3_000_000, "partnership_uplift_pct": 110,
      "individual_term_months": 36, "enterprise_term_months": 24},
     {}),
    ("loan_interest", "创业担保贷款贴息", DeciderLevel.COUNTY, False, False,
     ["returnee", "loan_disbursed"],
     f"{SEED}（强化财政支持：贷款贴息）",
     {"borrower_discount_bp": 150, "max_rate_over_lpr_bp": 50},
     {}),
]

# What each default programme is (the pages and operations read the kind, never the code).
KINDS = {"startup_once": ProgrammeKind.STARTUP_GRANT, "yangui_yichang": ProgrammeKind.PROJECT_GRANT,
         "jingchu_guiyan": ProgrammeKind.PROJECT_GRANT, "guaranteed_loan": ProgrammeKind.GUARANTEED_LOAN,
         "loan_interest": ProgrammeKind.LOAN_INTEREST}

# 1-year LPR as published by the National Interbank Funding Center (basis points).
LPR_1Y = [
    ("2019-08-20", 425), ("2019-09-20", 420), ("2019-11-20", 415), ("2020-02-20", 405),
    ("2020-04-20", 385), ("2021-12-20", 380), ("2022-01-20", 370), ("2022-08-22", 365),
    ("2023-06-20", 355), ("2023-08-21", 345), ("2024-07-22", 335), ("2024-10-21", 310),
    ("2025-05-20", 300),
]


def seed() -> int:
    """Add missing programmes (with their first rule version), kind settings and LPR rows."""
    added = 0
    existing = {p.code: p for p in db.session.scalars(select(Programme))}
    for order, (code, name, decider, one_time, needs_business, criteria, clause, params, own) in enumerate(PROGRAMMES):
        if code in existing:
            continue
        programme = Programme(code=code, name=name, kind=KINDS[code], decider_level=decider, is_one_time=one_time,
                              needs_business=needs_business, criteria=criteria, seed_clause=clause,
                              township_review=False, publicity_days=None, sort_order=order)
        db.session.add(programme)
        db.session.flush()
        db.session.add(RuleVersion(programme_id=programme.id, version_no=1, effective_from=FIRST_EFFECTIVE,
                                   params=params, sources={k: clause_of(k, own) for k in params},
                                   note=SEED_NOTE))
        added += 1
    kinds = set(db.session.scalars(select(BusinessKindSetting.code)))
    for kind in BusinessKind:
        if kind.value not in kinds:
            db.session.add(BusinessKindSetting(code=kind.value, is_enterprise=kind in DEFAULT_ENTERPRISE_KINDS))
            added += 1
    published = set(db.session.scalars(select(LprRate.published_on)))
    for day, bp in LPR_1Y:
        if date.fromisoformat(day) not in published:
            db.session.add(LprRate(published_on=date.fromisoformat(day), one_year_bp=bp))
            added += 1
    db.session.flush()
    return added
