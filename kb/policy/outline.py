"""A document's outline: the markers a clause's ``section`` is made of, and the headings tree.

A section is its markers run together, outermost first, in the form citations use: ``三、（一）1.``,
``第三章第十八条第二款``, ``第二章第十一条第（一）项``. ``markers`` takes them apart again;
``outline`` builds the headings tree of a document's clauses, with how many clauses each holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.model import Clause

CN = "一二三四五六七八九十百零〇"
MARKER_RE = re.compile(rf"第[{CN}]+[编章节条款]|第（[{CN}]+）项|[{CN}]+、|（[{CN}]+）|\d+\.|（\d+）|[①-⑳]")


def markers(section: str) -> list[str]:
    """``三、（一）1.`` → [三、, （一）, 1.]; what is not a marker stays with the one before it."""
    out: list[str] = []
    pos = 0
    for m in MARKER_RE.finditer(section):
        if m.start() > pos and out:
            out[-1] += section[pos : m.start()]
        out.append(m.group(0))
        pos = m.end()
    if pos < len(section):
        if out:
            out[-1] += section[pos:]
        else:
            out.append(section[pos:])
    return out


@dataclass
class Heading:
    """One node of the outline: its section (the markers so far), its title, the clauses at or
    under it, and the headings below it, in document order."""

    section: str
    title: str
    clauses: int = 0
    children: list[Heading] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "section": self.section,
            "title": self.title,
            "clauses": self.clauses,
            "children": [c.to_dict() for c in self.children],
        }


def outline(clauses: list[Clause]) -> list[Heading]:
    """The headings tree of one document's clauses (in document order); clauses before the first
    heading are counted under a node of section "" (正文前部)."""
    roots: list[Heading] = []
    nodes: dict[str, Heading] = {}
    for c in clauses:
        path = markers(c.section)
        if not path:
            node = nodes.get("")
            if node is None:
                node = nodes[""] = Heading("", "正文前部")
                roots.append(node)
            node.clauses += 1
            continue
        parent: Heading | None = None
        for depth in range(len(path)):
            key = "".join(path[: depth + 1])
            node = nodes.get(key)
            if node is None:
                title = c.section_titles[depth] if depth < len(c.section_titles) else ""
                node = nodes[key] = Heading(key, title)
                (parent.children if parent else roots).append(node)
            node.clauses += 1
            parent = node
    return roots


def in_section(clause: Clause, section: str) -> bool:
    """Whether a clause lies at or under ``section`` (marker by marker: 1. is not under 10.)."""
    mine, asked = markers(clause.section), markers(section)
    return bool(asked) and mine[: len(asked)] == asked
