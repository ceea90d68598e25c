"""The Chinese date vocabulary, written once: numerals, five-year plans, years, spans and date lines.

Every rule that reads a date (deadlines, validity, metadata, segmentation, the similarity of two
tasks) builds on these names, so 十四五, 二〇二五年 or a 2021—2025年 span mean the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re

CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_DIGIT = "〇○零一二三四五六七八九"
# Five-year plans: 十三五 = 2016–2020, 十四五 = 2021–2025, 十五五 = 2026–2030 …
FIVE_YEAR_PLANS = {n: (1956 + 5 * (n - 1), 1960 + 5 * (n - 1)) for n in range(6, 17)}
PLAN_NUMBERS = {
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
    "十三": 13,
    "十四": 14,
    "十五": 15,
    "十六": 16,
}
PLAN_NUMBER_RE = re.compile(r"十([一二三四五六]?)五")  # the plan's number: 十四五 → 四
ONE_PLAN = r"[“\"「]?十[一二三四五六]?五[”\"」]?"  # one plan, quoted or not: “十四五”
YEAR_DASH = r"[—\-－–~～至到]"  # between the years of a span: 2021—2025年, 2021至2025年
FOUR_DIGIT_YEAR = rf"(?:\d{{4}}|[{CN_DIGIT}]{{4}})"  # 2025, 二〇二五
CN_MONTH_NUMBER = r"[\d一二三四五六七八九十]{1,2}"
CN_DAY_NUMBER = r"[\d一二三四五六七八九十]{1,3}"
# A full date, year, month and day as groups 1–3: 2022年1月1日, 二〇二三年八月八日.
CN_DATE = rf"({FOUR_DIGIT_YEAR})年({CN_MONTH_NUMBER})月({CN_DAY_NUMBER})日"
# A line that is only a date (a document's 成文日期), in brackets or not; the day may be missing.
DATE_LINE_RE = re.compile(
    rf"^[（(]?(?P<y>{FOUR_DIGIT_YEAR})年(?P<m>{CN_MONTH_NUMBER})月((?P<d>{CN_DAY_NUMBER})日)?[)）]?$"
)
# The words of a time expression (2025年底前, 到“十四五”末): left out where two tasks are compared,
# since sharing a deadline does not make two tasks alike.
TIME_WORDS_RE = re.compile(
    rf"(到|至|在)?(\d{{4}}|[{CN_DIGIT}]{{4}})年(底|末|上半年|下半年)?(前|以前)?|“?十[一二三四五六]?五”?(期间|时期|末年?)?"
)


def parse_cn_int(s: str) -> int:
    """``12``, ``１２``, ``十二``, ``二十一``, ``三十``, ``一百零五`` → int.

    Raises:
        KeyError: a character that is no numeral.
    """
    s = s.strip()
    if s.isdigit():
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch in "百十":
            total += (current or 1) * (100 if ch == "百" else 10)
            current = 0
        else:
            current = CN_DIGITS[ch]
    return total + current


def parse_year(s: str) -> int:
    """``2025`` or ``二〇二五`` (either zero) → 2025."""
    return int(s) if s.isdigit() else int("".join(str(CN_DIGITS[c]) for c in s))


def parse_cn_date(y: str, m: str, d: str | None = None) -> dt.date:
    """A date written with Arabic or Chinese numerals (二〇二三年八月八日); no day → the 1st.

    Raises:
        ValueError: no such day (2月30日).
    """
    return dt.date(parse_year(y), parse_cn_int(m), parse_cn_int(d) if d else 1)


def plan_years(number_text: str) -> tuple[int, int] | None:
    """The first and last year of the five-year plan whose number follows 十 (``"四"`` → 2021, 2025)."""
    return FIVE_YEAR_PLANS.get(PLAN_NUMBERS.get("十" + number_text, 0))
