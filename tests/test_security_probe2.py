"""The second adversarial probe's 16 findings (N1–N16), each performed as the attack was: against a
real ``python -m kb serve`` / ``kb api``, or against the code that stops it."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import socket
import urllib.parse
import zipfile
from pathlib import Path

import pytest

from kb.errors import KBError
from kb.office import audit
from kb.office.accounts import Accounts, User
from kb.office.sessions import COOKIE, Sessions
from server.door import FrontDoor, SignInLimiter
from server.limits import BodyLimit

from .conftest import ROOT
from .test_security import ADMIN, VIEWER, request, site


# ---------------------------------------------------------------- an in-process ASGI call
def call(app, method: str = "GET", path: str = "/", headers: dict | None = None, body: bytes = b"", kind="http"):
    """One request to an ASGI app: (status or websocket close code, body)."""
    scope = {
        "type": kind,
        "method": method,
        "path": path,
        "scheme": "http" if kind == "http" else "ws",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("10.0.0.66", 50000),
    }
    sent, chunks = [], [body]

    async def receive():
        if chunks:
            return {"type": "http.request", "body": chunks.pop(0), "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next((m for m in sent if m["type"] in ("http.response.start", "websocket.close")), {})
    data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start.get("status", start.get("code")), data


async def reached(scope, receive, send):
    """The app behind the door: answers 200 "reached"."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"reached"})


@pytest.fixture
def door(tmp_path):
    Accounts(tmp_path).add_user(*ADMIN, "admin")
    Accounts(tmp_path).add_user(*VIEWER, "viewer")
    return FrontDoor(reached, tmp_path, "0.0.0.0"), tmp_path


def signed_in(index: Path, name: str = ADMIN[0]) -> str:
    return Sessions(index).start(next(u for u in Accounts(index).users() if u.name == name))


AS_OF = dt.date(2026, 12, 1)
LOGIN = urllib.parse.urlencode({"name": ADMIN[0], "password": ADMIN[1]}).encode()


# ---------------------------------------------------------------- N1
def test_n1_a_flood_of_refused_sign_ins_adds_little_to_the_audit_log(tmp_path):
    """Five failures with an 8,000-character name lock it; 2,000 refusals then add one line, with a count."""
    accounts = Accounts(tmp_path)
    name = "x" * 8000
    for _ in range(5):
        with pytest.raises(KBError):
            accounts.sign_in(name, "wrong", source="10.0.0.66")
    before = (tmp_path / audit.AUDIT_LOG).stat().st_size
    for _ in range(2000):
        with pytest.raises(KBError, match="次数过多"):
            accounts.sign_in(name, "wrong", source="10.0.0.66")
    added = (tmp_path / audit.AUDIT_LOG).stat().st_size - before
    assert added < 100 * 1024
    lines = audit.entries(tmp_path)
    assert all(len(e["user"]) <= 64 for e in lines)  # a prefix and a hash, never the 8,000 characters
    refused = [e for e in lines if e["action"] == "sign_in_refused"]
    assert len(refused) == 1 and refused[0]["count"] == 1


def test_n1_the_door_refuses_an_overlong_name_before_it_is_hashed_or_logged(door):
    app, index = door
    form = urllib.parse.urlencode({"name": "x" * 8000, "password": "wrong"}).encode()
    status, body = call(app, "POST", "/login", {"content-type": "application/x-www-form-urlencoded"}, form)
    assert status == 400 and "64" in body.decode()
    assert [e["action"] for e in audit.entries(index)] == ["user_add", "user_add"]


def test_n1_the_log_rotates_and_the_page_reads_its_tail(tmp_path, monkeypatch):
    """A 100 MB log: the newest lines come from its end; past the rotation size a new log begins."""
    log = tmp_path / audit.AUDIT_LOG
    line = json.dumps({"time": "2026-12-01T00:00:00+00:00", "user": "x", "action": "sign_in_failed", "file": ""})
    with open(log, "w", encoding="utf-8") as f:
        for _ in range(100):
            f.write((line + "\n") * (1024 * 1024 // (len(line) + 1)))
    monkeypatch.setattr(audit, "ROTATE_BYTES", 200 * 1024 * 1024)  # not yet: read the 100 MB log first
    audit.append(tmp_path, "guanli", "unlock", "")
    newest = audit.tail(tmp_path, 3)
    assert newest[0]["action"] == "unlock" and len(newest) == 3 and audit.count(tmp_path) > 1_000_000
    monkeypatch.setattr(audit, "ROTATE_BYTES", 1024)
    audit.append(tmp_path, "guanli", "unlock", "")
    assert (tmp_path / "audit.jsonl.1").stat().st_size > 100_000_000 and not log.exists()
    audit.append(tmp_path, "guanli", "unlock", "")
    assert [e["action"] for e in audit.entries(tmp_path)] == ["unlock"]


def test_n1_the_documents_page_opens_with_a_100_mb_log(fake_index, tmp_path):
    import os
    import shutil

    from streamlit.testing.v1 import AppTest

    index = tmp_path / "index"
    shutil.copytree(fake_index, index)
    line = json.dumps({"time": "2026-12-01T00:00:00+00:00", "user": "x" * 60, "action": "sign_in_refused", "file": ""})
    with open(index / audit.AUDIT_LOG, "w", encoding="utf-8") as f:
        for _ in range(100):
            f.write((line + "\n") * (1024 * 1024 // (len(line) + 1)))
    os.environ["KB_INDEX"] = str(index)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.sidebar.radio(key="page").set_value("文件管理").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("审计记录（" in e.label and "条）" in e.label for e in at.expander)
    assert len(at.dataframe[-1].value) == 200  # one page, read from the end


# ---------------------------------------------------------------- N2, N9
def test_n2_a_page_on_another_port_cannot_drive_a_signed_in_browser(door):
    app, index = door
    cookie = signed_in(index)
    here = {"host": "10.0.0.5:8501", "cookie": f"{COOKIE}={cookie}"}
    status, _ = call(app, path="/_stcore/stream", headers={**here, "origin": "http://10.0.0.5:9999"}, kind="websocket")
    assert status == 4403
    status, _ = call(app, "POST", "/any", {**here, "origin": "http://10.0.0.5:9999"})
    assert status == 403
    assert call(app, "GET", "/", {**here, "origin": "http://10.0.0.5:8501"})[1] == b"reached"


def test_n9_sign_in_and_sign_out_from_another_origin_are_refused(door):
    app, index = door
    form = {"host": "10.0.0.5:8501", "content-type": "application/x-www-form-urlencoded"}
    assert call(app, "POST", "/login", {**form, "origin": "http://evil.example:8000"}, LOGIN)[0] == 403
    assert call(app, "POST", "/login", {**form, "origin": "http://10.0.0.5:8501"}, LOGIN)[0] == 303
    cookie = signed_in(index)
    jar = {"host": "10.0.0.5:8501", "cookie": f"{COOKIE}={cookie}"}
    status, page = call(app, "GET", "/logout", {**jar, "sec-fetch-site": "same-site"})  # <img src=…/logout>
    assert status == 200 and b'method="post"' in page and Sessions(index).user_of(cookie) is not None
    assert call(app, "POST", "/logout", {**jar, "origin": "http://10.0.0.5:9999"})[0] == 403
    assert call(app, "POST", "/logout", {**jar, "origin": "http://10.0.0.5:8501"})[0] == 303
    assert Sessions(index).user_of(cookie) is None


# ---------------------------------------------------------------- N3, N8
@pytest.fixture
def book(tmp_path, corpus_copy):
    from ingest.pipeline import ingest
    from kb.store import folder
    from kb.tracking.ledger import Ledger

    index = tmp_path / "index"
    ingest([corpus_copy], index, encoder_spec="fake")
    ix = folder.load(index)
    return ix, Ledger(index), index


@pytest.mark.parametrize(
    "changes",
    [
        {"evidence": [{}]},
        {"evidence": [{"url": "javascript:alert(1)"}]},
        {"evidence": [{"name": "a.pdf", "sha256": "not-a-hash"}]},
        {"actuals": {"X": {"value": "abc"}}},
        {"actuals": {"X": {"value": float("nan")}}},
        {"bases": {"X": float("inf")}},
        {"progress": "进展" * 3000},
        {"lead_units": ["单位" * 100]},
    ],
)
def test_n3_a_bad_value_is_refused_where_every_update_passes(book, changes):
    ix, ledger, _ = book
    item = ledger.items(ix, "city_plan.txt")[0]
    with pytest.raises(KBError):
        ledger.update(ix, item.item_id, User("guanli", "admin"), changes)


def test_n3_old_bad_rows_still_list_export_and_serialise_and_an_admin_removes_evidence(book):
    from kb import service
    from kb.reports import ledger_report

    ix, ledger, index = book
    item = next(i for i in ledger.items(ix, "city_plan.txt") if i.targets)
    bad = {
        "evidence": [{}, {"url": "https://a.example/r.pdf"}],
        "actuals": {item.targets[0].indicator: {"value": "abc"}},
    }
    bad["bases"] = {item.targets[0].indicator: float("nan")}
    with ledger.connect() as con:  # as a row written before values were checked
        con.execute("UPDATE ledger SET record = ? WHERE item_id = ?", (json.dumps(bad), item.item_id))
    items = ledger.items(ix, "city_plan.txt")
    text = json.dumps([service.ledger_item(i) for i in items], allow_nan=False)  # valid JSON, no NaN
    assert "abc" not in text and "NaN" not in text
    assert ledger_report.to_xlsx(items, "规划") and ledger_report.evaluation_docx(items, "规划", AS_OF)
    fixed = ledger.update(ix, item.item_id, User("guanli", "admin"), {"remove_evidence": 0})
    assert fixed.record["evidence"] == [{"url": "https://a.example/r.pdf"}]
    assert audit.entries(index)[-1]["changes"]["evidence"]["old"][0] == {}
    with pytest.raises(KBError, match="admin"):
        ledger.update(ix, item.item_id, User("tianbao", "reporter", ("生态环境局",)), {"remove_evidence": 0})


def test_n8_a_reporter_changes_units_only_of_items_it_leads_and_keeps_its_lead(book):
    ix, ledger, _ = book
    admin = User("guanli", "admin")
    led, partnered = ledger.items(ix, "city_plan.txt")[:2]
    ledger.update(ix, led.item_id, admin, {"lead_units": ["市生态环境局"]})
    ledger.update(ix, partnered.item_id, admin, {"lead_units": ["市住建局"], "partner_units": ["市生态环境局"]})
    reporter = User("tianbao", "reporter", ("市生态环境局",))
    with pytest.raises(KBError, match="does not lead"):
        ledger.update(ix, partnered.item_id, reporter, {"lead_units": ["市生态环境局"]})
    with pytest.raises(KBError, match="another unit"):
        ledger.update(ix, led.item_id, reporter, {"lead_units": ["市住建局"]})
    done = ledger.update(ix, led.item_id, reporter, {"partner_units": ["各县区政府"]})
    assert done.partner_units == ("各县区政府",) and done.lead_units == ("市生态环境局",)
    assert ledger.update(ix, partnered.item_id, reporter, {"progress": "配合推进"}).record["progress"] == "配合推进"


# ---------------------------------------------------------------- N4
def test_n4_reruns_past_the_bucket_are_dropped_and_tabs_count_per_browser_session(door):
    app, _ = door
    assert [app._take("tab") for _ in range(7)] == [True] * 6 + [False]
    tokens, _ = app._pace["tab"]
    assert tokens >= 0  # never in debt: a closed tab's queued reruns do not hold the next one back
    assert app._take("another browser")


# ---------------------------------------------------------------- N5, N12, N16 on a real server
@pytest.mark.server
def test_n5_huge_headers_n12_no_event_streams_n16_no_paths_on_a_real_server(fake_index, tmp_path):
    import shutil

    index = tmp_path / "index"
    shutil.copytree(fake_index, index)
    for (name, password), role in ((ADMIN, "admin"), (VIEWER, "viewer")):
        Accounts(index).add_user(name, password, role)
    with site(index) as base:
        host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
        with socket.create_connection((host, port), timeout=30) as s:  # a header line that never ends
            try:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (2 * 1024 * 1024))
                answer = s.recv(200)
            except (ConnectionResetError, BrokenPipeError):  # cut off mid-header: refused, not buffered
                answer = b""
        assert answer.startswith(b"HTTP/1.1 4") or answer == b""  # refused, not buffered whole
        assert request(base, "/_stcore/health")[0] == 200  # the server still answers
        from kb.office.tokens import Tokens

        token = Tokens(index).make(VIEWER[0])[1]
        stream = {"Accept": "text/event-stream", "Authorization": f"Bearer {token}"}
        status, headers, body = request(base, "/mcp", headers=stream)
        assert status == 405 and headers["allow"] == "POST"  # no event stream is ever held open
        status, _, body = request(base, "/v1/docs")
        fix = json.loads(body)["fix"]
        assert status == 401 and str(index) not in fix and str(tmp_path) not in body.decode()


# ---------------------------------------------------------------- N6
def test_n6_table_cells_never_run_as_formulas():
    import pandas as pd

    from ui.common import text_only

    table = text_only(pd.DataFrame({"条款": ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "正文"], "n": [1, 2, 3]}))
    assert list(table["条款"]) == ['\'=HYPERLINK("http://x")', "'+cmd|' /C calc'!A0", "正文"]
    shown = [p for p in (ROOT / "ui").glob("*.py") if "st.dataframe(" in p.read_text(encoding="utf-8")]
    assert shown == [ROOT / "ui" / "common.py"]  # every table goes through show_table


# ---------------------------------------------------------------- N7
def test_n7_a_zip_bomb_or_an_endless_sheet_is_refused(tmp_path):
    from openpyxl import Workbook

    from kb.reports.ledger_report import read_xlsx

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>")
    with pytest.raises(KBError, match="zip bomb"):
        read_xlsx(bomb.getvalue())
    wb = Workbook()
    ws = wb.active
    ws.append(["任务内容", "完成状态"])
    for n in range(6000):
        ws.append([f"任务{n}", "已完成"])
    sheet = io.BytesIO()
    wb.save(sheet)
    with pytest.raises(KBError, match="rows"):
        read_xlsx(sheet.getvalue())


# ---------------------------------------------------------------- N10
def test_n10_sign_in_attempts_are_limited_per_address_before_argon2(door, monkeypatch):
    app, _ = door
    calls = []
    monkeypatch.setattr(Accounts, "sign_in", lambda self, *a: calls.append(a) or (_ for _ in ()).throw(KBError("x")))
    form = {"host": "10.0.0.5:8501", "content-type": "application/x-www-form-urlencoded"}
    statuses = [call(app, "POST", "/login", form, LOGIN)[0] for _ in range(25)]
    assert statuses.count(401) == 20 and statuses[-1] == 429 and len(calls) == 20
    limiter = SignInLimiter(concurrent=2, per_minute=100)
    assert limiter.enter("a") and limiter.enter("a") and not limiter.enter("a") and limiter.enter("b")
    limiter.leave("a")
    assert limiter.enter("a")


# ---------------------------------------------------------------- N11
@pytest.mark.parametrize("chunked", [False, True])
def test_n11_a_body_over_the_limit_is_refused_before_the_handler_reads_it(chunked):
    handled = []

    async def handler(scope, receive, send):
        handled.append(await receive())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app = BodyLimit(handler, limit=1024)
    headers = {} if chunked else {"content-length": str(4096)}
    assert call(app, "PATCH", "/v1/ledger/x", headers, b"x" * 4096)[0] == 413 and handled == []
    assert call(app, "PATCH", "/v1/ledger/x", {} if chunked else {"content-length": "10"}, b"x" * 10)[0] == 200


def test_each_upload_route_has_its_own_limit_and_every_other_body_the_json_one():
    async def handler(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app = BodyLimit(handler, limit=1024, uploads={"/v1/documents": 10_000, "/v1/ledger/evidence/": 5_000})
    assert [app.limit_for(p) for p in ("/v1/documents", "/v1/documents/city.txt", "/v1/ledger/evidence/x")] == [
        10_000,
        1024,  # a metadata edit is JSON: not the upload's limit
        5_000,
    ]
    assert call(app, "PATCH", "/v1/documents/city.txt", {"content-length": "4096"}, b"x" * 4096)[0] == 413
    assert call(app, "POST", "/v1/documents", {"content-length": "4096"}, b"x" * 4096)[0] == 200


# ---------------------------------------------------------------- N13
def test_n13_sign_out_replaces_the_current_tab():
    from ui.session import SIGN_OUT_LINK

    assert 'target="_self"' in SIGN_OUT_LINK and 'href="/logout"' in SIGN_OUT_LINK
    assert "link_button" not in (ROOT / "ui" / "session.py").read_text(encoding="utf-8")


# ---------------------------------------------------------------- N14
def test_n14_sign_in_sign_out_and_refused_writes_are_audited_with_their_channel(door, book):
    app, index = door
    form = {"host": "10.0.0.5:8501", "content-type": "application/x-www-form-urlencoded"}
    status, _ = call(app, "POST", "/login", form, LOGIN)
    cookie = signed_in(index)
    call(app, "POST", "/logout", {"host": "10.0.0.5:8501", "cookie": f"{COOKIE}={cookie}"})
    actions = [e["action"] for e in audit.entries(index)]
    assert status == 303 and "sign_in" in actions and "sign_out" in actions
    ix, ledger, ledger_index = book
    item = ledger.items(ix, "city_plan.txt")[0]
    with pytest.raises(KBError):
        ledger.update(ix, item.item_id, User("chakan", "viewer"), {"progress": "x"}, via="api")
    ledger.update(ix, item.item_id, User("guanli", "admin"), {"progress": "推进中"}, via="api")
    refused, updated = audit.entries(ledger_index)[-2:]
    assert refused["action"] == "write_refused" and refused["via"] == "api"
    assert updated["action"] == "ledger_update" and updated["via"] == "api"


# ---------------------------------------------------------------- N15
def test_n15_forwarded_headers_only_from_named_proxies_and_a_ceiling_per_name(tmp_path, monkeypatch):
    import server.__main__ as entry

    seen = {}
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: seen.update(k))
    monkeypatch.delenv(entry.TRUSTED_PROXIES_ENV, raising=False)
    entry.main(["site", "--index", str(tmp_path)])
    assert seen["proxy_headers"] is False and seen["http"] == "h11" and seen["limit_concurrency"]
    monkeypatch.setenv(entry.TRUSTED_PROXIES_ENV, "10.0.0.2")
    entry.main(["site", "--index", str(tmp_path)])
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.0.0.2"
    from kb.office import accounts as acc

    monkeypatch.setattr(acc, "MAX_NAME_FAILURES", 6)  # a cheap ceiling for the test (30 in use)
    a = Accounts(tmp_path)
    a.add_user("wang", "zhengque-mima", "viewer")
    for n in range(6):  # one guess from each of six addresses
        with pytest.raises(KBError, match="用户名或密码错误"):
            a.sign_in("wang", "cuowu", source=f"10.0.1.{n}")
    with pytest.raises(KBError, match="次数过多"):
        a.sign_in("wang", "zhengque-mima", source="10.0.2.1")


# ---------------------------------------------------------------- N16
def test_n16_sessions_end_after_a_week_links_stay_text_roles_are_named(tmp_path):
    from kb.reports.render import escape
    from server.gate import GateError, require_admin

    Accounts(tmp_path).add_user(*ADMIN, "admin")
    cookie = signed_in(tmp_path)
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=8)).isoformat()
    with Sessions(tmp_path).connect() as con:
        con.execute("UPDATE sessions SET created = ?", (old,))
    assert Sessions(tmp_path).user_of(cookie) is None  # busy or not, a week is the end
    shown = escape("详见 https://evil.example/x 或 www.evil.example 或 a@evil.example")
    assert "https://" not in shown and "www." not in shown and "@" not in shown
    with pytest.raises(GateError) as refused:
        require_admin(User("tianbao", "reporter", ("生态环境局",)))
    assert "reporter" in refused.value.error and "viewer" not in refused.value.error
