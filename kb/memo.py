"""A memo draft from the clauses an official collected: Markdown and Word."""
from __future__ import annotations

import datetime as dt
import io

from .cite import citation, location
from .model import Clause

MEMO_TITLE = "政策条款摘录"


def _due_line(c: Clause) -> str:
    kinds = {"by": "完成时限", "start": "起始", "during": "期间至"}
    return "；".join(f"{kinds.get(d.kind, d.kind)} {d.due.isoformat()}（{d.text}）" for d in c.deadlines)


def memo_markdown(clauses: list[Clause], today: dt.date | None = None) -> str:
    """The clauses as a numbered Markdown list of citations, with deadlines and locations."""
    lines = [f"# {MEMO_TITLE}", ""]
    if today:
        lines += [f"整理日期：{today.isoformat()}", ""]
    for i, c in enumerate(clauses, 1):
        lines.append(f"{i}. {citation(c)}")
        lines.append(f"   - 出处：{location(c)}")
        if c.deadlines:
            lines.append(f"   - 期限：{_due_line(c)}")
        lines.append("")
    return "\n".join(lines)


def memo_docx(clauses: list[Clause], today: dt.date | None = None) -> bytes:
    """The same memo as a .docx file (python-docx)."""
    import docx

    document = docx.Document()
    document.add_heading(MEMO_TITLE, level=1)
    if today:
        document.add_paragraph(f"整理日期：{today.isoformat()}")
    for i, c in enumerate(clauses, 1):
        document.add_paragraph(f"{i}. {citation(c)}")
        document.add_paragraph(f"出处：{location(c)}", style="List Bullet")
        if c.deadlines:
            document.add_paragraph(f"期限：{_due_line(c)}", style="List Bullet")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
