"""Every page at 1024×768 and 1280×900 in headless Chromium (issue 35): no button label wraps (the
copy buttons in their frames included), a table's status column is drawn inside the window, and no
English word is shown outside a small allow-list, the date picker's calendar included: Streamlit's
own controls are rewritten (ui/chinese.py), icons and the date field's styled segments are not text."""

from __future__ import annotations

import re
import shutil
import time
import urllib.parse

import pytest

from .test_e2e import chromium, serve

pytestmark = [pytest.mark.browser]
PAGES = ("条款检索", "期限跟踪", "对标对表", "台账", "引文核验", "版本对照", "文件管理")
WINDOWS = ("1024,768", "1280,900")
STATUS_COLUMN = {"期限跟踪": "状态", "对标对表": "状态", "台账": "完成状态"}  # pages whose table has one
# Acronyms and file types an official reads as they are, and the index's own words in clause text.
ALLOWED = {"PDF", "OCR", "Excel", "ID", "API", "Word", "CSV", "VOCs", "NOx", "html", "pdf", "docx", "xlsx", "txt"}
WORD_RE = re.compile(r"[A-Za-z]*[a-z]{2,}[A-Za-z]*")  # a word with lower case: acronyms (DOCX, PM) pass
# The page's text without icon ligatures (keyboard_arrow_right) and the date field's styled segments.
VISIBLE_TEXT_JS = """
const skip = "[data-testid='stIconMaterial'], [data-placeholder='true'], script, style, noscript";
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const out = [];
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement;
  if (!el || el.closest(skip) || !el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
  const r = el.getBoundingClientRect();
  if (r.width > 2 && r.height > 2) out.push(n.nodeValue);  // screen-reader-only text is 1 px
}
return out.join(" ");
"""
# The data grid draws on a canvas; its accessible table holds only the columns drawn in the window.
DRAWN_COLUMNS_JS = """
return [...document.querySelectorAll('table[role=grid][aria-colcount]')].map(t => {
  const box = t.closest('[data-testid=stDataFrame]') || t.parentElement;
  return [[...t.querySelectorAll('th[role=columnheader]')].map(h => h.textContent), box.getBoundingClientRect().right];
});
"""
WRAPPED_JS = """
return [...document.querySelectorAll('button')].filter(b => b.offsetParent && b.innerText.trim()).map(b => {
  const p = b.querySelector('p') || b;
  const lh = parseFloat(getComputedStyle(p).lineHeight) || 1.4 * parseFloat(getComputedStyle(p).fontSize);
  return [b.innerText.trim(), p.getBoundingClientRect().height, lh];
}).filter(([, h, lh]) => h > 1.6 * lh).map(([t]) => t);
"""


@pytest.fixture
def loopback(fake_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(fake_index, index)
    yield from serve(index, tmp_path, address="127.0.0.1")


@pytest.fixture
def small_browser():
    driver = chromium("1024,768")
    yield driver
    driver.quit()


@pytest.fixture(params=WINDOWS)
def window_browser(request):
    driver = chromium(request.param)
    yield driver
    driver.quit()


def settled(driver, timeout: float = 60) -> str:
    """The page's visible text once it has stopped changing for a second."""
    from selenium.webdriver.common.by import By

    end, last, since = time.time() + timeout, None, time.time()
    while time.time() < end:
        text = driver.find_element(By.TAG_NAME, "body").text
        if text != last:
            last, since = text, time.time()
        elif time.time() - since > 1.5 and "Running" not in text and "运行中" not in text:
            return text
        time.sleep(0.3)
    return last or ""


def english(driver) -> set[str]:
    return {w for w in WORD_RE.findall(driver.execute_script(VISIBLE_TEXT_JS)) if w not in ALLOWED}


def wrapped(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    out = list(driver.execute_script(WRAPPED_JS))
    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe"):
        driver.switch_to.frame(frame)
        out += driver.execute_script(WRAPPED_JS)
        driver.switch_to.default_content()
    return out


@pytest.mark.parametrize("page", PAGES)
def test_each_page_has_no_wrapped_button_no_english_and_its_status_in_view(loopback, window_browser, page, tmp_path):
    driver = window_browser
    driver.get(f"{loopback}/?page={urllib.parse.quote(page)}")
    settled(driver)
    assert english(driver) == set(), page
    assert wrapped(driver) == [], page
    if page in STATUS_COLUMN:
        width = driver.execute_script("return window.innerWidth")
        grids = driver.execute_script(DRAWN_COLUMNS_JS)
        assert any(STATUS_COLUMN[page] in drawn for drawn, _ in grids), (page, grids)
        assert all(right <= width for _, right in grids), (page, grids, width)
    driver.save_screenshot(str(tmp_path / f"{page}.png"))


def test_the_popups_speak_chinese(loopback, small_browser):
    """The calendar popup (its month, its weekday row, its day labels) and the main menu in Chinese."""
    from selenium.webdriver.common.by import By

    small_browser.get(f"{loopback}/?page={urllib.parse.quote('期限跟踪')}")
    settled(small_browser)
    fields = small_browser.find_elements(By.CSS_SELECTOR, "[data-testid='stDateInput']")
    assert len(fields) >= 3
    fields[-1].click()
    time.sleep(1.5)
    assert english(small_browser) == set()
    weekdays = small_browser.execute_script(
        "return [...document.querySelectorAll('.react-aria-CalendarGridHeader th')]"
        ".map(th => getComputedStyle(th, '::after').content.replaceAll('\"', ''))"
    )
    assert "".join(weekdays) == "日一二三四五六"
    labels = small_browser.execute_script(
        "return [...document.querySelectorAll('table[role=grid] [aria-label]')].map(e => e.getAttribute('aria-label'))"
    )
    assert labels and not [x for x in labels if re.search(r"[A-Za-z]{3,}", x)], labels[:5]
    small_browser.find_element(By.TAG_NAME, "body").send_keys("\ue00c")  # Escape closes the calendar
    menu = small_browser.find_elements(By.CSS_SELECTOR, "[data-testid='stMainMenu'] button")
    if menu:  # the viewer's toolbar: its menu opened
        menu[0].click()
        time.sleep(1.0)
        assert english(small_browser) == set()


def test_search_results_at_1024_keep_their_buttons_on_one_line(loopback, small_browser):
    from selenium.webdriver.common.by import By

    small_browser.get(f"{loopback}/?q={urllib.parse.quote('城市黑臭水体什么时候消除')}")
    settled(small_browser)
    assert small_browser.find_elements(By.CSS_SELECTOR, "iframe")  # the copy buttons' frames
    assert wrapped(small_browser) == []
    assert english(small_browser) == set()
