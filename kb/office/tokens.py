"""API tokens: each belongs to an account and carries its role; stored as SHA-256 hashes only.

A token is ``kb_`` and 43 URL-safe characters (32 random bytes): too long to guess, so a fast
hash is enough to store it (the password rule, argon2, is for what people choose). It is shown
once, when made; a lost token is revoked and a new one made. Removing the account, or changing
its role, is seen at the token's next use: the role is read from the account, not the token.

A service token (an assistant host serving an office, a bureau's other tool) may carry its own
rate (requests a second), an expiry date and a ``read`` scope, under which its account's writes
are refused as a viewer's are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, replace

from kb.errors import KBError, NotFound
from kb.office import audit
from kb.office.accounts import Accounts, User
from kb.office.db import now

PREFIX = "kb_"
SCOPES = ("all", "read")


@dataclass(frozen=True)
class TokenInfo:
    """A token as ``users tokens`` lists it (never the token itself)."""

    token_id: str
    user: str
    created: str
    last_used: str
    revoked: bool
    rate: float | None = None
    expires: str = ""
    scope: str = "all"


@dataclass(frozen=True)
class Grant:
    """What a presented token grants: the account (a viewer under a ``read`` scope), the token's id
    and its own rate (None: the server's default)."""

    user: User
    token_id: str
    rate: float | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens(Accounts):
    """The API tokens of one index folder's accounts."""

    def make(
        self, name: str, actor: str = "", rate: float | None = None, expires: str = "", scope: str = "all"
    ) -> tuple[str, str]:
        """A new token for account ``name``: (token id, token). The token is not stored.

        Args:
            rate: its own limit, requests a second (None: the server's default).
            expires: the last day it is accepted (YYYY-MM-DD; "" never).
            scope: ``all`` (the account's rights) or ``read`` (no writes).

        Raises:
            KBError: no such account, a rate not above 0, a date that cannot be read, an unknown scope.
        """
        if name not in {u.name for u in self.users()}:
            raise NotFound(f"no user {name!r}; add one with: python -m kb users add {name} --role viewer")
        if rate is not None and rate <= 0:
            raise KBError(f"rate {rate:g} is not above 0; give requests a second, e.g. --rate 50")
        if expires:
            try:
                dt.date.fromisoformat(expires)
            except ValueError:
                raise KBError(f"cannot read the date {expires!r}; write it as YYYY-MM-DD, e.g. 2027-06-30") from None
        if scope not in SCOPES:
            raise KBError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
        token = PREFIX + secrets.token_urlsafe(32)
        token_id = secrets.token_hex(4)
        with self.connect() as con:
            con.execute(
                "INSERT INTO tokens (id, user, hash, created, rate, expires, scope) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (token_id, name, _hash(token), now().isoformat(timespec="seconds"), rate, expires or None, scope),
            )
        audit.append(
            self.path.parent,
            actor or audit.cli_user(),
            "token_add",
            "",
            name=name,
            token_id=token_id,
            rate=rate,
            expires=expires,
            scope=scope,
        )
        return token_id, token

    def list(self, name: str) -> list[TokenInfo]:
        if not self.exists:
            return []
        with self.connect() as con:
            rows = con.execute(
                "SELECT id, user, created, last_used, revoked, rate, expires, scope FROM tokens WHERE user = ? "
                "ORDER BY created",
                (name,),
            ).fetchall()
        return [
            TokenInfo(i, u, c, last or "", bool(r), rate, exp or "", sc) for i, u, c, last, r, rate, exp, sc in rows
        ]

    def revoke(self, name: str, token_id: str, actor: str = "") -> None:
        """Revoke one token of ``name``.

        Raises:
            KBError: no such token of that user.
        """
        with self.connect() as con:
            if not con.execute("UPDATE tokens SET revoked = 1 WHERE id = ? AND user = ?", (token_id, name)).rowcount:
                raise NotFound(f"no token {token_id!r} of {name!r}; list them with: python -m kb users tokens {name}")
        audit.append(self.path.parent, actor or audit.cli_user(), "token_revoke", "", name=name, token_id=token_id)

    def user_of(self, token: str, today: dt.date | None = None) -> User | None:
        """The account a token belongs to, with its role now; None for an unknown, revoked, expired
        or orphaned token."""
        grant = self.grant(token, today)
        return grant.user if grant else None

    def grant(self, token: str, today: dt.date | None = None) -> Grant | None:
        """What a token grants today (see ``Grant``); None for an unknown, revoked, expired or
        orphaned token."""
        if not token.startswith(PREFIX) or not self.exists:
            return None
        with self.connect() as con:
            row = con.execute(
                "SELECT t.id, t.last_used, u.name, u.role, u.units, t.rate, t.expires, t.scope FROM tokens t "
                "JOIN users u ON u.name = t.user WHERE t.hash = ? AND t.revoked = 0",
                (_hash(token),),
            ).fetchone()
            if row is None:
                return None
            if row[6] and (today or now().date()) > dt.date.fromisoformat(row[6]):
                return None
            stamp = now().isoformat(timespec="minutes")
            if row[1] != stamp:  # at most one write a minute per token
                con.execute("UPDATE tokens SET last_used = ? WHERE id = ?", (stamp, row[0]))
        user = User.from_row(row[2], row[3], row[4])
        if row[7] == "read" and user.role != "viewer":
            user = replace(user, role="viewer", units=())
        return Grant(user, row[0], row[5])
