"""Clause roles and commitments per document, and per chapter of one document (README, "What a clause commits to").

    python -m bench.commitment_counts --index I [--doc fuxin]

Per document (one file per family): clauses by role, commitments (kb.policy.commitments) with a
written date and due at the period's end, and the clauses that hold one (the 台账's items). Per
chapter of ``--doc``: the same, so a reader can check them against the plan's outline.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from kb.policy.commitments import document_commitments
from kb.policy.roles import ROLES
from kb.search.families import Families
from kb.store import open_store


def counts(clauses, doc) -> dict:
    roles = Counter(c.role for c in clauses)
    ks = document_commitments(doc, clauses)
    return {
        "clauses": len(clauses),
        **{ROLES[r]: roles.get(r, 0) for r in ROLES},
        "commitments": len(ks),
        "dated": sum(k.due_basis == "text" for k in ks),
        "period_end": sum(k.due_basis == "period" for k in ks),
        "items": len({k.clause.clause_id for k in ks}),
    }


def table(rows: list[tuple[str, dict]]) -> str:
    head = list(rows[0][1])
    out = ["| | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    out += [f"| {name} | " + " | ".join(str(v) for v in c.values()) + " |" for name, c in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default="index")
    ap.add_argument("--doc", default="fuxin", help="a document id or prefix for the per-chapter table")
    args = ap.parse_args(argv)
    index = open_store(args.index)
    primaries = sorted(set(Families(index.docs, index.clauses_of).primary.values()))
    print(table([(index.docs[d].title, counts(index.clauses_of(d), index.docs[d])) for d in primaries]))
    doc = next(d for d in primaries if d.startswith(args.doc))
    clauses = index.clauses_of(doc)
    chapters: dict[str, list] = {}
    for c in clauses:
        chapters.setdefault(c.section_titles[0] if c.section_titles else "（前言）", []).append(c)
    print()
    print(table([(name[:16], counts(cs, index.docs[doc])) for name, cs in chapters.items()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
