"""API tokens: each belongs to an account and carries its role; stored as SHA-256 hashes only.

A token is ``kb_`` and 43 URL-safe characters (32 random bytes): too long to guess, so a fast
hash is enough to store it (the password rule, argon2, is for what people choose). It is shown
once, when made; a lost token is revoked and a new one made. Removing the account, or changing
its role, is seen at the token's next use: the role is read from the account, not the token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from kb.errors import NotFound
from kb.office import audit
from kb.office.accounts import Accounts, User
from kb.office.db import now

PREFIX = "kb_"


@dataclass(frozen=True)
class TokenInfo:
    """A token as ``users tokens`` lists it (never the token itself)."""

    token_id: str
    user: str
    created: str
    last_used: str
    revoked: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens(Accounts):
    """The API tokens of one index folder's accounts."""

    def make(self, name: str, actor: str = "") -> tuple[str, str]:
        """A new token for account ``name``: (token id, token). The token is not stored.

        Raises:
            KBError: no such account.
        """
        if name not in {u.name for u in self.users()}:
            raise NotFound(f"no user {name!r}; add one with: python -m kb users add {name} --role viewer")
        token = PREFIX + secrets.token_urlsafe(32)
        token_id = secrets.token_hex(4)
        with self.connect() as con:
            con.execute(
                "INSERT INTO tokens (id, user, hash, created) VALUES (?, ?, ?, ?)",
                (token_id, name, _hash(token), now().isoformat(timespec="seconds")),
            )
        audit.append(self.path.parent, actor or audit.cli_user(), "token_add", "", name=name, token_id=token_id)
        return token_id, token

    def list(self, name: str) -> list[TokenInfo]:
        if not self.exists:
            return []
        with self.connect() as con:
            rows = con.execute(
                "SELECT id, user, created, last_used, revoked FROM tokens WHERE user = ? ORDER BY created", (name,)
            ).fetchall()
        return [TokenInfo(i, u, c, last or "", bool(r)) for i, u, c, last, r in rows]

    def revoke(self, name: str, token_id: str, actor: str = "") -> None:
        """Revoke one token of ``name``.

        Raises:
            KBError: no such token of that user.
        """
        with self.connect() as con:
            if not con.execute("UPDATE tokens SET revoked = 1 WHERE id = ? AND user = ?", (token_id, name)).rowcount:
                raise NotFound(f"no token {token_id!r} of {name!r}; list them with: python -m kb users tokens {name}")
        audit.append(self.path.parent, actor or audit.cli_user(), "token_revoke", "", name=name, token_id=token_id)

    def user_of(self, token: str) -> User | None:
        """The account a token belongs to, with its role now; None for an unknown, revoked or orphaned token."""
        if not token.startswith(PREFIX) or not self.exists:
            return None
        with self.connect() as con:
            row = con.execute(
                "SELECT t.id, t.last_used, u.name, u.role, u.units FROM tokens t JOIN users u ON u.name = t.user "
                "WHERE t.hash = ? AND t.revoked = 0",
                (_hash(token),),
            ).fetchone()
            if row is None:
                return None
            stamp = now().isoformat(timespec="minutes")
            if row[1] != stamp:  # at most one write a minute per token
                con.execute("UPDATE tokens SET last_used = ? WHERE id = ?", (stamp, row[0]))
        return User.from_row(row[2], row[3], row[4])
