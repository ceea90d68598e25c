"""Who is calling: the bearer token's account and role, and a per-token rate limit.

On loopback with no account the API is one person's tool on their own machine, as the app is:
no token is needed and the caller acts as the local user. Otherwise every request but
``/v1/health`` and the documentation carries ``Authorization: Bearer TOKEN`` (``python -m kb
users token NAME``), and the role is read from the account at each request, so a removed or
demoted account loses its rights at once.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from kb.office import audit
from kb.office.accounts import LOCAL_USER, ROLES, OpenToAnyone, User
from kb.office.tokens import Tokens

# Per token, per worker process: a bucket of BURST requests refilled at RATE a second (KB_API_RATE,
# KB_API_BURST). One search
# takes about 25 ms of a core, so a token alone can keep one worker busy but not starve the others.
RATE = float(os.environ.get("KB_API_RATE", "20"))
BURST = int(os.environ.get("KB_API_BURST", "40"))


class GateError(Exception):
    """A refused request: its HTTP status, the error and the fix."""

    def __init__(self, status: int, error: str, fix: str):
        super().__init__(error)
        self.status, self.error, self.fix = status, error, fix


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
        """The caller, from the ``Authorization`` header.

        Raises:
            GateError: 401 without a valid token, 429 past the rate limit.
        """
        token = ""
        if authorization and authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        if not token:
            if self.open_mode():
                return User(LOCAL_USER, "admin")
            raise GateError(
                401,
                "authentication required",
                "send Authorization: Bearer TOKEN; make one with: python -m kb users token NAME",
            )
        user = Tokens(self.index_dir).user_of(token)
        if user is None:
            raise GateError(
                401,
                "unknown or revoked token",
                "make a new one with: python -m kb users token NAME",
            )
        self.take(token)
        return user

    def take(self, key: str) -> None:
        """Spend one request of ``key``'s bucket.

        Raises:
            GateError: 429 when the bucket is empty.
        """
        now = time.monotonic()
        with self._lock:
            b = self._buckets.get(key) or Bucket(float(self.burst), now)
            b.tokens = min(float(self.burst), b.tokens + (now - b.at) * self.rate)
            b.at = now
            self._buckets[key] = b
            if b.tokens < 1:
                raise GateError(
                    429, "too many requests", f"at most {self.rate:g} requests a second per token; retry shortly"
                )
            b.tokens -= 1


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
