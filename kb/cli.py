"""Shared command-line plumbing: one-line errors with exit code 1, date arguments."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys

from kb.errors import KBError

DATE_ARG_RE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose errors are one ``Error: …`` line and exit code 1."""

    def error(self, message: str):
        fail(f"{message}; see: {self.prog} --help")


def fail(message: str, code: int = 1):
    print(f"Error: {message}", file=sys.stderr)
    raise SystemExit(code)


def parse_date(text: str, end: bool = False) -> dt.date:
    """``2025``, ``2025-06`` or ``2025-06-30``; a year or month means its first day (last with ``end``)."""
    m = DATE_ARG_RE.match(text.strip())
    if not m:
        raise KBError(f"cannot read the date {text!r}; write it as 2025-06-30, 2025-06 or 2025")
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if d:
            return dt.date(y, int(mo), int(d))
        if mo:
            first = dt.date(y, int(mo), 1)
            return (dt.date(y + (first.month == 12), first.month % 12 + 1, 1) - dt.timedelta(days=1)) if end else first
        return dt.date(y, 12, 31) if end else dt.date(y, 1, 1)
    except ValueError:
        raise KBError(f"no such date {text!r}; write it as 2025-06-30") from None


def run(main, argv=None) -> int:
    """Call ``main(argv)``; a ``KBError`` becomes ``Error: …`` and exit code 1, no traceback."""
    try:
        return main(argv) or 0
    except KBError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BrokenPipeError:
        return 0
