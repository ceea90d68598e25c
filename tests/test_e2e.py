"""End to end: the app served on the office network (0.0.0.0, accounts required), driven by
Debian's headless Chromium over loopback: a viewer signs in, searches, and a screenshot is saved."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = [pytest.mark.browser, pytest.mark.model]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


VIEWER, PASSWORD = "zhangsan", "chakan-2026"
COOKIE_NAME = "kb_session"


@pytest.fixture
def server(e5_index, tmp_path):
    from kb.office.accounts import Accounts

    index = tmp_path / "index"
    shutil.copytree(e5_index, index)
    Accounts(index).add_user(VIEWER, PASSWORD, "viewer")
    port = free_port()
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--address", "0.0.0.0", "--port", str(port), "--index", str(index)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the server did not start: " + (tmp_path / "streamlit.log").read_text())
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def browser():
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
    ):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield driver
    driver.quit()


def office_address() -> str:
    """This machine's address on its network (not loopback): a page there is not a secure context,
    as on an office intranet, so ``navigator.clipboard`` is undefined."""
    out = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    found = [a for a in out if "." in a and not a.startswith("127.")]
    if not found:
        pytest.fail("this machine has no IPv4 address besides loopback (hostname -I)")
    return found[0]


def sign_in(browser, server, wait):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC

    browser.get(server)
    name = wait.until(EC.element_to_be_clickable((By.ID, "name")))  # the front door's page, before any Streamlit
    name.send_keys(VIEWER)
    browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)


def test_search_in_the_browser(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    sign_in(browser, server, wait)
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='输入主题或问题']")))
    cookie = browser.get_cookie("kb_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert COOKIE_NAME not in browser.execute_script("return document.cookie")  # no script can read the session
    box.send_keys("城市黑臭水体什么时候消除", Keys.ENTER)
    wait.until(lambda d: "建成区基本消除黑臭水体" in d.find_element(By.TAG_NAME, "body").text)
    time.sleep(1)
    shot = tmp_path / "search.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "建成区基本消除黑臭水体" in body
    assert "完成时限 2025-12-31" in body
    assert f"{VIEWER}（查阅）" in body
    browser.find_element(By.XPATH, "//*[@data-testid='stSidebar']//label[contains(., '台账')]").click()
    # the 台账 page, no query asked: its counts and its sheet to download
    wait.until(lambda d: all(t in d.find_element(By.TAG_NAME, "body").text for t in ("逾期未完成", "下载台账 Excel")))
    browser.refresh()  # F5: still signed in, no sign-in page, and the URL brings back the 台账 page
    wait.until(
        lambda d: all(t in d.find_element(By.TAG_NAME, "body").text for t in ("逾期未完成", f"{VIEWER}（查阅）"))
    )
    browser.switch_to.new_window("tab")  # a new tab shares the session
    browser.get(server)
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='输入主题或问题']")))
    browser.get(server + "/logout")  # signing out ends it: the next visit asks again
    wait.until(EC.element_to_be_clickable((By.ID, "name")))
    browser.get(server)
    wait.until(EC.element_to_be_clickable((By.ID, "name")))


def test_serving_the_network_without_accounts_is_refused(e5_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(e5_index, index)
    r = subprocess.run(
        [sys.executable, "-m", "kb", "serve", "--address", "0.0.0.0", "--index", str(index)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert r.returncode == 1
    assert r.stderr.startswith("Error: no user accounts") and "python -m kb users add NAME --role admin" in r.stderr


def test_copy_and_kept_filters_on_the_office_address(server, browser):
    """Over http://<server-ip>: 复制引用 copies (已复制, the text in the page's textarea) although the
    clipboard API is missing; the query and the 范围 survive a trip to another page; Streamlit's
    own controls speak Chinese."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    url = server.replace("127.0.0.1", office_address())
    sign_in(browser, url, wait)
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='输入主题或问题']")))
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return document.documentElement.lang") == "zh-CN")
    browser.find_element(By.XPATH, "//button[normalize-space()='省']").click()  # 范围 = 省
    time.sleep(1)
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='输入主题或问题']")))
    box.send_keys("危险废物", Keys.ENTER)
    wait.until(
        lambda d: (
            "复制引用" in " ".join(f.get_attribute("srcdoc") or "" for f in d.find_elements(By.TAG_NAME, "iframe"))
        )
    )
    time.sleep(1)
    cited = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stCode'] code")[0].text
    frame = next(
        f for f in browser.find_elements(By.TAG_NAME, "iframe") if "复制引用" in (f.get_attribute("srcdoc") or "")
    )
    browser.switch_to.frame(frame)
    assert browser.execute_script("return window.isSecureContext") is False
    assert browser.execute_script("return typeof navigator.clipboard") == "undefined"
    browser.find_element(By.ID, "b").click()
    wait.until(lambda d: d.find_element(By.ID, "s").text == "已复制")
    copied = browser.execute_script("return document.getElementById('t').value")
    assert browser.execute_script("return document.getElementById('t').dataset.copied") == "1"
    browser.switch_to.default_content()
    assert copied.replace("\n", "") == cited.replace("\n", "")  # the citation, whole
    browser.find_element(By.XPATH, "//*[@data-testid='stSidebar']//label[contains(., '期限跟踪')]").click()
    wait.until(lambda d: "参照日期" in d.find_element(By.TAG_NAME, "body").text)
    time.sleep(1)
    body = browser.find_element(By.TAG_NAME, "body")
    placeholders = [
        e.get_attribute("placeholder") for e in browser.find_elements(By.CSS_SELECTOR, "input[placeholder]")
    ]
    assert "请选择" in placeholders and "Choose an option" not in placeholders  # Streamlit's chrome in Chinese
    year = browser.find_element(By.CSS_SELECTOR, "[data-testid='stDateInput'] [data-type='year']")
    assert browser.execute_script("return getComputedStyle(arguments[0], '::after').content", year) == '"年"'
    assert "Select all" not in body.text and "Upload" not in body.text
    browser.find_element(By.XPATH, "//*[@data-testid='stSidebar']//label[contains(., '条款检索')]").click()
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='输入主题或问题']")))
    assert box.get_attribute("value") == "危险废物"
    pressed = browser.find_elements(By.XPATH, "//button[normalize-space()='省'][@aria-checked='true']")
    assert pressed, "the 范围 choice was lost"
    assert "q=" in browser.current_url and "scope=" in browser.current_url
    assert body is not None
