"""The adversarial test's findings, each performed as the attack was: against a real ``python -m kb serve``
(uvicorn, the front door, Streamlit) on the office address, or against the code that stops it."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import stat
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kb.errors import KBError
from kb.office.accounts import Accounts
from kb.office.audit import entries
from kb.office.sessions import COOKIE, Sessions
from server.door import FrontDoor

from .conftest import ROOT, child_server, run_cli

ADMIN, VIEWER = ("guanli", "guanli-2026"), ("chakan", "chakan-2026")


def site(index: Path, address: str = "0.0.0.0"):
    """``python -m kb serve`` on the office address (every interface); yields the base URL (over loopback)."""
    return child_server(["kb", "serve", "--index", str(index), "--address", address], "/_stcore/health")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(
    base: str,
    path: str,
    method: str = "GET",
    data: bytes | None = None,
    cookie: str | None = None,
    headers: dict | None = None,
) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(base + path, data=data, method=method, headers=dict(headers or {}))
    if cookie:
        req.add_header("Cookie", f"{COOKIE}={cookie}")
    try:
        with OPENER.open(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def sign_in(base: str, name: str, password: str) -> str:
    status, headers, _ = request(
        base, "/login", "POST", urllib.parse.urlencode({"name": name, "password": password}).encode()
    )
    assert status == 303, status
    return headers["set-cookie"].split(";")[0].split("=", 1)[1]


def websocket(base: str, cookie: str | None = None, resume: str = "") -> str:
    """Open Streamlit's websocket as a browser would: 'open', or how it was refused."""
    import websockets

    async def go():
        headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
        protocols = ["streamlit", "xsrf", resume] if resume else ["streamlit"]
        try:
            async with websockets.connect(
                base.replace("http", "ws") + "/_stcore/stream",
                additional_headers=headers,
                subprotocols=protocols,
                open_timeout=20,
            ):
                return "open"
        except Exception as exc:  # the handshake refused (403) or closed at once
            return f"refused {exc}"

    return asyncio.run(go())


def streamlit_session(base: str, cookie: str) -> str:
    """Open the app in a 'browser' with this cookie until its script has run; its Streamlit session id."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async def go():
        url = base.replace("http", "ws") + "/_stcore/stream"
        async with websockets.connect(
            url, additional_headers={"Cookie": f"{COOKIE}={cookie}"}, subprotocols=["streamlit"], open_timeout=20
        ) as ws:
            rerun = BackMsg()
            rerun.rerun_script.query_string = ""
            await ws.send(rerun.SerializeToString())
            session, finished = "", False
            while not (session and finished):
                msg = ForwardMsg()
                msg.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
                kind = msg.WhichOneof("type")
                session = msg.new_session.initialize.session_id if kind == "new_session" else session
                finished = finished or kind == "script_finished"
            return session

    return asyncio.run(go())


@pytest.fixture(scope="module")
def office(tmp_path_factory, fake_index):
    index = tmp_path_factory.mktemp("office") / "index"
    shutil.copytree(fake_index, index)
    for (name, password), role in ((ADMIN, "admin"), (VIEWER, "viewer")):
        Accounts(index).add_user(name, password, role)
    with site(index) as base:
        yield base, index


@pytest.mark.server
def test_nothing_of_streamlit_without_signing_in(office):
    """F1, F7 and the metrics: no account, no websocket (so no clear_cache), no upload, no metrics."""
    base, _ = office
    status, headers, _ = request(
        base, "/?" + urllib.parse.urlencode({"q": "黑臭水体"}), headers={"Accept": "text/html"}
    )
    assert status == 303 and headers["location"].startswith("/login?next=")
    assert websocket(base).startswith("refused")
    assert request(base, "/_stcore/upload_file/any-session/any-file", "PUT", b"x" * 1024)[0] == 401
    assert request(base, "/_stcore/metrics")[0] == 404
    viewer = sign_in(base, *VIEWER)
    assert request(base, "/_stcore/metrics", cookie=viewer)[0] == 404  # for no one
    status, headers, _ = request(base, "/", cookie=viewer)
    assert status == 200
    assert headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.server
def test_the_session_cookie_is_httponly_strict_and_never_in_a_url(office):
    base, _ = office
    status, headers, _ = request(
        base,
        "/login",
        "POST",
        urllib.parse.urlencode({"name": VIEWER[0], "password": VIEWER[1], "next": "/?page=期限跟踪"}).encode(),
    )
    cookie = headers["set-cookie"]
    assert status == 303 and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=28800" in cookie
    assert urllib.parse.unquote(headers["location"]) == "/?page=期限跟踪" and COOKIE not in headers["location"]
    assert websocket(base, cookie.split(";")[0].split("=", 1)[1]) == "open"
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):  # no open redirect
        _, headers, _ = request(
            base,
            "/login",
            "POST",
            urllib.parse.urlencode({"name": VIEWER[0], "password": VIEWER[1], "next": target}).encode(),
        )
        assert headers["location"] == "/"
    page = request(base, "/login?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")[2].decode()
    assert "<script>alert(1)" not in page


@pytest.mark.server
def test_a_removed_or_demoted_account_loses_its_session_at_the_next_request(office):
    """F2: removal, a role change or a new password ends the account's sessions."""
    base, index = office
    Accounts(index).add_user("linshi", "linshi-2026", "admin")
    cookie = sign_in(base, "linshi", "linshi-2026")
    assert request(base, "/", cookie=cookie)[0] == 200 and websocket(base, cookie) == "open"
    Accounts(index).add_user("linshi", "linshi-2026", "viewer")  # demoted
    assert request(base, "/", cookie=cookie, headers={"Accept": "text/html"})[0] == 303
    cookie = sign_in(base, "linshi", "linshi-2026")
    Accounts(index).remove_user("linshi")
    assert request(base, "/", cookie=cookie, headers={"Accept": "text/html"})[0] == 303
    assert websocket(base, cookie).startswith("refused")
    assert Sessions(index).user_of(cookie) is None


@pytest.mark.server
def test_a_streamlit_session_id_grants_nothing_to_another_browser(office):
    """F3: uploading into, or resuming, someone else's Streamlit session is refused; uploads are
    for admins; a file over the limit is refused before its body is read."""
    base, _ = office
    admin, viewer = sign_in(base, *ADMIN), sign_in(base, *VIEWER)
    session = streamlit_session(base, admin)  # the admin's tab: its script ran and registered the session
    put = f"/_stcore/upload_file/{session}/f1"
    assert request(base, put, "PUT", b"x", cookie=viewer)[0] == 403  # a viewer never uploads
    other_admin = sign_in(base, *ADMIN)  # another browser of the same account
    assert request(base, put, "PUT", b"x", cookie=other_admin)[0] == 403
    assert websocket(base, other_admin, resume=session).startswith("refused")
    assert websocket(base, admin, resume=session) == "open"  # its own browser reconnects
    big = {"Content-Length": str(60 * 1024 * 1024)}
    status, _, body = request(base, put, "PUT", b"x", cookie=admin, headers=big)
    assert status == 413 and "MB" in json.loads(body)["fix"]


def headers_only(base: str, method: str, path: str, length: int, token: str = "") -> str:
    """Send a request's headers declaring ``length`` bytes and none of the body; the status line
    of the answer, or "" when the server waits for the body (10 s)."""
    import socket

    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    with socket.create_connection((host, port), timeout=10) as sock:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nOrigin: {base}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n"
            + (f"Authorization: Bearer {token}\r\n" if token else "")
            + "\r\n"
        )
        sock.sendall(head.encode())
        try:
            return sock.recv(200).split(b"\r\n")[0].decode()
        except TimeoutError:
            return ""


@pytest.mark.server
def test_the_door_answers_json_for_api_paths_and_refuses_size_before_the_body(office):
    """Issue 34: a %2F or %00 in an API path (refused by Streamlit's path guard, in front of the
    API) answers {error, fix}; a sign-in form or a draft over its limit is refused from
    Content-Length, before a byte of the body is sent."""
    from kb.office.tokens import Tokens

    base, index = office
    token = Tokens(index).make(ADMIN[0])[1]
    for path in ("/v1/docs%2F..%2Fsecret", "/v1/clauses/a%00b", "/mcp%00"):
        status, headers, body = request(base, path)
        assert status == 400 and headers["content-type"] == "application/json", path
        assert set(json.loads(body)) == {"error", "fix"}
    assert " 413 " in headers_only(base, "POST", "/login", 5 * 1024**3)
    assert " 413 " in headers_only(base, "POST", "/v1/check", 60 * 1024 * 1024, token)  # one draft: 50 MB
    assert " 413 " in headers_only(base, "POST", "/v1/documents", 5 * 1024**3, token)


def test_clear_cache_never_reaches_streamlit_and_reruns_are_paced(tmp_path):
    """F7 and F13: the door drops clear_cache from the websocket and paces one user's reruns."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    clear, rerun = BackMsg(), BackMsg()
    clear.clear_cache = True
    rerun.rerun_script.query_string = ""
    queue = [{"type": "websocket.receive", "bytes": m.SerializeToString()} for m in (clear, clear, rerun)]

    async def receive():
        return queue.pop(0)

    door = FrontDoor(None, tmp_path, "0.0.0.0")
    got = asyncio.run(door._filtered(receive, "u")())
    parsed = BackMsg()
    parsed.ParseFromString(got["bytes"])
    assert parsed.WhichOneof("type") == "rerun_script" and queue == []
    taken = [door._take("busy") for _ in range(20)]  # a burst, then dropped (never queued, never in debt)
    assert taken[:6] == [True] * 6 and not any(taken[7:]) and door._take("another tab")


def fake_encoder_index(index: Path, corpus: Path) -> Path:
    """An index made with the fake encoder (uploads then use it, not the real model)."""
    from ingest.pipeline import ingest

    ingest([corpus / "national_opinions.txt"], index, encoder_spec="fake")
    return index


@pytest.mark.cli
def test_lockouts_count_per_source_and_can_be_lifted(tmp_path):
    """F8: guessing from one machine locks the name there, not for its owner; unlock and a new password lift it."""
    accounts = Accounts(tmp_path)
    accounts.add_user("wang", "zhengque-mima", "viewer")
    for _ in range(5):
        with pytest.raises(KBError, match="用户名或密码错误"):
            accounts.sign_in("wang", "cuowu", source="10.0.0.66")
    with pytest.raises(KBError, match="次数过多"):
        accounts.sign_in("wang", "zhengque-mima", source="10.0.0.66")
    assert accounts.sign_in("wang", "zhengque-mima", source="10.0.0.5").name == "wang"  # the owner's machine
    r = run_cli("kb", "users", "unlock", "wang", "--index", str(tmp_path))
    assert r.returncode == 0 and "5 failed" in r.stdout
    assert accounts.sign_in("wang", "zhengque-mima", source="10.0.0.66").name == "wang"
    for _ in range(5):
        with pytest.raises(KBError):
            accounts.sign_in("wang", "cuowu", source="10.0.0.66")
    accounts.add_user("wang", "xin-mima-2026", "viewer")  # a new password unlocks too
    assert accounts.sign_in("wang", "xin-mima-2026", source="10.0.0.66").name == "wang"


def test_an_unknown_name_costs_an_argon2_verification(tmp_path, monkeypatch):
    """F9: the time of a sign-in does not tell real names from unknown ones."""
    from argon2 import PasswordHasher

    accounts = Accounts(tmp_path)
    accounts.add_user("wang", "zhengque-mima", "viewer")
    calls = []
    real = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: calls.append(h) or real(self, h, p))
    for name in ("wang", "nobody"):
        with pytest.raises(KBError, match="用户名或密码错误"):
            accounts.sign_in(name, "cuowu")
    assert len(calls) == 2 and calls[1].startswith("$argon2")


def test_state_audit_and_uploads_are_private(tmp_path, corpus_copy):
    """F10: state.db, audit.jsonl and uploads are 0600, their folders 0700."""
    from ingest.uploads import add_uploads

    index = fake_encoder_index(tmp_path / "index", corpus_copy)
    Accounts(index).add_user("wang", "zhengque-mima", "admin")
    add_uploads(index, [("city_plan.txt", (corpus_copy / "city_plan.txt").read_bytes())], user="wang")
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)
    assert mode(index / "state.db") == mode(index / "audit.jsonl") == 0o600
    assert mode(index / "sources" / "city_plan.txt") == 0o600
    assert mode(index) == mode(index / "sources") == 0o700


def test_sign_in_failures_lockouts_and_account_changes_are_audited(tmp_path):
    """F11."""
    accounts = Accounts(tmp_path)
    accounts.add_user("wang", "zhengque-mima", "viewer", actor="admin1")
    for _ in range(5):
        with pytest.raises(KBError):
            accounts.sign_in("wang", "cuowu", source="10.0.0.66")
    with pytest.raises(KBError):
        accounts.sign_in("wang", "cuowu", source="10.0.0.66")
    accounts.unlock("wang", actor="admin1")
    accounts.remove_user("wang", actor="admin1")
    actions = [e["action"] for e in entries(tmp_path)]
    assert actions == ["user_add", *["sign_in_failed"] * 5, "lockout", "sign_in_refused", "unlock", "user_remove"]
    assert all(e.get("source") == "10.0.0.66" for e in entries(tmp_path) if e["action"].startswith(("sign", "lock")))


def test_make_run_on_the_office_address_refuses_before_building(tmp_path):
    """``make run ADDRESS=0.0.0.0`` with no accounts: an Error line at once, nothing installed or built."""
    r = subprocess.run(
        ["make", "-s", "check-serving", "ADDRESS=0.0.0.0", f"INDEX={tmp_path / 'index'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode != 0 and r.stderr.startswith("Error: no user accounts") and "users add" in r.stderr
    assert not (tmp_path / "index").exists()


# ----------------------------------------------------------------------------- hostile files (F4, F15)
def _tiff(frames: list[tuple[int, int]]) -> bytes:
    import io

    from PIL import Image

    images = [Image.new("RGB", size, "white") for size in frames]
    buf = io.BytesIO()
    images[0].save(buf, "TIFF", save_all=True, append_images=images[1:])
    return buf.getvalue()


def test_a_zip_bomb_docx_is_refused_before_it_is_unpacked(tmp_path):
    """F4: 50 MB of zeros packed into a few kilobytes of .docx."""
    import zipfile

    from ingest.read import read_file
    from kb.errors import ReadError

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z, z.open("word/document.xml", "w") as f:
        for _ in range(50):
            f.write(b"\0" * 1024 * 1024)
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(ReadError, match="zip bomb"):
        read_file(bomb)


def test_every_frame_of_a_tiff_is_measured_before_any_is_decoded(tmp_path, monkeypatch):
    """F4: the pixel limit held for frame 0 only, and every frame was decoded first."""
    from ingest import ocr
    from ingest.read import read_file
    from kb.errors import ReadError

    monkeypatch.setattr(ocr, "MAX_IMAGE_PIXELS", 100 * 100)
    path = tmp_path / "frames.tif"
    path.write_bytes(_tiff([(50, 50), (50, 50), (400, 400)]))
    decoded = []
    monkeypatch.setattr(ocr, "looks_blank", lambda a: decoded.append(a) or True)
    with pytest.raises(ReadError, match="page 3"):
        read_file(path)
    assert decoded == []


def test_what_is_encoded_is_capped_at_the_encoders_input():
    """F4: a 361 KB one-line file took 22 minutes: the encoder was fed the whole clause."""
    from kb.encoders import MAX_ENCODE_CHARS, E5Encoder, EncoderInfo

    seen = []

    class Model:
        def passage(self, texts):
            seen.extend(texts)
            import numpy as np

            return np.ones((len(texts), 4), np.float32)

        query = passage

    enc = E5Encoder.__new__(E5Encoder)
    enc._model, enc.info = Model(), EncoderInfo("e5", "multilingual-e5-small", 4)
    enc.passages(["水" * 360_000, "短句。"])
    enc.queries(["问" * 5000])
    assert [len(t) for t in seen] == [MAX_ENCODE_CHARS, 3, MAX_ENCODE_CHARS]


@pytest.mark.parametrize("name", ["附件" * 100 + ".txt", "关于" * 90 + "的通知.pdf"])
def test_a_file_name_over_255_bytes_is_shortened(name):
    """F15: the name was written as given: OSError, a traceback with server paths."""
    from ingest.uploads import safe_filename

    safe = safe_filename(name)
    assert len(safe.encode()) <= 255 and safe.endswith(name[name.rfind(".") :])


def test_a_malformed_docx_is_refused_with_its_reason_and_the_batch_goes_on(tmp_path, corpus_copy):
    """F15: a .docx whose XML is broken raised out of python-docx and aborted the batch."""
    import zipfile

    from ingest.uploads import add_uploads

    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("[Content_Types].xml", "<Types><broken")
        z.writestr("word/document.xml", "<w:document>")
    report, refused = add_uploads(
        fake_encoder_index(tmp_path / "ix", corpus_copy),
        [("bad.docx", bad.read_bytes()), ("city_plan.txt", (corpus_copy / "city_plan.txt").read_bytes())],
    )
    assert [n for n, _ in refused] == ["bad.docx"] and refused[0][1]
    assert report.added and report.added[0].endswith("city_plan.txt")


# ----------------------------------------------------------------------------- exports (F5)
def _hostile_row(fake_index):
    import dataclasses
    import datetime as dt

    from kb.store import folder
    from kb.tracking.timeline import DeadlineRow

    c = next(c for c in folder.load(fake_index).clauses if c.deadlines)
    c = dataclasses.replace(
        c, text='=HYPERLINK("http://evil.example/x","点击查看")', title="@SUM(1+1)*cmd|' /C calc'!A0"
    )
    return DeadlineRow(c, c.deadlines[0], "overdue"), dt.date(2026, 12, 1)


def test_deadline_exports_hold_text_never_formulas(fake_index):
    import csv
    import io

    from openpyxl import load_workbook

    from kb.reports import deadline_report

    row, _ = _hostile_row(fake_index)
    cells = list(csv.reader(io.StringIO(deadline_report.to_csv([row]).decode("utf-8-sig"))))[1]
    assert all(not c.startswith(("=", "+", "-", "@")) for c in cells)
    assert any(c.startswith("'=HYPERLINK(") for c in cells) and "'@SUM(1+1)*cmd|' /C calc'!A0" in cells
    ws = load_workbook(io.BytesIO(deadline_report.to_xlsx([row]))).active
    values = [c for c in ws[2]]
    assert all(c.data_type != "f" for c in values)
    assert any(c.value == '=HYPERLINK("http://evil.example/x","点击查看")' and c.data_type == "s" for c in values)


def test_the_alignment_sheet_holds_text_never_formulas(fake_index):
    import io

    from openpyxl import load_workbook

    from kb.compare.align import AlignRow
    from kb.policy.commitments import Commitment
    from kb.reports.align_report import to_xlsx

    row, day = _hostile_row(fake_index)
    k = Commitment(row.clause, 0, len(row.clause.text), (), None, "")
    sheet = load_workbook(
        io.BytesIO(to_xlsx([AlignRow(k, None, "missing", 0.0, "=cmd|' /C calc'!A0")], "=1+1", day))
    ).active
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)


# ----------------------------------------------------------------------------- uploads that clash (F6)
def test_a_name_clash_is_refused_unless_confirmed_and_a_batch_never_overwrites_itself(tmp_path, corpus_copy):
    from ingest.uploads import add_uploads

    data = (corpus_copy / "city_plan.txt").read_bytes()
    other = data.replace("黑臭水体".encode(), "黑臭河道".encode())
    fake_encoder_index(tmp_path / "ix", corpus_copy)
    report, refused = add_uploads(tmp_path / "ix", [("附件1.txt", data), ("附件1.txt", other)])
    assert report.added and refused == [("附件1.txt", refused[0][1])] and "same name" in refused[0][1]
    existing = {"附件1.txt": "0" * 64}
    report, refused = add_uploads(tmp_path / "ix", [("附件1.txt", other)], existing=existing)
    assert report is None and "confirm the replacement" in refused[0][1]
    report, refused = add_uploads(tmp_path / "ix", [("附件1.txt", other)], existing=existing, replace=True)
    assert report.updated and not refused


def test_an_unchanged_upload_is_not_read_again(tmp_path, corpus_copy, monkeypatch):
    import hashlib

    from ingest import uploads

    data = (corpus_copy / "city_plan.txt").read_bytes()
    monkeypatch.setattr(uploads, "read_file", lambda *a, **k: pytest.fail("an unchanged file was read (OCR again)"))
    report, refused = uploads.add_uploads(
        tmp_path / "ix", [("city_plan.txt", data)], existing={"city_plan.txt": hashlib.sha256(data).hexdigest()}
    )
    assert report.unchanged == ["city_plan.txt"] and not refused and not report.added


@pytest.mark.ocr
@pytest.mark.slow
def test_an_unchanged_scan_is_not_ocred_again(tmp_path, monkeypatch):
    """A scanned PDF uploaded twice: the second time is 文件未变化 at once, its hash compared
    before anything reads (the first read took OCR of every page)."""
    from ingest import ocr, uploads
    from kb.store import open_store

    scan = ROOT.parent / "shared" / "formats" / "scanned_notice_3p.pdf"
    if not scan.exists():
        pytest.skip(f"no sample scan at {scan}")
    data = scan.read_bytes()
    ix = tmp_path / "ix"
    first, refused = uploads.add_uploads(ix, [(scan.name, data)])
    assert first.added and not refused
    existing = {d.doc_id: d.sha256 for d in open_store(ix).docs.values()}  # what the app and the API pass
    monkeypatch.setattr(uploads, "read_file", lambda *a, **k: pytest.fail("the unchanged scan was read again"))
    monkeypatch.setattr(ocr, "ocr_pages", lambda *a, **k: pytest.fail("the unchanged scan was OCR'd again"))
    again, refused = uploads.add_uploads(ix, [(scan.name, data)], existing=existing)
    assert again.unchanged == [scan.name] and not refused and not again.added


# ----------------------------------------------------------------------------- the app's own pages
APP = str(ROOT / "app.py")


def _app(index: Path, **params):
    from streamlit.testing.v1 import AppTest

    os.environ["KB_INDEX"] = str(index)
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_the_app_asks_before_an_upload_replaces_a_document(tmp_path, fake_index):
    """F6: an upload named as an existing document replaced it silently (542 clauses → 1)."""
    index = tmp_path / "index"
    shutil.copytree(fake_index, index)
    at = _app(index)
    at.sidebar.radio(key="page").set_value(next(o for o in at.sidebar.radio(key="page").options if "文件" in o)).run()
    at.file_uploader(key="uploads-0").set_value(
        ("city_plan.txt", "某市方案\n一、任务\n做好工作。".encode(), "text/plain")
    ).run()
    assert any("已有同名文件" in w.value for w in at.warning)
    at.button(key="do-upload").click().run()
    assert any("同名" in e.value for e in at.error)
    from kb.store import folder

    assert folder.load(index).docs["city_plan.txt"].n_clauses > 10  # not replaced


def test_a_link_cannot_inject_markdown_or_an_overlong_query(tmp_path, fake_index):
    """F12 (?doc= in the 文件管理 caption) and F14 (?q= past the 200-character limit)."""
    index = tmp_path / "index"
    shutil.copytree(fake_index, index)
    at = _app(index, page="文件管理", doc="![x](http://evil.example/p.png) **假通知**")
    caption = next(c.value for c in at.caption if "只显示" in c.value)
    assert "![" not in caption and "**" not in caption and "(http" not in caption
    at = _app(index, q="水" * 5000)
    assert len(at.session_state["query"]) == 200


def test_editing_a_document_of_unknown_level_keeps_it_unknown(tmp_path, corpus_copy):
    """F17: the level box pre-selected 国家, so saving a new title wrote 国家."""
    import dataclasses

    from ingest.pipeline import ingest
    from kb.store import folder
    from kb.store.base import Change

    index = tmp_path / "index"
    ingest([corpus_copy], index, encoder_spec="fake")  # an edit writes the catalog beside the files: a copy
    ix = folder.load(index)
    doc = dataclasses.replace(ix.docs["city_plan.txt"], level=9, issuer="")
    docs = {**ix.docs, doc.doc_id: doc}
    folder.apply(
        index,
        ix,
        Change(docs, [], ix.vectors_of([])[:0], {doc.doc_id}, set(), list(ix.tokenizer.terms), ix.encoder_info),
    )
    at = _app(index, page="文件管理")
    at.selectbox(key="edit_doc").set_value("city_plan.txt").run()
    assert next(s for s in at.selectbox if s.label == "层级").value == "未知"
    next(t for t in at.text_input if t.label == "标题").set_value("改过的标题")
    next(b for b in at.button if b.label == "保存").click().run()
    assert folder.load(index).docs["city_plan.txt"].title == "改过的标题"
    assert folder.load(index).docs["city_plan.txt"].level == 9
