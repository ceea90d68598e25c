"""Files → documents and clauses → the index, incrementally.

An unchanged file (same name, same bytes) is not read again: its clauses and vectors are kept
as they are. A changed file replaces its old clauses; ``remove`` drops documents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kb import store as stores
from kb.encoders import Encoder, get_encoder
from kb.errors import KBError, NotFound, ReadError
from kb.model import Clause, Document
from kb.office import audit
from kb.policy.scope import LEVEL_BY_NAME
from kb.policy.validity import parse_period, repealed_names
from kb.store.base import Change
from kb.store.common import SOURCES, checkpoint, writer_lock
from kb.text import quoted_terms, retrieval_text

from .clauses import make_clauses
from .edit import drop_catalog_row
from .metadata import catalog_entry, find_catalog, issuer_level, merge, parse_metadata
from .read import SUPPORTED, RawDoc, read_file
from .segment import segment

SKIP_NAMES = {"readme.md", "catalog.tsv"}
Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    """What an ingest did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    clauses: int = 0
    new_clauses: int = 0  # clauses of the files added or updated
    written: bool = False


def collect_files(paths: list[str | Path]) -> tuple[list[tuple[Path, Path]], list[tuple[str, str]]]:
    """(file, root) pairs for every supported file under ``paths``; (path, reason) for the rest."""
    found, bad = [], []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (
                    not f.is_file()
                    or f.name.lower() in SKIP_NAMES
                    or any(x.startswith(".") for x in f.relative_to(p).parts)
                ):
                    continue
                if f.suffix.lower() in SUPPORTED:
                    found.append((f, p))
                else:
                    bad.append((str(f), f"unsupported file type {f.suffix or '(none)'}; use {', '.join(SUPPORTED)}"))
        elif p.is_file():
            found.append((p, p.parent))
        else:
            bad.append((str(p), "no such file or folder"))
    return found, bad


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def build_document(
    path: Path, root: Path, sha: str, progress: Progress | None = None, raw: RawDoc | None = None
) -> tuple[Document, list[Clause], set[str]]:
    """Read, describe and segment one file (``raw``: its text already read, e.g. by an upload's trial read).

    Returns:
        (document, its clauses, terms it puts in quotation marks).

    Raises:
        ReadError: the file cannot be read, or has no clause.
    """
    raw = raw or read_file(path, progress=progress)
    meta = merge(parse_metadata(raw.text), catalog_entry(path, find_catalog(path, root)))
    title = meta.title or path.stem
    pieces = segment(raw.text, skip=[(r.start, r.end) for r in raw.table_rows])
    if not pieces and not raw.table_rows:
        raise ReadError(str(path), "no text to index (no sentence found)")
    clauses = make_clauses(raw, pieces, sha, path.name, title, meta.doc_number, meta.issuer, meta.date)
    doc = Document(
        doc_id=path.name,
        path=str(path.resolve()),
        sha256=sha,
        format=raw.format,
        encoding=raw.encoding,
        title=title,
        issuer=meta.issuer,
        doc_number=meta.doc_number,
        date=meta.date,
        level=LEVEL_BY_NAME.get(meta.level, issuer_level(meta.issuer)),
        pages=len(raw.page_starts) if raw.page_starts else None,
        n_clauses=len(clauses),
        **_period_fields(title, raw.text, meta),
        repeals=repealed_names(raw.text),
    )
    return doc, clauses, quoted_terms(raw.text)


def _period_fields(title: str, text: str, meta) -> dict[str, str]:
    """The document's period: the catalog's where it gives one, else parsed (kb.policy.validity)."""
    if meta.period_start or meta.period_end:
        return {"period_start": meta.period_start, "period_end": meta.period_end, "period_basis": "目录（catalog.tsv）"}
    p = parse_period(title, text, meta.date)
    return {"period_start": p.start, "period_end": p.end, "period_basis": p.basis}


def ingest(
    paths: list[str | Path],
    index_dir: str | Path,
    encoder_spec: str | None = None,
    remove: list[str] = (),
    rebuild: bool = False,
    prune: bool = False,
    progress: Progress | None = None,
    encoder: Encoder | None = None,
    user: str | None = None,
    store: str | None = None,
    preread: dict[str, RawDoc] | None = None,
    via: str = "",
) -> IngestReport:
    """Ingest files and folders into ``index_dir``, incrementally and atomically.

    Args:
        paths: files and folders (folders are walked recursively).
        index_dir: the index folder (created if missing).
        encoder_spec: encoder for a new index (default ``e5``); must match an existing index.
        remove: document ids to drop.
        rebuild: ignore the existing index and build anew.
        prune: drop documents whose file was under one of the given folders and is gone.
        progress: called as ``progress(stage, done, total)``.
        encoder: an already-built encoder (tests, the app), instead of ``encoder_spec``.
        user: who makes the change, for the audit log (default: the command line's OS account).
        store: where the clauses live (``kb.store``): None → ``KB_STORE``, else what ``index_dir``
            records, else the folder itself; "files" the folder; ``milvus:URI`` Milvus.
        preread: files already read, by SHA-256 (an upload's trial read: OCR is costly).
        via: the channel the change came through, for the audit log (``api``; empty for the app and CLI).

    Returns:
        What was added, updated, kept, removed and skipped (with the reason).
    """
    report = IngestReport()
    with writer_lock(index_dir):
        old = None if rebuild or not stores.exists(index_dir, store) else stores.open_store(index_dir, store)
        enc = _choose_encoder(old, encoder_spec, encoder, index_dir, store)
        files, report.skipped = collect_files(paths)
        docs = dict(old.docs) if old else {}
        missing = [d for d in remove if d not in docs]
        if missing:
            raise NotFound(
                f"no document {missing[0]!r} in the index; list them with: python -m kb docs (with the same --index)"
            )
        new_docs, new_clauses, terms = _read_changed(files, docs, report, progress, preread or {})
        report.removed = sorted(set(remove) | (_gone(docs, files, paths) if prune else set()))
        if not (new_docs or report.removed) and old is not None and not old.needs_repair:
            report.clauses = sum(d.n_clauses for d in docs.values())
            return report
        dropped = set(report.removed) | set(new_docs)
        all_docs = {k: v for k, v in docs.items() if k not in dropped} | new_docs
        change = Change(
            docs=all_docs,
            clauses=new_clauses,
            vectors=_encode(enc, new_clauses, progress),
            written=set(new_docs),
            removed=set(report.removed),
            terms=sorted((set(old.tokenizer.terms) if old else set()) | terms),
            encoder=enc.info,
        )
        stores.apply(index_dir, store, old, change)
        report.clauses, report.written = sum(d.n_clauses for d in all_docs.values()), True
        report.new_clauses = len(new_clauses)
        audit.record_report(index_dir, user or audit.cli_user(), report, docs, all_docs, via)
        _remove_uploaded_sources(index_dir, [docs[d] for d in report.removed if d in docs])
    return report


def _remove_uploaded_sources(index_dir: str | Path, removed: list[Document]) -> None:
    """Delete the stored copies of removed uploads (files under ``index/sources``); a corpus file stays."""
    sources = (Path(index_dir) / SOURCES).resolve()
    for doc in removed:
        path = Path(doc.path)
        if path.is_relative_to(sources):
            path.unlink(missing_ok=True)
            drop_catalog_row(path)  # its corrections go with it


def _read_changed(
    files, docs: dict[str, Document], report: IngestReport, progress: Progress | None, preread: dict[str, RawDoc]
):
    """Read the files that are new or changed; note the unchanged and the unreadable in ``report``.

    Returns:
        (new documents by id, their clauses, the terms they put in quotation marks).
    """
    new_docs, new_clauses, terms = {}, [], set()
    for n, (path, root) in enumerate(files):
        if progress:
            progress("read", n, len(files))
        sha = sha256_file(path)
        doc_id = path.name
        if doc_id in new_docs:
            report.skipped.append((str(path), f"same file name as {new_docs[doc_id].path}; rename one"))
            continue
        if doc_id in docs and docs[doc_id].sha256 == sha:
            report.unchanged.append(str(path))
            continue
        try:
            doc, clauses, doc_terms = build_document(path, root, sha, progress, preread.get(sha))
        except ReadError as exc:
            report.skipped.append((str(path), exc.reason))
            continue
        (report.updated if doc_id in docs else report.added).append(str(path))
        new_docs[doc_id] = doc
        new_clauses += clauses
        terms |= doc_terms
    return new_docs, new_clauses, terms


def _choose_encoder(old, spec: str | None, encoder: Encoder | None, index_dir, store: str | None) -> Encoder:
    if encoder is not None:
        chosen = encoder
    elif old is not None and spec is None:
        chosen = old.encoder
    else:
        chosen = get_encoder(spec)
    if old is not None and chosen.info != old.encoder_info:
        raise KBError(
            f"the index at {stores.label(index_dir, store)} was built with encoder {old.encoder_info.spec}, "
            f"not {chosen.info.spec}; "
            f"rebuild it with: {stores.rebuild_hint(index_dir, store)} --encoder {chosen.info.spec}"
        )
    return chosen


def _gone(docs: dict[str, Document], files: list[tuple[Path, Path]], paths) -> set[str]:
    """Documents whose file lay under one of ``paths`` (folders) and is no longer there."""
    roots = [Path(p).resolve() for p in paths if Path(p).is_dir()]
    present = {str(f.resolve()) for f, _ in files}
    return {
        d.doc_id
        for d in docs.values()
        if d.path not in present and any(Path(d.path).is_relative_to(r) for r in roots) and not Path(d.path).exists()
    }


def _encode(enc: Encoder, clauses: list[Clause], progress: Progress | None, batch: int = 64) -> np.ndarray:
    texts = [retrieval_text(c) for c in clauses]
    out = []
    for start in range(0, len(texts), batch):
        if progress:
            progress("encode", start, len(texts))
        out.append(enc.passages(texts[start : start + batch], batch_size=batch))
        checkpoint("encode")
    if progress and texts:
        progress("encode", len(texts), len(texts))
    return np.concatenate(out) if out else np.zeros((0, enc.info.dim), np.float32)
