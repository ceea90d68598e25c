"""Accounts, sessions and each user's saved work, in SQLite beside the index (``state.db``).

- Passwords are hashed with argon2-cffi (Argon2id, the library's defaults): maintained, memory
  hard, and a wheel with no system dependency.
- Two roles: ``viewer`` (查阅: search, cite, memo, deadlines, 对标对表) and ``admin`` (管理: also
  upload, remove and edit metadata).
- Failed sign-ins are rate-limited per user name: after ``MAX_FAILURES`` within
  ``FAILURE_WINDOW`` the name is locked until the oldest of them is that old.
- Each user's memo basket and recent searches survive a refresh and a restart.

The file is separate from the index generations: writing it never touches what search reads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from kb.errors import KBError

STATE_DB = "state.db"
ROLES = {"admin": "管理", "viewer": "查阅"}
LOCAL_USER = "本机用户"  # the one user of an app served on loopback without accounts
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=10)
SESSION_TTL = dt.timedelta(hours=8)
RECENT_KEPT = 20
SCHEMA = """
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS failures (name TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS baskets (user TEXT NOT NULL, pos INTEGER NOT NULL, clause_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS recent (user TEXT NOT NULL, at TEXT NOT NULL, query TEXT NOT NULL);
"""
_lock = threading.Lock()


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class State:
    """The state database of one index folder."""

    def __init__(self, index_dir: str | Path):
        self.path = Path(index_dir) / STATE_DB

    @contextlib.contextmanager
    def _db(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _lock:
            con = sqlite3.connect(self.path, timeout=10)
            try:
                con.executescript(SCHEMA)
                yield con
                con.commit()
            finally:
                con.close()

    # ------------------------------------------------------------------ users
    def add_user(self, name: str, password: str, role: str) -> None:
        """Add a user (or replace the password and role of one).

        Raises:
            KBError: empty name, unknown role, or a password shorter than 8 characters.
        """
        from argon2 import PasswordHasher

        name = name.strip()
        if not name:
            raise KBError("a user needs a name")
        if role not in ROLES:
            raise KBError(f"unknown role {role!r}; use admin or viewer")
        if len(password) < 8:
            raise KBError("the password must have at least 8 characters")
        with self._db() as con:
            con.execute(
                "INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)",
                (name, role, PasswordHasher().hash(password), _now().isoformat()),
            )

    def remove_user(self, name: str) -> None:
        with self._db() as con:
            if not con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise KBError(f"no user {name!r}; list them with: python -m kb users list")

    def users(self) -> list[User]:
        if not self.path.exists():
            return []
        with self._db() as con:
            return [User(n, r) for n, r in con.execute("SELECT name, role FROM users ORDER BY name")]

    def has_users(self) -> bool:
        return bool(self.users())

    def sign_in(self, name: str, password: str) -> User:
        """The user, when the password matches.

        Raises:
            KBError: wrong name or password (one message for both), or too many failures.
        """
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        now = _now()
        with self._db() as con:
            failures = con.execute(
                "SELECT COUNT(*) FROM failures WHERE name = ? AND at > ?", (name, (now - FAILURE_WINDOW).isoformat())
            ).fetchone()[0]
            if failures >= MAX_FAILURES:
                raise KBError(f"登录失败次数过多，请 {FAILURE_WINDOW.seconds // 60} 分钟后再试")
            row = con.execute("SELECT role, hash FROM users WHERE name = ?", (name,)).fetchone()
            try:
                if row is None:
                    raise VerificationError()
                PasswordHasher().verify(row[1], password)
                ok = True
            except (VerificationError, InvalidHashError):
                ok = False
            if ok:
                con.execute("DELETE FROM failures WHERE name = ?", (name,))
            else:
                con.execute("INSERT INTO failures VALUES (?, ?)", (name, now.isoformat()))
        if not ok:
            raise KBError("用户名或密码错误")
        return User(name, row[0])

    # ------------------------------------------------------------------ saved work
    def basket(self, user: str) -> list[str]:
        if not self.path.exists():
            return []
        with self._db() as con:
            return [c for (c,) in con.execute("SELECT clause_id FROM baskets WHERE user = ? ORDER BY pos", (user,))]

    def save_basket(self, user: str, clause_ids: list[str]) -> None:
        with self._db() as con:
            con.execute("DELETE FROM baskets WHERE user = ?", (user,))
            con.executemany("INSERT INTO baskets VALUES (?, ?, ?)", [(user, i, c) for i, c in enumerate(clause_ids)])

    def add_recent(self, user: str, query: str) -> None:
        with self._db() as con:
            con.execute("DELETE FROM recent WHERE user = ? AND query = ?", (user, query))
            con.execute("INSERT INTO recent VALUES (?, ?, ?)", (user, _now().isoformat(), query))
            con.execute(
                "DELETE FROM recent WHERE user = ? AND at NOT IN "
                "(SELECT at FROM recent WHERE user = ? ORDER BY at DESC LIMIT ?)",
                (user, user, RECENT_KEPT),
            )

    def recent(self, user: str) -> list[str]:
        if not self.path.exists():
            return []
        with self._db() as con:
            return [q for (q,) in con.execute("SELECT query FROM recent WHERE user = ? ORDER BY at DESC", (user,))]


def is_loopback(address: str) -> bool:
    return address in ("127.0.0.1", "localhost", "::1", "") or address.startswith("127.")


def check_serving(index_dir: str | Path, address: str) -> None:
    """Refuse to serve an office network with no account to sign in with.

    Raises:
        KBError: ``address`` is not loopback and no user exists.
    """
    if not is_loopback(address) and not State(index_dir).has_users():
        raise KBError(
            f"no user accounts in {index_dir}: an app served on {address} needs them; add one with: "
            f"python -m kb users add NAME --role admin --index {index_dir}"
        )
