"""The declared programme parameters: labels, bounds, messages and audit text (issue 12 §4)."""
from __future__ import annotations

import pytest

from app.core.errors import FieldErrorCollector
from app.subsidies.params import PARAMETERS, describe_change, label_of, rows
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
    ("0", None, "正常经营月数（不少于）（个月）应为 1 到 120 之间的整数，“0”超出范围。"),
    ("x", None, "正常经营月数（不少于）（个月）应为 1 到 120 之间的整数。"),
    ("", None, "请填写正常经营月数（不少于）（个月）。"),
    (True, None, "正常经营月数（不少于）（个月）应为 1 到 120 之间的整数。"),
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


def test_audit_text_names_changed_parameters_by_label():
    assert describe_change({"amount": 5000, "min_jobs": 2}, {"amount": 6000, "min_jobs": 2}) == [
        "补贴金额（元）：5,000 元 → 6,000 元"]
    assert label_of("min_jobs") == "带动就业人数（含本人，不少于）（人）"
