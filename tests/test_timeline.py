"""Deadline rows and cross-references between levels of government."""

import datetime as dt

import numpy as np

from kb.compare.crossref import CrossRef
from kb.compare.similarity import pair_scores
from kb.model import Clause, Deadline


def clause(text: str, doc_id: str = "d.txt") -> Clause:
    return Clause(
        "x-0001",
        doc_id,
        "t",
        "",
        "",
        "",
        "",
        (),
        "",
        text,
        0,
        0,
        0,
        len(text),
        deadlines=(Deadline("2025年底前", 0, 7, dt.date(2025, 12, 31), "by"),),
    )


def test_lower_level_later_than_higher_is_flagged():
    city, province = clause("甲", "city.txt"), clause("乙", "prov.txt")
    late = CrossRef(city, province, 0.9, dt.date(2026, 12, 31), dt.date(2025, 12, 31), a_level=2, b_level=1)
    assert late.lower_is_later and late.days == 365
    early = CrossRef(province, city, 0.9, dt.date(2025, 12, 31), dt.date(2024, 12, 31), a_level=1, b_level=2)
    assert not early.lower_is_later and early.days == 365
    same_level = CrossRef(city, province, 0.9, dt.date(2026, 12, 31), dt.date(2025, 12, 31), a_level=0, b_level=0)
    assert not same_level.lower_is_later


def test_pair_scores_reward_shared_wording_not_shared_numbers():
    texts = [
        "2025年底前，涉危涉重企业和化工园区环境应急预案备案率达到100%。",
        "2025年底前,涉危涉重企业和化工园区环境应急预案备案率达到90%。",
        "2025年底前，秸秆综合利用率达到90%以上。",
    ]
    vectors = np.eye(3, dtype=np.float32)  # dense part neutral: orthogonal
    scores = pair_scores(texts, vectors)
    assert scores[0, 1] == 0.5  # same Chinese bigrams, numbers and punctuation ignored
    assert scores[0, 2] < 0.15


def test_the_deadline_sheet_colours_each_status_as_the_legend_does(fake_index):
    import io

    from openpyxl import load_workbook

    from kb.reports import deadline_report
    from kb.reports.timeline_chart import STATUS_COLOURS
    from kb.store import folder
    from kb.tracking.timeline import deadline_rows

    rows = deadline_rows(folder.load(fake_index), as_of=dt.date(2024, 1, 1))
    ws = load_workbook(io.BytesIO(deadline_report.to_xlsx(rows))).active
    col = [c.value for c in ws[1]].index("状态") + 1
    for n, r in enumerate(rows, 2):
        assert ws.cell(n, col).fill.fgColor.rgb.endswith(STATUS_COLOURS[r.status].lstrip("#").upper())
