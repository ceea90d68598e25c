"""An index that follows its store: a reader picks up a newly committed generation by itself."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

from kb import store as stores
from kb.errors import KBError
from kb.search.searcher import Searcher
from kb.store.base import Store

LOAD_ATTEMPTS = 3


def load_consistent(path: str | Path, store: str | None = None) -> Store:
    """Open the store, retrying when a writer commits (and cleans up) while we read.

    Raises:
        KBError: the index is missing or damaged (not merely replaced under us).
    """
    for attempt in range(LOAD_ATTEMPTS):
        before = stores.generation(path, store)
        try:
            return stores.open_store(path, store)
        except KBError:
            if attempt == LOAD_ATTEMPTS - 1 or stores.generation(path, store) == before:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


class LiveIndex:
    """Holds the loaded index and its searcher; reloads when the manifest's generation changes.

    The encoder (the model) is carried over across reloads when it is the same, so a reload
    costs the file loads, not a model load.
    """

    def __init__(self, path: str | Path, store: str | None = None, home: str | None = None):
        self.path = Path(path)
        self.store = store
        self.home = home
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None

    @property
    def index(self) -> Store:
        return self.searcher.index

    @property
    def searcher(self) -> Searcher:
        gen = stores.generation(self.path, self.store)
        with self._lock:
            if self._searcher is None or gen is None or self._searcher.index.generation != gen:
                fresh = load_consistent(self.path, self.store)
                old = self._searcher.index if self._searcher else None
                if old is not None and old._encoder is not None and old.encoder_info == fresh.encoder_info:
                    fresh._encoder = old._encoder
                self._searcher = Searcher(fresh, home=self.home)
            return self._searcher


_SHARED: dict[tuple[str, str | None, str | None], LiveIndex] = {}
_SHARED_LOCK = threading.Lock()


def shared(path: str | Path, store: str | None = None, home: str | None = None) -> LiveIndex:
    """The process's one LiveIndex for a folder, store and home (what ``warm`` loads ahead)."""
    key = (str(Path(path).resolve()), store, home)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = LiveIndex(path, store, home)
        return _SHARED[key]


def warm(path: str | Path, store: str | None = None, home: str | None = None) -> threading.Thread:
    """Load the index and the model in the background as a server starts, so that its first page
    does not wait for them (a missing or damaged index is left for the page to report)."""

    def load() -> None:
        with contextlib.suppress(KBError, OSError):
            _ = shared(path, store, home).searcher.index.encoder

    thread = threading.Thread(target=load, name="kb-warm", daemon=True)
    thread.start()
    return thread
