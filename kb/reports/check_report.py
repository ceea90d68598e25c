"""A checked draft as Word returns it to its writer: a comment (批注) on each quotation or reference
that is not right, saying what is wrong and giving the correct text; and the same findings as lines.

A .docx draft keeps its own paragraphs and runs (each comment anchored on the runs its passage
stands in); any other draft becomes a DOCX of its text, one paragraph a line, with each passage in
a run of its own.
"""

from __future__ import annotations

import io

from kb.verify.verdicts import CheckReport, QuoteVerdict, RefVerdict

AUTHOR, INITIALS = "引文核验", "核"
VALIDITY_WORDS = {
    "ended": "该文件实施期已结束",
    "expired": "该文件已失效",
    "superseded": "该文件已被替代",
    "not_yet": "该文件尚未施行",
}


def message(v: QuoteVerdict | RefVerdict) -> str:
    """What is wrong with a passage, and the right text, in the words a reviewer writes."""
    if isinstance(v, RefVerdict):
        return {
            "title_differs": f"文件名称有误，应为{v.suggestion}",
            "number_wrong": f"发文字号有误，《{v.title}》的文号为{v.suggestion}",
            "unverifiable": f"知识库中《{v.title}》未记录发文字号，无法核对文号",
            "not_in_kb": "知识库中没有这份文件，无法核对，请核实出处",
        }.get(v.status, "")
    lapsed = f"（注意：{VALIDITY_WORDS[v.validity]}）" if v.validity in VALIDITY_WORDS else ""
    if v.status == "differs":
        changes = [d for d in v.diff if d["op"] == "figures"] or v.diff[:3]
        what = "；".join(f"“{d['draft'] or '（无）'}”→“{d['source'] or '（无）'}”" for d in changes)
        return f"引文与原文不一致（{what}）。原文：{v.citation}{lapsed}"
    if v.status == "elsewhere":
        return f"引文出自另一份文件：{v.citation}{lapsed}"
    if v.status == "not_found":
        return "知识库中未找到这段引文，可能并非原文，请核对出处"
    return f"引文无误{lapsed}" if lapsed else ""


def annotated_docx(name: str, data: bytes | None, text: str, report: CheckReport) -> bytes:
    """The draft with a comment on every passage that is not right (and on an exact quotation from a
    document no longer in force). ``data``: the .docx's bytes, or None for a draft given as text."""
    import docx

    flagged = [(v, message(v)) for v in report.problems()]
    flagged += [(q, message(q)) for q in report.quotes if q.status == "exact" and message(q)]
    if data is not None and name.lower().endswith(".docx"):
        document = docx.Document(io.BytesIO(data))
    else:
        document = _text_document(text, [_span(v) for v, _ in flagged])
    paragraphs = document.paragraphs
    starts, at = [], 0
    for p in paragraphs:
        starts.append(at)
        at += len(p.text) + 1
    for v, words in flagged:
        start, end = _span(v)
        k = max(i for i, s in enumerate(starts) if s <= start)
        runs = _runs(paragraphs[k], start - starts[k], end - starts[k])
        if runs and words:
            document.add_comment(runs, text=words, author=AUTHOR, initials=INITIALS)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _span(v: QuoteVerdict | RefVerdict) -> tuple[int, int]:
    passage = v.quote if isinstance(v, QuoteVerdict) else v.ref
    return passage.start, passage.end


def _runs(paragraph, start: int, end: int) -> list:
    """The runs of ``paragraph`` that hold characters ``start``–``end`` of its text."""
    out, at = [], 0
    for run in paragraph.runs:
        if at < end and at + len(run.text) > start:
            out.append(run)
        at += len(run.text)
    return out or list(paragraph.runs)


def _text_document(text: str, spans: list[tuple[int, int]]):
    """A DOCX of a text draft, one paragraph a line, each passage in a run of its own."""
    import docx

    document = docx.Document()
    cuts = sorted({x for s, e in spans for x in (s, e)})
    at = 0
    for line in text.split("\n"):
        paragraph = document.add_paragraph()
        inner = [c - at for c in cuts if at < c < at + len(line)]
        for a, b in zip([0, *inner], [*inner, len(line)]):
            if b > a:
                paragraph.add_run(line[a:b])
        at += len(line) + 1
    return document


def lines(report: CheckReport) -> list[str]:
    """The findings as lines, the most serious first (the CLI's and MCP's text)."""
    out = []
    for v in report.problems():
        if isinstance(v, QuoteVerdict):
            out.append(f"[{v.status}] “{v.quote.text[:60]}” — {message(v)}")
        else:
            out.append(f"[{v.status}] {v.ref.text} — {message(v)}")
    return out
