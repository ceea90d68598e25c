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
from dataclasses import dataclass
from pathlib import Path

from kb.errors import KBError, NotFound
from kb.office.db import StateDB, now

ROLES = {"admin": "管理", "viewer": "查阅"}
LOCAL_USER = "本机用户"  # the one user of an app served on loopback without accounts
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=10)
SESSION_TTL = dt.timedelta(hours=8)


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Accounts(StateDB):
    """The users of one index folder: names, roles, password hashes, failed sign-ins."""

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
        with self.connect() as con:
            con.execute(
                "INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)",
                (name, role, PasswordHasher().hash(password), now().isoformat()),
            )

    def remove_user(self, name: str) -> None:
        with self.connect() as con:
            if not con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise NotFound(f"no user {name!r}; list them with: python -m kb users list")
            con.execute("DELETE FROM tokens WHERE user = ?", (name,))  # a later account of that name starts clean

    def users(self) -> list[User]:
        if not self.exists:
            return []
        with self.connect() as con:
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

        at = now()
        with self.connect() as con:
            failures = con.execute(
                "SELECT COUNT(*) FROM failures WHERE name = ? AND at > ?", (name, (at - FAILURE_WINDOW).isoformat())
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
                con.execute("INSERT INTO failures VALUES (?, ?)", (name, at.isoformat()))
        if not ok:
            raise KBError("用户名或密码错误")
        return User(name, row[0])


def is_loopback(address: str) -> bool:
    return address in ("127.0.0.1", "localhost", "::1", "") or address.startswith("127.")


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
