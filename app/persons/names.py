"""Name sort keys and search keys, computed on write (pypinyin through a per-character cache).

- `sort_key("曾伟")` -> `"zeng wei"`: the list order. The first character uses its surname
  reading where it differs from the common one (曾 zeng, 单 shan, 区 ou …); syllables are
  separated by a space so that 李娜 (li na) sorts before 林安 (lin an). Plain ASCII, compared
  byte-wise on both databases.
- `search_keys("曾伟")` -> `{"zengwei", "cengwei", "zw", "cw", "曾伟", "伟"}`: every combination of
  the characters' readings (`heteronym=True`, bounded) as full pinyin and as initials, plus each
  character with its successor (two-character grams; the last character alone). A pinyin query
  is a prefix range scan over the keys; a Chinese query of one character is a range scan over
  the grams that start with it, of two characters an equality, of more the first gram plus a
  substring check on the candidates.

The per-character cache makes an import of 100,000 names cost a few thousand pypinyin calls.
"""
from __future__ import annotations

import itertools
from functools import cache, lru_cache

from pypinyin import Style, pinyin

from app.core.validators import DOT_VARIANTS, MIDDLE_DOT, is_cjk

KEY_LENGTH = 64
MAX_COMBINATIONS = 32

# Surname readings that differ from a character's most common reading (used for the sort key;
# search keys include every reading anyway).
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "区": "ou", "仇": "qiu", "解": "xie", "查": "zha", "朴": "piao",
    "翟": "zhai", "乐": "yue", "盖": "ge", "缪": "miao", "秘": "bi", "种": "chong", "覃": "qin",
    "尉": "yu", "长": "chang", "折": "she", "员": "yun", "召": "shao", "阚": "kan", "宿": "su",
    "冼": "xian", "洗": "xian", "祭": "zhai", "繁": "po", "句": "gou", "隗": "wei", "谌": "chen",
    "燕": "yan", "那": "na", "沈": "shen", "都": "du", "柏": "bai", "薄": "bo", "过": "guo",
    "华": "hua", "任": "ren", "纪": "ji", "参": "shen", "藏": "zang", "黑": "he", "万": "wan",
}


@cache
def readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one character, most common first (`()` when unknown)."""
    if not is_cjk(ch):
        return ()
    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors=lambda _: [])
    if not found:
        return ()
    seen: list[str] = []
    for reading in found[0]:
        reading = reading.strip().lower()
        if reading.isascii() and reading.isalpha() and reading not in seen:
            seen.append(reading)
    return tuple(seen)


def _syllable_for_sort(ch: str, first: bool) -> str:
    if first and ch in SURNAME_READINGS:
        return SURNAME_READINGS[ch]
    found = readings(ch)
    if found:
        return found[0]
    # No known reading: after every pinyin syllable, by code point.
    return f"~{ord(ch):x}"


@lru_cache(maxsize=100_000)
def sort_key(name: str) -> str:
    parts = []
    for index, ch in enumerate(c for c in name if c != MIDDLE_DOT):
        parts.append(_syllable_for_sort(ch, index == 0))
    return " ".join(parts)[:KEY_LENGTH]


def _bounded_readings(chars: list[str]) -> list[tuple[str, ...]]:
    """Readings per character, trimmed from the last character backwards (the surname keeps its
    readings longest) until the number of combinations is at most MAX_COMBINATIONS."""
    options = [readings(ch) or ("",) for ch in chars]
    position = len(options) - 1
    while position >= 0:
        total = 1
        for opts in options:
            total *= len(opts)
        if total <= MAX_COMBINATIONS:
            break
        if len(options[position]) > 1:
            options[position] = options[position][:1]
        position -= 1
    return options


def pinyin_keys(name: str) -> set[str]:
    chars = [ch for ch in name if is_cjk(ch)]
    if not chars:
        return set()
    keys: set[str] = set()
    for combo in itertools.product(*_bounded_readings(chars)):
        full = "".join(combo)
        if not full:
            continue
        initials = "".join(r[0] for r in combo if r)
        keys.add(full[:KEY_LENGTH])
        keys.add(initials[:KEY_LENGTH])
        if "v" in full:  # ü typed as v (lv) or u (lu)
            keys.add(full.replace("v", "u")[:KEY_LENGTH])
    return keys


def grams(name: str) -> set[str]:
    """Each character with its successor; the last character alone."""
    return {name[i:i + 2] for i in range(len(name))}


def search_keys(name: str) -> set[str]:
    return pinyin_keys(name) | grams(name)


# ---------------------------------------------------------------------------------------------
# Queries

def normalize_query(text: str | None) -> tuple[str, str] | None:
    """Classify a name query: ("pinyin", "zw") or ("chinese", "张伟"), or None when empty.

    Spaces and apostrophes are dropped (`zeng wei`, `xi'an`); letters are lower-cased."""
    text = "".join(ch for ch in (text or "") if not ch.isspace() and ch not in "'’")
    if not text:
        return None
    if text.isascii():
        letters = "".join(ch for ch in text.lower() if ch.isalpha())
        return ("pinyin", letters[:KEY_LENGTH]) if letters else None
    return "chinese", text.translate(DOT_VARIANTS)[:KEY_LENGTH]


def next_string(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` (code point order,
    which is also UTF-8 byte order: SQLite BINARY and PostgreSQL "C" agree)."""
    last = prefix[-1]
    if ord(last) >= 0x10FFFF:  # pragma: no cover - not a name character
        return prefix + "\U0010ffff"
    return prefix[:-1] + chr(ord(last) + 1)
