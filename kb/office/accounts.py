"""Accounts and roles, in the state database beside the index (``kb.office.db``).

- Passwords are hashed with argon2-cffi (Argon2id, the library's defaults): maintained, memory
  hard, and a wheel with no system dependency.
- Two roles: ``viewer`` (查阅: search, cite, memo, deadlines, 对标对表) and ``admin`` (管理: also
  upload, remove and edit metadata).
- Failed sign-ins are rate-limited per user name: after ``MAX_FAILURES`` within
  ``FAILURE_WINDOW`` the name is locked until the oldest of them is that old.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kb.errors import KBError, NotFound
from kb.office import audit
from kb.office.db import StateDB, now
from kb.office.limits import MAX_NAME_CHARS

ROLES = {"admin": "管理", "reporter": "填报", "viewer": "查阅"}
LOCAL_USER = "本机用户"  # the one user of an app served on loopback without accounts
MAX_FAILURES = 5
MAX_NAME_FAILURES = 30  # failures of one name from every address together before it is locked everywhere
FAILURE_WINDOW = dt.timedelta(minutes=10)
SESSION_TTL = dt.timedelta(hours=8)
SESSION_LIFETIME = dt.timedelta(days=7)  # however busy, a session ends this long after sign-in
# Refusals of a locked name: one audit line per name, address and window, with how many there were.
_refusals: dict[tuple[str, str, str], list] = {}
_refusals_lock = threading.Lock()


def audit_name(name: str) -> str:
    """A user name as the audit log keeps it: whole up to ``MAX_NAME_CHARS``, else a prefix and a hash
    (a name an outsider types is never written at full length)."""
    if len(name) <= MAX_NAME_CHARS:
        return name
    return f"{name[:24]}…#{hashlib.sha256(name.encode('utf-8', 'replace')).hexdigest()[:12]}"


def refusal_count(where: str, name: str, source: str, at: dt.datetime) -> int:
    """Count one refusal of a locked name in the state folder ``where``; the number to write to the
    audit log now (0: none, the window's first line is written already)."""
    key = (where, name, source)
    with _refusals_lock:
        if len(_refusals) > 10_000:  # an outsider cycling names: forget the old windows
            for k in [k for k, (first, _) in _refusals.items() if at - first > FAILURE_WINDOW]:
                del _refusals[k]
        first, count = _refusals.get(key, (None, 0))
        if first is None or at - first > FAILURE_WINDOW:
            _refusals[key] = [at, 0]
            return count + 1  # this one, and the last window's that were not written
        _refusals[key][1] += 1
        return 0


@dataclass(frozen=True)
class User:
    """An account: its name, role, and (for a 填报 reporter) the units it reports for."""

    name: str
    role: str
    units: tuple[str, ...] = ()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def from_row(cls, name: str, role: str, units: str = "[]") -> User:
        return cls(name, role, tuple(json.loads(units or "[]")))


class Accounts(StateDB):
    """The users of one index folder: names, roles, password hashes, failed sign-ins."""

    def add_user(self, name: str, password: str, role: str, actor: str = "", units: tuple[str, ...] = ()) -> None:
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
        units = tuple(u.strip() for u in units if u.strip())
        if role == "reporter" and not units:
            raise KBError("a reporter reports for units; name them with --unit, e.g. --unit 市生态环境局")
        with self.connect() as con:
            con.execute("DELETE FROM sessions WHERE user = ?", (name,))  # a new password or role: sign in again
            con.execute(
                "INSERT OR REPLACE INTO users (name, role, hash, created, units) VALUES (?, ?, ?, ?, ?)",
                (name, role, PasswordHasher().hash(password), now().isoformat(), json.dumps(units, ensure_ascii=False)),
            )
            con.execute("DELETE FROM failures WHERE name = ?", (name,))  # a new password unlocks
        audit.append(
            self.path.parent, actor or audit.cli_user(), "user_add", "", name=name, role=role, units=list(units)
        )

    def remove_user(self, name: str, actor: str = "") -> None:
        with self.connect() as con:
            if not con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise NotFound(f"no user {name!r}; list them with: python -m kb users list")
            con.execute("DELETE FROM tokens WHERE user = ?", (name,))  # a later account of that name starts clean
            con.execute("DELETE FROM sessions WHERE user = ?", (name,))  # its open tabs end at their next request
        audit.append(self.path.parent, actor or audit.cli_user(), "user_remove", "", name=name)

    def users(self) -> list[User]:
        if not self.exists:
            return []
        with self.connect() as con:
            return [User.from_row(*row) for row in con.execute("SELECT name, role, units FROM users ORDER BY name")]

    def has_users(self) -> bool:
        return bool(self.users())

    def sign_in(self, name: str, password: str, source: str = "") -> User:
        """The user, when the password matches; every failure and lockout goes into the audit log.

        Failures count per name *and* source (the browser's address): someone guessing from one
        machine locks that name there, not for its owner elsewhere. An unknown name costs the same
        argon2 verification as a known one, so timing does not tell which names exist.

        Raises:
            KBError: wrong name or password (one message for both), or too many failures.
        """
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        at = now()
        since = (at - FAILURE_WINDOW).isoformat()
        name = name[: MAX_NAME_CHARS * 4]  # the form caps it; the store never holds more
        logged = audit_name(name)
        with self.connect() as con:
            failures = con.execute(
                "SELECT COUNT(*) FROM failures WHERE name = ? AND source = ? AND at > ?", (name, source, since)
            ).fetchone()[0]
            everywhere = con.execute(
                "SELECT COUNT(*) FROM failures WHERE name = ? AND at > ?", (name, since)
            ).fetchone()[0]
            row = con.execute("SELECT role, hash, units FROM users WHERE name = ?", (name,)).fetchone()
        if failures >= MAX_FAILURES or everywhere >= MAX_NAME_FAILURES:
            count = refusal_count(str(self.path), name, source, at)
            if count:
                audit.append(self.path.parent, logged, "sign_in_refused", "", source=source, count=count)
            raise KBError(f"登录失败次数过多，请 {FAILURE_WINDOW.seconds // 60} 分钟后再试，或请管理员解除锁定")
        try:
            PasswordHasher().verify(row[1] if row else _dummy_hash(), password)
            ok = row is not None
        except (VerificationError, InvalidHashError):
            ok = False
        with self.connect() as con:
            if ok:
                con.execute("DELETE FROM failures WHERE name = ? AND source = ?", (name, source))
            else:
                con.execute("INSERT INTO failures (name, at, source) VALUES (?, ?, ?)", (name, at.isoformat(), source))
        if not ok:
            audit.append(self.path.parent, logged, "sign_in_failed", "", source=source)
            if failures + 1 >= MAX_FAILURES or everywhere + 1 >= MAX_NAME_FAILURES:
                audit.append(self.path.parent, logged, "lockout", "", source=source)
            raise KBError("用户名或密码错误")
        audit.append(self.path.parent, name, "sign_in", "", source=source)
        return User.from_row(name, row[0], row[2])

    def unlock(self, name: str, actor: str = "") -> int:
        """Clear ``name``'s failed sign-ins (every source); returns how many there were."""
        with self.connect() as con:
            n = con.execute("DELETE FROM failures WHERE name = ?", (name,)).rowcount
        audit.append(self.path.parent, actor or audit.cli_user(), "unlock", "", name=name)
        return n


@functools.cache
def _dummy_hash() -> str:
    """An argon2 hash no password matches, verified for unknown names (same cost as a real one)."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(secrets.token_hex(16))


def is_loopback(address: str) -> bool:
    return address in ("127.0.0.1", "localhost", "::1", "") or address.startswith("127.")


def open_to_anyone(index_dir: str | Path, address: str) -> bool:
    """Loopback with no account: one person's tool on their own machine, no sign-in and no token."""
    return is_loopback(address) and not Accounts(index_dir).has_users()


class OpenToAnyone:
    """``open_to_anyone`` for a server that asks on every request, re-read at most every ``every``
    seconds (adding the first account closes it within that time)."""

    def __init__(self, index_dir: str | Path, address: str, every: float = 5.0):
        self.index_dir, self.address, self.every = index_dir, address, every
        self._checked: tuple[float, bool] = (float("-inf"), False)

    def __call__(self) -> bool:
        if not is_loopback(self.address):
            return False
        at, answer = self._checked
        if time.monotonic() - at > self.every:
            answer = open_to_anyone(self.index_dir, self.address)
            self._checked = (time.monotonic(), answer)
        return answer


def check_serving(index_dir: str | Path, address: str) -> None:
    """Refuse to serve an office network with no account to sign in with.

    Raises:
        KBError: ``address`` is not loopback and no user exists.
    """
    if not is_loopback(address) and not Accounts(index_dir).has_users():
        raise KBError(
            f"no user accounts in {index_dir}: an app served on {address} needs them; add one with: "
            f"python -m kb users add NAME --role admin --index {index_dir}"
        )


if __name__ == "__main__":  # python3 -m kb.office.accounts ADDRESS INDEX: the check alone, standard library only
    import sys

    from kb.cli import run

    sys.exit(run(lambda argv: check_serving(argv[1], argv[0]), sys.argv[1:]))
