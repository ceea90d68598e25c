"""Citations an official can paste into a memo."""
from __future__ import annotations

from .model import Clause


def citation(clause: Clause) -> str:
    """《title》（文号）section：“verbatim clause” (no （文号） when the document has none).

    >>> from kb.model import Clause
    >>> c = Clause("x-0001", "d.txt", "阜新市“十四五”生态环境保护规划", "阜政办发〔2023〕8号", "", "",
    ...            "四、（二）1.", (), "", "到2025年，基本消除黑臭水体。", 0, 0, 0, 14)
    >>> citation(c)
    '《阜新市“十四五”生态环境保护规划》（阜政办发〔2023〕8号）四、（二）1.：“到2025年，基本消除黑臭水体。”'
    """
    number = f"（{clause.doc_number}）" if clause.doc_number else ""
    if clause.table_cells:  # a table row: 《title》section 表：row
        return f"《{clause.title}》{number}{clause.section} 表：“{clause.text}”"
    return f"《{clause.title}》{number}{clause.section}：“{clause.text}”"


def location(clause: Clause) -> str:
    """Where a clause stands, for display: section path with titles, and page."""
    parts = [clause.section or "（正文前部）"]
    titles = [t for t in clause.section_titles if t]
    if titles:
        parts.append(" / ".join(titles))
    if clause.page:
        parts.append(f"第{clause.page}页")
    return " · ".join(parts)
