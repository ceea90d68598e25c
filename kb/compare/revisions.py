"""修订对照: two versions of a plan compared clause by clause.

Clauses are paired in three passes: the same words (punctuation width, spaces and page layout
aside) anywhere in the other version; then a clause of one version that two consecutive clauses
of the other make up (a split or a merged sentence, one row with both texts); then, among what is
left, the most alike by character bigrams (Dice ≥ ``PAIR_MIN``), ties broken by the dense vectors
where the index has them and by nearness in the outline. What is left is added or deleted.

A pair whose words are the same is ``same``, or ``moved`` when it stands under another chapter
(a chapter renumbered keeps its name, so its clauses stay ``same``); a pair whose words differ is
``modified``, with each change: a target's value raised or lowered, a date earlier or
later, a duty stronger or weaker (kb.policy.strength), and the wording.

A table only one version holds as a table (a web page that flattened it into text) is layout,
not a change: its rows are left out of the comparison and counted (``tables_left_out``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

import numpy as np

from kb.model import Clause, Document, Target
from kb.policy.strength import strength_change
from kb.text import body_of, char_bigrams, dice
from kb.verify.library import compared

PAIR_MIN = 0.5  # bigram Dice for two clauses to be versions of one
SPLIT_MIN = 0.8  # Dice of a clause with two joined clauses of the other version
SPLIT_GAIN = 0.02  # and more than with either of the two alone
KINDS = ("same", "modified", "moved", "added", "deleted")
KIND_NAMES = {"same": "未修改", "modified": "修改", "moved": "移动", "added": "新增", "deleted": "删除"}


@dataclass
class Row:
    """One row of the 修订对照表: the old clause(s), the new clause(s), the kind and the changes."""

    kind: str
    old: list[Clause] = field(default_factory=list)
    new: list[Clause] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def old_text(self) -> str:
        return "".join(c.text for c in self.old)

    @property
    def new_text(self) -> str:
        return "".join(c.text for c in self.new)

    def side(self, clauses: list[Clause]) -> dict[str, Any] | None:
        if not clauses:
            return None
        return {
            "clause_id": clauses[0].clause_id,
            "section": clauses[0].section,
            "text": "".join(c.text for c in clauses),
            "targets": [t.to_dict() for c in clauses for t in c.targets],
            "deadlines": [d.to_dict() for c in clauses for d in c.deadlines],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "old": self.side(self.old),
            "new": self.side(self.new),
            "changes": self.changes,
            "note": note(self),
        }


@dataclass
class Revision:
    old_doc: Document
    new_doc: Document
    rows: list[Row]
    tables_left_out: int = 0  # table rows of the one version that holds its tables as tables

    def counts(self) -> dict[str, int]:
        return {**{k: sum(r.kind == k for r in self.rows) for k in KINDS}, "tables_left_out": self.tables_left_out}

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": _doc(self.old_doc),
            "new": _doc(self.new_doc),
            "rows": [r.to_dict() for r in self.rows],
            "counts": self.counts(),
        }


def _doc(d: Document) -> dict[str, Any]:
    return {k: getattr(d, k) for k in ("doc_id", "title", "doc_number", "issuer", "date")}


def compare(
    old_doc: Document,
    old: list[Clause],
    new_doc: Document,
    new: list[Clause],
    old_vectors: np.ndarray | None = None,
    new_vectors: np.ndarray | None = None,
) -> Revision:
    """The rows of the 修订对照表, in the order of the new version (deleted rows where they stood)."""
    left_out = 0
    if any(c.table_cells for c in old) != any(c.table_cells for c in new):  # one version's tables are flat text
        keep_old, keep_new = (
            [k for k, c in enumerate(old) if not c.table_cells],
            [k for k, c in enumerate(new) if not c.table_cells],
        )
        left_out = len(old) - len(keep_old) + len(new) - len(keep_new)
        old, new = [old[k] for k in keep_old], [new[k] for k in keep_new]
        old_vectors = old_vectors[keep_old] if old_vectors is not None else None
        new_vectors = new_vectors[keep_new] if new_vectors is not None else None
    old_flat, new_flat = [compared(body_of(c)) for c in old], [compared(body_of(c)) for c in new]
    pair: dict[int, int] = {}  # new index → old index
    by_text: dict[str, list[int]] = {}
    for i, t in enumerate(old_flat):
        by_text.setdefault(t, []).append(i)
    used: set[int] = set()
    for j, t in enumerate(new_flat):  # pass 1: the same words
        free = [i for i in by_text.get(t, []) if i not in used]
        if free:
            i = min(free, key=lambda i: abs(i / max(len(old), 1) - j / max(len(new), 1)))
            pair[j] = i
            used.add(i)
    splits: dict[int, list[int]] = {}  # new → two old (merged), or old → two new (split)
    merged_new: dict[int, list[int]] = {}
    for j in [j for j in range(len(new)) if j not in pair]:  # pass 3: a merge of two old clauses
        for i in [i for i in range(len(old) - 1) if i not in used and i + 1 not in used]:
            if _joined(new_flat[j], old_flat[i], old_flat[i + 1]):
                merged_new[j] = [i, i + 1]
                used.update((i, i + 1))
                break
    taken_new = set(pair) | set(merged_new)
    for i in [i for i in range(len(old)) if i not in used]:  # a split into two new clauses
        for j in [j for j in range(len(new) - 1) if j not in taken_new and j + 1 not in taken_new]:
            if _joined(old_flat[i], new_flat[j], new_flat[j + 1]):
                splits[j] = [i]
                taken_new.update((j, j + 1))
                used.add(i)
                break
    left_new = [j for j in range(len(new)) if j not in pair and j not in taken_new]
    left_old = [i for i in range(len(old)) if i not in used]
    grams_old = {i: set(char_bigrams(old_flat[i])) for i in left_old}
    scored = []
    for j in left_new:  # pass 2: the most alike
        g = set(char_bigrams(new_flat[j]))
        for i in left_old:
            h = grams_old[i]
            if not g or not h:
                continue
            d = 2 * len(g & h) / (len(g) + len(h))
            if d >= PAIR_MIN:
                dense = (
                    float(old_vectors[i] @ new_vectors[j]) if old_vectors is not None and new_vectors is not None else 0
                )
                near = -abs(i / max(len(old), 1) - j / max(len(new), 1))
                scored.append((d, dense, near, j, i))
    for _, _, _, j, i in sorted(scored, reverse=True):
        if j not in pair and i not in used:
            pair[j] = i
            used.add(i)
    rows: list[Row] = []
    old_rows: dict[int, Row] = {}
    skip = set()
    for j, c in enumerate(new):
        if j in skip:
            continue
        if j in pair:
            i = pair[j]
            row = _row([old[i]], [c])
            old_rows[i] = row
        elif j in merged_new:
            row = _row([old[i] for i in merged_new[j]], [c])
            for i in merged_new[j]:
                old_rows[i] = row
        elif j in splits:
            (i,) = splits[j]
            row = _row([old[i]], [c, new[j + 1]])
            skip.add(j + 1)
            old_rows[i] = row
        else:
            row = Row("added", [], [c], [{"what": "wording", "old": "", "new": c.text}])
        rows.append(row)
    out: list[Row] = []
    placed = set()
    pending_deleted = [i for i in range(len(old)) if i not in old_rows]
    for row in rows:  # a deleted clause stands before the row of the next old clause that survived
        first_old = min((old.index(c) for c in row.old), default=None)
        if first_old is not None:
            for i in [i for i in pending_deleted if i < first_old and i not in placed]:
                out.append(Row("deleted", [old[i]], [], [{"what": "wording", "old": old[i].text, "new": ""}]))
                placed.add(i)
        out.append(row)
    for i in [i for i in pending_deleted if i not in placed]:
        out.append(Row("deleted", [old[i]], [], [{"what": "wording", "old": old[i].text, "new": ""}]))
    return Revision(old_doc, new_doc, out, left_out)


def _joined(one: str, first: str, second: str) -> bool:
    """Whether ``one`` is ``first`` and ``second`` together (a split or a merged sentence): alike
    enough joined, and clearly more alike joined than to either part alone."""
    joined = dice(one, first + second)
    return joined >= SPLIT_MIN and joined > max(dice(one, first), dice(one, second)) + SPLIT_GAIN


def _chapter(clauses: list[Clause]) -> str:
    return compared(clauses[0].section_titles[0]) if clauses and clauses[0].section_titles else ""


def _row(old: list[Clause], new: list[Clause]) -> Row:
    a, b = "".join(body_of(c) for c in old), "".join(body_of(c) for c in new)  # a title or bracket moving is no edit
    if compared(a) == compared(b):
        if _chapter(old) != _chapter(new):
            where = {"what": "section", "old": old[0].section, "new": new[0].section}
            return Row("moved", old, new, [where])
        return Row("same", old, new, [])
    changes = _target_changes(old, new) + _date_changes(old, new)
    if not any(ch["what"] == "target" for ch in changes):
        changes += _figure_changes(a, b)
    for was, now, direction in strength_change(a, b):
        changes.append({"what": "strength", "old": was, "new": now, "direction": direction})
    changes.append({"what": "wording", "old": a, "new": b})
    if _chapter(old) != _chapter(new):
        changes.append({"what": "section", "old": old[0].section, "new": new[0].section})
    return Row("modified", old, new, changes)


def _target_changes(old: list[Clause], new: list[Clause]) -> list[dict[str, Any]]:
    from kb.compare.align import same_indicator

    out = []
    before = [t for c in old for t in c.targets]
    for t in (t for c in new for t in c.targets):
        was = next((u for u in before if same_indicator(u, t)), None)
        if was is None or (was.value == t.value and was.comparator == t.comparator):
            continue
        out.append(
            {
                "what": "target",
                "indicator": t.indicator,
                "old": _figure(was),
                "new": _figure(t),
                "direction": "raised" if t.value > was.value else "lowered",
                "stricter": _stricter(was, t),
            }
        )
    return out


FIGURE_RE = re.compile(r"\d+(?:\.\d+)?(?:%|个百分点|万吨|亿吨|吨|万千瓦|万辆|公顷|万亩|个|项|座|家|处)")


def _figure_changes(old: str, new: str) -> list[dict[str, Any]]:
    """A figure of the sentence changed where no target was read (…达到汽车新车销售量的50%左右 → 60%)."""
    a, b = FIGURE_RE.findall(old), FIGURE_RE.findall(new)
    if len(a) != len(b) or a == b:
        return []
    out = []
    for was, now in zip(a, b):
        if was != now and _unit(was) == _unit(now):
            x, y = float(_number(was)), float(_number(now))
            out.append(
                {
                    "what": "target",
                    "indicator": "",
                    "old": was,
                    "new": now,
                    "direction": "raised" if y > x else "lowered",
                }
            )
    return out


def _number(figure: str) -> str:
    return re.match(r"\d+(?:\.\d+)?", figure).group(0)


def _unit(figure: str) -> str:
    return figure[len(_number(figure)) :]


def _figure(t: Target) -> str:
    return f"{t.value:g}{t.unit}"


def _stricter(was: Target, now: Target) -> bool:
    """Whether the new value asks more: higher for most indicators, lower for one better lower
    (浓度, 排放…), higher for a cut (比2020年下降 x%)."""
    if now.comparator == "down" or was.comparator == "down":
        return now.value > was.value
    return now.value < was.value if now.lower_is_better else now.value > was.value


def _date_changes(old: list[Clause], new: list[Clause]) -> list[dict[str, Any]]:
    a = max((d.due for c in old for d in c.deadlines), default=None)
    b = max((d.due for c in new for d in c.deadlines), default=None)
    if a and b and a != b:
        return [{"what": "date", "old": _day(a), "new": _day(b), "direction": "later" if b > a else "earlier"}]
    return []


def _day(d: dt.date) -> str:
    return f"{d.year}年" if (d.month, d.day) == (12, 31) else d.isoformat()


def note(row: Row) -> str:
    """The 修改说明 written from the changes: "目标值由35%提高到50%；时限由2025年调整为2030年"."""
    if row.kind == "added":
        return "新增条款"
    if row.kind == "deleted":
        return "删除条款"
    if row.kind == "same":
        return ""
    parts = []
    for ch in row.changes:
        if ch["what"] == "target":
            verb = "提高到" if ch["direction"] == "raised" else "降低到"
            parts.append(f"{ch['indicator'] or ''}目标值由{ch['old']}{verb}{ch['new']}")
        elif ch["what"] == "date":
            parts.append(f"时限由{ch['old']}调整为{ch['new']}")
        elif ch["what"] == "strength":
            parts.append(f"“{ch['old']}”改为“{ch['new']}”（要求{'提高' if ch['direction'] == 'stronger' else '降低'}）")
        elif ch["what"] == "section":
            parts.append(f"位置由{ch['old'] or '正文'}移至{ch['new'] or '正文'}")
    if row.kind == "modified" and not any(ch["what"] in ("target", "date", "strength") for ch in row.changes):
        parts.append("文字修改" if len(row.old) == len(row.new) else ("拆分为两句" if len(row.new) > 1 else "两句合并"))
    return "；".join(parts)


def char_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The two texts as runs for a 对照表 cell: ("same"|"deleted"|"added", text), deletions before additions."""
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("same", old[i1:i2]))
            continue
        if i2 > i1:
            out.append(("deleted", old[i1:i2]))
        if j2 > j1:
            out.append(("added", new[j1:j2]))
    return out
