"""Files added through the app: safe names, stored beside the index, ingested like any other."""

from __future__ import annotations

import hashlib
import re
import tempfile
import unicodedata
from pathlib import Path

from kb.errors import KBError, ReadError
from kb.office.db import private

from .pipeline import SOURCES, ingest
from .read import SUPPORTED, read_file

MAX_NAME = 120
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
    return f"{stem[: MAX_NAME - len(ext) - 1]}.{ext.lower()}"


def add_uploads(
    index_dir: str | Path, files: list[tuple[str, bytes]], progress=None, user: str | None = None, via: str = ""
):
    """Check, store and ingest uploaded files with the index's own encoder.

    A file is read once in a scratch folder first: one that cannot be read is refused with
    its reason and never replaces a stored file of the same name.

    Returns:
        (IngestReport or None, [(name, reason)] for the files refused).
    """
    folder = Path(index_dir) / SOURCES
    folder.mkdir(parents=True, exist_ok=True)
    private(folder)
    accepted, refused, preread = [], [], {}
    with tempfile.TemporaryDirectory(dir=folder, prefix=".upload-") as scratch:
        for name, data in files:
            try:
                safe = safe_filename(name)
                trial = Path(scratch) / safe
                trial.write_bytes(data)
                preread[hashlib.sha256(data).hexdigest()] = read_file(trial, progress=progress)
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
    return report, refused
