"""引文核验 against a draft read by hand: each gold passage's verdict, and precision and recall.

    python -m bench.check_agreement --index I [--draft tests/check_data/draft.txt --gold tests/check_data/gold.tsv]

A gold row names a fragment of the draft (where it stands finds the passage) and the verdict a
careful reader gives. Prints every disagreement, agreement, and precision and recall of
``differs`` and ``not_found`` (the verdicts that send an official back to the source).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRAFT, GOLD = ROOT / "tests" / "check_data" / "draft.txt", ROOT / "tests" / "check_data" / "gold.tsv"


def read_gold(path: Path = GOLD) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, fragment, status = line.split("\t")
            rows.append((kind, fragment, status))
    return rows


def judged(report, draft: str, kind: str, fragment: str) -> str:
    """The verdict on the passage that holds the draft's first ``fragment`` ("(none)" when none does)."""
    at = draft.find(fragment)
    if at < 0:
        return "(fragment not in draft)"
    span = (at, at + len(fragment))
    verdicts = report.quotes if kind == "quote" else report.references
    for v in verdicts:
        p = v.quote if kind == "quote" else v.ref
        if p.start < span[1] and span[0] < p.end + (1 if kind == "quote" else 0):
            return v.status
    return "(none)"


def scores(pairs: list[tuple[str, str]], status: str) -> tuple[float, float]:
    """Precision and recall of ``status`` over (gold, tool) pairs."""
    said = [g for g, t in pairs if t == status]
    meant = [t for g, t in pairs if g == status]
    hits = sum(g == status for g in said)
    return (hits / len(said) if said else 1.0), (sum(t == status for t in meant) / len(meant) if meant else 1.0)


def evaluate(report, draft: str, gold) -> tuple[list[tuple[str, str]], list[str]]:
    pairs, misses = [], []
    for kind, fragment, status in gold:
        got = judged(report, draft, kind, fragment)
        pairs.append((status, got))
        if got != status:
            misses.append(f"  {kind} {fragment[:24]}: gold {status}, tool {got}")
    return pairs, misses


def main(argv: list[str] | None = None) -> int:
    from kb import service
    from kb.store import open_store

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default="index")
    ap.add_argument("--draft", default=str(DRAFT))
    ap.add_argument("--gold", default=str(GOLD))
    args = ap.parse_args(argv)
    data = Path(args.draft).read_bytes()
    text, report = service.check_draft(open_store(args.index), Path(args.draft).name, data)
    pairs, misses = evaluate(report, text, read_gold(Path(args.gold)))
    print("\n".join(misses))
    print(f"agreement {sum(g == t for g, t in pairs)}/{len(pairs)}")
    for status in ("differs", "not_found"):
        p, r = scores(pairs, status)
        print(f"{status}: precision {p:.2f} recall {r:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def long_draft(index, pages: int = 30, chars_a_page: int = 1000) -> str:
    """A draft of ``pages`` pages built from the knowledge base: paragraphs that quote clauses word
    for word, with a figure changed, or not at all (invented), and cite their documents."""
    import random

    rng = random.Random(7)
    clauses = [c for d in sorted(index.docs) for c in index.clauses_of(d) if 20 <= len(c.text) <= 80]
    out, size = [], 0
    while size < pages * chars_a_page:
        c = rng.choice(clauses)
        text = c.text.rstrip("。；;")
        kind = rng.random()
        if kind < 0.2:
            text = "".join(str((int(ch) + 1) % 10) if ch.isdigit() else ch for ch in text)  # figures changed
        elif kind < 0.3:
            text = "全面建立覆盖城乡的智慧监管平台并实现数据实时共享" + text[-6:]  # mostly invented
        para = f"根据《{c.title}》，要“{text}”。各单位要结合实际抓好落实，确保按期完成，定期报送进展情况。"
        out.append(para)
        size += len(para)
    return "\n".join(out)


def bench(index_dir: str) -> dict:
    """Seconds to check a 30-page draft, the searcher and model warm (``make bench``)."""
    import time

    from kb import service
    from kb.store import open_store

    index = open_store(index_dir)
    draft = long_draft(index)
    searcher = service.searcher_for(index)
    service.check_draft(index, "warm.txt", "“到2025年，城市黑臭水体基本消除”".encode(), searcher=searcher)
    start = time.perf_counter()
    _, report = service.check_draft(index, "draft.txt", draft.encode(), searcher=searcher)
    seconds = time.perf_counter() - start
    counts = {}
    for q in report.quotes:
        counts[q.status] = counts.get(q.status, 0) + 1
    return {"chars": len(draft), "quotes": len(report.quotes), "seconds": seconds, "verdicts": counts}
