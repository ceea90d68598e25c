"""make bench, section 9: how long each page of the app takes to be ready, in headless Chromium.

A fresh ``python -m kb serve`` on loopback over the whole-corpus index; Chromium at 1280×900
opens the app, then switches to each page by its sidebar entry as a user does, twice (the first
visit fills the caches of a new process, the second is every visit after). A page is *ready*
when its own marker is drawn (the 对标对表 counts, the 台账 sheet button…) and Streamlit's
"running" indicator is gone. A search is timed from Enter to its first citation. Also: the
对标对表 status filter changed, and the 期限跟踪 filters cleared. The goal is ≤ 3 s each.

    python -m bench.page_bench INDEX        # prints one JSON line
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from bench.api_bench import start_server

GOAL_S = 3.0
# Each page, and text that shows it has been drawn.
PAGES = {
    "条款检索": "已收录",
    "期限跟踪": "下载 Excel",
    "对标对表": "下载 Word 对标表",
    "台账": "下载台账 Excel",
    "引文核验": "开始核验",
    "版本对照": "新版本",
    "文件管理": "审计记录",
}
QUERY = "城市黑臭水体什么时候消除"
TIMEOUT_S = 120


def _driver(window: str = "1280,900"):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={window}",
    ):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)


def _ready(driver, marker: str, since: float) -> float:
    """Seconds from ``since`` until ``marker`` is on the page and Streamlit has finished the run."""
    from selenium.webdriver.common.by import By

    return _until(driver, lambda: marker in driver.find_element(By.TAG_NAME, "body").text, since, marker)


def _until(driver, drawn, since: float, what: str) -> float:
    """Seconds from ``since`` until ``drawn()`` holds and Streamlit's "running" indicator is gone."""
    from selenium.webdriver.common.by import By

    deadline = time.time() + TIMEOUT_S
    while time.time() < deadline:
        if drawn() and not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']"):
            return time.perf_counter() - since
        time.sleep(0.05)
    raise TimeoutError(f"not ready after {TIMEOUT_S} s: {what}")


def _switch(driver, page: str) -> float:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    sidebar = f"//*[@data-testid='stSidebar']//label[contains(., '{page}')]"
    label = WebDriverWait(driver, TIMEOUT_S).until(EC.element_to_be_clickable((By.XPATH, sidebar)))
    t = time.perf_counter()
    label.click()
    time.sleep(0.1)  # the click's rerun has begun
    return _ready(driver, PAGES[page], t)


def bench_pages(index_dir: str | Path) -> dict:
    """Time to ready of each page (first and second visit) and of a search, a filter change and
    a 清除筛选, in seconds."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    proc, url = start_server(["serve", "--index", str(index_dir), "--no-api"], "/_stcore/health")
    driver = None
    try:
        driver = _driver()
        t = time.perf_counter()
        driver.get(url)
        res: dict = {"open_s": _ready(driver, PAGES["条款检索"], t), "pages": {}}
        for visit in ("first", "again"):
            for page in [*list(PAGES)[1:], list(PAGES)[0]]:
                res["pages"].setdefault(page, {})[visit] = _switch(driver, page)
        box = driver.find_element(By.CSS_SELECTOR, "input[aria-label='输入主题或问题']")
        t = time.perf_counter()
        box.send_keys(QUERY, Keys.ENTER)
        res["search_s"] = _until(
            driver, lambda: driver.find_elements(By.CSS_SELECTOR, "[data-testid='stCode']"), t, "a citation"
        )
        _switch(driver, "对标对表")
        status = WebDriverWait(driver, TIMEOUT_S).until(
            EC.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='状态']"))
        )
        t = time.perf_counter()
        status.send_keys("未找到", Keys.ENTER)
        status.send_keys(Keys.ESCAPE)
        time.sleep(0.1)
        res["align_filter_s"] = _ready(driver, PAGES["对标对表"], t)
        return res
    finally:
        if driver is not None:
            driver.quit()
        proc.terminate()
        proc.wait(timeout=30)


def report_pages(res: dict) -> list[str]:
    """Section 9 of bench/results.md."""
    if not res:
        return []
    ok = lambda s: "✓" if s <= GOAL_S else "✗ over 3 s"
    lines = [
        "",
        "## 9. Pages in the browser (time to ready, headless Chromium, 1280×900)",
        "",
        "A fresh `kb serve` on loopback over the whole-corpus index; each page opened from the sidebar as a",
        "user does, twice: the first visit fills a new process's caches. Ready: the page's own controls",
        f"drawn and Streamlit's run finished (`bench/page_bench.py`). Goal ≤ {GOAL_S:.0f} s.",
        "",
        "| page | first visit (s) | again (s) | |",
        "|---|---|---|---|",
    ]
    for page, t in res["pages"].items():
        lines.append(f"| {page} | {t['first']:.2f} | {t['again']:.2f} | {ok(max(t['first'], t['again']))} |")
    lines += [
        f"| the app opened (条款检索) | {res['open_s']:.2f} | | {ok(res['open_s'])} |",
        f"| a search, Enter to first citation | {res['search_s']:.2f} | | {ok(res['search_s'])} |",
        f"| 对标对表, a status filter changed | {res['align_filter_s']:.2f} | | {ok(res['align_filter_s'])} |",
    ]
    return lines


if __name__ == "__main__":
    print(json.dumps(bench_pages(sys.argv[1]), ensure_ascii=False))
