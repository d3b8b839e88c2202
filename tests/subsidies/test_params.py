"""The declared programme parameters: labels, bounds, messages and audit text (issue 12 §4)."""
from __future__ import annotations

import pytest

from app.core.errors import FieldErrorCollector
from app.subsidies.params import PARAMETERS, rows
from app.subsidies.rules import CRITERIA
from app.subsidies.seed import PROGRAMMES


def test_every_seeded_parameter_and_criterion_parameter_is_declared():
    seeded = {key for *_, params, _sources in PROGRAMMES for key in params}
    used = {c.clause_param for c in CRITERIA.values() if c.clause_param}
    assert seeded | used <= set(PARAMETERS)
    for p in PARAMETERS.values():
        assert p.label and p.unit and p.clause and p.minimum <= p.maximum
        assert not any(ch.isascii() and ch.isalpha() for ch in p.label.replace("LPR", ""))


@pytest.mark.parametrize(("raw", "value", "message"), [
    ("6", 6, None),
    (" 12 ", 12, None),
    ("0", None, "最少正常经营月数（个月）应为 1 到 120 之间的整数，“0”超出范围。"),
    ("x", None, "最少正常经营月数（个月）应为 1 到 120 之间的整数。"),
    ("", None, "请填写最少正常经营月数（个月）。"),
    (True, None, "最少正常经营月数（个月）应为 1 到 120 之间的整数。"),
])
def test_parse_names_the_label_and_the_bounds(raw, value, message):
    errors = FieldErrorCollector()
    assert PARAMETERS["min_operating_months"].parse(raw, errors) == value
    assert errors.fields.get("min_operating_months", [None]) == [message]


def test_optional_parameters_may_be_left_empty_and_show_as_omitted():
    errors = FieldErrorCollector()
    assert PARAMETERS["amount"].parse("", errors) is None and not errors.fields
    assert PARAMETERS["amount"].parse("5,000", errors) == 5000
    assert PARAMETERS["amount"].display(None) == "（略）"
    assert PARAMETERS["amount"].display(50000) == "50,000 元"


def test_rows_follow_the_declaration_and_prefer_the_versions_clause():
    got = rows({"min_jobs": 2, "amount": 5000}, {"amount": "某文件"})
    assert [(p.key, v, c) for p, v, c in got] == [
        ("amount", 5000, "某文件"), ("min_jobs", 2, PARAMETERS["min_jobs"].clause)]


def test_titles_carry_the_unit_and_values_read_with_it():
    assert PARAMETERS["amount"].title == "补贴金额（元）"
    assert PARAMETERS["min_jobs"].title == "最少带动就业人数（含本人，人）"
    assert PARAMETERS["partnership_uplift_pct"].display(110) == "110%"
    assert PARAMETERS["individual_cap"].display(200_000) == "200,000 元"
