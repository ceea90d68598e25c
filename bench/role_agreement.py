"""Agreement of clause roles (条款性质, kb.policy.roles) with a gold read by hand (bench/role_gold/roles.tsv).

    python -m bench.role_agreement [--corpus corpus] [--verbose]

Each gold row names a file of the corpus, the role a reader gave the clause, and the clause's
text. The file is read and cut into clauses as ingest does (no index, no encoder), the clause
with that text is found, and its role compared. Prints the agreement per file and overall, and
each disagreement.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from ingest.pipeline import build_document
from kb.text import body_of, normalize

GOLD = Path(__file__).parent / "role_gold" / "roles.tsv"


def read_gold(path: Path = GOLD) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            file, role, titles, text = line.split("\t")
            rows.append({"file": file, "role": role, "titles": titles, "text": text})
    return rows


def roles_of(path: Path) -> dict[str, str]:
    """Each clause's role by its normalised text, as ingest decides it."""
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    _, clauses, _ = build_document(path, path.parent, sha)
    # a task's first clause prints its title (13.推动…对接。针对…): the gold has the clause's own words
    return {normalize(t): c.role for c in clauses for t in {c.text, body_of(c)}}


def agreement(corpus: Path, gold: list[dict]) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """(agreed, total) per file, and a line per disagreement."""
    by_file: dict[str, tuple[int, int]] = {}
    misses = []
    cache: dict[str, dict[str, str]] = {}
    for g in gold:
        roles = cache.setdefault(g["file"], roles_of(corpus / g["file"]))
        got = roles.get(normalize(g["text"]), "(not a clause)")
        a, n = by_file.get(g["file"], (0, 0))
        by_file[g["file"]] = (a + (got == g["role"]), n + 1)
        if got != g["role"]:
            misses.append(f"  {g['file'][:12]} gold {g['role']:9} tool {got:9} {g['text'][:50]}")
    return by_file, misses


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--verbose", action="store_true", help="list every disagreement")
    args = ap.parse_args(argv)
    by_file, misses = agreement(Path(args.corpus), read_gold())
    for f, (a, n) in by_file.items():
        print(f"{f}: {a}/{n}")
    agreed, total = sum(a for a, _ in by_file.values()), sum(n for _, n in by_file.values())
    if args.verbose:
        print("\n".join(misses))
    print(f"roles: {agreed}/{total} = {agreed / total:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
