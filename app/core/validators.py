"""Pure validation and normalisation of personal identifiers (no database, no app context).

- Resident ID numbers (GB 11643-1999): input is normalised first (whitespace removed, full-width
  digits and a lowercase x accepted), a 15-digit first-generation number is converted to 18
  digits, then the check character and the birth date are verified. Gender and birth date are
  derived from the number, never typed.
- Phone numbers: a mainland mobile (`1[3-9]` + 9 digits) or a landline with its area code
  (`0717-6543210`), normalised to one spelling so that the lookup hash is stable.
- Names: any Chinese name, rare characters of the CJK extension planes and the middle dot `·` of
  minority names included; digits, Latin letters and other symbols are refused.

Each validator raises `ValueError` subclasses with a Chinese message fit to show beside the field.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from operator import mul

# ---------------------------------------------------------------------------------------------
# Any text from a form or a JSON body

# Unicode categories Cc (U+0000–U+001F, U+007F–U+009F) and Cs (U+D800–U+DFFF), tab allowed
# (and CR/LF in multi-line text): one regex search instead of a category lookup per character.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSAFE_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_unsafe_chars(text: str, *, multiline: bool = False) -> bool:
    """Control characters (NUL, escape …) or lone surrogates: refused before they reach SQL
    (PostgreSQL rejects NUL, the drivers cannot encode a lone surrogate)."""
    return (_UNSAFE_MULTILINE if multiline else _UNSAFE).search(text) is not None


UNSAFE_TEXT_MESSAGE = "含有无法保存的控制字符，请删除后重试。"


# ---------------------------------------------------------------------------------------------
# Resident ID numbers

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# Full-width digits and letters typed with a Chinese input method.
_FULL_WIDTH = {ord(f): h for f, h in zip("０１２３４５６７８９Ｘｘ", "0123456789XX", strict=True)}


class InvalidIdNumber(ValueError):
    """The text is not a valid resident ID number; `str(error)` is the Chinese reason."""


@dataclass(frozen=True)
class IdNumberInfo:
    number: str  # 18 characters, upper-case X
    birth_date: date
    gender: str  # "male" | "female"


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != len(ID_WEIGHTS):
        raise ValueError("17 digits expected")
    total = sum(map(mul, map(int, first17), ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def clean_id_input(raw: str | None) -> str:
    """Whitespace removed (ASCII, full-width and other Unicode spaces), full-width digits
    converted, a lowercase x upper-cased. Does not validate."""
    if raw is None:
        return ""
    if raw.isascii() and raw.isalnum():  # the common case: nothing to remove or convert
        return raw.upper()
    text = raw.translate(_FULL_WIDTH)
    text = "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")
    return text.upper()


def convert_15_to_18(number15: str) -> str:
    """First-generation 15-digit number -> 18 digits: century `19` inserted, check char added."""
    if len(number15) != 15 or not number15.isdigit():
        raise InvalidIdNumber("15 位身份证号码应全部为数字。")
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + id_check_char(first17)


def _birth_date(number18: str) -> date | None:
    try:
        return date(int(number18[6:10]), int(number18[10:12]), int(number18[12:14]))
    except ValueError:
        return None


def normalize_id_number(raw: str | None, *, today: date | None = None) -> str:
    """The canonical 18-character form of a resident ID number, or `InvalidIdNumber`."""
    return parse_id_number(raw, today=today).number


def parse_id_number(raw: str | None, *, today: date | None = None) -> IdNumberInfo:
    """Normalise, convert and validate; return the number with its derived birth date and gender."""
    if today is None:
        from app.core import clock

        today = clock.today()
    text = clean_id_input(raw)
    if not text:
        raise InvalidIdNumber("请填写身份证号码。")
    if len(text) == 15:
        if not text.isdigit():
            raise InvalidIdNumber("15 位身份证号码应全部为数字。")
        text = convert_15_to_18(text)
    elif len(text) != 18:
        raise InvalidIdNumber(f"身份证号码应为 18 位（或 15 位旧号码），当前为 {len(text)} 位。")
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise InvalidIdNumber("身份证号码前 17 位应为数字，最后一位为数字或 X。")
    if text[0] == "0":
        raise InvalidIdNumber("身份证号码的地区码不正确。")
    born = _birth_date(text)
    if born is None:
        raise InvalidIdNumber("身份证号码中的出生日期不是有效日期。")
    if born > today:
        raise InvalidIdNumber("身份证号码中的出生日期晚于今天。")
    if born < EARLIEST_BIRTH_DATE:
        raise InvalidIdNumber("身份证号码中的出生日期早于 1900 年。")
    if id_check_char(text[:17]) != text[17]:
        raise InvalidIdNumber("身份证号码校验位不正确，请逐位核对。")
    gender = "male" if int(text[16]) % 2 == 1 else "female"
    return IdNumberInfo(number=text, birth_date=born, gender=gender)


def is_valid_id_number(raw: str | None, *, today: date | None = None) -> bool:
    try:
        parse_id_number(raw, today=today)
    except InvalidIdNumber:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Phone numbers

class InvalidPhone(ValueError):
    pass


_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes: 010 and 02x have three digits, every other mainland area code four.
_LANDLINE_DASHED = re.compile(r"(0\d{2,3})-(\d{7,8})")
_LANDLINE_PLAIN = re.compile(r"0\d{9,11}")
_PHONE_JUNK = re.compile(r"[\s()（）]")


def normalize_phone(raw: str | None) -> str:
    """`13812345678`, or a landline as `0717-6543210` (area code, dash, 7–8 digits).

    Spaces, brackets and full-width digits are tolerated; `+86`/`86` before a mobile is dropped.
    """
    text = (raw or "").translate(_FULL_WIDTH).replace("－", "-").replace("—", "-")
    text = _PHONE_JUNK.sub("", text)
    if not text:
        raise InvalidPhone("请填写电话号码。")
    if text.startswith("+86"):
        text = text[3:].lstrip("-")
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if _MOBILE.fullmatch(text.replace("-", "")):
        return text.replace("-", "")
    match = _LANDLINE_DASHED.fullmatch(text)
    if match:
        area, number = match.groups()
        if _area_code_length(area + number) == len(area):
            return f"{area}-{number}"
        raise InvalidPhone("固定电话的区号不正确，如宜昌为 0717。")
    if _LANDLINE_PLAIN.fullmatch(text):
        split = _area_code_length(text)
        area, number = text[:split], text[split:]
        if 7 <= len(number) <= 8:
            return f"{area}-{number}"
    raise InvalidPhone("电话号码格式不正确：手机号为 11 位（1 开头），固定电话须带区号，如 0717-6543210。")


def _area_code_length(digits: str) -> int:
    return 3 if digits.startswith(("010", "02")) else 4


# ---------------------------------------------------------------------------------------------
# Names

class InvalidName(ValueError):
    pass


NAME_MAX_LENGTH = 30
MIDDLE_DOT = "·"
DOT_VARIANTS = str.maketrans({"•": MIDDLE_DOT, "・": MIDDLE_DOT, "･": MIDDLE_DOT, "‧": MIDDLE_DOT,
                               "∙": MIDDLE_DOT, "．": MIDDLE_DOT, ".": MIDDLE_DOT})

# CJK ideograph blocks: URO, extension A, extensions B–I (planes 2–3), compatibility ideographs,
# and 〇 (used in names such as 王〇).
_CJK_RANGES = (
    (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2EE5F),
    (0x30000, 0x323AF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F), (0x3007, 0x3007),
)


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    if 0x4E00 <= code <= 0x9FFF:  # the common case: the unified ideographs (the first range)
        return True
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def normalize_name(raw: str | None) -> str:
    """A person's name: whitespace removed, middle-dot variants unified to `·`, then checked."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(ch for ch in text if not ch.isspace()).translate(DOT_VARIANTS)
    if not text:
        raise InvalidName("请填写姓名。")
    bad = [ch for ch in text if ch != MIDDLE_DOT and not is_cjk(ch)]
    if bad:
        if any(ch.isdigit() for ch in bad):
            raise InvalidName("姓名不能包含数字。")
        if any(ch.isascii() and ch.isalpha() for ch in bad):
            raise InvalidName("姓名应填写汉字，不能包含拼音或英文字母。")
        raise InvalidName("姓名只能由汉字和间隔号“·”组成。")
    if text.startswith(MIDDLE_DOT) or text.endswith(MIDDLE_DOT) or MIDDLE_DOT * 2 in text:
        raise InvalidName("间隔号“·”只能用在两段姓名之间。")
    if len(text) < 2:
        raise InvalidName("姓名至少应有 2 个汉字。")
    if len(text) > NAME_MAX_LENGTH:
        raise InvalidName(f"姓名不能超过 {NAME_MAX_LENGTH} 个字。")
    return text


# ---------------------------------------------------------------------------------------------
# Unified social credit codes (GB 32100-2015)

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class InvalidCreditCode(ValueError):
    """Not a valid unified social credit code; `str(error)` is the Chinese reason."""


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters: 31 − (Σ value×weight mod 31), 31 → 0."""
    total = sum(CREDIT_CODE_CHARSET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    check = 31 - total % 31
    return CREDIT_CODE_CHARSET[0 if check == 31 else check]


def normalize_credit_code(raw: str | None) -> str:
    """Upper-cased, spaces removed, full-width letters/digits folded; raises InvalidCreditCode."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = re.sub(r"\s+", "", text).upper()
    if not text:
        raise InvalidCreditCode("请填写统一社会信用代码。")
    if len(text) != 18:
        raise InvalidCreditCode("统一社会信用代码应为 18 位。")
    bad = sorted({ch for ch in text if ch not in CREDIT_CODE_CHARSET})
    if bad:
        raise InvalidCreditCode(f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、S、V、Z）。")
    if credit_code_check_char(text[:17]) != text[17]:
        raise InvalidCreditCode("统一社会信用代码校验位不正确，请核对营业执照。")
    return text


def is_valid_credit_code(raw: str | None) -> bool:
    try:
        normalize_credit_code(raw)
    except InvalidCreditCode:
        return False
    return True


def is_blank(value: object) -> bool:
    """None, or a string of nothing but whitespace: "not given" for an optional field."""
    return value is None or (isinstance(value, str) and not value.strip())
