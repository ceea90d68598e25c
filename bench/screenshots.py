"""Each page of the app at 1024×768, as an official's small screen shows it: bench/screenshots/.

A fresh ``python -m kb serve`` on loopback over INDEX (the whole-corpus index), each page opened
by its address and saved once drawn (the same readiness as ``bench/page_bench.py``); the 条款检索
page with a search's results. The README links the files.

    python -m bench.screenshots INDEX [OUT]
"""

from __future__ import annotations

import os
import signal
import sys
import time
import urllib.parse
from pathlib import Path

from bench.api_bench import start_server
from bench.page_bench import PAGES, QUERY, _driver, _ready

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    "条款检索": "search",
    "期限跟踪": "deadlines",
    "对标对表": "align",
    "台账": "ledger",
    "引文核验": "check",
    "版本对照": "revisions",
    "文件管理": "documents",
}
WINDOW = "1024,768"


def take(index_dir: str | Path, out: Path = ROOT / "bench" / "screenshots") -> list[Path]:
    """One PNG a page, named ``<page>-1024x768.png``; the files written."""
    out.mkdir(parents=True, exist_ok=True)
    proc, url = start_server(["serve", "--index", str(index_dir), "--no-api"], "/_stcore/health")
    driver, written = None, []
    try:
        driver = _driver(WINDOW)
        for page, name in FILES.items():
            address = (
                f"{url}/?q={urllib.parse.quote(QUERY)}"
                if name == "search"
                else f"{url}/?page={urllib.parse.quote(page)}"
            )
            t = time.perf_counter()
            driver.get(address)
            _ready(driver, "加入备忘录" if name == "search" else PAGES[page], t)
            time.sleep(1.0)  # the copy buttons' frames and the chart draw after the run
            path = out / f"{name}-{WINDOW.replace(',', 'x')}.png"
            driver.save_screenshot(str(path))
            written.append(path)
    finally:
        if driver is not None:
            driver.quit()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    return written


if __name__ == "__main__":
    for p in take(sys.argv[1], Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "screenshots"):
        print(p)
