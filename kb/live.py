"""An index that follows the folder: a reader picks up a newly committed generation by itself."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from . import index as kbindex
from .errors import KBError
from .search import Searcher

LOAD_ATTEMPTS = 3


def load_consistent(path: str | Path) -> kbindex.Index:
    """Load the index, retrying when a writer commits (and cleans up) while we read.

    Raises:
        KBError: the index is missing or damaged (not merely replaced under us).
    """
    for attempt in range(LOAD_ATTEMPTS):
        before = current_generation(path)
        try:
            return kbindex.load(path)
        except KBError:
            if attempt == LOAD_ATTEMPTS - 1 or current_generation(path) == before:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


def current_generation(path: str | Path) -> int | None:
    """The committed generation, from the manifest alone (cheap: read on every query)."""
    try:
        return int(json.loads((Path(path) / kbindex.MANIFEST).read_text(encoding="utf-8"))["generation"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class LiveIndex:
    """Holds the loaded index and its searcher; reloads when the manifest's generation changes.

    The encoder (the model) is carried over across reloads when it is the same, so a reload
    costs the file loads, not a model load.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None

    @property
    def index(self) -> kbindex.Index:
        return self.searcher.index

    @property
    def searcher(self) -> Searcher:
        gen = current_generation(self.path)
        with self._lock:
            if self._searcher is None or gen is None or self._searcher.index.generation != gen:
                fresh = load_consistent(self.path)
                old = self._searcher.index if self._searcher else None
                if old is not None and old._encoder is not None and old.encoder_info == fresh.encoder_info:
                    fresh._encoder = old._encoder
                self._searcher = Searcher(fresh)
            return self._searcher
