"""ID number, phone and name rules (pure functions: no app, no database)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.validators import (
    ID_CHECK_CHARS,
    InvalidIdNumber,
    InvalidName,
    InvalidPhone,
    clean_id_input,
    convert_15_to_18,
    id_check_char,
    is_valid_id_number,
    normalize_id_number,
    normalize_name,
    normalize_phone,
    parse_id_number,
)

TODAY = date(2026, 11, 28)
ID_CHARS = "0123456789X"


@st.composite
def valid_ids(draw) -> str:
    region = draw(st.sampled_from(["420506", "420527", "420581", "110101", "440305", "653101"]))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(0, 999))
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def test_check_character_of_the_standard_example():
    # GB 11643-1999 appendix example: 11010519491231002X
    assert id_check_char("11010519491231002") == "X"
    assert normalize_id_number("11010519491231002X", today=TODAY) == "11010519491231002X"


@settings(max_examples=300)
@given(valid_ids())
def test_generated_numbers_are_valid(number):
    info = parse_id_number(number, today=TODAY)
    assert info.number == number
    assert info.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert info.gender == ("male" if int(number[16]) % 2 else "female")


@settings(max_examples=200)
@given(valid_ids(), st.data())
def test_every_single_character_change_is_rejected(number, data):
    position = data.draw(st.integers(0, 17))
    replacement = data.draw(st.sampled_from([c for c in ID_CHARS if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1:]
    assert not is_valid_id_number(changed, today=TODAY)


@settings(max_examples=50)
@given(valid_ids())
def test_all_single_character_changes_exhaustively(number):
    for position in range(18):
        for replacement in ID_CHARS:
            if replacement == number[position]:
                continue
            changed = number[:position] + replacement + number[position + 1:]
            assert not is_valid_id_number(changed, today=TODAY), changed


@settings(max_examples=200)
@given(valid_ids())
def test_every_adjacent_swap_is_rejected(number):
    for position in range(17):
        swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
        if swapped == number:
            continue
        assert not is_valid_id_number(swapped, today=TODAY), swapped


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@settings(max_examples=200)
@given(valid_ids(), st.data())
def test_normalisation_spaces_full_width_lowercase(number, data):
    text = number.lower() if data.draw(st.booleans()) else number
    if data.draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    cuts = sorted(data.draw(st.lists(st.integers(0, 18), max_size=4)))
    spaced = ""
    last = 0
    for cut in cuts:
        spaced += text[last:cut] + data.draw(st.sampled_from([" ", "\u3000", "\t", "  "]))
        last = cut
    spaced = data.draw(st.sampled_from(["", " ", "\u3000"])) + spaced + text[last:] + " "
    assert normalize_id_number(spaced, today=TODAY) == number


def test_lowercase_x_and_full_width():
    assert normalize_id_number("11010519491231002x", today=TODAY) == "11010519491231002X"
    assert normalize_id_number("１１０１０５ １９４９１２３１ ００２ｘ", today=TODAY) == "11010519491231002X"
    assert clean_id_input(" 4205 06\u3000") == "420506"


@settings(max_examples=200)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), st.integers(0, 999),
       st.sampled_from(["420506", "110105", "440305"]))
def test_15_digit_numbers_convert_to_18(born, sequence, region):
    old = f"{region}{born:%y%m%d}{sequence:03d}"
    new = normalize_id_number(old, today=TODAY)
    assert len(new) == 18
    assert new[:6] == region and new[6:14] == f"{born:%Y%m%d}" and new[14:17] == f"{sequence:03d}"
    assert new[17] == id_check_char(new[:17])
    assert convert_15_to_18(old) == new
    info = parse_id_number(old, today=TODAY)
    assert info.birth_date == born
    assert info.gender == ("male" if sequence % 2 else "female")


def test_15_digit_example():
    assert normalize_id_number("110105491231002", today=TODAY) == "11010519491231002X"


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "请填写"),
    ("4205061990", "18 位"),
    ("42050619900101123", "18 位"),
    ("4205061990010112345", "18 位"),
    ("42050619900A01123X", "前 17 位"),
    ("420506199002301231", "有效日期"),  # 30 February
    ("420506189912311234", "1900"),
    ("42050619901301123X", "有效日期"),
    ("02050619900101123X", "地区码"),
])
def test_rejections_name_the_reason(text, fragment):
    with pytest.raises(InvalidIdNumber) as error:
        parse_id_number(text, today=TODAY)
    assert fragment in str(error.value)


def test_birth_date_in_the_future_is_rejected():
    tomorrow = TODAY + timedelta(days=1)
    first17 = f"420506{tomorrow:%Y%m%d}001"
    number = first17 + id_check_char(first17)
    with pytest.raises(InvalidIdNumber, match="晚于今天"):
        parse_id_number(number, today=TODAY)
    first17 = f"420506{TODAY:%Y%m%d}001"
    assert is_valid_id_number(first17 + id_check_char(first17), today=TODAY)


def test_wrong_check_character_message():
    number = "11010519491231002X"
    with pytest.raises(InvalidIdNumber, match="校验位"):
        parse_id_number(number[:-1] + "1", today=TODAY)


def test_check_chars_table():
    assert ID_CHECK_CHARS == "10X98765432"


# ---------------------------------------------------------------------------------------------
# Phones

@pytest.mark.parametrize(("text", "expected"), [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+86 13812345678", "13812345678"),
    ("8613812345678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("0717-6543210", "0717-6543210"),
    ("07176543210", "0717-6543210"),
    ("(0717)6543210", "0717-6543210"),
    ("027-87654321", "027-87654321"),
    ("02787654321", "027-87654321"),
    ("010-12345678", "010-12345678"),
])
def test_phone_normalisation(text, expected):
    assert normalize_phone(text) == expected


@pytest.mark.parametrize("text", ["12812345678", "1381234567", "138123456789", "6543210", "0717-123",
                                  "071-76543210", "abc", "0717-65432100000", "1381234567a"])
def test_bad_phones(text):
    with pytest.raises(InvalidPhone):
        normalize_phone(text)


# ---------------------------------------------------------------------------------------------
# Names

@pytest.mark.parametrize(("text", "expected"), [
    ("张伟", "张伟"),
    (" 张 伟 ", "张伟"),
    ("欧阳娜娜", "欧阳娜娜"),
    ("李䶮", "李䶮"),  # extension A
    ("陈𫖮", "陈𫖮"),  # extension E (plane 2)
    ("王〇", "王〇"),
    ("阿依古丽·买买提", "阿依古丽·买买提"),
    ("阿依古丽•买买提", "阿依古丽·买买提"),
    ("阿依古丽・买买提", "阿依古丽·买买提"),
])
def test_names_accepted(text, expected):
    assert normalize_name(text) == expected


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "请填写"),
    ("张3", "数字"),
    ("Zhang Wei", "字母"),
    ("张wei", "字母"),
    ("张伟!", "汉字和间隔号"),
    ("·张伟", "间隔号"),
    ("张··伟", "间隔号"),
    ("张", "至少"),
    ("张" * 31, "超过"),
])
def test_names_rejected_with_a_clear_message(text, fragment):
    with pytest.raises(InvalidName) as error:
        normalize_name(text)
    assert fragment in str(error.value)
