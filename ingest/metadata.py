"""Title, issuer (发文机关), document number (文号) and date (成文日期) of a document.

Parsed from the text's first lines; a ``catalog.tsv`` beside the files (columns ``file, title,
issuer, doc_number, date``) overrides or fills in what the text lacks.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from kb.policy.dates import DATE_LINE_RE, parse_cn_date

from .read import is_furniture

HEAD_CHARS = 3000
RED_HEADER_RE = re.compile(r"^[\u4e00-\u9fff（）()\s]{2,40}文件$")  # 版头: 辽宁省生态环境厅文件
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（](\d{4})[〕\]］)）]第?\d{1,4}号")
NOTICE_TITLE_RE = re.compile(
    r"^(?P<issuer>.{0,40}?)关于(印发|转发)?(?P<title>.+?)的(通知|函|决定|批复)(?![\u4e00-\u9fff]{0,2}[）)])"
)
OPINION_TITLE_RE = re.compile(r"^(?P<issuer>.{2,30}?)关于.+(意见|决定|办法|规定|方案|规划|通知)$")
WEB_DATE_RE = re.compile(r"(发布)?日期[:：]\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
ISSUER_SUFFIX_RE = re.compile(r"(人民政府|办公室|办公厅|国务院|中共中央|委员会|部|局|厅|委)$")
LEVELS = (
    (0, re.compile(r"国务院|中共中央|生态环境部|国家|部$|部等|部门")),
    (1, re.compile(r"省|自治区")),
    (2, re.compile(r"市|州|盟")),
    (3, re.compile(r"县|区|旗")),
)
CATALOG_NAME = "catalog.tsv"
CATALOG_FIELDS = ("title", "issuer", "doc_number", "date", "period_start", "period_end", "level")  # after "file"
CN_COUNTS = dict(enumerate("一二三四五六七八九十", start=1))
CATALOG_SEARCH_DEPTH = 3  # the file's folder and two above it


@dataclass(frozen=True)
class Metadata:
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    date: str = ""  # ISO
    period_start: str = ""  # catalog only: overrides the period parsed from the text
    period_end: str = ""
    level: str = ""  # catalog only: 国家/省/市/县区, overrides the level judged from the issuer


def _head_lines(text: str) -> list[str]:
    lines = [ln.strip() for ln in text[:HEAD_CHARS].split("\n")]
    return [ln for ln in lines if ln and not is_furniture(ln)]


def _title_lines(lines: list[str]) -> list[str]:
    """The head lines without the red header (辽宁省生态环境厅文件) and the 文号 line above the title."""
    out = list(lines)
    while out and (RED_HEADER_RE.match(out[0]) or DOC_NUMBER_RE.fullmatch(out[0].strip("（()）"))):
        out.pop(0)
    return out


def _iso(m: re.Match) -> str:
    """The ISO date of a match with groups y, m, d; "" for a day that does not exist."""
    try:
        return parse_cn_date(m.group("y"), m.group("m"), m.group("d")).isoformat()
    except ValueError:
        return ""


def parse_metadata(text: str) -> Metadata:
    """Metadata found in a document's first lines (fields it cannot find stay "")."""
    lines = _head_lines(text)
    title = issuer = number = date = ""
    titled = _title_lines(lines)
    if titled:
        first = titled[0].strip("《》")
        m = NOTICE_TITLE_RE.match(first)
        if m and m.group(2):  # 关于印发《X》的通知: the document is X
            title, issuer = m.group("title").strip("《》"), m.group("issuer")
        elif m:  # 关于同意…的批复: the notice is the document
            title, issuer = first[len(m.group("issuer")) :], m.group("issuer")
        else:
            title = first
            m = OPINION_TITLE_RE.match(first)
            issuer = m.group("issuer") if m else ""
    head = "\n".join(lines[:40])
    m = DOC_NUMBER_RE.search(head)
    if m:
        number = m.group(0)
    for i, line in enumerate(lines[:40]):
        m = DATE_LINE_RE.match(line)
        if m:
            date = _iso(m)
            issuer = issuer or signatories(lines[:i])
            break
    if not date:
        m = WEB_DATE_RE.search(text[:HEAD_CHARS])
        if m:
            date = _iso(m)
    return Metadata(title=title, issuer=issuer.rstrip("、"), doc_number=number, date=date)


def signatories(lines_before_date: list[str]) -> str:
    """The issuer from the signature lines just above the date: one office, or 甲等N部门."""
    names = []
    for line in reversed(lines_before_date):
        if not (ISSUER_SUFFIX_RE.search(line) and len(line) <= 30):
            break
        names.insert(0, line)
    if len(names) > 1:
        return f"{names[0]}等{CN_COUNTS.get(len(names), len(names))}部门"
    return names[0] if names else ""


def issuer_level(issuer: str) -> int:
    """0 national, 1 provincial, 2 city, 3 county; 9 when unknown."""
    for level, pattern in LEVELS:
        if pattern.search(issuer or ""):
            return level
    return 9


def find_catalog(path: Path, root: Path | None = None) -> Path | None:
    """The nearest ``catalog.tsv`` in the file's folder or a parent, up to ``root``."""
    folder = path.resolve().parent
    stop = root.resolve() if root else None
    for _ in range(CATALOG_SEARCH_DEPTH):
        candidate = folder / CATALOG_NAME
        if candidate.exists():
            return candidate
        if folder == stop or folder.parent == folder:
            return None
        folder = folder.parent
    return None


def catalog_entry(path: Path, catalog: Path | None) -> Metadata | None:
    """The catalog row for ``path``, matched by its path relative to the catalog, else its name."""
    if not catalog:
        return None
    here, base = path.resolve(), catalog.parent.resolve()
    rel = here.relative_to(base).as_posix() if here.is_relative_to(base) else path.name
    with open(catalog, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for key in (rel, path.name):
        for row in rows:
            if (row.get("file") or "").strip() == key:
                return Metadata(*(str(row.get(k) or "").strip() for k in CATALOG_FIELDS))
    return None


def merge(parsed: Metadata, catalog: Metadata | None) -> Metadata:
    """Catalog values win where they are given; parsed values fill the rest."""
    if not catalog:
        return parsed
    return replace(parsed, **{k: v for k, v in vars(catalog).items() if v})
