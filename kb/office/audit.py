"""The audit log: every change to the collection, appended to ``index/audit.jsonl``.

One JSON object a line: when (UTC, ISO), who, what (add, update, remove, edit), the file name
and its SHA-256, and details. Lines are only ever appended (and fsynced); removing a document
never removes its lines. The app and the CLI write the same lines.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from pathlib import Path

from kb.office.db import private

AUDIT_LOG = "audit.jsonl"
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


def append(index_dir: str | Path, user: str, action: str, file: str, sha256: str = "", **details) -> dict:
    """Append one line to the audit log (created on first use)."""
    entry = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "user": user,
        "action": action,
        "file": file,
        "sha256": sha256,
        **details,
    }
    path = Path(index_dir) / AUDIT_LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
    private(path)
    return entry


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
