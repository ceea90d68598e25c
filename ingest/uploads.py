"""Files added through the app: safe names, stored beside the index, ingested like any other."""

from __future__ import annotations

import hashlib
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from kb.errors import KBError, ReadError
from kb.office.db import private

from .pipeline import SOURCES, IngestReport, ingest
from .read import SUPPORTED, read_file

MAX_NAME = 120
MAX_NAME_BYTES = 200
UNSAFE_RE = re.compile(r"[^\w\u3000-\u303f\uff00-\uffef.（）()《》“”\-]+")


def safe_filename(name: str) -> str:
    """A file name with no folder part, no control characters and a supported extension.

    ``../../etc/x.txt`` → ``x.txt``; ``C:\\\\docs\\\\规划.pdf`` → ``规划.pdf``.

    Raises:
        KBError: nothing usable is left, or the extension is not one we read.
    """
    base = re.split(r"[\\\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = UNSAFE_RE.sub("_", "".join(ch for ch in base if ch.isprintable())).strip("._ ")
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem or f".{ext.lower()}" not in SUPPORTED:
        raise KBError(f"cannot add {name!r}: use a {', '.join(SUPPORTED)} file")
    stem = stem[: MAX_NAME - len(ext) - 1]
    while len(stem.encode()) > MAX_NAME_BYTES:  # file systems count bytes: 255, and 3 a Chinese character
        stem = stem[:-1]
    return f"{stem}.{ext.lower()}"


def add_uploads(
    index_dir: str | Path,
    files: list[tuple[str, bytes]],
    progress=None,
    user: str | None = None,
    via: str = "",
    existing: Mapping[str, str] | None = None,
    replace: bool = False,
):
    """Check, store and ingest uploaded files with the index's own encoder.

    A file is read once in a scratch folder first: one that cannot be read is refused with
    its reason and never replaces a stored file of the same name. A file named as a document
    already in the knowledge base (``existing``: its id → SHA-256) replaces it only with
    ``replace`` (the app asks first: government files are often all called 附件1.pdf); two files
    of one batch with the same name are never both taken. A file identical to the stored one is
    reported unchanged without being read.

    Returns:
        (IngestReport or None, [(name, reason)] for the files refused).
    """
    existing = existing or {}
    folder = Path(index_dir) / SOURCES
    folder.mkdir(parents=True, exist_ok=True)
    private(folder)
    accepted, refused, preread, unchanged = [], [], {}, []
    with tempfile.TemporaryDirectory(dir=folder, prefix=".upload-") as scratch:
        taken = set()
        for n, (name, data) in enumerate(files):
            if progress:  # a stage from the first second: which file is being checked and read
                progress("check", n, len(files))
            try:
                safe = safe_filename(name)
                if safe in taken:
                    raise KBError("another file of this batch has the same name; rename one and add it again")
                taken.add(safe)
                sha = hashlib.sha256(data).hexdigest()
                if existing.get(safe) == sha:  # the same file again: nothing to read (a scan's OCR is costly)
                    unchanged.append(safe)
                    continue
                if safe in existing and not replace:
                    raise KBError(
                        "a document of this name is in the knowledge base; confirm the replacement, or rename"
                    )
                trial = Path(scratch) / safe
                trial.write_bytes(data)
                preread[sha] = read_file(trial, progress=progress)
            except ReadError as exc:
                refused.append((name, exc.reason))
                continue
            except KBError as exc:
                refused.append((name, str(exc)))
                continue
            trial.replace(folder / safe)
            private(folder / safe)
            accepted.append(folder / safe)
    report = ingest(accepted, index_dir, progress=progress, user=user, preread=preread, via=via) if accepted else None
    if unchanged:
        report = report or IngestReport()
        report.unchanged += unchanged
    return report, refused
