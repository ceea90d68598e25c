"""Agreement of 对标对表 with a gold read by hand (bench/align_gold/*.tsv).

    python -m bench.align_agreement --index I                 # both golds, today's tool
    python -m bench.align_agreement --rows ROWS.json GOLD.tsv # a saved `kb align --json` output

A gold row agrees when the tool's row for that commitment (the first whose commitment, or for
output without commitments its upper clause, holds the gold's fragment) has the gold's status
and, where the gold names counterparts, one of them. Punctuation and spaces are ignored.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

GOLD_DIR = Path(__file__).parent / "align_gold"
GOLDS = {
    "fuxin_vs_sc_air.tsv": ("fuxin", "sc_air"),
    "fuxin_vs_liaoning.tsv": ("fuxin", "liaoning_14th"),
    "fuxin_vs_sc_carbon.tsv": ("fuxin", "sc_carbon"),
}
NOISE_RE = re.compile(r"[\s，,。；;：:、“”\"（）()]")


def _flat(text: str) -> str:
    return NOISE_RE.sub("", text.replace("○", "〇"))


def read_gold(path: Path) -> list[dict]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    head = lines[0].split("\t")
    return [dict(zip(head, line.split("\t"))) for line in lines[1:]]


def agreement(rows: list[dict], gold: list[dict]) -> tuple[int, list[str]]:
    """How many gold rows the tool's rows agree with, and a line for each disagreement."""
    agreed, misses = 0, []
    for g in gold:
        want = _flat(g["upper"])
        row = next((r for r in rows if want in _flat(r.get("commitment") or r["upper"]["text"])), None)
        if row is None:
            misses.append(f"  not a commitment: {g['upper']} (gold {g['status']})")
            continue
        lower = _flat(row["lower"]["text"]) if row.get("lower") else ""
        fragments = [_flat(f) for f in g["lower"].split("||") if f]
        ok_lower = not fragments or any(f in lower for f in fragments)
        if row["status"] == g["status"] and ok_lower:
            agreed += 1
        else:
            got = row["lower"]["text"][:30] if row.get("lower") else "—"
            misses.append(f"  {g['upper'][:28]}: gold {g['status']}, tool {row['status']} ({got})")
    return agreed, misses


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", help="an index of the whole corpus")
    ap.add_argument("--rows", help="a saved `python -m kb align --json` output (then name one gold)")
    ap.add_argument("gold", nargs="?", help="a gold file (default: both)")
    args = ap.parse_args(argv)
    if args.rows:
        data = json.loads(Path(args.rows).read_text(encoding="utf-8"))
        golds = {Path(args.gold).name: None}
        rows_of = {Path(args.gold).name: data["rows"] if isinstance(data, dict) else data}
    else:
        from kb.compare.align import Aligner
        from kb.store import open_store

        index = open_store(args.index or "index")
        aligner = Aligner(index)
        golds = {args.gold: None} if args.gold else dict.fromkeys(GOLDS)
        rows_of = {
            name: [r.to_dict() for r in aligner.align(*GOLDS[Path(name).name][:1], [GOLDS[Path(name).name][1]])]
            for name in golds
        }
    for name in golds:
        path = Path(name) if Path(name).exists() else GOLD_DIR / name
        gold = read_gold(path)
        agreed, misses = agreement(rows_of[name], gold)
        print(f"{path.name}: {agreed}/{len(gold)} agree")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
