"""Browser sessions of the front door: a random cookie value, stored as its SHA-256 hash.

A session lasts while it is used: ``SESSION_TTL`` (8 hours) after its last request it is over,
and ``SESSION_LIFETIME`` (7 days) after it began, however busy.
The account's role is read at every request, so removing an account, changing its role or its
password ends or narrows its sessions at their next request (``Accounts`` deletes the rows of a
removed or re-created account). ``OWNERS`` ties each Streamlit session (whose id appears in
upload URLs) to the signed-in browser session that opened it, so a Streamlit session id alone
is worth nothing to anyone else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading

from kb.office.accounts import SESSION_LIFETIME, SESSION_TTL, User
from kb.office.db import StateDB, now

COOKIE = "kb_session"
FRONT_DOOR_ENV = "KB_FRONT_DOOR"  # set in a process whose app is served behind the door (server.site)
SERVE_ADDRESS_ENV = "KB_SERVE_ADDRESS"  # the address that process serves
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen is written at most this often
# Streamlit session id → hash of the browser session that opened it (this process only).
OWNERS: dict[str, str] = {}
_owners_lock = threading.Lock()


def session_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def own(streamlit_session: str, cookie_value: str) -> bool:
    """Record (first time) or check that ``streamlit_session`` belongs to this browser session."""
    h = session_hash(cookie_value)
    with _owners_lock:
        return OWNERS.setdefault(streamlit_session, h) == h


def owner_matches(streamlit_session: str, cookie_value: str) -> bool:
    """Whether this browser session opened ``streamlit_session`` (unknown ids match nobody)."""
    with _owners_lock:
        return OWNERS.get(streamlit_session) == session_hash(cookie_value)


class Sessions(StateDB):
    """Signed-in browser sessions of one index folder."""

    def start(self, user: User) -> str:
        """A new session for ``user``: the cookie value (not stored)."""
        value = secrets.token_urlsafe(32)
        at = now().isoformat()
        with self.connect() as con:
            con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (session_hash(value), user.name, at, at))
        return value

    def user_of(self, value: str | None) -> User | None:
        """The signed-in account with its role now, or None (unknown, ended, idle too long, account gone)."""
        if not value or not self.exists:
            return None
        h, at = session_hash(value), now()
        with self.connect() as con:
            row = con.execute(
                "SELECT s.last_seen, u.name, u.role, u.units, s.created FROM sessions s "
                "JOIN users u ON u.name = s.user WHERE s.hash = ?",
                (h,),
            ).fetchone()
            if row is None:
                return None
            seen = dt.datetime.fromisoformat(row[0])
            if at - seen > SESSION_TTL or at - dt.datetime.fromisoformat(row[4]) > SESSION_LIFETIME:
                con.execute("DELETE FROM sessions WHERE hash = ?", (h,))
                return None
            if at - seen > TOUCH_EVERY:
                con.execute("UPDATE sessions SET last_seen = ? WHERE hash = ?", (at.isoformat(), h))
        return User.from_row(row[1], row[2], row[3])

    def end(self, value: str | None) -> None:
        """Sign out: the session is over at once."""
        if value and self.exists:
            with self.connect() as con:
                con.execute("DELETE FROM sessions WHERE hash = ?", (session_hash(value),))
