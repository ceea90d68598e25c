"""Dated commitments in Chinese policy text: 2025年底前, 到2025年, “十四五”期间, 2022年起 ….

Rules you can read: named patterns for the parts of a date, a table of five-year-plan periods,
and a short list of cues that make a date a deadline (到, 前, 底, 起 …) or rule it out (比2020年,
截至…, inside 《…》). Relative dates (今年, 明年, 年内) resolve against the document's own date,
never today's; a date that falls before the document's date is a past fact, not a commitment.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from kb.model import Deadline
from kb.policy.dates import CN_DIGIT, ONE_PLAN, PLAN_NUMBER_RE, YEAR_DASH, parse_cn_int, parse_year, plan_years
from kb.text import fold

YEAR = rf"(?<![\d.])(?:(?:19|20)\d{{2}}|[二][{CN_DIGIT}]{{3}})"
MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
DAY = r"(?:3[01]|[12]\d|0?[1-9]|三十[一]?|二?十[一二三四五六七八九]?|[一二三四五六七八九])"
QUARTER = r"(?:第)?[一二三四1-4]季度"
# The part of a year an expression names, after 年: 6月底, 上半年, 三季度末, 底 …
SUBYEAR = (
    rf"(?:(?P<month>{MONTH})月(?:份)?(?:(?P<day>{DAY})[日号]|(?P<mpart>底|末|上旬|中旬|下旬))?"
    rf"|(?P<half>上半年|下半年|年中)|(?P<quarter>{QUARTER})(?:末|底)?|(?P<yend>年底|年末|底|末))?"
)
# An absolute year (2025年, 二〇二五年) or one relative to the document's date (今年, 明年, 年内).
DATE = rf"(?:(?P<year>{YEAR})年(?:度)?|(?P<rel>今年|明年|后年|本年度?|年内|年底|年末)){SUBYEAR}"
# “十四五”期间, 到“十五五”末, and lists: “十四五”、“十五五”期间分别…
PLAN_PERIOD = rf"(?P<plans>{ONE_PLAN}(?:[、和与及]{ONE_PLAN})*)(?P<phase>期间|时期|末期|末年|末|内)"
NOT_A_PERIOD_RE = re.compile(r"^(是|的|以来|主要|发展|规划)")
# "“十四五”时期，我市将进入高质量发展阶段…" describes the period; a commitment names a result to reach.
DESCRIBES_PERIOD_RE = re.compile(
    r"^[，,]?\s*(?:我市|我省|我国|全市|全省|全国)?[^，,。；]{0,6}?(?:将|仍|正|依然|仍然)?(?:进入|处于|面临|迎来|成为|发生)"
)
DESCRIPTION_VERB_RE = re.compile(r"(?:将|仍|依然|仍然)(?:处于|进入|面临|迎来)|处于高位|面临")
COMMITMENT_RE = re.compile(
    r"完成|建成|实现|达到|控制|下降|降低|提高到|提高至|提升至|消除|淘汰|削减|新增|不低于|不超过|累计"
)
SPAN = rf"(?P<y1>{YEAR})(?:年)?\s*{YEAR_DASH}\s*(?P<y2>{YEAR})年"

SPAN_RE = re.compile(SPAN)
PLAN_RE = re.compile(PLAN_PERIOD)
DATE_RE = re.compile(DATE)
BY_PREFIX_RE = re.compile(r"(到|至|于|在|力争|争取|确保|计划|最迟|不晚于|展望|截至|截止到|截止)\s*$")
COMPARE_PREFIX_RE = re.compile(r"(比|较|与|同|相较|相对于|对比|低于|高于|基准年为?|以)\s*$")
COMPARE_SUFFIX_RE = re.compile(r"^\s*(相比|比较|水平|基础上|基数|同期|的基础|为基准|以来|已经|已)")
BY_SUFFIX_RE = re.compile(r"^\s*(前|以前|之前|内)")
START_SUFFIX_RE = re.compile(r"^\s*(起|开始|以后|之后)")
# Phrases a clause opens with before its time expression (“（一）”, “力争”).
HEAD_FILLER_RE = re.compile(r"^[\s“”\"（）()一二三四五六七八九十0-9.．、]*$")
TITLE_RE = re.compile(r"《[^《》]*》")
# A rule in force (2022年起，…应在排污许可证中载明…) stays a commitment after its start date.
OBLIGATION_RE = re.compile(r"应当?|须|不得|严禁|禁止|执行|实行|施行|一律")
KIND_NAMES = {"by": "完成时限", "start": "起始日期", "during": "期间截止"}  # the kinds of a Deadline, in words
CLAUSE_BREAK = "，,：:"
SENTENCE_BREAK = "。！？；;!?\n"
ANY_DATE_RE = re.compile(rf"{YEAR}年|{ONE_PLAN}(期间|时期|末)|今年|明年|年底前|年内")


def mentions_date(text: str) -> bool:
    """Whether a text names a year or a period at all (past or future): it can answer "when"."""
    return bool(ANY_DATE_RE.search(fold(text)))


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    due: dt.date
    kind: str
    first: dt.date | None = None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _period(year: int, m: re.Match) -> tuple[dt.date, dt.date, bool]:
    """(first day, last day, has a part below the year) of the period a date names."""
    g = m.groupdict()
    if g.get("month"):
        month = parse_cn_int(g["month"])
        if g.get("day"):
            day = dt.date(year, month, parse_cn_int(g["day"]))
            return day, day, True
        tenth = {"上旬": (1, 10), "中旬": (11, 20)}.get(g.get("mpart") or "")
        if tenth:
            return dt.date(year, month, tenth[0]), dt.date(year, month, tenth[1]), True
        return dt.date(year, month, 1), _month_end(year, month), True
    if g.get("half"):
        first_month, last_month = {"上半年": (1, 6), "年中": (6, 6), "下半年": (7, 12)}[g["half"]]
        return dt.date(year, first_month, 1), _month_end(year, last_month), True
    if g.get("quarter"):
        q = parse_cn_int(re.sub(r"[第季度]", "", g["quarter"]))
        return dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q), True
    return dt.date(year, 1, 1), dt.date(year, 12, 31), bool(g.get("yend"))


def _resolve_year(m: re.Match, doc_date: dt.date | None) -> int | None:
    if m.group("year"):
        return parse_year(m.group("year"))
    if doc_date is None:
        return None
    return doc_date.year + {"明年": 1, "后年": 2}.get(m.group("rel"), 0)


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans whose dates are not commitments: titles of other documents."""
    return [(m.start(), m.end()) for m in TITLE_RE.finditer(text)]


def _at_head(text: str, start: int) -> bool:
    """Whether a date opens its clause: nothing but a cue or a marker since the last break."""
    before = text[:start]
    cut = max(before.rfind(c) for c in SENTENCE_BREAK + CLAUSE_BREAK)
    lead = BY_PREFIX_RE.sub("", before[cut + 1 :])
    return bool(HEAD_FILLER_RE.match(lead))


def _classify(text: str, m: re.Match, has_part: bool) -> str | None:
    """``by``, ``start`` or None (not a deadline) for a date match, from the words around it."""
    before, after = text[: m.start()], text[m.end() :]
    if COMPARE_PREFIX_RE.search(before) or COMPARE_SUFFIX_RE.match(after):
        return None
    if START_SUFFIX_RE.match(after):
        return "start"
    if (
        BY_SUFFIX_RE.match(after)
        or BY_PREFIX_RE.search(before)
        or m.groupdict().get("yend")
        or m.groupdict().get("mpart") in ("底", "末")
    ):
        return "by"
    if m.group("rel"):
        return "by"
    if _at_head(text, m.start()) and (has_part or after[:1] in CLAUSE_BREAK):
        return "by"
    return None


def _suffix_end(text: str, end: int, kind: str) -> int:
    pattern = START_SUFFIX_RE if kind == "start" else BY_SUFFIX_RE
    m = pattern.match(text[end:])
    return end + m.end() if m else end


def _prefix_start(text: str, start: int) -> int:
    m = BY_PREFIX_RE.search(text[:start])
    return m.start() if m and m.group(1) not in ("于", "在") else start


def _dates(text: str, doc_date: dt.date | None, taken: list[tuple[int, int]]) -> list[_Found]:
    out = []
    for m in DATE_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        year = _resolve_year(m, doc_date)
        if year is None:
            continue
        try:
            first, last, has_part = _period(year, m)
        except (ValueError, KeyError):
            continue  # 2月30日 and the like: not a date
        kind = _classify(text, m, has_part)
        if kind:
            due = first if kind == "start" else last
            out.append(_Found(_prefix_start(text, m.start()), _suffix_end(text, m.end(), kind), due, kind))
    return out


def _spans(text: str) -> list[_Found]:
    out = []
    for m in SPAN_RE.finditer(text):
        y1, y2 = parse_year(m.group("y1")), parse_year(m.group("y2"))
        if y1 < y2 and not COMPARE_PREFIX_RE.search(text[: m.start()]):
            out.append(_Found(m.start(), m.end(), dt.date(y2, 12, 31), "during", dt.date(y1, 1, 1)))
    return out


def _plans(text: str) -> list[_Found]:
    out = []
    for m in PLAN_RE.finditer(text):
        phase, after = m.group("phase"), text[m.end() :]
        rest = after[: next((i for i, ch in enumerate(after) if ch in SENTENCE_BREAK), len(after))]
        no_task = not COMMITMENT_RE.search(rest)
        if DESCRIBES_PERIOD_RE.match(after) or (no_task and (phase == "时期" or DESCRIPTION_VERB_RE.search(rest))):
            continue  # a description of the period, not a dated task
        if phase in ("期间", "内", "时期") and not NOT_A_PERIOD_RE.match(after):
            kind = "during"
        elif phase in ("末", "末期", "末年"):
            kind = "by"
        else:
            continue
        start = _prefix_start(text, m.start())
        for n in PLAN_NUMBER_RE.finditer(m.group("plans")):
            years = plan_years(n.group(1))
            if years:
                first_year, last_year = years
                out.append(_Found(start, m.end(), dt.date(last_year, 12, 31), kind, dt.date(first_year, 1, 1)))
    return out


def _is_past(f: _Found, text: str, doc_date: dt.date) -> bool:
    """Due before the document's date; a start date is past only if no rule in force follows it."""
    if f.kind == "start":
        return f.due.year < doc_date.year and not OBLIGATION_RE.search(text[f.end :])
    return f.due < doc_date


def extract_deadlines(text: str, doc_date: dt.date | None = None) -> list[Deadline]:
    """Every dated commitment in ``text``.

    Args:
        text: a clause or a sentence.
        doc_date: the document's date (成文日期): the base for 今年/明年 and the line between a
            commitment and a past fact. Without it, relative dates are skipped and no date is
            judged past.

    Returns:
        Deadlines in text order, offsets into ``text``.
    """
    if isinstance(doc_date, str):
        doc_date = dt.date.fromisoformat(doc_date)
    raw, text = text, fold(text)  # match on ２０２５ as on 2025; offsets are the same
    protected = _protected(text)
    found = [f for f in _spans(text) + _plans(text) if not any(a <= f.start < b for a, b in protected)]
    taken = protected + [(f.start, f.end) for f in found]
    found += _dates(text, doc_date, taken)
    items = []
    for f in sorted(found, key=lambda f: f.start):
        if doc_date and _is_past(f, text, doc_date):
            continue  # a past fact (截至2020年末…, 2019年8月挂牌成立…), not a commitment
        first = f.first if f.kind == "during" else None
        items.append(Deadline(raw[f.start : f.end], f.start, f.end, f.due, f.kind, first))
    return items


def governs_sentence(sentence: str, item: Deadline) -> bool:
    """Whether a deadline heads its sentence (nothing but a cue before it) and so governs its clauses."""
    lead = BY_PREFIX_RE.sub("", sentence[: item.char_start])
    return bool(HEAD_FILLER_RE.match(lead))


def sentence_deadlines(
    text: str, clause_spans: list[tuple[int, int]], doc_date: dt.date | None
) -> list[tuple[Deadline, ...]]:
    """Deadlines of each clause of one sentence, with the sentence head's applied to all.

    Args:
        text: the document's text.
        clause_spans: (start, end) of the sentence's clauses in ``text``, in order.
        doc_date: the document's date.

    Returns:
        One tuple per clause; offsets are into ``text``.
    """
    start, end = clause_spans[0][0], clause_spans[-1][1]
    sentence = text[start:end]
    first_end = clause_spans[0][1] - start
    items = [
        (
            replace(d, char_start=d.char_start + start, char_end=d.char_end + start),
            d.char_start < first_end and governs_sentence(sentence, d),
        )
        for d in extract_deadlines(sentence, doc_date)
    ]
    head = [replace(d, inherited=True) for d, heads in items if heads]
    out = []
    for i, (a, b) in enumerate(clause_spans):
        own = [d for d, _ in items if a <= d.char_start < b]
        out.append(tuple(own if own or i == 0 else head))  # a clause with a date of its own keeps it
    return out
