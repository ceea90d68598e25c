"""python -m kb search|deadlines|cite|docs … — see README."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys
from pathlib import Path

from kb import service
from kb import store as stores
from kb.cli import ArgumentParser, parse_date, run
from kb.compare.align import STATUSES as ALIGN_STATUSES
from kb.compare.crossref import crossref
from kb.errors import KBError
from kb.office.accounts import ROLES, Accounts, check_serving
from kb.office.tokens import Tokens
from kb.policy.scope import LEVEL_BY_NAME
from kb.policy.validity import STATUS_NAMES as VALIDITY_NAMES
from kb.policy.validity import validities
from kb.reports.cite import citation, location
from kb.search.searcher import PLAIN_METHODS
from kb.tracking.timeline import STATUS_NAMES

DEFAULT_INDEX = "index"


def _parser() -> ArgumentParser:
    p = ArgumentParser(prog="python -m kb", description="Search, cite and track deadlines in Chinese policy clauses.")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=ArgumentParser)
    s = sub.add_parser("search", help="ranked clauses for a topic or question")
    s.add_argument("query", nargs="?")
    s.add_argument("--queries", help="a file with one query a line; prints one JSON object a line")
    s.add_argument("--top", type=int, default=5)
    s.add_argument("--json", action="store_true")
    s.add_argument("--doc", action="append", default=[], help="document id or prefix (repeatable)")
    s.add_argument("--issuer", default="")
    s.add_argument("--from", dest="date_from", help="document date from (2023, 2023-06, 2023-06-30)")
    s.add_argument("--to", dest="date_to", help="document date to")
    s.add_argument("--has-deadline", action="store_true")
    s.add_argument("--unit", default="", help="lead or partner unit (or part of its name)")
    s.add_argument(
        "--level",
        action="append",
        default=[],
        choices=list(LEVEL_BY_NAME),
        help="only documents of this level of government (repeatable): 国家, 省, 市, 县区",
    )
    s.add_argument("--in-force", action="store_true", help="only documents in force (see: python -m kb docs)")
    s.add_argument(
        "--role",
        action="append",
        default=[],
        help="only clauses of this role (repeatable): task|target|review|problem|vision|safeguard, or 任务, 目标…",
    )
    s.add_argument("--as-of", dest="as_of", help="the day validity is judged on (default today)")
    s.add_argument(
        "--home",
        default=None,
        help="home jurisdiction preferred on near ties (default: KB_HOME, else the one set in 文件管理, else the place "
        "most corpus documents of the most local level share; 无 = off)",
    )
    s.add_argument("--fusion", choices=["weighted", *PLAIN_METHODS], default=None)
    d = sub.add_parser("deadlines", help="dated commitments, sorted by due date")
    d.add_argument("--doc")
    d.add_argument("--after", help="due on or after this date")
    d.add_argument("--before", help="due on or before this date")
    d.add_argument("--kind", action="append", choices=["by", "start", "during"], default=[])
    d.add_argument("--unit", default="", help="lead or partner unit (or part of its name)")
    d.add_argument("--as-of", dest="as_of", help="the day statuses are counted from (default today)")
    d.add_argument("--status", action="append", choices=list(STATUS_NAMES), default=[])
    d.add_argument("--crossref", action="store_true", help="pairs of clauses on the same task in other documents")
    d.add_argument("--json", action="store_true")
    c = sub.add_parser("cite", help="the citation of a clause")
    c.add_argument("clause_id")
    c.add_argument("--context", type=int, default=0, help="also print N clauses before and after")
    c.add_argument("--raw", action="store_true", help="keep the clause's punctuation exactly as stored")
    c.add_argument("--json", action="store_true", help='print {"clause", "citation", "context"}')
    a = sub.add_parser("align", help="对标对表: the higher levels' commitments and the lower document's answer")
    a.add_argument("--doc", required=True, help="the lower document (id or prefix)")
    a.add_argument(
        "--against", action="append", default=[], help="an upper document (repeatable; default: all higher levels)"
    )
    a.add_argument("--unit", default="", help="only commitments of this lead or partner unit")
    a.add_argument("--status", action="append", choices=list(ALIGN_STATUSES), default=[])
    a.add_argument("--as-of", dest="as_of", help="the report's date (default today)")
    a.add_argument("--json", action="store_true")
    a.add_argument("--mark", metavar="KEY", help="mark one commitment (its key from --json): with --set and/or --note")
    a.add_argument(
        "--set",
        dest="applicability",
        choices=["auto", "not_applicable", "applicable"],
        default="auto",
        help="--mark: 不适用 by hand, 适用 by hand, or the tool decides (auto)",
    )
    a.add_argument("--note", help="--mark: the 备注 (empty clears it)")
    a.add_argument("--as", dest="as_user", help="--mark: act as this account (an admin); default the server's admin")
    a.add_argument("--xlsx", help="write the report as an Excel file")
    a.add_argument("--docx", help="write the report as a Word file")
    u = sub.add_parser("users", help="accounts: add (password from stdin), list, remove; token, tokens (API tokens)")
    u.add_argument("action", choices=["add", "list", "remove", "unlock", "token", "tokens"])
    u.add_argument("name", nargs="?")
    u.add_argument("--role", choices=list(ROLES), default="viewer")
    u.add_argument(
        "--unit", action="append", default=[], help="with --role reporter: a unit it reports for (repeatable)"
    )
    u.add_argument("--revoke", metavar="ID", help="with tokens: revoke the token of this id")
    u.add_argument("--rate", type=float, help="with token: its own limit, requests a second (default: the server's)")
    u.add_argument("--expires", default="", metavar="DATE", help="with token: the last day it works (YYYY-MM-DD)")
    u.add_argument("--scope", choices=["all", "read"], default="all", help="with token: read = no writes")
    h = sub.add_parser(
        "api", help="serve the HTTP API and MCP at /mcp (refuses a non-loopback address without accounts)"
    )
    h.add_argument("--address", default="127.0.0.1")
    h.add_argument("--port", type=int, default=8502)
    h.add_argument("--workers", type=int, default=1, help="worker processes (each loads the index and the model)")
    m = sub.add_parser("mcp", help="serve MCP over stdio, for an assistant that starts this command")
    g = sub.add_parser("ledger", help="台账: every commitment of a document and what became of it")
    g.add_argument("action", choices=["list", "update", "export", "import"])
    g.add_argument("target", nargs="?", help="update: the item id; import: the filled .xlsx")
    g.add_argument("--doc", help="the document (id or prefix)")
    g.add_argument("--unit", default="", help="list: items this unit leads or takes part in")
    g.add_argument("--status", help="list: a status; update: the new status (已完成, 推进中 … or done, in_progress …)")
    g.add_argument("--overdue", action="store_true", help="list: past their date and not finished")
    g.add_argument("--progress", help="update: 进展情况")
    g.add_argument("--actual", action="append", default=[], metavar="INDICATOR=VALUE@YEAR", help="update: 实际值")
    g.add_argument("--base", action="append", default=[], metavar="INDICATOR=VALUE", help="update: 基期值")
    g.add_argument("--done-on", dest="done_on", help="update: 完成日期 (YYYY-MM-DD)")
    g.add_argument("--evidence", action="append", default=[], help="update: a file (stored by SHA-256) or a link")
    g.add_argument(
        "--remove-evidence",
        type=int,
        default=None,
        metavar="N",
        help="update (admins): remove evidence entry N (from 0)",
    )
    g.add_argument("--lead", action="append", default=None, help="update: correct the lead units")
    g.add_argument("--partner", action="append", default=None, help="update: correct the partner units")
    g.add_argument("--xlsx", help="export: the 台账 sheet")
    g.add_argument("--docx", help="export: the evaluation report (规划实施情况总结评估)")
    g.add_argument("--apply", action="store_true", help="import: apply the changes (default: a preview)")
    g.add_argument("--as", dest="as_user", help="act as this account (its role and units); default the server's admin")
    g.add_argument("--as-of", dest="as_of", help="the day overdue is judged on (default today)")
    g.add_argument("--json", action="store_true")
    v = sub.add_parser("serve", help="serve the app and the API behind the sign-in (no accounts: loopback only)")
    v.add_argument("--address", default="127.0.0.1")
    v.add_argument("--port", type=int, default=8501)
    v.add_argument("--no-api", action="store_true", help="serve the app alone, without /v1 and /mcp")
    k = sub.add_parser("check", help="引文核验: a draft's quotations and cited documents against the knowledge base")
    k.add_argument("draft", help="the draft: .docx, .txt, .md, .pdf, .doc/.wps, or - for text on stdin")
    k.add_argument("--json", action="store_true", help='print {"quotes": [...], "references": [...]}')
    k.add_argument("--docx", help="write the draft with a Word comment (批注) on each passage that is not right")
    k.add_argument("--as-of", dest="as_of", help="the day validity is judged on (default today)")
    f = sub.add_parser("diff", help="修订对照: two versions of a plan compared clause by clause")
    f.add_argument("old", help="the old version: a document id (or prefix), or a file read on the fly")
    f.add_argument("new", help="the new version: a document id (or prefix), or a file read on the fly")
    f.add_argument("--json", action="store_true", help='print {"old", "new", "rows", "counts"}')
    f.add_argument("--docx", help="write the 修订对照表 (公文, landscape: 序号 | 原文 | 修改后 | 修改说明)")
    f.add_argument("--xlsx", help="write the 修订对照表 as a sheet")
    f.add_argument("--all", action="store_true", help="the files list unchanged clauses too")
    f.add_argument("--ledger", action="store_true", help="show the old plan's 台账 status; flag 未完成即删除")
    f.add_argument("--against", help="flag new clauses below this upper document's requirement (对标对表)")
    o = sub.add_parser("docs", help="the ingested documents, with period, validity and successor")
    o.add_argument("--as-of", dest="as_of", help="the day validity is judged on (default today)")
    o.add_argument("--json", action="store_true")
    for sp in (s, d, c, a, o, u, v, h, m, g, k, f):
        sp.add_argument(
            "--index", default=DEFAULT_INDEX, help="the index folder (with Milvus: the audit log, accounts, uploads)"
        )
    for sp in (s, d, c, a, o, v, h, m, g, k, f):
        sp.add_argument(
            "--store",
            default=None,
            help="milvus:./kb.db or milvus:http://host:19530 (default: KB_STORE, else the index folder)",
        )
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.cmd in ("users", "serve", "api", "mcp"):
        return {"users": cmd_users, "serve": cmd_serve, "api": cmd_api, "mcp": cmd_mcp}[args.cmd](args)
    index = stores.open_store(args.index, args.store)
    commands = {
        "search": cmd_search,
        "deadlines": cmd_deadlines,
        "cite": cmd_cite,
        "docs": cmd_docs,
        "align": cmd_align,
        "ledger": cmd_ledger,
        "check": cmd_check,
        "diff": cmd_diff,
    }
    return commands[args.cmd](index, args)


def _version(name: str):
    """A version named on the command line: a document id, or a file read by ``python -m ingest.parse``
    in a child process (the core reads no files of the corpus's kinds itself)."""
    import json
    import subprocess

    from kb.model import Clause, Document

    if not Path(name).is_file():
        return name
    done = subprocess.run([sys.executable, "-m", "ingest.parse", name], capture_output=True, text=True)
    if done.returncode != 0:
        raise KBError(done.stderr.strip().removeprefix("Error: ") or f"cannot read {name}")
    body = json.loads(done.stdout)
    return Document.from_dict(body["doc"]), [Clause.from_dict(c) for c in body["clauses"]]


def cmd_diff(index, args) -> int:
    from kb.compare.revisions import KIND_NAMES
    from kb.reports import revision_report

    rev, body, flags = service.revision(
        index, _version(args.old), _version(args.new), args.index if args.ledger else None, args.against
    )
    if args.docx:
        Path(args.docx).write_bytes(revision_report.to_docx(rev, args.all, flags))
    if args.xlsx:
        Path(args.xlsx).write_bytes(revision_report.to_xlsx(rev, args.all, flags))
    if args.json:
        print(service.dumps(body))
        return 0
    print("，".join(f"{KIND_NAMES[k]} {n}" for k, n in body["counts"].items()))
    for row in body["rows"]:
        if row["kind"] != "same":
            text = (row["new"] or row["old"])["text"]
            print(f"[{KIND_NAMES[row['kind']]}] {text[:60]}  {row['note']}")
    return 0


def cmd_check(index, args) -> int:
    from kb.reports.check_report import annotated_docx, lines

    if args.draft == "-":
        name, data = "draft.txt", sys.stdin.buffer.read()
    else:
        path = Path(args.draft)
        if not path.is_file():
            raise KBError(f"no file {args.draft}; give a draft (.docx, .txt, .pdf …) or - for stdin")
        name, data = path.name, path.read_bytes()
    text, report = service.check_draft(index, name, data, args.as_of)
    if args.docx:
        Path(args.docx).write_bytes(annotated_docx(name, data, text, report))
    if args.json:
        print(service.dumps(report.to_dict()))
        return 0
    found = lines(report)
    print("\n".join(found) if found else f"{len(report.quotes)} 处引文、{len(report.references)} 处文件引用均无误。")
    return 0


def cmd_search(index, args) -> int:
    if bool(args.query) == bool(args.queries):
        raise KBError("give a query, or --queries FILE (one query a line)")
    service.check_top(args.top)
    filters = service.make_filters(
        args.doc,
        args.issuer,
        args.date_from,
        args.date_to,
        args.has_deadline,
        args.unit,
        args.level,
        args.in_force,
        args.as_of,
        args.role,
    )
    searcher = service.searcher_for(
        index, args.home if args.home is not None else service.home_for(args.index), args.fusion
    )
    if args.queries:
        path = Path(args.queries)
        if not path.exists():
            raise KBError(f"no file {args.queries}")
        for q in [ln.strip() for ln in path.read_text(encoding="utf-8-sig").splitlines() if ln.strip()]:
            print(service.dumps(service.search(searcher, q, args.top, filters)))
        return 0
    if args.json:
        print(service.dumps(service.search(searcher, args.query, args.top, filters)))
        return 0
    results = searcher.run(args.query, top=args.top, filters=filters)
    for chip in results.scope.chips():
        print(f"[{chip}]")
    if not results.hits:
        print("没有找到相关条款")
    elif not results.relevant:
        print("没有找到直接相关的条款；以下是最接近的结果：")
    for h in results.hits:
        c = h.clause
        dues = "  ".join(f"[{d.kind} {d.due}]" for d in c.deadlines)
        print(f"{h.rank}. {h.score:.3f}  《{c.title}》{c.doc_number}  {location(c)}  id={c.clause_id}")
        print(f"   {c.text}")
        if dues:
            print(f"   {dues}")
    return 0


def cmd_deadlines(index, args) -> int:
    if args.crossref:
        if args.json:
            print(service.dumps(service.crossrefs(index)))
            return 0
        pairs = crossref(index)
        for p in pairs:
            flag = "  ⚠ 下级晚于上级" if p.lower_is_later else ""
            print(f"{p.similarity:.3f}  {p.a_due} vs {p.b_due} ({p.days:+d} 天){flag}")
            print(f"   A 《{p.a.title}》{p.a.section}：{p.a.text}")
            print(f"   B 《{p.b.title}》{p.b.section}：{p.b.text}")
        return 0
    rows = service.deadline_list(
        index, args.doc, args.after, args.before, args.kind, args.unit, args.as_of, args.status, args.index
    )
    if args.json:
        print(service.dumps(service.deadline_json(rows)))
        return 0
    for r in rows:
        print(
            f"{r.deadline.due}  {STATUS_NAMES[r.status]:<5} {r.deadline.kind:<6} {r.deadline.text:<12} "
            f"《{r.clause.title}》{r.clause.section}  {r.clause.text}"
        )
    return 0


def cmd_align(index, args) -> int:
    from kb.compare.align import STATUS_NAMES as ALIGN_NAMES
    from kb.compare.align import summary
    from kb.reports.align_report import to_docx, to_xlsx

    if args.mark:
        row = service.mark_align_row(
            index, args.index, args.doc, args.mark, _acting(args), args.applicability, args.note
        )
        print(
            service.dumps(row)
            if args.json
            else f"marked {args.mark}: {row['status_name']}（{row['note'] or '无备注'}）"
        )
        return 0
    rows, title = service.align_rows(index, args.doc, args.against, args.unit, args.status, state_dir=args.index)
    as_of = parse_date(args.as_of) if args.as_of else dt.date.today()
    for path, write in ((args.xlsx, to_xlsx), (args.docx, to_docx)):
        if path:
            Path(path).write_bytes(write(rows, title, as_of))
    if args.json:
        print(service.dumps([r.to_dict() for r in rows]))
        return 0
    print("  ".join(f"{ALIGN_NAMES[k]} {n}" for k, n in summary(rows).items()))
    for r in rows:
        print(f"[{ALIGN_NAMES[r.status]}] {r.score:.2f}  上级《{r.upper.title}》{r.upper.section}：{r.commitment.text}")
        if r.lower:
            print(f"        本级{r.lower.section}：{r.lower.text}")
        if r.reason:
            print(f"        {r.reason}")
    return 0


def cmd_users(args) -> int:
    state = Accounts(args.index)
    if args.action == "list":
        for user in state.users():
            print(
                f"{user.name}\t{user.role}\t{ROLES[user.role]}" + (f"\t{'、'.join(user.units)}" if user.units else "")
            )
        return 0
    if not args.name:
        raise KBError(f"name the user, e.g.: python -m kb users {args.action} zhangsan --index {args.index}")
    if args.action == "remove":
        state.remove_user(args.name)
        print(f"removed {args.name}")
        return 0
    if args.action in ("token", "tokens"):
        return cmd_tokens(args)
    if args.action == "unlock":
        n = state.unlock(args.name)
        print(f"unlocked {args.name} ({n} failed sign-ins cleared)")
        return 0
    password = getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    state.add_user(args.name, password, args.role, units=tuple(args.unit))
    print(f"added {args.name} ({args.role})")
    return 0


def cmd_tokens(args) -> int:
    tokens = Tokens(args.index)
    if args.action == "token":
        token_id, token = tokens.make(args.name, rate=args.rate, expires=args.expires, scope=args.scope)
        terms = [f"{args.rate:g}/s" if args.rate else "", f"until {args.expires}" if args.expires else "", args.scope]
        print(
            f"token {token_id} for {args.name} ({', '.join(t for t in terms if t)}); it is shown once: "
            "keep it in the calling tool's settings"
        )
        print(token)
        return 0
    if args.revoke:
        tokens.revoke(args.name, args.revoke)
        print(f"revoked {args.revoke}")
        return 0
    for t in tokens.list(args.name):
        state = "revoked" if t.revoked else "active"
        limits = f"{t.rate:g}/s" if t.rate else "default rate"
        print(
            f"{t.token_id}\t{t.created}\tlast used {t.last_used or '-'}\t{state}\t{limits}\t"
            f"{t.expires or '-'}\t{t.scope}"
        )
    return 0


def _start(what: str, args, *extra: str) -> int:
    """Check the index (and, for a server, that the address may be served), then replace this process
    with ``python -m server WHAT …``: the core starts the server layer, it does not import it."""
    address = getattr(args, "address", None)
    if address is not None:
        check_serving(args.index, address)
    uri = stores.store_uri(args.store, args.index)
    stores.check(args.index, uri)  # the server opens it again (milvus-lite admits one process)
    argv = [what, "--index", str(args.index), *(["--store", uri] if uri else [])]
    if address is not None:
        argv += ["--address", address, "--port", str(args.port)]
    os.execv(sys.executable, [sys.executable, "-m", "server", *argv, *extra])
    return 0  # pragma: no cover - execv does not return


def cmd_api(args) -> int:
    if args.workers < 1:
        raise KBError("--workers must be 1 or more")
    return _start("http", args, "--workers", str(args.workers))


def cmd_mcp(args) -> int:
    return _start("mcp", args)


def cmd_serve(args) -> int:
    return _start("site", args, *(["--no-api"] if args.no_api else []))


def cmd_cite(index, args) -> int:
    if args.json:
        print(service.dumps(service.clause(index, args.clause_id, args.context, args.raw)))
        return 0
    clause = index.clause(args.clause_id)
    if args.context:
        for c in index.neighbours(clause, args.context, args.context):
            print(("▶ " if c.clause_id == clause.clause_id else "  ") + c.text)
        print()
    print(citation(clause, raw=args.raw))
    return 0


def cmd_docs(index, args) -> int:
    if args.json:
        print(service.dumps(service.documents(index, args.as_of)))
        return 0
    valid = validities(index.docs.values(), parse_date(args.as_of) if args.as_of else dt.date.today())
    for d in index.docs.values():
        v = valid[d.doc_id]
        period = f"{v.period.start or '?'}至{v.period.end or '?'}" if v.period.start or v.period.end else "期限未写明"
        successor = f"\t替代文件：{v.successor}" if v.successor else ""
        print(
            f"{d.doc_id}\t{d.title}\t{d.issuer}\t{d.doc_number}\t{d.date}\t{d.n_clauses} clauses\t"
            f"{period}（{v.period.basis}）\t{VALIDITY_NAMES[v.status]}{successor}"
        )
    return 0


def cmd_ledger(index, args) -> int:
    from kb.office.audit import cli_user
    from kb.reports import ledger_report
    from kb.tracking import ledger as ledgers

    book = ledgers.Ledger(args.index)
    as_of = parse_date(args.as_of) if args.as_of else dt.date.today()
    user, actor = _acting(args), cli_user() if not args.as_user else args.as_user
    if args.action == "update":
        if not args.target:
            raise KBError("name the item, e.g.: python -m kb ledger update L-1a2b3c4d --status 已完成")
        changes = service.ledger_changes(
            args.status,
            args.progress,
            args.actual,
            args.base,
            args.done_on,
            [
                book.add_evidence_file(e) if not e.startswith(("http://", "https://")) else {"url": e}
                for e in args.evidence
            ],
            args.lead,
            args.partner,
            args.remove_evidence,
        )
        item = book.update(index, args.target, user, changes, actor=actor)
        print(
            service.dumps(service.ledger_item(item, as_of))
            if args.json
            else f"updated {item.item_id}: {ledgers.STATUSES[item.status]}"
        )
        return 0
    if args.action == "import":
        if not args.target:
            raise KBError("name the filled sheet, e.g.: python -m kb ledger import 台账.xlsx --apply")
        path = Path(args.target)
        if not path.is_file():
            raise KBError(f"no file {args.target}")
        docs = [service.ledger_doc(index, args.doc)] if args.doc else list(index.docs)
        items = [i for d in docs for i in book.items(index, d)]
        plan = ledger_report.plan_import(
            items, ledger_report.read_xlsx(path.read_bytes()), lambda i: ledgers.can_update(user, i)
        )
        if args.apply:
            for item_id, changes in plan.changes.items():
                book.update(index, item_id, user, changes, actor=actor)
        if args.json:
            print(service.dumps({**plan.to_dict(), "applied": args.apply}))
            return 0
        for item_id, fld, old, new in plan.shown:
            print(f"{item_id}  {ledgers.FIELD_NAMES.get(fld, fld)}: {old or '（空）'} → {new}")
        for row, text in plan.unmatched:
            print(f"row {row}: matches no item ({text})")
        for row, reason in plan.refused:
            print(f"row {row}: refused: {reason}")
        print(
            ("applied" if args.apply else "preview: nothing written; add --apply to write")
            + f" — {len(plan.changes)} items, {len(plan.unmatched)} rows unmatched, {len(plan.refused)} refused"
        )
        return 0
    doc = service.ledger_doc(index, args.doc)
    items = book.items(index, doc)
    if args.action == "export":
        if not (args.xlsx or args.docx):
            raise KBError("say where: --xlsx 台账.xlsx or --docx 评估.docx")
        title = index.docs[doc].title
        if args.xlsx:
            Path(args.xlsx).write_bytes(ledger_report.to_xlsx(items, title))
        if args.docx:
            carried = ledgers.successors(index, doc, items, as_of)
            Path(args.docx).write_bytes(ledger_report.evaluation_docx(items, title, as_of, carried))
        print(f"exported {len(items)} items of {doc}")
        return 0
    rows = service.ledger_rows(items, args.unit, [args.status] if args.status else [], args.overdue, as_of)
    if args.json:
        print(service.dumps([service.ledger_item(i, as_of) for i in rows]))
        return 0
    for i in rows:
        due = i.due[-1].isoformat() if i.due else "—"
        flags = f" ⚠{'；'.join(i.flags)}" if i.flags else ""
        print(f"{i.item_id}  {ledgers.STATUSES[i.status]:<4} {due}  {i.text}{flags}")
    return 0


def _acting(args):
    """The account a ledger command acts as: ``--as NAME`` (its role and units), else the server's admin."""
    from kb.office.accounts import User

    if not args.as_user:
        return User("命令行", "admin")
    found = next((u for u in Accounts(args.index).users() if u.name == args.as_user), None)
    if found is None:
        raise KBError(f"no user {args.as_user!r}; list them with: python -m kb users list")
    return found


if __name__ == "__main__":
    sys.exit(run(main))
