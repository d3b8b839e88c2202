"""GB 32100 unified social credit codes."""
from __future__ import annotations

import pytest

from app.core.validators import (
    CREDIT_CODE_CHARSET,
    InvalidCreditCode,
    credit_code_check_char,
    is_valid_credit_code,
    normalize_credit_code,
)

VALID = "91350100M000100Y43"


def make_code(body17: str) -> str:
    return body17 + credit_code_check_char(body17)


def test_known_valid_code():
    assert is_valid_credit_code(VALID)
    assert normalize_credit_code(" 91350100m000100y43 ") == VALID
    assert normalize_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == VALID


@pytest.mark.parametrize(("raw", "fragment"), [
    ("", "请填写"),
    ("91350100M000100Y4", "18 位"),
    ("91350100M000100Y44", "校验位"),
    ("91350100M000100I43", "不允许"),
    ("91350100M00O100Y43", "不允许"),
])
def test_invalid_codes_say_why(raw, fragment):
    with pytest.raises(InvalidCreditCode, match=fragment):
        normalize_credit_code(raw)


def test_check_31_becomes_0():
    # Find a body whose weighted sum is ≡ 0 (mod 31): the check would be 31 → "0".
    for n in range(10_000):
        body = f"92420506MA{n:07d}"
        total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in
                    zip(body, (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28), strict=True))
        if total % 31 == 0:
            assert credit_code_check_char(body) == "0"
            assert is_valid_credit_code(body + "0")
            return
    pytest.fail("no body with sum ≡ 0 found")


def test_every_single_character_change_is_caught():
    for i in range(18):
        for ch in "0A9Y":
            if VALID[i] != ch:
                assert not is_valid_credit_code(VALID[:i] + ch + VALID[i + 1:])
