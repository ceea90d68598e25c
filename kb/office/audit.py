"""The audit log: every change to the collection, appended to ``index/audit.jsonl``.

One JSON object a line: when (UTC, ISO), who, what (add, update, remove, edit), the file name
and its SHA-256, and details. Lines are only ever appended (and fsynced); removing a document
never removes its lines. The app and the CLI write the same lines.

The log rotates by size: past ``ROTATE_BYTES`` it becomes ``audit.jsonl.1`` (the older ones move
up to ``audit.jsonl.5``; the oldest beyond that is dropped) and a new ``audit.jsonl`` begins.
文件管理 reads the newest lines from the end of the file (``tail``), a page at a time.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import getpass
import json
import os
import threading
from pathlib import Path

from kb.office.db import private

AUDIT_LOG = "audit.jsonl"
ROTATE_BYTES = 10 * 1024 * 1024
ROTATE_KEEP = 5
TAIL_BLOCK = 64 * 1024
_rotate_lock = threading.Lock()
ACTION_NAMES = {
    "add": "添加",
    "update": "更新",
    "remove": "删除",
    "edit": "修改元数据",
    "user_add": "添加或修改账号",
    "user_remove": "删除账号",
    "unlock": "解除登录锁定",
    "sign_in_failed": "登录失败",
    "lockout": "账号被锁定",
    "sign_in_refused": "锁定期间尝试登录",
    "token_add": "新建接口令牌",
    "token_revoke": "吊销接口令牌",
    "align_mark": "对标复核",
    "ledger_update": "更新台账",
    "sign_in": "登录",
    "sign_out": "退出登录",
    "write_refused": "拒绝越权修改",
}
BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")


def beijing_time(stamp: str) -> str:
    """An audit line's UTC time as an office reads it: 北京时间, to the second (2026-12-01 09:30:05)."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def summary(entry: dict) -> str:
    """What an audit line's details say, in a line."""
    if entry.get("action") == "align_mark":
        return f"{entry.get('commitment', '')[:40]} → {entry.get('applicability', '')}；{entry.get('note', '')}"
    return entry.get("title", "") or str(entry.get("changes", ""))


def cli_user() -> str:
    """Who runs a command-line change: the operating-system account."""
    try:
        return f"命令行:{getpass.getuser()}"
    except (KeyError, OSError):
        return "命令行"


_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


@contextlib.contextmanager
def request_context(request_id: str):
    """Within it, every audit line carries ``request_id`` (the API's X-Request-ID of the request)."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def append(index_dir: str | Path, user: str, action: str, file: str, sha256: str = "", **details) -> dict:
    """Append one line to the audit log (created on first use), with the request's id when one is served."""
    entry = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "user": user,
        "action": action,
        "file": file,
        "sha256": sha256,
        **details,
    }
    if _request_id.get():
        entry["request_id"] = _request_id.get()
    path = Path(index_dir) / AUDIT_LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
        size = f.tell()
    private(path)
    if size > ROTATE_BYTES:
        rotate(path)
    return entry


def rotate(path: Path) -> None:
    """``audit.jsonl`` → ``audit.jsonl.1`` (``.1`` → ``.2`` … up to ``ROTATE_KEEP``), a new log begins."""
    with _rotate_lock:
        if not path.exists() or path.stat().st_size <= ROTATE_BYTES:
            return  # another writer rotated it first
        for n in range(ROTATE_KEEP - 1, 0, -1):
            older = path.with_name(f"{path.name}.{n}")
            if older.exists():
                os.replace(older, path.with_name(f"{path.name}.{n + 1}"))
        os.replace(path, path.with_name(f"{path.name}.1"))


def tail(index_dir: str | Path, limit: int = 200, skip: int = 0) -> list[dict]:
    """The newest lines of the current log, newest first: ``limit`` of them after the ``skip`` newest.
    Reads from the end of the file, a block at a time, whatever the log's size."""
    path = Path(index_dir) / AUDIT_LOG
    if not path.exists():
        return []
    wanted = limit + skip
    lines: list[bytes] = []  # newest first
    with open(path, "rb") as f:
        end = f.seek(0, os.SEEK_END)
        rest = b""
        while end > 0 and len(lines) < wanted:
            start = max(0, end - TAIL_BLOCK)
            f.seek(start)
            parts = (f.read(end - start) + rest).split(b"\n")
            rest, parts = (parts[0], parts[1:]) if start > 0 else (b"", parts)
            lines.extend(p for p in reversed(parts) if p.strip())
            end = start
    newest = []
    for raw in lines[skip:wanted]:
        try:
            newest.append(json.loads(raw))
        except json.JSONDecodeError:
            continue
    return newest


def count(index_dir: str | Path) -> int:
    """How many lines the current log has (counted by bytes, not parsed)."""
    path = Path(index_dir) / AUDIT_LOG
    if not path.exists():
        return 0
    n = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            n += block.count(b"\n")
    return n


def entries(index_dir: str | Path) -> list[dict]:
    """Every line of the log, oldest first (an unreadable line is skipped, never lost on disk)."""
    path = Path(index_dir) / AUDIT_LOG
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def via_field(via: str) -> dict[str, str]:
    """``{"via": via}`` for a change through another channel than the app or the CLI (the HTTP API)."""
    return {"via": via} if via else {}


def record_report(index_dir: str | Path, user: str, report, docs_before: dict, docs_after: dict, via: str = "") -> None:
    """Audit lines for what an ingest did: each file added, updated or removed, with its hash."""
    by_path = {d.path: d for d in docs_after.values()}
    for action, paths in (("add", report.added), ("update", report.updated)):
        for p in paths:
            doc = by_path.get(str(Path(p).resolve()))
            append(
                index_dir,
                user,
                action,
                Path(p).name,
                doc.sha256 if doc else "",
                title=doc.title if doc else "",
                clauses=doc.n_clauses if doc else 0,
                **via_field(via),
            )
    for doc_id in report.removed:
        doc = docs_before.get(doc_id)
        append(
            index_dir,
            user,
            "remove",
            doc_id,
            doc.sha256 if doc else "",
            title=doc.title if doc else "",
            **via_field(via),
        )
