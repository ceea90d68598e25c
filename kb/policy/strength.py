"""How strongly a clause binds: the words that soften or harden a duty, on one scale each.

基本 → 全面, 鼓励 → 严禁, 逐步 → 全面, 力争 → 确保, 国Ⅲ → 国Ⅳ: a revision that swaps a word for a
higher one on its scale is stronger, for a lower one weaker (修订对照, kb.compare.revisions).
"""

from __future__ import annotations

import re

# Each scale, weakest first; a word's rank is its group's position.
SCALES = (
    (
        ("鼓励", "引导", "支持", "倡导"),
        ("推动", "推进", "促进"),
        ("要求", "应当"),
        ("严格", "必须", "确保"),
        ("禁止", "严禁", "不得"),
    ),
    (("逐步", "有序"), ("基本",), ("全面", "全部")),
    (("力争", "争取"), ("确保",)),
    (("探索", "试点"), ("推广",), ("全面推行", "全面实施")),
    (("合理", "适度", "有序"), ("严格",)),
)
EMISSION_STAGE_RE = re.compile(r"国([一二三四五六七ⅠⅡⅢⅣⅤⅥⅦ1-7]+)")
STAGES = {c: k for k, group in enumerate(("一Ⅰ1", "二Ⅱ2", "三Ⅲ3", "四Ⅳ4", "五Ⅴ5", "六Ⅵ6", "七Ⅶ7")) for c in group}


def strength_change(old: str, new: str) -> list[tuple[str, str, str]]:
    """(old word, new word, "stronger"|"weaker") for each scale where the revision drops words and
    puts others in (鼓励 → 推动, 基本 → 全面, 国Ⅲ → 国Ⅳ), judged by the highest rank of each side."""
    out = []
    for scale in SCALES:
        rank = {w: r for r, words in enumerate(scale) for w in words}
        was = {w for w in rank if w in old and w not in new}
        now = {w for w in rank if w in new and w not in old}
        if was and now:
            a, b = max(was, key=rank.get), max(now, key=rank.get)
            if rank[a] != rank[b]:
                out.append((a, b, "stronger" if rank[b] > rank[a] else "weaker"))
    a_stage, b_stage = _stages(old), _stages(new)
    if a_stage and b_stage and max(a_stage) != max(b_stage):
        (wa, ra), (wb, rb) = max(a_stage.items(), key=lambda x: x[1]), max(b_stage.items(), key=lambda x: x[1])
        out.append((wa, wb, "stronger" if rb > ra else "weaker"))
    return out


def _stages(text: str) -> dict[str, int]:
    return {m.group(0): STAGES[m.group(1)[0]] for m in EMISSION_STAGE_RE.finditer(text) if m.group(1)[0] in STAGES}
