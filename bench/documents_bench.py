"""文件管理 with a 100 MB audit log: how long the page takes to open (the second probe's flood).

    python -m bench.documents_bench INDEX

A copy of INDEX gets a 100 MB ``audit.jsonl`` of refused sign-ins; the app (Streamlit's AppTest,
in this process) opens 文件管理, which reads the log's newest page from its end.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bench(index_dir: str, megabytes: int = 100) -> dict:
    from streamlit.testing.v1 import AppTest

    index = Path(tempfile.mkdtemp()) / "index"
    shutil.copytree(index_dir, index)
    line = json.dumps({"time": "2026-12-01T00:00:00+00:00", "user": "x" * 60, "action": "sign_in_refused", "file": ""})
    with open(index / "audit.jsonl", "w", encoding="utf-8") as f:
        for _ in range(megabytes):
            f.write((line + "\n") * (1024 * 1024 // (len(line) + 1)))
    os.environ["KB_INDEX"] = str(index)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    start = time.perf_counter()
    at.sidebar.radio(key="page").set_value("文件管理").run()
    seconds = time.perf_counter() - start
    size = (index / "audit.jsonl").stat().st_size
    shutil.rmtree(index.parent, ignore_errors=True)
    return {"log_mb": size / 1e6, "seconds": seconds}


if __name__ == "__main__":
    print(bench(sys.argv[1]))
