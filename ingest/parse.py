"""A file read and cut into clauses without being indexed: ``python -m ingest.parse FILE`` prints
``{"doc": {...}, "clauses": [...]}`` (no vectors). ``kb diff`` compares a draft this way; the core
reads nothing itself, so its command line runs this in a child process."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from kb.cli import run
from kb.errors import KBError
from kb.model import Clause, Document

from .pipeline import build_document
from .read import SUPPORTED


def parse(path: str | Path) -> tuple[Document, list[Clause]]:
    """The document and clauses of ``path``, as ingest would make them.

    Raises:
        KBError: no such file, or a kind ingest does not read.
    """
    p = Path(path)
    if not p.is_file():
        raise KBError(f"no file {path}; give a plan's file (.txt, .docx, .pdf …) or a document id")
    if p.suffix.lower() not in SUPPORTED:
        raise KBError(f"cannot read {p.suffix or 'a file without a suffix'}; use {', '.join(SUPPORTED)}")
    sha = hashlib.sha256(p.read_bytes()).hexdigest()
    doc, clauses, _ = build_document(p, p.parent, sha)
    return doc, clauses


def main(argv: list[str]) -> int:
    doc, clauses = parse(argv[0])
    print(json.dumps({"doc": doc.to_dict(), "clauses": [c.to_dict() for c in clauses]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(run(main, sys.argv[1:]))
