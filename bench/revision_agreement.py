"""修订对照 against the edits made by hand (bench/revision_edits.py): precision and recall of the edits found.

    python -m bench.revision_agreement [--index I]

Each gold edit is found when the row holding its fragment has its kind (and, for a modified row,
the change named: target, date, strength, wording, split). Precision: of the rows the comparison
reports as changed, the share that are gold edits.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.revision_edits import OUT

PAIRS = {"fuxin": ("fuxin_v1.txt", "fuxin_v2.txt"), "synergy": ("synergy_v1.txt", "synergy_v2.txt")}


def read_gold(path: Path = OUT / "gold.tsv") -> list[tuple[str, str, str, str]]:
    return [
        tuple(line.split("\t"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]


def flat(text: str) -> str:
    from kb.verify.library import compared

    return compared(text)


def evaluate(revisions: dict, gold) -> tuple[float, float, list[str]]:
    """(precision, recall, misses) of the revisions ({doc: Revision}) against the gold edits."""
    found, misses, matched_rows = 0, [], set()
    for doc, kind, change, fragment in gold:
        rev = revisions[doc]
        key = flat(fragment)
        side = "old_text" if kind == "deleted" else "new_text"
        row = next((r for r in rev.rows if key and key in flat(getattr(r, side))), None)
        if row is None:
            misses.append(f"  {doc} {kind} not found: {fragment[:30]}")
            continue
        matched_rows.add(id(row))
        ok = row.kind == kind
        if ok and kind == "modified" and change in ("target", "date", "strength"):
            ok = any(ch["what"] == change for ch in row.changes)
        if ok and change == "split":
            ok = len(row.new) != len(row.old)
        if ok:
            found += 1
        else:
            misses.append(f"  {doc} {kind}/{change}: got {row.kind} {[c['what'] for c in row.changes]} {fragment[:30]}")
    reported = [r for rev in revisions.values() for r in rev.rows if r.kind != "same"]
    extra = [r for r in reported if id(r) not in matched_rows]
    for r in extra:
        misses.append(f"  extra {r.kind}: {(r.new_text or r.old_text)[:40]}")
    precision = (len(reported) - len(extra)) / len(reported) if reported else 1.0
    return precision, found / len(gold), misses


def revisions_of(read) -> dict:
    """The comparison of each pair, ``read(path)`` giving (Document, clauses)."""
    from kb.compare.revisions import compare

    out = {}
    for doc, (a, b) in PAIRS.items():
        (da, ca), (db, cb) = read(OUT / a), read(OUT / b)
        out[doc] = compare(da, ca, db, cb)
    return out


def main(argv: list[str] | None = None) -> int:
    from ingest.parse import parse

    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    precision, recall, misses = evaluate(revisions_of(parse), read_gold())
    print("\n".join(misses))
    print(f"edits: {len(read_gold())}; precision {precision:.3f}, recall {recall:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def bench() -> dict:
    """Seconds to compare the Fuxin plan (541 clauses) with its edited draft, each read first (``make bench``)."""
    import time

    from ingest.parse import parse
    from kb.compare.revisions import compare

    start = time.perf_counter()
    (da, ca), (db, cb) = parse(OUT / "fuxin_v1.txt"), parse(OUT / "fuxin_v2.txt")
    read = time.perf_counter() - start
    start = time.perf_counter()
    rev = compare(da, ca, db, cb)
    return {"clauses": len(ca), "read_s": read, "compare_s": time.perf_counter() - start, "counts": rev.counts()}
