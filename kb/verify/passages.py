"""What a draft quotes and cites: quotations in “…” (「…」, "…", nested ones) and references 《title》
with a 文号 nearby, with their offsets in the draft's text."""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENERS = {"“": "”", "「": "」", '"': '"', "『": "』"}
# An ellipsis joining two parts of one quotation: ……, …, ...., ..., ⋯⋯
ELLIPSIS_RE = re.compile(r"…{1,2}|\.{3,6}|⋯{1,2}")
MIN_QUOTE_CHARS = 8  # shorter quoted text is a term (“十四五”, “三线一单”), not a quotation
DOC_NUMBER = r"[\u4e00-\u9fff]{1,12}(?:〔|\[|【|\(|（)\s*(?:19|20)\d{2}\s*(?:〕|\]|】|\)|）)\s*\d{1,4}\s*号"
DOC_NUMBER_RE = re.compile(DOC_NUMBER)
TITLE_RE = re.compile(r"《([^《》\n]{2,80})》")
NEAR_NUMBER_RE = re.compile(rf"\s*[（(]?\s*(?P<number>{DOC_NUMBER})\s*[）)]?")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Quotation:
    """A quotation of the draft: its text as written, its offsets, and its parts (split at ellipses)."""

    text: str
    start: int
    end: int

    @property
    def parts(self) -> list[str]:
        return [p for p in ELLIPSIS_RE.split(self.text) if p.strip("，,。；;：: ")]


@dataclass(frozen=True)
class Reference:
    """A cited document: 《title》 and the 文号 written after it, as in the draft."""

    text: str
    title: str
    number: str
    start: int
    end: int


def quotations(text: str) -> list[Quotation]:
    """The quotations of ``text``, outermost only (a nested quote is part of its quotation), in order;
    a quoted term shorter than ``MIN_QUOTE_CHARS`` Chinese characters is left out."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch in OPENERS:
            end = _closing(text, i)
            if end is not None:
                inner = text[i + 1 : end]
                if len(CJK_RE.findall(inner)) >= MIN_QUOTE_CHARS:
                    out.append(Quotation(inner, i + 1, end))
                i = end + 1
                continue
        i += 1
    return out


def _closing(text: str, start: int) -> int | None:
    """Where the quotation opened at ``start`` closes, nested quotes of other kinds skipped."""
    opener, closer = text[start], OPENERS[text[start]]
    depth, i = 0, start + 1
    limit = min(len(text), start + 2000)
    while i < limit:
        ch = text[i]
        if ch == "\n" and opener == '"':
            return None
        if opener != closer and ch == opener:
            depth += 1
        elif ch == closer:
            if depth == 0:
                return i
            depth -= 1
        elif ch in OPENERS and ch != opener and OPENERS[ch] != ch:  # a nested quote of another kind
            inner = _closing(text, i)
            if inner is not None:
                i = inner
        i += 1
    return None


def references(text: str) -> list[Reference]:
    """The documents ``text`` cites: each 《title》 with the 文号 written right after it, and each
    bare 文号 that stands in brackets after no title."""
    out = []
    taken = []
    for m in TITLE_RE.finditer(text):
        number = NEAR_NUMBER_RE.match(text, m.end())
        end = number.end() if number else m.end()
        written = text[m.start() : end]
        out.append(Reference(written, m.group(1), number.group("number").strip() if number else "", m.start(), end))
        taken.append((m.start(), end))
    for m in DOC_NUMBER_RE.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            out.append(Reference(m.group(0), "", m.group(0), m.start(), m.end()))
    return sorted(out, key=lambda r: r.start)
