"""Cut a document's text into clauses inside its outline.

The outline markers of Chinese official documents, outermost first: 第X章 (第X编), 第X节,
一、, （一）, 1., （1）, ①; 第X条 for articles. Brackets and dots may be ASCII or full width. A
numbered paragraph whose first sentence is short (``（1）强化饮用水安全保障。``) has an inline
title: it becomes part of the path, and the paragraph's first clause keeps it as printed, marker
and all (``13.推动产品碳足迹规则国际对接。针对…``), so a quotation of the task finds it. A
paragraph's closing responsibility bracket (``（生态环境部牵头，…按职责分工负责）``) names the units
of all its clauses and stays, as printed, on its last one. Inside an article (第X条) each further
paragraph is a 款 (第二款…) and each （一）-item a 项 (第（一）项); the first 款 is named where a
second exists. A clause is a sentence or a ；-part of one, never cut inside quotation marks or
brackets, never across paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kb.policy.articles import is_article, item_marker, paragraph_marker
from kb.policy.dates import DATE_LINE_RE
from kb.policy.units import UNITS_TAIL_RE
from kb.text import CJK_RE, normalize

from .read import is_furniture

CN_NUM = "一二三四五六七八九十百零〇"
DIGIT = "0-9０-９"
# (level, pattern); the pattern matches the marker at the start of a paragraph.
OUTLINE_PATTERNS = (
    (1, re.compile(rf"第[{CN_NUM}]+[编章](?![{CN_NUM}])")),
    (2, re.compile(rf"第[{CN_NUM}]+节")),
    (3, re.compile(rf"第[{CN_NUM}]+条")),
    (3, re.compile(r"[一二三四五六七八九十]{1,3}、")),
    (4, re.compile(r"[（(][一二三四五六七八九十]{1,3}[）)]")),
    (5, re.compile(rf"[{DIGIT}]{{1,2}}[.．、](?![{DIGIT}])")),
    (6, re.compile(rf"[（(][{DIGIT}]{{1,2}}[）)]")),
    (7, re.compile(r"[①-⑳]")),
)
ARTICLE_RE = re.compile(rf"第[{CN_NUM}]+条")
STRONG_END = "。！？!?"
WEAK_END = "；;"
PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "(": ")", "「": "」", "『": "』", "【": "】", "〔": "〕"}
MAX_QUOTE_SPAN = 400
MAX_INLINE_TITLE = 25
MAX_LEAD = 20
MAX_HEADING = 50
COMMA_RE = re.compile(r"[，,：:]")
DOC_NUMBER_LINE_RE = re.compile(r"^[（(]?[\u4e00-\u9fff]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\d+号[)）]?$")
BOX_TITLE_RE = re.compile(
    r"^(表|专栏)\s*[0-9０-９一二三四五六七八九十]+"
)  # a box title (专栏2 规划指标体系) or a table caption (表1…)
MIN_CLAUSE_CJK = 4  # fewer Chinese characters than this is residue ("例。", "质量", "率（%）")
MIN_UNENDED_CJK = 15  # a piece with no closing punctuation must be this long to be a sentence
# Indicator-table residue run together by a PDF's text layer: 约束性/预期性 columns, 3+ numbers.
TABLE_RESIDUE_RE = re.compile(r"约束性|预期性|[（(][%％][）)].*\d|(\d+[^\d]+){2,}\d")
# Addressees (主送: 各省、自治区…：), the copy list (抄送：) and the print line (…2022年2月8日印发).
NOT_CLAUSE_RE = re.compile(r"^各.{2,150}[:：]$|^抄送[:：]|年\d{1,2}月\d{1,2}日印发$")
# The cover letter's sentences (现将《…》印发给你们，请认真贯彻执行。/ 请结合实际认真贯彻落实。): they
# name the title, so they won every query that did, and they commit no one to anything.
COVER_RE = re.compile(r"印发给你们|^请[^。]{0,30}认真贯彻(?:执行|落实)[。.]?$")
MAX_COVER_CHARS = 120
MAX_STEM = 60  # an article's opening sentence that ends in ： and heads its items
PARAGRAPH_LEVEL = 3.5  # a 款: below its article (3), above its items (4)


@dataclass(frozen=True)
class Piece:
    """A clause before it gets its document's metadata and id."""

    text: str
    char_start: int
    char_end: int
    section: tuple[str, ...]
    titles: tuple[str, ...]
    lead: str
    paragraph: int
    sentence: int
    units: str = ""  # the paragraph's closing "（…牵头/负责）" bracket, without its brackets


def is_clause_text(text: str) -> bool:
    """Whether a piece reads as a clause, not table residue, a box title or a fragment.

    A clause has at least ``MIN_CLAUSE_CJK`` Chinese characters, and either closes with
    sentence punctuation or is long enough to be a sentence whose mark was lost.
    """
    t = normalize(text)
    if BOX_TITLE_RE.match(t) or NOT_CLAUSE_RE.search(t) or (len(t) <= MAX_COVER_CHARS and COVER_RE.search(t)):
        return False
    cjk = len(CJK_RE.findall(t))
    if cjk < MIN_CLAUSE_CJK:
        return False
    if t[-1] in STRONG_END + WEAK_END:
        return True
    return cjk >= MIN_UNENDED_CJK and not TABLE_RESIDUE_RE.search(t)


def canonical_marker(marker: str) -> str:
    """A marker in the form a citation uses: full-width brackets, ASCII digits and dot."""
    m = normalize(marker)
    if re.fullmatch(r"\(.+\)", m):
        return f"（{m[1:-1]}）"
    if re.fullmatch(r"\d+[.、]", m):
        return m[:-1] + "."
    return m


def match_outline(para: str) -> tuple[int, str] | None:
    """(level, marker) when the paragraph opens with an outline marker."""
    for level, pattern in OUTLINE_PATTERNS:
        m = pattern.match(para)
        if m:
            return level, m.group(0)
    return None


def sentence_spans(text: str) -> list[tuple[int, int, bool]]:
    """Split at 。！？；(either width), keeping bracketed and quoted spans whole.

    Returns:
        (start, end, ends_sentence) for each part; ends_sentence is False after ；.
    """
    spans, stack, start, i = [], [], 0, 0
    while i < len(text):
        ch = text[i]
        if stack and ch == stack[-1]:
            stack.pop()
        elif ch in PAIRS and PAIRS[ch] in text[i + 1 : i + 1 + MAX_QUOTE_SPAN]:
            stack.append(PAIRS[ch])
        elif not stack and ch in STRONG_END + WEAK_END:
            end = i + 1
            while end < len(text) and text[end] in STRONG_END + WEAK_END:
                end += 1
            spans.append((start, end, ch in STRONG_END))
            start, i = end, end
            continue
        i += 1
    if text[start:].strip():
        spans.append((start, len(text), True))
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_short_title(s: str, limit: int) -> bool:
    body = s.rstrip(STRONG_END + WEAK_END)
    return 0 < len(body) <= limit and not COMMA_RE.search(body)


def split_heading(level: int, marker: str, body: str) -> tuple[str, int] | None:
    """The title of a numbered paragraph and where its clauses begin (None: no title).

    ``一、总体要求`` is a heading; ``（1）强化饮用水安全保障。在用…`` has the inline title
    强化饮用水安全保障 and its clauses start after the first 。.
    """
    if ARTICLE_RE.fullmatch(marker):
        return None
    stripped = body.strip()
    if not stripped:
        return "", len(body)
    if not any(c in stripped for c in STRONG_END + WEAK_END) and len(stripped) <= MAX_HEADING:
        return stripped.rstrip("：:"), len(body)
    first = sentence_spans(body)[0]
    s1 = body[first[0] : first[1]].strip()
    if first[2] and _is_short_title(s1, MAX_INLINE_TITLE):
        return s1.rstrip(STRONG_END), first[1]
    return None


def is_front_matter(para: str) -> bool:
    """Title, 文号, issuer and date lines before the body: metadata, not clauses."""
    p = para.strip()
    if DOC_NUMBER_LINE_RE.match(p) or DATE_LINE_RE.match(p):
        return True
    return len(p) <= 40 and not any(c in p for c in STRONG_END + WEAK_END + "，,")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line that is not page furniture."""
    out, pos = [], 0
    for line in text.split("\n"):
        s, e = _trimmed(text, pos, pos + len(line))
        if e > s and not is_furniture(text[s:e]):
            out.append((s, e))
        pos += len(line) + 1
    return out


def _with_units(pieces: list[Piece], paragraph: int, units: str) -> list[Piece]:
    """``pieces`` with ``units`` given to those of ``paragraph`` that have none."""
    return [replace(p, units=units) if p.paragraph == paragraph and not p.units else p for p in pieces]


def segment(text: str, skip: list[tuple[int, int]] = ()) -> list[Piece]:
    """All clauses of a document, in order, with their outline position.

    Args:
        text: the document's text.
        skip: spans that are not prose (table rows), left out.
    """
    skipped = {start for start, _ in skip}
    stack: list[tuple[float, str, str]] = []  # (level, canonical marker, title)
    pieces: list[Piece] = []
    paragraph_of: list[tuple[int, int]] = []  # per piece: (article number, its 款), 0s outside articles
    article, paragraph_no = 0, 0
    stem = ""  # the article's sentence that opens its list of items (移出人应当履行以下义务：)
    sentence = 0
    seen_outline = False
    for pno, (ps, pe) in enumerate(paragraphs(text)):
        if ps in skipped:
            continue
        para = text[ps:pe]
        found = match_outline(para)
        body_start, first_start = ps, None
        in_article = any(is_article(x[1]) for x in stack)
        if found:
            level, marker = found
            seen_outline = True
            stack = [x for x in stack if x[0] < level]
            head = split_heading(level, marker, para[len(marker) :])
            title, skip = head if head else ("", 0)
            canon = canonical_marker(marker)
            if is_article(canon):
                article, paragraph_no = article + 1, 1
                opener = para[len(marker) :].strip()
                stem = opener[:-1] if opener[-1:] in "：:" and len(opener) <= MAX_STEM else ""
            elif in_article and level == 4:
                canon = item_marker(canon)
            stack.append((level, canon, title))
            body_start = ps + len(marker) + skip
            if title and skip < len(para) - len(marker):  # an inline title: printed with the first clause
                first_start = ps
        elif in_article:  # an article's next paragraph: its next 款
            paragraph_no, stem = paragraph_no + 1, ""
            stack = [x for x in stack if x[0] < PARAGRAPH_LEVEL]
            stack.append((PARAGRAPH_LEVEL, paragraph_marker(paragraph_no), ""))
        elif not seen_outline and is_front_matter(para):
            continue
        section = tuple(x[1] for x in stack)
        titles = tuple(x[2] for x in stack)
        units = UNITS_TAIL_RE.search(text, body_start, pe)
        body_end = units.start() if units else pe
        if units and not text[body_start:body_end].strip():  # a bracket on a line of its own
            pieces = _with_units(pieces, pno - 1, units.group("units"))
            continue
        spans = [(body_start + a, body_start + b, end) for a, b, end in sentence_spans(text[body_start:body_end])]
        lead = ""
        if len(spans) > 1 and _is_short_title(text[spans[0][0] : spans[0][1]].strip(), MAX_LEAD):
            lead = text[spans[0][0] : spans[0][1]].strip().rstrip(STRONG_END + WEAK_END)
        elif found and in_article and level == 4 and stem:  # an item reads on from its article's stem
            lead = stem
        if spans and first_start is not None:
            spans[0] = (first_start, *spans[0][1:])
        for a, b, ends_sentence in spans:
            s, e = _trimmed(text, a, b)
            if e > s and is_clause_text(text[s:e]):
                pieces.append(
                    Piece(text[s:e], s, e, section, titles, lead, pno, sentence, units.group("units") if units else "")
                )
                paragraph_of.append((article if in_article or found and is_article(stack[-1][1]) else 0, paragraph_no))
            if ends_sentence:
                sentence += 1
        sentence += 0 if not spans or spans[-1][2] else 1
        if units and pieces and pieces[-1].paragraph == pno and not text[pieces[-1].char_end : units.start()].strip():
            last = pieces[-1]  # the bracket stays on the paragraph's last clause, as printed
            pieces[-1] = replace(last, text=text[last.char_start : units.end()], char_end=units.end())
    return _first_paragraphs_named(pieces, paragraph_of)


def _first_paragraphs_named(pieces: list[Piece], paragraph_of: list[tuple[int, int]]) -> list[Piece]:
    """Name the first 款 (第一款) of every article that has a second one."""
    last = {}
    for art, no in paragraph_of:
        if art:
            last[art] = max(last.get(art, 0), no)
    out = []
    for p, (art, no) in zip(pieces, paragraph_of, strict=True):
        if art and no == 1 and last[art] > 1:
            at = next(i for i, m in enumerate(p.section) if is_article(m)) + 1
            p = replace(
                p,
                section=(*p.section[:at], paragraph_marker(1), *p.section[at:]),
                titles=(*p.titles[:at], "", *p.titles[at:]),
            )
        out.append(p)
    return out
