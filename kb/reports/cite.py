"""Citations an official can paste into a memo, and the short names documents go by on a page.

Every word is verbatim. By default the punctuation between Chinese characters is folded to
full width ("2025年底前,市、县…" → "2025年底前，市、县…"), as a memo needs: the scraped city
plan writes ASCII commas a Chinese memo would never show. ``raw=True`` keeps the text exactly
as stored, character for character.
"""

from __future__ import annotations

import re

from kb.model import Clause, Document
from kb.policy.scope import NATIONAL_PLACE, doc_jurisdiction, short_place
from kb.text import CJK

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
# ASCII punctuation with a Chinese character (or a closing bracket/quote) on at least one side;
# 2.5, PM2.5, GB3095-2012 and "NOx, SO2" keep theirs.
CJK_SIDE = rf"[{CJK}“”‘’《》（）]"
ASCII_PUNCT_RE = re.compile(rf"(?<={CJK_SIDE})[,;:?!]|[,;:?!](?={CJK_SIDE})")
ASCII_PAREN_RE = re.compile(r"\(([^()]*)\)")
SHORT_NAME_CHARS = 18
NOTICE_RE = re.compile(r"^.*?关于")
QUOTES_RE = re.compile(r"[“”\"《》]")


def memo_text(text: str) -> str:
    """``text`` with its ASCII punctuation next to Chinese folded to full width; words unchanged."""
    text = ASCII_PUNCT_RE.sub(lambda m: FULL_WIDTH[m.group(0)], text)
    return ASCII_PAREN_RE.sub(
        lambda m: f"（{m.group(1)}）" if re.search(f"[{CJK}]", m.group(1)) or _beside_cjk(text, m) else m.group(0), text
    )


def inner_quotes(text: str) -> str:
    """Quotation marks inside a quotation, as a 公文 writes them: “…“坝上草原”…” → “…‘坝上草原’…”."""
    return text.replace("“", "‘").replace("”", "’")


def _beside_cjk(text: str, m: re.Match) -> bool:
    before = text[m.start() - 1 : m.start()]
    after = text[m.end() : m.end() + 1]
    return bool(re.match(CJK_SIDE, before) or re.match(CJK_SIDE, after))


def citation(clause: Clause, raw: bool = False, page: bool = False) -> str:
    """《title》（文号）section：“clause” (no （文号） when the document has none).

        Args:
            clause: the clause.
            raw: keep the clause's punctuation as stored (default: full width between Chinese).
            page: name the page (第3页) after the section where the source has pages (a PDF):
                what a row of the API and MCP carries, so a reader can find the clause on paper.

        >>> from kb.model import Clause, Document
    from kb.policy.scope import NATIONAL_PLACE, doc_jurisdiction, short_place
        >>> c = Clause("x-0001", "d.txt", "阜新市“十四五”生态环境保护规划", "阜政办发〔2023〕8号", "", "",
        ...            "四、（二）1.", (), "", "到2025年，基本消除黑臭水体。", 0, 0, 0, 14)
        >>> citation(c)
        '《阜新市“十四五”生态环境保护规划》（阜政办发〔2023〕8号）四、（二）1.：“到2025年，基本消除黑臭水体。”'
    """
    number = f"（{clause.doc_number}）" if clause.doc_number else ""
    text = clause.text if raw else inner_quotes(memo_text(clause.text))
    where = clause.section + (f"（第{clause.page}页）" if page and clause.page else "")
    if clause.table_cells:  # a table row: 《title》section 表：row
        return f"《{clause.title}》{number}{where} 表：“{text}”"
    return f"《{clause.title}》{number}{where}：“{text}”"


def location(clause: Clause) -> str:
    """Where a clause stands, for display: section path with titles, and page."""
    parts = [clause.section or "（正文前部）"]
    titles = [t for t in clause.section_titles if t]
    if titles:
        parts.append(" / ".join(titles))
    if clause.page:
        parts.append(f"第{clause.page}页")
    return " · ".join(parts)


def short_name(doc: Document) -> str:
    """A short, distinct name from metadata: 阜新·十四五生态环境保护规划, 国务院·空气质量持续改善行动计划."""
    j = doc_jurisdiction(doc)
    if j.place and j.place != NATIONAL_PLACE:
        who = short_place(j.place)
    else:
        who = re.split(r"[等\s]", doc.issuer)[0] if doc.issuer else ""
        who = {"中共中央": "中央"}.get(who, who)
    title = QUOTES_RE.sub("", NOTICE_RE.sub("", doc.title))
    title = title.removeprefix(j.place).removeprefix(short_place(j.place)) if j.place else title
    name = f"{who}·{title}" if who else title
    return name if len(name) <= SHORT_NAME_CHARS else name[: SHORT_NAME_CHARS - 1] + "…"
