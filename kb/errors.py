"""Errors a user can fix: the CLI prints them as one line ``Error: …`` and exits 1."""


class KBError(Exception):
    """A mistake or missing piece the user can fix; the message names the fix."""


class ReadError(KBError):
    """A file that cannot be read into text; ``reason`` says why in plain words."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NotFound(KBError):
    """The clause, document or account named does not exist (the HTTP API answers 404)."""
