"""Articles of a 办法, 条例 or 规定: 第X条, its 款 (paragraphs) and 项 (items), as cited.

A 管理办法 is organised in 章 and 条. Inside an article, each paragraph is a 款 and each
（一）-item a 项; a citation names them as a lawyer does: 第三章第十六条第二款, 第十一条第（一）项.
The first 款 is named only where the article has a second. A query that names an article
("办法第十六条", "第十一条第一项", "第16条") is read here into the section it asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.policy.dates import parse_cn_int

NUMERALS = "零一二三四五六七八九"
NUM = r"[一二三四五六七八九十百零〇两\d０-９]+"
# 第三章第十八条第二款, 第十一条第（一）项, 第十一条第一项, 第16条: an article named in a query.
ARTICLE_REF_RE = re.compile(
    rf"(?:第(?P<chapter>{NUM})章\s*)?第(?P<article>{NUM})条"
    rf"(?:\s*第(?P<para>{NUM})款)?"
    rf"(?:\s*第?[（(](?P<item>{NUM})[）)]项?|\s*第(?P<item2>{NUM})项)?"
)
ARTICLE_MARKER_RE = re.compile(r"第[一二三四五六七八九十百零〇]+条")


def cn_number(n: int) -> str:
    """``n`` (1–999) in the numerals an article uses: 16 → 十六, 32 → 三十二, 105 → 一百零五."""
    if n <= 0 or n >= 1000:
        raise ValueError(f"article number out of range: {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{NUMERALS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else NUMERALS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (NUMERALS[ones] if ones else "")


def _canonical(number: str) -> str:
    return cn_number(parse_cn_int(number))


def paragraph_marker(n: int) -> str:
    """The marker a clause of an article's ``n``-th paragraph carries: 第二款."""
    return f"第{cn_number(n)}款"


def item_marker(marker: str) -> str:
    """An item's marker inside an article, as cited: （一） → 第（一）项."""
    return f"第{marker}项"


@dataclass(frozen=True)
class ArticleRef:
    """An article a query names, and the parts of its section a clause must carry.

    Attributes:
        article: 第十六条.
        chapter: 第三章, or "".
        paragraph: 第二款, or "".
        item: 第（一）项, or "".
    """

    article: str
    chapter: str = ""
    paragraph: str = ""
    item: str = ""

    @property
    def label(self) -> str:
        return f"{self.chapter}{self.article}{self.paragraph}{self.item}"

    def covers(self, section: str) -> bool:
        """Whether a clause with this section lies in the named article (paragraph, item)."""
        return all(
            part in section and (part != self.article or _whole_article(section, part))
            for part in (self.article, self.chapter, self.paragraph, self.item)
            if part
        )


def _whole_article(section: str, article: str) -> bool:
    """``第十六条`` names 第十六条, never the tail of 第一百一十六条 or 第二十六条."""
    return any(m.group(0) == article for m in ARTICLE_MARKER_RE.finditer(section))


def article_ref(query: str) -> ArticleRef | None:
    """The article a query names (None: none, or a number no article can have)."""
    m = ARTICLE_REF_RE.search(query)
    if not m:
        return None
    try:
        item = m.group("item") or m.group("item2")
        return ArticleRef(
            article=f"第{_canonical(m.group('article'))}条",
            chapter=f"第{_canonical(m.group('chapter'))}章" if m.group("chapter") else "",
            paragraph=paragraph_marker(parse_cn_int(m.group("para"))) if m.group("para") else "",
            item=item_marker(f"（{_canonical(item)}）") if item else "",
        )
    except (ValueError, KeyError):
        return None


def is_article(marker: str) -> bool:
    """Whether an outline marker is an article's (第X条)."""
    return bool(ARTICLE_MARKER_RE.fullmatch(marker))
