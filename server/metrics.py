"""Request counts in the Prometheus text format, per worker process, for ``GET /v1/metrics``.

``kb_requests_total{method, route, status}`` counts answers by route (the path with ids folded:
``/v1/clauses/{id}``), ``kb_index_generation``, ``kb_documents`` and ``kb_clauses`` describe the
loaded index. The endpoint is an admin's (a viewer's token is refused): route names and counts say
who uses what.
"""

from __future__ import annotations

import re
import threading
from collections import Counter

_counts: Counter = Counter()
_lock = threading.Lock()
ID_SEGMENT_RE = re.compile(r"^(/v1/(?:clauses|documents|ledger|ledger/evidence)/)[^/]+")


def route_of(path: str) -> str:
    """The path with its id folded, so that counts stay few: /v1/clauses/abc-0001 → /v1/clauses/{id}."""
    if path.startswith("/v1/ledger/evidence/"):
        return "/v1/ledger/evidence/{id}"
    return ID_SEGMENT_RE.sub(r"\1{id}", path) if path.startswith("/v1/") else path.split("?")[0][:40]


def count(method: str, path: str, status: int) -> None:
    with _lock:
        _counts[(method, route_of(path), status)] += 1


def render(generation: int, documents: int, clauses: int) -> str:
    """The metrics page."""
    lines = [
        "# HELP kb_requests_total Answers by method, route and status, since this worker started.",
        "# TYPE kb_requests_total counter",
    ]
    with _lock:
        for (method, route, status), n in sorted(_counts.items()):
            lines.append(f'kb_requests_total{{method="{method}",route="{route}",status="{status}"}} {n}')
    for name, value, what in (
        ("kb_index_generation", generation, "The index generation this worker serves."),
        ("kb_documents", documents, "Documents in the index."),
        ("kb_clauses", clauses, "Clauses in the index."),
    ):
        lines += [f"# HELP {name} {what}", f"# TYPE {name} gauge", f"{name} {value}"]
    return "\n".join(lines) + "\n"
