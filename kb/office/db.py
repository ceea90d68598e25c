"""The state database beside the index (``index/state.db``, SQLite): one schema, versioned.

Accounts, API tokens, each user's saved work, the commitments ledger and the 对标对表 marks keep
their rows here.
The file is separate from the index generations: writing it never touches what search reads.
A schema change is a new entry in ``MIGRATIONS``; an older database is brought up to date when
it is opened, so what users recorded survives an upgrade of the tool.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
from pathlib import Path

STATE_DB = "state.db"
# Version i+1 is MIGRATIONS[i] applied to version i (version 1 is the schema before versioning).
MIGRATIONS: list[str] = [
    """
    CREATE TABLE IF NOT EXISTS users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL, created TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS failures (name TEXT NOT NULL, at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS baskets (user TEXT NOT NULL, pos INTEGER NOT NULL, clause_id TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS recent (user TEXT NOT NULL, at TEXT NOT NULL, query TEXT NOT NULL);
    """,
    """
    CREATE TABLE IF NOT EXISTS tokens (
        id TEXT PRIMARY KEY, user TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created TEXT NOT NULL,
        last_used TEXT, revoked INTEGER NOT NULL DEFAULT 0);
    """,
    """
    CREATE TABLE IF NOT EXISTS sessions (
        hash TEXT PRIMARY KEY, user TEXT NOT NULL, created TEXT NOT NULL, last_seen TEXT NOT NULL);
    """,
    "ALTER TABLE failures ADD COLUMN source TEXT NOT NULL DEFAULT '';",
    "ALTER TABLE users ADD COLUMN units TEXT NOT NULL DEFAULT '[]';",
    """
    CREATE TABLE IF NOT EXISTS ledger (
        item_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, anchor TEXT NOT NULL, clause_id TEXT NOT NULL,
        text TEXT NOT NULL, record TEXT NOT NULL, flags TEXT NOT NULL DEFAULT '[]', updated TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS ledger_doc ON ledger (doc_id);
    CREATE TABLE IF NOT EXISTS ledger_history (
        item_id TEXT NOT NULL, at TEXT NOT NULL, user TEXT NOT NULL, field TEXT NOT NULL, old TEXT, new TEXT);
    """,
    """
    CREATE TABLE IF NOT EXISTS align_marks (
        lower_doc TEXT NOT NULL, key TEXT NOT NULL, commitment TEXT NOT NULL, applicable INTEGER,
        note TEXT NOT NULL DEFAULT '', user TEXT NOT NULL, updated TEXT NOT NULL, PRIMARY KEY (lower_doc, key));
    """,
    """
    CREATE TABLE IF NOT EXISTS plan_indicators (
        doc_id TEXT NOT NULL, pos INTEGER NOT NULL, indicator TEXT NOT NULL, unit TEXT NOT NULL,
        base TEXT NOT NULL, target TEXT NOT NULL, kind TEXT NOT NULL, year INTEGER, PRIMARY KEY (doc_id, pos));
    """,
    """
    ALTER TABLE tokens ADD COLUMN rate REAL;
    ALTER TABLE tokens ADD COLUMN expires TEXT;
    ALTER TABLE tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'all';
    """,
    """
    CREATE TABLE IF NOT EXISTS settings (
        key TEXT PRIMARY KEY, value TEXT NOT NULL, user TEXT NOT NULL, updated TEXT NOT NULL);
    """,
]
_lock = threading.Lock()


def private(path: Path) -> None:
    """``path`` readable by the server's account alone (0600), and its folder (0700): password
    hashes, sessions, the audit log and uploaded files are nobody else's on a shared server."""
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
        os.chmod(path.parent, 0o700)


def now() -> dt.datetime:
    """The current time, UTC (what every row records)."""
    return dt.datetime.now(dt.UTC)


class StateDB:
    """The state database of one index folder; each concept's class (``Accounts``, ``SavedWork`` …) wraps one."""

    def __init__(self, index_dir: str | Path):
        self.path = Path(index_dir) / STATE_DB

    @property
    def exists(self) -> bool:
        return self.path.exists()

    @contextlib.contextmanager
    def connect(self):
        """A connection in one transaction, the schema brought up to date; committed on success."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _lock:
            con = sqlite3.connect(self.path, timeout=10)
            try:
                version = con.execute("PRAGMA user_version").fetchone()[0]
                for number, script in enumerate(MIGRATIONS[version:], version + 1):
                    con.executescript(script)
                    con.execute(f"PRAGMA user_version = {number}")
                yield con
                con.commit()
            finally:
                con.close()
        private(self.path)
