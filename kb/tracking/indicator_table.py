"""A plan's indicator table (规划指标表) entered by hand, when the index does not hold it.

Plans put their indicators in a table that web copies often carry as an image (the Fuxin plan:
"具体指标:包括…四大类20项指标", then a picture). An admin imports the table from an XLSX sheet
or a pasted table (指标, 单位, 基期值, 目标值, 属性 约束性/预期性, 年份); each row becomes a 台账
item of the plan with its target, judged like any other. A row whose year is before the plan's
own (a review period's figure) is refused: it is history, not a target.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from kb.errors import KBError
from kb.model import Target
from kb.office import audit
from kb.office.accounts import User
from kb.office.db import StateDB, now
from kb.office.limits import MAX_SHEET_ROWS, MAX_SHEET_UNZIPPED_MB, check_zip
from kb.policy.targets import cell_target
from kb.text import fold

COLUMNS = {"指标": "indicator", "单位": "unit", "基期值": "base", "目标值": "target", "属性": "kind", "年份": "year"}
HEADER_ALIASES = {
    "指标名称": "指标",
    "指标值": "目标值",
    "规划目标": "目标值",
    "基准值": "基期值",
    "指标属性": "属性",
    "目标年份": "年份",
}
PASTE_SPLIT_RE = re.compile(r"\t|\s*\|\s*|\s{2,}|，|,")
YEAR_RE = re.compile(r"((?:19|20)\d{2})")


@dataclass(frozen=True)
class IndicatorRow:
    """One row of a plan's indicator table."""

    indicator: str
    unit: str
    base: str
    target: str
    kind: str
    year: int | None

    def as_target(self, base_year: int | None = None) -> Target | None:
        return cell_target(self.indicator, self.target, self.unit, base_year)

    @property
    def text(self) -> str:
        year = f"（{self.year}年）" if self.year else ""
        kind = f"，{self.kind}" if self.kind else ""
        return f"{self.indicator}：{self.target}{self.unit if self.unit not in self.target else ''}{year}{kind}"


def read_table(data: bytes | str) -> list[IndicatorRow]:
    """Rows from an XLSX sheet (bytes) or a pasted table (text: tab, | or two spaces between cells).

    Raises:
        KBError: no header row naming 指标 and 目标值, or a sheet too large.
    """
    if isinstance(data, bytes):
        from openpyxl import load_workbook

        check_zip(data, "不是 Excel .xlsx 文件", MAX_SHEET_UNZIPPED_MB)
        try:
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl's own errors for a file that is not a workbook
            raise KBError(f"不是 Excel .xlsx 文件（{exc.__class__.__name__}）；请用含“指标”“目标值”两列的表") from None
        rows = []
        for r in ws.iter_rows(values_only=True):
            rows.append(["" if v is None else str(v).strip() for v in r])
            if len(rows) > MAX_SHEET_ROWS:
                raise KBError(f"指标表超过 {MAX_SHEET_ROWS} 行")
    else:
        rows = [[c.strip() for c in PASTE_SPLIT_RE.split(line.strip())] for line in data.splitlines() if line.strip()]
    head = next((k for k, r in enumerate(rows) if _names(r) and {"指标", "目标值"} <= set(_names(r))), None)
    if head is None:
        raise KBError("没有找到表头：第一行应包括“指标”和“目标值”（可选：单位、基期值、属性、年份）")
    names = _names(rows[head])
    out = []
    for r in rows[head + 1 :]:
        cells = dict(zip(names, r))
        if not cells.get("指标", "").strip() or not cells.get("目标值", "").strip():
            continue
        year = YEAR_RE.search(fold(cells.get("年份", "")))
        out.append(
            IndicatorRow(
                indicator=cells["指标"].strip(),
                unit=cells.get("单位", "").strip(),
                base=cells.get("基期值", "").strip(),
                target=cells["目标值"].strip(),
                kind=cells.get("属性", "").strip(),
                year=int(year.group(1)) if year else None,
            )
        )
    return out


def _names(row: list[str]) -> list[str]:
    return [HEADER_ALIASES.get(c.strip(), c.strip()) for c in row]


class IndicatorTables(StateDB):
    """The indicator tables imported for the documents of one index folder."""

    def rows(self, doc_id: str) -> list[IndicatorRow]:
        if not self.exists:
            return []
        with self.connect() as con:
            got = con.execute(
                "SELECT indicator, unit, base, target, kind, year FROM plan_indicators WHERE doc_id = ? ORDER BY pos",
                (doc_id,),
            ).fetchall()
        return [IndicatorRow(*r) for r in got]

    def replace(self, doc_id: str, rows: list[IndicatorRow], user: User, first_year: int | None) -> list[str]:
        """Store ``rows`` as the plan's table (admins); the reasons rows were refused, in Chinese.
        A row of a year before ``first_year`` (the plan period's first) is a review's figure.

        Raises:
            KBError: not an admin, or no row with a target.
        """
        if not user.is_admin:
            raise KBError("只有管理员可以导入规划指标表")
        refused, kept = [], []
        for n, r in enumerate(rows, 1):
            if r.year and first_year and r.year < first_year:
                refused.append(f"第 {n} 行“{r.indicator}”是 {r.year} 年的数值（规划期之前），属于回顾，不作为目标")
            elif r.as_target() is None:
                refused.append(f"第 {n} 行“{r.indicator}”的目标值“{r.target}”不是数值，无法评判（可在台账中填写进展）")
                kept.append(r)  # kept as an item without a figure: still an indicator to report on
            else:
                kept.append(r)
        if not kept:
            raise KBError("指标表中没有可导入的指标；请检查“指标”“目标值”两列")
        with self.connect() as con:
            con.execute("DELETE FROM plan_indicators WHERE doc_id = ?", (doc_id,))
            con.executemany(
                "INSERT INTO plan_indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(doc_id, k, r.indicator, r.unit, r.base, r.target, r.kind, r.year) for k, r in enumerate(kept)],
            )
        audit.append(self.path.parent, user.name, "indicator_table", doc_id, rows=len(kept), at=now().isoformat())
        return refused
