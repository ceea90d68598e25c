"""The adversarial test's findings, each performed as the attack was: against a real ``python -m kb serve``
(uvicorn, the front door, Streamlit) on the office address, or against the code that stops it."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from kb.errors import KBError
from kb.office.accounts import Accounts
from kb.office.audit import entries
from kb.office.sessions import COOKIE, Sessions
from server.door import FrontDoor

from .conftest import ROOT, run_cli

ADMIN, VIEWER = ("guanli", "guanli-2026"), ("chakan", "chakan-2026")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def site(index: Path, address: str = "0.0.0.0"):
    """``python -m kb serve`` on the office address (every interface); yields the base URL (over loopback)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--index", str(index), "--address", address, "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None:
                    raise AssertionError(proc.stdout.read().decode()) from None
                time.sleep(0.25)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


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
    waits = [door._wait("busy") for _ in range(20)]
    assert waits[0] == 0 and waits[-1] > 5 and door._wait("another user") == 0


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

    index = tmp_path / "index"
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
