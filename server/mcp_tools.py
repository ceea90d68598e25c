"""The MCP server: the tools an assistant calls to quote policy clauses instead of inventing them.

Every result carries the JSON of the HTTP API as structured content, and a text that lists each
clause verbatim with its citation (《title》（文号）section：“clause”), so a model can quote it as is.
Served over stdio (``python -m kb mcp``) and as streamable HTTP at ``/mcp`` on the API server.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, TextContent

from kb import service
from kb.compare.align import STATUS_NAMES as ALIGN_NAMES
from kb.errors import KBError
from kb.model import Clause
from kb.office.accounts import LOCAL_USER, User
from kb.office.tokens import Tokens
from kb.policy.validity import STATUS_NAMES as VALIDITY_NAMES
from kb.reports.cite import citation
from kb.search.live import LiveIndex
from kb.search.searcher import Results
from kb.tracking.timeline import STATUS_NAMES as DEADLINE_NAMES

INSTRUCTIONS = (
    "政策条款知识库：返回政策文件条款原文及其规范引用。引用政策时请逐字引用工具返回的条款和出处，不要自行改写或编造条文。"
    " Policy clause knowledge base: returns the verbatim clauses of Chinese policy documents with their citations."
    " Quote the clause and its citation exactly as returned; never paraphrase or invent policy text."
)


def result(structured: Any, text: str) -> CallToolResult:
    """A tool result: the JSON as structured content (a list is wrapped as ``{"items": …}``) and the text."""
    body = structured if isinstance(structured, dict) else {"items": structured}
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=body)


def failed(exc: KBError) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=f"Error: {exc}")], is_error=True)


def quoted(c: Clause) -> str:
    """One clause as a model should quote it: its citation, then its id for follow-up calls."""
    return f"{citation(c)}\n   条款编号 clause_id: {c.clause_id}"


def search_text(res: Results) -> str:
    if not res.hits:
        return "没有找到相关条款。No clause found."
    head = "" if res.relevant else "没有找到直接相关的条款；以下是最接近的结果（请核对后再引用）。\n"
    return head + "\n".join(f"{h.rank}. {quoted(h.clause)}" for h in res.hits)


PAGE_CHARS = 8000  # about what one result may take of a model's context


def more(shown: int, total: int, cursor: int, what: str) -> str:
    """The line that says how to get the next page (empty on the last)."""
    if cursor + shown >= total:
        return ""
    return f"\n……共 {total} {what}，已列出第 {cursor + 1}–{cursor + shown} 条；下一页：cursor={cursor + shown}。"


def fit(lines: list[str], limit: int) -> int:
    """How many of ``lines`` (at most ``limit``) fit in ``PAGE_CHARS``, at least one."""
    used, n = 0, 0
    for line in lines[:limit]:
        used += len(line) + 1
        if used > PAGE_CHARS and n:
            break
        n += 1
    return n


def page_result(
    items: list, lines: list[str], limit: int, cursor: int, what: str, empty: str, to_json=lambda xs: xs
) -> CallToolResult:
    """One page of a listing tool: ``lines`` (one per item, from ``cursor``) as many as fit, their
    items as ``to_json`` writes them, and the line naming the next cursor."""
    n = fit(lines, limit)
    text = "\n".join(lines[:n]) or empty
    return result(to_json(items[cursor : cursor + n]), text + more(n, len(items), cursor, what))


def caller(ctx: Context | None, state_dir) -> User:
    """Who calls: the account of the bearer token the HTTP request carried (the gate has already
    admitted it), or the local user over stdio, an assistant the user started on their own machine."""
    headers = ctx.headers if ctx is not None else None
    auth = (headers or {}).get("authorization", "")
    if not auth:
        return User(LOCAL_USER, "admin")
    user = Tokens(state_dir).user_of(auth[7:].strip()) if auth.lower().startswith("bearer ") else None
    if user is None:
        raise KBError("unknown, revoked or expired token; make a new one with: python -m kb users token NAME")
    return user


def build(live: LiveIndex) -> MCPServer:
    """The MCP server over a live index (it follows new generations as the app does)."""
    server = MCPServer(name="policy-clauses", title="政策条款知识库", instructions=INSTRUCTIONS, log_level="WARNING")

    def guarded(fn: Callable[..., CallToolResult]) -> Callable[..., CallToolResult]:
        """A user's mistake (an unknown clause, a bad date) is an error result naming the fix, not a crash."""

        @functools.wraps(fn)
        def run(*args, **kwargs) -> CallToolResult:
            try:
                return fn(*args, **kwargs)
            except KBError as exc:
                return failed(exc)

        return run

    @server.tool(
        description="检索政策条款：按主题或问题返回最相关的条款原文、出处、期限和目标。"
        " Search policy clauses by topic or question; returns verbatim clauses with citations, deadlines and"
        " targets. Optional: document (file id, title, 文号 or place such as 阜新), level (国家/省/市/县区), unit,"
        " in_force (only documents in force)."
    )
    @guarded
    def search_clauses(
        query: str, top: int = 5, document: str = "", level: str = "", unit: str = "", in_force: bool = False
    ) -> CallToolResult:
        filters = service.make_filters(
            doc=[document] if document else [], unit=unit, level=[level] if level else [], in_force=in_force
        )
        res = live.searcher.run(query, top=service.check_top(top), filters=filters)
        return result(res.to_dict(), search_text(res))

    @server.tool(
        description="引文核验：检查一段文字（你自己起草的回答或公文稿）中每处引号内的引文和《文件名》（文号）是否与知识库原文一致。"
        " Check quotes: call this on your own draft BEFORE answering whenever it quotes policy text or names"
        " a document. Returns only what is wrong (differs: the true text to use instead; not_found: likely"
        " invented, remove or search for the real clause; elsewhere: cite the document given; title or 文号"
        " wrong: the right one). Quote only what it confirms."
    )
    @guarded
    def check_quotes(text: str) -> CallToolResult:
        from kb.reports.check_report import lines

        _, report = service.check_draft(live.index, "draft.txt", text.encode(), searcher=live.searcher)
        found = lines(report)
        summary = f"{len(report.quotes)} 处引文、{len(report.references)} 处文件引用；"
        text_out = summary + ("以下需要改正：\n" + "\n".join(found) if found else "均与知识库一致。")
        problems = [v.to_dict() for v in report.problems()]
        return result(
            {"problems": problems, "quotes": len(report.quotes), "references": len(report.references)}, text_out
        )

    @server.tool(
        description="修订对照：比较同一规划的两个版本（旧版、新版，文件编号），逐条列出修改、新增、删除、移动的条款及修改说明。"
        " Compare two versions of a plan (document ids of the index): changed clauses only, each with what"
        " changed (target raised/lowered, date earlier/later, stronger/weaker wording). `limit` rows a call."
    )
    @guarded
    def compare_versions(old: str, new: str, limit: int = 30) -> CallToolResult:
        from kb.compare.revisions import KIND_NAMES

        _, body, _ = service.revision(live.index, old, new)
        changed = [r for r in body["rows"] if r["kind"] != "same"]
        lines = ["，".join(f"{KIND_NAMES[k]} {n}" for k, n in body["counts"].items() if k in KIND_NAMES)]
        for r in changed[:limit]:
            text = (r["new"] or r["old"])["text"]
            lines.append(f"[{KIND_NAMES[r['kind']]}] {text[:80]}" + (f"（{r['note']}）" if r["note"] else ""))
        if len(changed) > limit:
            lines.append(f"……另有 {len(changed) - limit} 处修改；用更大的 limit 查看。")
        return result({**body, "rows": changed[:limit]}, "\n".join(lines))

    @server.tool(
        description="按条款编号取条款全文、规范引用和上下文。"
        " Get one clause by clause_id with its citation and `context` neighbouring clauses on each side."
    )
    @guarded
    def get_clause(clause_id: str, context: int = 0) -> CallToolResult:
        res = service.clause(live.index, clause_id, context)
        lines = [res["citation"], f"条款编号 clause_id: {clause_id}"]
        if res["context"]:
            lines += ["", "上下文 context:"] + [
                ("▶ " if c["clause_id"] == clause_id else "  ") + c["text"] for c in res["context"]
            ]
        return result(res, "\n".join(lines))

    @server.tool(
        description="列出期限承诺：哪些条款何时到期、状态（已逾期/即将到期/未到期/已开始执行/已完成）、牵头单位。"
        " List dated commitments sorted by due date. Filters: document (id, title, 文号 or place such as 阜新),"
        " status (overdue, due_soon, open, started, done), unit, before/after (YYYY, YYYY-MM or YYYY-MM-DD)."
        " Pages: `limit` rows from `cursor` (the text names the next cursor)."
    )
    @guarded
    def list_deadlines(
        document: str = "",
        status: str = "",
        unit: str = "",
        before: str = "",
        after: str = "",
        limit: int = 20,
        cursor: int = 0,
    ) -> CallToolResult:
        rows = service.deadline_list(
            live.index,
            doc=document or None,
            after=after or None,
            before=before or None,
            unit=unit,
            statuses=[status] if status else [],
            state_dir=live.path,
        )
        lines = [f"{r.deadline.due} {DEADLINE_NAMES[r.status]}：{quoted(r.clause)}" for r in rows[cursor:]]
        return page_result(rows, lines, limit, cursor, "条期限", "没有符合条件的期限。", service.deadline_json)

    @server.tool(
        description="台账：一份文件的每项承诺及其进展（状态、完成日期、牵头单位）；可更新一项（管理员任何项，填报员本单位的项）。"
        " The 台账 (commitments ledger) of a document: each commitment with status, progress and units."
        " Give `item_id` and any of status (not_started, in_progress, done, not_applicable), progress,"
        " done_on to update one item (as the calling account may). Pages: `limit` from `cursor`."
    )
    @guarded
    def ledger(
        document: str,
        unit: str = "",
        status: str = "",
        item_id: str = "",
        set_status: str = "",
        progress: str = "",
        done_on: str = "",
        limit: int = 20,
        cursor: int = 0,
        ctx: Context | None = None,
    ) -> CallToolResult:
        from kb.tracking.ledger import Ledger, can_update

        book = Ledger(live.path)
        if item_id:
            user = caller(ctx, live.path)
            item = book.item(live.index, item_id)
            if not can_update(user, item):
                raise KBError(
                    f"{user.name} may not update {item_id}; a reporter updates its units' items, ask an admin"
                )
            changes = {k: v for k, v in (("status", set_status), ("progress", progress), ("done_on", done_on)) if v}
            if not changes:
                raise KBError("nothing to change; give set_status, progress or done_on")
            row = service.ledger_item(book.update(live.index, item_id, user, changes, via="mcp"))
            return result(row, f"已更新 {item_id}：{row['status_name']} {row['text'][:80]}")
        items = book.items(live.index, service.ledger_doc(live.index, document))
        rows = [service.ledger_item(i) for i in service.ledger_rows(items, unit, [status] if status else [])]
        lines = [f"[{r['status_name']}] {r['citation'] or r['text']}  item_id: {r['item_id']}" for r in rows[cursor:]]
        return page_result(rows, lines, limit, cursor, "项承诺", "这份文件没有承诺。")

    @server.tool(
        description="期限交叉核对：同一任务在上下级文件中的期限（上级在前），标出下级晚于上级的。"
        " Cross-references: the same task at two levels with both deadlines, the higher first; flags a lower"
        " deadline later than the higher one. Pages: `limit` from `cursor`."
    )
    @guarded
    def cross_references(limit: int = 20, cursor: int = 0) -> CallToolResult:
        pairs = service.crossrefs(live.index)
        lines = [
            f"{p['a']['due']} vs {p['b']['due']}{'  ⚠ 下级晚于上级' if p['lower_is_later'] else ''}\n"
            f"   上级《{p['a']['title']}》{p['a']['section']}：{p['a']['text']}\n"
            f"   下级《{p['b']['title']}》{p['b']['section']}：{p['b']['text']}"
            for p in pairs[cursor:]
        ]
        return page_result(pairs, lines, limit, cursor, "对", "没有上下级对应的期限。")

    @server.tool(
        description="对标对表：上级文件的每项承诺（每个任务或指标一行）在本级文件中是否有对应条款"
        "（已覆盖/时限晚于上级/本级未写时限/目标弱于上级/未找到/不适用），附原因。"
        " Align a lower document against higher-level ones: each upper commitment (one per task or target),"
        " its lower counterpart, a status (covered, later, undated, weaker, missing, not_applicable) and the"
        " reason. `lower` names a document (id, title, 文号 or place such as 阜新); `against` lists upper"
        " documents (default: all higher). Pages: `limit` from `cursor` (the text names the next cursor)."
    )
    @guarded
    def align_documents(
        lower: str, against: list[str] | None = None, limit: int = 15, cursor: int = 0
    ) -> CallToolResult:
        rows, _ = service.align_rows(live.index, lower, against or [], state_dir=live.path)
        blocks = [
            f"[{ALIGN_NAMES[r.status]}] 上级任务：{r.commitment.text}\n    出自：{citation(r.upper)}\n"
            f"    本级：{citation(r.lower) if r.lower else '（未找到）'}"
            + (f"\n    原因：{r.reason}" if r.reason else "")
            for r in rows[cursor:]
        ]
        return page_result(
            rows, blocks, limit, cursor, "项承诺", "上级文件中没有可对照的承诺。", lambda xs: [r.to_dict() for r in xs]
        )

    @server.tool(
        description="列出知识库中的文件及其时效（现行有效/实施期已结束/已失效/已被替代）。"
        " List the documents with title, 文号, issuer, date, period and validity."
    )
    @guarded
    def list_documents() -> CallToolResult:
        docs = service.documents(live.index)
        text = "\n".join(
            f"《{d['title']}》{('（' + d['doc_number'] + '）') if d['doc_number'] else ''} {d['issuer']} "
            f"{VALIDITY_NAMES[d['validity']['status']]}  doc_id: {d['doc_id']}"
            for d in docs
        )
        return result(docs, text or "知识库中还没有文件。")

    return server
