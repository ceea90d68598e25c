"""Who is calling: the bearer token's account and role, and a per-token rate limit.

On loopback with no account the API is one person's tool on their own machine, as the app is:
no token is needed and the caller acts as the local user. Otherwise every request but
``/v1/health`` and the documentation carries ``Authorization: Bearer TOKEN`` (``python -m kb
users token NAME``), and the role is read from the account at each request, so a removed or
demoted account loses its rights at once.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from kb.office import audit
from kb.office.accounts import LOCAL_USER, ROLES, OpenToAnyone, User
from kb.office.tokens import Tokens

# Per token, per worker process: a bucket of BURST requests refilled at RATE a second (KB_API_RATE,
# KB_API_BURST; a token made with --rate N has its own rate, and a burst of twice it). One search
# takes 25–40 ms of a core, so a worker serves at most ~40 searches a second: at 100 a second, a
# service token behind an assistant host (an office of 50, 8 clients at once) saturates the worker
# before its bucket empties, and is never refused for searching; the limit stops a runaway loop of
# cheap calls (2 ms each), not an office. Measured: bench/token_bench.py, 8 clients on one token.
RATE = float(os.environ.get("KB_API_RATE", "100"))
BURST = int(os.environ.get("KB_API_BURST", "200"))


class GateError(Exception):
    """A refused request: its HTTP status, the error, the fix and (429) the seconds to wait."""

    def __init__(self, status: int, error: str, fix: str, retry_after: int = 0):
        super().__init__(error)
        self.status, self.error, self.fix, self.retry_after = status, error, fix, retry_after


@dataclass(frozen=True)
class Allowance:
    """What a token may still spend: its limit a second and the requests left in its bucket."""

    limit: float
    remaining: int


@dataclass
class Bucket:
    tokens: float
    at: float


@dataclass
class Gate:
    """Resolves callers for one index folder served on ``address``."""

    index_dir: Path
    address: str
    rate: float = RATE
    burst: int = BURST
    _buckets: dict[str, Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    open_mode: OpenToAnyone = field(init=False)

    def __post_init__(self):
        self.open_mode = OpenToAnyone(self.index_dir, self.address)

    def user(self, authorization: str | None) -> User:
        """The caller, from the ``Authorization`` header (see ``admit``)."""
        return self.admit(authorization)[0]

    def admit(self, authorization: str | None) -> tuple[User, Allowance | None]:
        """The caller and what its token may still spend (None: no token, on loopback).

        Raises:
            GateError: 401 without a valid token, 429 past the rate limit (with the seconds to wait).
        """
        token = ""
        if authorization and authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        if not token:
            if self.open_mode():
                return User(LOCAL_USER, "admin"), None
            raise GateError(
                401,
                "authentication required",
                "send Authorization: Bearer TOKEN; make one with: python -m kb users token NAME",
            )
        grant = Tokens(self.index_dir).grant(token)
        if grant is None:
            raise GateError(
                401,
                "unknown, revoked or expired token",
                "make a new one with: python -m kb users token NAME",
            )
        rate = grant.rate or self.rate
        burst = int(2 * grant.rate) if grant.rate else self.burst
        return grant.user, self.take(grant.token_id, rate, max(1, burst))

    def take(self, key: str, rate: float | None = None, burst: int | None = None) -> Allowance:
        """Spend one request of ``key``'s bucket; what is left.

        Raises:
            GateError: 429 when the bucket is empty, with the seconds until one request is back.
        """
        rate, burst = rate or self.rate, burst or self.burst
        now = time.monotonic()
        with self._lock:
            b = self._buckets.get(key) or Bucket(float(burst), now)
            b.tokens = min(float(burst), b.tokens + (now - b.at) * rate)
            b.at = now
            self._buckets[key] = b
            if b.tokens < 1:
                wait = max(1, math.ceil((1 - b.tokens) / rate))
                raise GateError(
                    429,
                    f"rate limited, retry after {wait} s",
                    f"at most {rate:g} requests a second for this token; wait {wait} s, or ask an admin for a "
                    "token with a higher --rate",
                    retry_after=wait,
                )
            b.tokens -= 1
            return Allowance(rate, int(b.tokens))


ROLE_WORDS = {"admin": "an admin", "reporter": "a reporter", "viewer": "a viewer"}


def require_admin(user: User, index_dir: Path | None = None, what: str = "") -> None:
    """Raises ``GateError`` 403 unless ``user`` is 管理 (admin); the refusal names the caller's own
    role, and is written to ``index_dir``'s audit log (``write_refused``, via the API) when given."""
    if not user.is_admin:
        if index_dir is not None:
            audit.append(index_dir, user.name, "write_refused", what, via="api")
        role = f"{ROLE_WORDS.get(user.role, user.role)} ({ROLES.get(user.role, user.role)})"
        raise GateError(
            403, f"{user.name} is {role}", "only an admin (管理) does this; ask one, or to change your role"
        )
