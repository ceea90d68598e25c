"""The front door: nothing Streamlit serves is reached without a signed-in browser session.

Streamlit's own endpoints (the websocket ``/_stcore/stream``, uploads ``/_stcore/upload_file``,
cache clearing, ``/_stcore/metrics``) cannot be guarded from inside the script, so the sign-in
sits in front of the app as ASGI middleware:

- ``/login`` is a plain page (no Streamlit) whose form signs in with the account's password;
  the session is an HttpOnly, SameSite=Strict cookie (never a token in a URL) that survives a
  reload and new tabs for ``SESSION_TTL`` after its last use. ``/logout`` ends it.
- Without a session, a page is redirected to ``/login``, a websocket is refused and anything
  else answers 401. ``/_stcore/metrics`` answers 404 to everyone; a ``clear_cache`` message on
  the websocket is dropped (the index reloads itself when a new generation is committed).
- Uploads: an admin's or a reporter's session only (a reporter's filled 台账 and evidence; what an
  upload may do is the page's, by role), into a Streamlit session that this browser session
  opened, and no larger than the upload limit, checked before the body is read.
- A Streamlit session id alone grants nothing: resuming one over the websocket needs the cookie
  of the browser session that opened it.
- One browser session has at most ``MAX_TABS`` open connections, and its reruns are paced
  (``RERUNS_PER_S``): a rerun past the bucket is dropped, never queued, so a closed tab frees its
  slot at once and one user's tabs cannot slow everyone else's searches.
- A websocket, a sign-in, a sign-out and every other state-changing request must come from the
  site's own origin (scheme://host:port exactly, or ``KB_PUBLIC_ORIGIN`` behind a proxy): a page
  on another port of the same host cannot drive a signed-in browser (SameSite is per site, not
  per port). A sign-out by a plain GET needs the browser's word that it comes from this origin.
- Sign-in attempts are limited per address (``SIGN_IN_CONCURRENT`` at once, ``SIGN_IN_PER_MINUTE``)
  before any password is hashed, and a user name is at most ``MAX_NAME_CHARS`` characters.
- Every answer carries framing, sniffing, referrer and image-source headers.

On loopback with no account (one person's own machine), the door stands open, as before.
"""

from __future__ import annotations

import html
import json
import os
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

from anyio import to_thread

from kb.errors import KBError
from kb.office import audit
from kb.office.accounts import SESSION_TTL, Accounts, OpenToAnyone
from kb.office.limits import MAX_NAME_CHARS
from kb.office.sessions import COOKIE, Sessions, owner_matches, session_hash
from server.limits import BodyLimit

UPLOAD_PREFIX = "/_stcore/upload_file/"
STREAM = "/_stcore/stream"
HIDDEN = ("/_stcore/metrics",)
PUBLIC = ("/_stcore/health", "/favicon.ico")
MAX_TABS = 4
MAX_SIGN_IN_BYTES = 8192  # a sign-in form: a name, a password and where to go next
RERUNS_PER_S, RERUN_BURST = 2.0, 6
SIGN_IN_CONCURRENT, SIGN_IN_PER_MINUTE = 2, 20  # per address, before argon2 (64 MiB, 0.2 s a try)
PUBLIC_ORIGIN_ENV = "KB_PUBLIC_ORIGIN"  # the origin browsers use behind a proxy (https://kb.example.gov.cn)
CHANGES_STATE = ("POST", "PUT", "PATCH", "DELETE")
UPLOADERS = ("admin", "reporter")  # roles whose browsers may upload (documents: admins, the page decides)
HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'; img-src 'self' data: blob:"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
LOGIN_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>登录 · 政策条款知识库</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f6f7f9;margin:0}}
main{{max-width:22rem;margin:12vh auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 4px #0002}}
h1{{font-size:1.3rem;margin:0 0 1rem}}label{{display:block;margin:.8rem 0 .2rem}}
input{{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}}
button{{margin-top:1.2rem;width:100%;padding:.6rem;font-size:1rem;background:#1f4e8c;color:#fff;border:0;border-radius:.3rem}}
p.error{{color:#b00020}}p.note{{color:#555;font-size:.85rem}}</style></head>
<body><main><h1>政策条款知识库</h1>{message}
<form method="post" action="/login"><input type="hidden" name="next" value="{next}">
<label for="name">用户名</label><input id="name" name="name" autocomplete="username" required autofocus>
<label for="password">密码</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录</button></form>
<p class="note">登录后 {hours} 小时内未操作将自动退出。账号由管理员用 python -m kb users add 添加。</p>
</main></body></html>"""


LOGOUT_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>退出登录</title></head>
<body style="font-family:sans-serif;margin:12vh auto;max-width:22rem"><form method="post" action="/logout">
<p>确定退出登录吗？</p><button type="submit">退出登录</button></form></body></html>"""


def cookie_of(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is no session
                return None
            if COOKIE in jar:
                return jar[COOKIE].value
    return None


def header(scope, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == name), "")


def own_origins(scope) -> set[str]:
    """The origins this request may come from: scheme://host:port as the browser addressed this
    server (its Host header), and the configured public origins behind a proxy."""
    scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
    host = header(scope, b"host")
    configured = {o.strip().rstrip("/") for o in os.environ.get(PUBLIC_ORIGIN_ENV, "").split(",") if o.strip()}
    return ({f"{scheme}://{host}"} if host else set()) | configured


def foreign_origin(scope) -> bool:
    """Whether the request names an origin that is not exactly this site's (no Origin: not a
    browser's cross-origin request, judged by the cookie alone)."""
    origin = header(scope, b"origin")
    return bool(origin) and origin.rstrip("/") not in own_origins(scope)


class SignInLimiter:
    """Sign-in attempts per address: at most ``concurrent`` at once and ``per_minute`` a minute."""

    def __init__(self, concurrent: int = SIGN_IN_CONCURRENT, per_minute: int = SIGN_IN_PER_MINUTE):
        self.concurrent, self.per_minute = concurrent, per_minute
        self._running: dict[str, int] = {}
        self._recent: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def enter(self, source: str) -> bool:
        """Take a place for an attempt from ``source``; False when it has to wait (refused)."""
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._recent.get(source, []) if now - t < 60]
            if self._running.get(source, 0) >= self.concurrent or len(recent) >= self.per_minute:
                self._recent[source] = recent
                return False
            recent.append(now)
            self._recent[source] = recent
            self._running[source] = self._running.get(source, 0) + 1
            if len(self._recent) > 10_000:
                self._recent = {k: v for k, v in self._recent.items() if v and now - v[-1] < 60}
            return True

    def leave(self, source: str) -> None:
        with self._lock:
            self._running[source] = max(0, self._running.get(source, 0) - 1)


def safe_next(target: str) -> str:
    """Only a path on this site (``/…``, never ``//host``) is a place to return to after signing in."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


class FrontDoor:
    """ASGI middleware in front of the Streamlit app (and beside the API, which has its own tokens)."""

    def __init__(self, app, index_dir: str | Path, address: str, max_upload_mb: int = 50, passthrough: tuple = ()):
        self.app = app
        self.passthrough = tuple(passthrough)  # paths with their own authentication (the API's bearer tokens)
        self.index_dir = Path(index_dir)
        self.address = address
        self.max_upload = max_upload_mb * 1024 * 1024
        self.sessions = Sessions(self.index_dir)
        self.open_mode = OpenToAnyone(self.index_dir, address)
        self._tabs: dict[str, int] = {}  # open websockets per browser session (its cookie's hash)
        self._pace: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self.sign_ins = SignInLimiter()

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path = scope["path"]
        if scope["type"] == "http":
            send = self._with_headers(send)
        if path.startswith(HIDDEN):
            return await self._json(send, 404, {"error": "not found", "fix": ""})
        if (
            not path.startswith(self.passthrough)
            and foreign_origin(scope)
            and (scope["type"] == "websocket" or scope["method"] in CHANGES_STATE)
        ):  # another site's page (another port of this host included) driving a signed-in browser
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 4403})
            return await self._json(send, 403, {"error": "request from another origin", "fix": "open the app itself"})
        if scope["type"] == "http" and path == "/login":
            return await self._login(scope, receive, send)
        if scope["type"] == "http" and path == "/logout":
            return await self._logout(scope, send)
        if path.startswith(PUBLIC + self.passthrough) or self.open_mode():
            return await self.app(scope, receive, send)
        value = cookie_of(scope)
        user = await to_thread.run_sync(self.sessions.user_of, value)
        if user is None:
            return await self._refuse(scope, receive, send)
        if path.startswith(UPLOAD_PREFIX):
            refusal = self._upload_refusal(scope, value, user)
            if refusal:
                return await self._json(send, *refusal)
            # a chunked upload (no length) is cut off at the limit, never read whole first
            return await BodyLimit(self.app, self.max_upload + 64 * 1024)(scope, receive, send)
        if scope["type"] == "websocket" and path == STREAM:
            return await self._stream(scope, receive, send, value, session_hash(value))
        return await self.app(scope, receive, send)

    def _upload_refusal(self, scope, value: str, user) -> tuple[int, dict] | None:
        parts = scope["path"][len(UPLOAD_PREFIX) :].split("/")
        if user.role not in UPLOADERS:  # a reporter uploads its filled 台账 and evidence; the page decides the rest
            audit.append(self.index_dir, user.name, "write_refused", "upload")
            return 403, {"error": f"{user.name} 是查阅账号，不能上传文件", "fix": "请管理员或填报账号上传"}
        if not parts or not owner_matches(parts[0], value):
            return 403, {"error": "this upload belongs to another session", "fix": "reload the page"}
        size = int(header(scope, b"content-length") or 0)
        if size > self.max_upload + 64 * 1024:  # the multipart envelope around the file
            return 413, {"error": "file too large", "fix": f"at most {self.max_upload // 2**20} MB a file"}
        return None

    async def _stream(self, scope, receive, send, value: str, name: str):
        protocols = [p.strip() for p in header(scope, b"sec-websocket-protocol").split(",")]
        resumed = protocols[2] if len(protocols) > 2 and protocols[2] else ""
        if resumed and not owner_matches(resumed, value):
            return await send({"type": "websocket.close", "code": 4403})
        with self._lock:
            if self._tabs.get(name, 0) >= MAX_TABS:
                refuse = True
            else:
                refuse = False
                self._tabs[name] = self._tabs.get(name, 0) + 1
        if refuse:
            return await send({"type": "websocket.close", "code": 4429})
        try:
            await self.app(scope, self._filtered(receive, name), send)
        finally:
            with self._lock:
                self._tabs[name] -= 1

    def _filtered(self, receive, name: str):
        """The websocket's messages minus ``clear_cache``, a user's reruns paced to ``RERUNS_PER_S``."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        async def inner():
            while True:
                message = await receive()
                data = message.get("bytes") if message["type"] == "websocket.receive" else None
                if not data:
                    return message
                msg = BackMsg()
                try:
                    msg.ParseFromString(data)
                except Exception:  # not a BackMsg: Streamlit refuses it itself
                    return message
                kind = msg.WhichOneof("type")
                if kind == "clear_cache":
                    continue
                if kind == "rerun_script" and not self._take(name):
                    continue  # past the bucket: dropped, not queued (a queue holds the tab's slot)
                return message

        return inner

    def _take(self, name: str) -> bool:
        """Whether this browser session may rerun now: a bucket of ``RERUN_BURST`` refilled at
        ``RERUNS_PER_S``, never below empty."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._pace.get(name, (float(RERUN_BURST), now))
            tokens = min(float(RERUN_BURST), tokens + (now - at) * RERUNS_PER_S)
            allowed = tokens >= 1
            self._pace[name] = (tokens - 1 if allowed else tokens, now)
        return allowed

    # ------------------------------------------------------------------ pages
    async def _login(self, scope, receive, send):
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode())
        if scope["method"] != "POST":
            return await self._page(send, 200, "", safe_next(query.get("next", ["/"])[0]))
        declared = header(scope, b"content-length")
        if declared.isdigit() and int(declared) > MAX_SIGN_IN_BYTES:  # refused before the body is read
            return await self._page(send, 413, "请求过长。", "/")
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > MAX_SIGN_IN_BYTES:
                return await self._page(send, 413, "请求过长。", "/")
            if not message.get("more_body"):
                break
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        name, password = form.get("name", [""])[0].strip(), form.get("password", [""])[0]
        target = safe_next(form.get("next", ["/"])[0])
        source = (scope.get("client") or ("", 0))[0]
        if len(name) > MAX_NAME_CHARS:  # refused before any hashing or logging
            return await self._page(send, 400, f"用户名最多 {MAX_NAME_CHARS} 个字符。", target)
        if not self.sign_ins.enter(source):
            return await self._page(send, 429, "登录尝试过于频繁，请稍后再试。", target)
        try:
            user = await to_thread.run_sync(Accounts(self.index_dir).sign_in, name, password, source)
        except KBError as exc:
            return await self._page(send, 401, str(exc), target)
        finally:
            self.sign_ins.leave(source)
        value = await to_thread.run_sync(self.sessions.start, user)
        return await self._redirect(send, target, cookie=value)

    async def _logout(self, scope, send):
        """Sign out (POST from this origin, or a GET the browser says comes from this origin); a GET
        from anywhere else gets a page with the button, so no other site can sign a user out."""
        fetch_site = header(scope, b"sec-fetch-site")
        if scope["method"] == "GET" and fetch_site not in ("same-origin", "none"):
            return await self._send(send, 200, LOGOUT_PAGE.encode(), b"text/html; charset=utf-8")
        value = cookie_of(scope)
        user = await to_thread.run_sync(self.sessions.user_of, value)
        await to_thread.run_sync(self.sessions.end, value)
        if user is not None:
            source = (scope.get("client") or ("", 0))[0]
            audit.append(self.index_dir, user.name, "sign_out", "", source=source)
        return await self._redirect(send, "/login", clear=True)

    async def _refuse(self, scope, receive, send):
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 4401})
        accept = header(scope, b"accept")
        if scope["method"] == "GET" and ("text/html" in accept or scope["path"] == "/"):
            here = scope["path"] + ("?" + scope["query_string"].decode() if scope.get("query_string") else "")
            return await self._redirect(send, "/login?" + urllib.parse.urlencode({"next": safe_next(here)}))
        return await self._json(send, 401, {"error": "not signed in", "fix": "sign in at /login"})

    async def _page(self, send, status: int, message: str, target: str):
        text = LOGIN_PAGE.format(
            message=f'<p class="error">{html.escape(message)}</p>' if message else "",
            next=html.escape(target, quote=True),
            hours=SESSION_TTL.seconds // 3600,
        )
        await self._send(send, status, text.encode(), b"text/html; charset=utf-8")

    async def _redirect(self, send, target: str, cookie: str | None = None, clear: bool = False):
        headers = [(b"location", urllib.parse.quote(target, safe="/?&=%#:+,;@!$'()*~-._").encode("ascii"))]
        if cookie is not None or clear:
            value = cookie or ""
            age = int(SESSION_TTL.total_seconds()) if cookie else 0
            headers.append(
                (b"set-cookie", f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={age}".encode())
            )
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    async def _json(self, send, status: int, body: dict):
        await self._send(send, status, json.dumps(body, ensure_ascii=False).encode(), b"application/json")

    async def _send(self, send, status: int, body: bytes, content_type: bytes):
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _with_headers(self, send):
        async def inner(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
            await send(message)

        return inner
