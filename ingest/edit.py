"""Correct a document's metadata (title, issuer, 文号, date, level) without re-encoding it.

The correction is written as the document's row in the ``catalog.tsv`` that governs its file
(created beside the file when there is none), so a later re-ingest keeps it; the store gets a
new generation with the same vectors and the clauses' document fields updated.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from kb import store as stores
from kb.errors import KBError, NotFound
from kb.office import audit
from kb.policy.scope import LEVEL_BY_NAME, LEVEL_NAMES
from kb.store.base import Change
from kb.store.common import writer_lock

from .metadata import CATALOG_FIELDS, CATALOG_NAME, find_catalog, issuer_level

EDITABLE = ("title", "issuer", "doc_number", "date", "level")


def _catalog_for(path: Path) -> tuple[Path, str]:
    """The catalog governing ``path`` (or a new one beside it) and the file's key in it."""
    catalog = find_catalog(path) or path.parent / CATALOG_NAME
    base = catalog.parent.resolve()
    key = path.resolve().relative_to(base).as_posix() if path.resolve().is_relative_to(base) else path.name
    return catalog, key


def write_catalog_row(path: Path, values: dict[str, str]) -> Path:
    """Set the catalog row of ``path`` (other rows and columns kept)."""
    catalog, key = _catalog_for(path)
    columns = ["file", *CATALOG_FIELDS]  # one column per field
    rows: list[dict] = []
    if catalog.exists():
        with open(catalog, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f, delimiter="\t")
            columns = list(dict.fromkeys([*(reader.fieldnames or []), *columns]))
            rows = list(reader)
    row = next((r for r in rows if (r.get("file") or "").strip() in (key, path.name)), None)
    if row is None:
        row = {"file": key}
        rows.append(row)
    row.update({k: v for k, v in values.items() if k in columns})
    with open(catalog, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, delimiter="\t", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return catalog


def drop_catalog_row(path: Path) -> None:
    """Remove the catalog row of ``path`` (a removed upload's), other rows kept; a catalog left
    with no row is deleted."""
    catalog, key = _catalog_for(path)
    if not catalog.exists():
        return
    with open(catalog, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        columns = list(dict.fromkeys(reader.fieldnames or ["file", *CATALOG_FIELDS]))
        rows = [r for r in reader if (r.get("file") or "").strip() not in (key, path.name)]
    if not rows:
        catalog.unlink()
        return
    with open(catalog, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, delimiter="\t", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def edit_metadata(
    index_dir: str | Path,
    doc_id: str,
    changes: dict[str, str],
    user: str,
    store: str | None = None,
    via: str = "",
) -> None:
    """Apply ``changes`` (keys from ``EDITABLE``; level as 国家/省/市/县区) to one document; ``via``
    names the channel in the audit line (``api``; empty for the app).

    Raises:
        KBError: no such document, an unknown field or level, or a date not written YYYY-MM-DD.
    """
    import datetime as dt

    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise KBError(f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE)}")
    if changes.get("date"):
        try:
            dt.date.fromisoformat(changes["date"])
        except ValueError:
            raise KBError(f"cannot read the date {changes['date']!r}; write it as 2023-08-08") from None
    if changes.get("level") and changes["level"] not in LEVEL_BY_NAME:
        raise KBError(f"unknown level {changes['level']!r}; use {', '.join(LEVEL_NAMES[k] for k in range(4))}")
    with writer_lock(index_dir):
        ix = stores.open_store(index_dir, store)
        if doc_id not in ix.docs:
            raise NotFound(
                f"no document {doc_id!r} in the index; list them with: python -m kb docs (with the same --index)"
            )
        doc = ix.docs[doc_id]
        write_catalog_row(Path(doc.path), changes)
        fields = {k: v for k, v in changes.items() if k != "level"}
        issuer = fields.get("issuer", doc.issuer)
        level = LEVEL_BY_NAME[changes["level"]] if changes.get("level") else issuer_level(issuer)
        new_doc = dataclasses.replace(doc, **fields, level=level)
        clause_fields = {
            "title": new_doc.title,
            "issuer": new_doc.issuer,
            "doc_number": new_doc.doc_number,
            "doc_date": new_doc.date,
        }
        own = ix.clauses_of(doc_id)
        change = Change(
            docs={d: new_doc if d == doc_id else v for d, v in ix.docs.items()},
            clauses=[dataclasses.replace(c, **clause_fields) for c in own],
            vectors=ix.vectors_of(own),
            written={doc_id},
            removed=set(),
            terms=list(ix.tokenizer.terms),
            encoder=ix.encoder_info,
        )
        stores.apply(index_dir, store, ix, change)
        audit.append(index_dir, user, "edit", doc_id, doc.sha256, changes=changes, **audit.via_field(via))
