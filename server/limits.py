"""Request size limits at the door of every route, before a handler reads anything.

``BodyLimit`` refuses a body over its limit from ``Content-Length`` before reading it, and one
that streams (chunked, no length) as soon as it passes the limit: the handler is never called
with it. JSON routes get ``MAX_BODY_BYTES``; upload routes (documents, evidence, a draft) each
their own, by path prefix.
"""

from __future__ import annotations

import json

from kb.office.limits import MAX_BODY_BYTES

BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


async def send_json(send, status: int, body: dict, headers: list | None = None) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def too_large(limit: int) -> dict:
    return {"error": "request body too large", "fix": f"send at most {limit // 1024} KB"}


class BodyLimit:
    """ASGI middleware: bodies of at most ``limit`` bytes; ``uploads`` maps upload routes to their own
    limits: a path as it is (``/v1/documents``), or every path under one ending in ``/``."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES, uploads: dict[str, int] | None = None):
        self.app, self.limit, self.uploads = app, limit, dict(uploads or {})

    def limit_for(self, path: str) -> int:
        for route, n in self.uploads.items():
            if path == route or (route.endswith("/") and path.startswith(route)):
                return n
        return self.limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope["path"])
        length = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        try:
            declared = int(length) if length is not None else None
        except ValueError:
            return await send_json(send, 400, {"error": "bad Content-Length", "fix": "send a number of bytes"})
        if declared is not None and declared > limit:
            return await send_json(send, 413, too_large(limit))
        if declared is not None:
            return await self.app(scope, receive, send)
        # No length (chunked): read up to the limit first, then hand the body over whole.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            size += len(message.get("body", b""))
            if size > limit:
                return await send_json(send, 413, too_large(limit))
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body, done = b"".join(chunks), False

        async def replay():
            nonlocal done
            if not done:
                done = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)
