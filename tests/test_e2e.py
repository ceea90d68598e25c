"""End to end: the app served on the office network (0.0.0.0, accounts required), driven by
Debian's headless Chromium over loopback: a viewer signs in, searches, and a screenshot is saved."""

import io
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


def serve(index, tmp_path, address: str = "0.0.0.0"):
    """``kb serve`` on ``address`` (every interface) for ``index``; yields its URL over loopback, stops it after."""
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--address", address, "--port", str(port), "--index", str(index)],
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
        pytest.fail("the server did not start: " + (tmp_path / "serve.log").read_text())
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def server(e5_index, tmp_path):
    from kb.office.accounts import Accounts

    index = tmp_path / "index"
    shutil.copytree(e5_index, index)
    Accounts(index).add_user(VIEWER, PASSWORD, "viewer")
    yield from serve(index, tmp_path)


def chromium(window: str = "1280,1600"):
    """Debian's headless Chromium with a window of ``window`` pixels (width,height)."""
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
        f"--window-size={window}",
    ):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


@pytest.fixture
def browser():
    driver = chromium()
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
    wait.until(lambda d: all(t in d.find_element(By.TAG_NAME, "body").text for t in ("到期未完成", "下载台账 Excel")))
    browser.refresh()  # F5: still signed in, no sign-in page, and the URL brings back the 台账 page
    wait.until(
        lambda d: all(t in d.find_element(By.TAG_NAME, "body").text for t in ("到期未完成", f"{VIEWER}（查阅）"))
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


REPORTER, REPORTER_PASSWORD = "tianbao", "tianbao-2026"


@pytest.fixture
def office(e5_index, tmp_path):
    """``kb serve`` on every interface with a reporter of 市生态环境局; two items assigned, one to
    that unit and one to another; the reporter's filled sheet (rows of both units) and a PDF."""
    from kb import service
    from kb.office.accounts import Accounts, User
    from kb.reports import ledger_report
    from kb.store import folder
    from kb.tracking.ledger import Ledger

    index = tmp_path / "index"
    shutil.copytree(e5_index, index)
    Accounts(index).add_user(REPORTER, REPORTER_PASSWORD, "reporter", units=("市生态环境局",))
    ix, admin = folder.load(index), User("guanli", "admin")
    ours, theirs = Ledger(index).items(ix, "city_plan.txt")[:2]
    service.assign_units(ix, index, [ours.item_id], ["市生态环境局"], [], admin)
    service.assign_units(ix, index, [theirs.item_id], ["市住房和城乡建设局"], [], admin)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(ledger_report.to_xlsx(Ledger(index).items(ix, "city_plan.txt"), "阜新")))
    ws = wb["台账"]
    col = {c.value: c.column for c in ws[2]}
    for r in range(3, ws.max_row + 1):
        if ws.cell(r, col["台账编号"]).value in (ours.item_id, theirs.item_id):
            ws.cell(r, col["进展情况"]).value = "已完成管网建设"
            ws.cell(r, col["完成状态"]).value = "推进中"
    sheet, pdf = tmp_path / "台账填报.xlsx", tmp_path / "验收报告.pdf"
    wb.save(sheet)
    pdf.write_bytes(b"%PDF-1.4\n% acceptance report\n")
    for url in serve(index, tmp_path):
        yield url, index, ours, theirs, sheet, pdf


def _uploader(browser, label: str):
    """The file input of the uploader labelled ``label``, once it is drawn (a busy page draws late)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    where = f"//*[@data-testid='stFileUploader'][.//*[contains(normalize-space(), '{label}')]]//input[@type='file']"
    return WebDriverWait(browser, 60).until(lambda d: d.find_element(By.XPATH, where))


def test_a_reporter_imports_its_rows_and_attaches_evidence_on_the_office_address(office, browser, tmp_path):
    """A reporter of 市生态环境局 uploads a sheet with rows of two units: its row applies, the other is
    refused with the reason; then it attaches a 验收报告 to its item and downloads it back."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from kb.store import folder
    from kb.tracking.ledger import Ledger

    base, index, ours, theirs, sheet, pdf = office
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    wait = WebDriverWait(browser, 90)
    url = base.replace("127.0.0.1", office_address())
    browser.get(url)
    wait.until(EC.element_to_be_clickable((By.ID, "name"))).send_keys(REPORTER)
    browser.find_element(By.ID, "password").send_keys(REPORTER_PASSWORD, Keys.ENTER)
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='输入主题或问题']")))
    browser.find_element(By.XPATH, "//*[@data-testid='stSidebar']//label[contains(., '台账')]").click()
    wait.until(lambda d: "导入各单位填报的台账" in d.find_element(By.TAG_NAME, "body").text)
    _uploader(browser, "选择填好的台账 Excel").send_keys(str(sheet))
    wait.until(lambda d: "确认导入 1 项" in d.find_element(By.TAG_NAME, "body").text)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "未导入" in body and "市住房和城乡建设局" in body and "不是本单位" in body  # the other unit's row, with why
    browser.find_element(By.XPATH, "//button[contains(., '确认导入 1 项')]").click()
    wait.until(lambda d: "已导入 1 项" in d.find_element(By.TAG_NAME, "body").text)
    ix = folder.load(index)
    book = Ledger(index)
    assert book.item(ix, ours.item_id).record["progress"] == "已完成管网建设"
    assert "progress" not in book.item(ix, theirs.item_id).record
    _uploader(browser, "上传佐证材料").send_keys(str(pdf))
    time.sleep(2)
    browser.find_element(By.XPATH, "//button[normalize-space()='保存']").click()
    button = wait.until(EC.element_to_be_clickable((By.XPATH, "//button[contains(., '下载佐证材料：验收报告.pdf')]")))
    assert book.item(folder.load(index), ours.item_id).evidence[0]["name"] == "验收报告.pdf"
    button.click()
    deadline = time.time() + 30
    while time.time() < deadline and not list(downloads.glob("*.pdf")):
        time.sleep(0.5)
    (got,) = list(downloads.glob("*.pdf"))
    assert got.read_bytes() == pdf.read_bytes()


def test_a_draft_is_checked_in_the_browser(server, browser):
    """引文核验 on the office address: a viewer pastes a draft and sees what is wrong, the worst first."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    sign_in(browser, server.replace("127.0.0.1", office_address()), wait)
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='输入主题或问题']")))
    browser.find_element(By.XPATH, "//*[@data-testid='stSidebar']//label[contains(., '引文核验')]").click()
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "textarea[aria-label='稿件文字']")))
    box.send_keys(
        "《中共中央 国务院关于深入打好污染防治攻坚战的意见》要求"
        "“到2025年，全国重点行业重点重金属污染物排放量比2020年下降10%”，"
        "并要求“全面实行河湖长制考核一票否决制度”。"
    )
    browser.find_element(By.XPATH, "//button[contains(., '开始核验')]").click()
    wait.until(lambda d: "与原文不一致" in d.find_element(By.TAG_NAME, "body").text)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert body.index("未找到原文") < body.index("与原文不一致")  # the most serious first
    assert "下载带批注的稿件" in body and "下降5%" in body


def test_a_draft_is_compared_and_the_revision_table_downloaded(office, browser, tmp_path):
    """版本对照 on the office address: a reporter uploads the next draft of the city plan against the
    plan in the knowledge base, sees the changes, and downloads the 修订对照表."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    base, index, *_ = office
    text = (ROOT / "tests" / "data" / "city_plan.txt").read_text(encoding="utf-8")
    draft = tmp_path / "征求意见稿.txt"
    draft.write_text(
        text.replace("城市生活污水集中收集率达到70%以上", "城市生活污水集中收集率达到80%以上"), encoding="utf-8"
    )
    downloads = tmp_path / "dl"
    downloads.mkdir()
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    wait = WebDriverWait(browser, 90)
    browser.get(base.replace("127.0.0.1", office_address()))
    wait.until(EC.element_to_be_clickable((By.ID, "name"))).send_keys(REPORTER)
    browser.find_element(By.ID, "password").send_keys(REPORTER_PASSWORD, Keys.ENTER)
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='输入主题或问题']")))
    browser.find_element(By.XPATH, "//*[@data-testid='stSidebar']//label[contains(., '版本对照')]").click()
    wait.until(lambda d: "新版本" in d.find_element(By.TAG_NAME, "body").text)
    old = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stSelectbox'] input")[0]
    old.click()
    old.send_keys("city_plan.txt", Keys.ENTER)
    time.sleep(1)
    new = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stSelectbox'] input")[1]
    new.click()
    new.send_keys("上传的稿件", Keys.ENTER)
    wait.until(lambda d: "上传新版本稿件" in d.find_element(By.TAG_NAME, "body").text)
    _uploader(browser, "上传新版本稿件").send_keys(str(draft))
    wait.until(lambda d: "目标值由70%提高到80%" in d.find_element(By.TAG_NAME, "body").text)
    browser.find_element(By.XPATH, "//button[contains(., '下载修订对照表（Word）')]").click()
    deadline = time.time() + 30
    while time.time() < deadline and not list(downloads.glob("*.docx")):
        time.sleep(0.5)
    (got,) = list(downloads.glob("*.docx"))
    import docx

    table = docx.Document(got).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "原文", "修改后", "修改说明"]
    assert any("80%" in r.cells[2].text for r in table.rows)


def test_sign_out_replaces_the_current_tab(server, browser):
    """N13: 退出登录 is a link in the same tab; the tab then shows the sign-in page, not the last results."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    sign_in(browser, server, wait)
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='输入主题或问题']")))
    link = wait.until(
        EC.element_to_be_clickable((By.XPATH, "//*[@data-testid='stSidebar']//a[contains(., '退出登录')]"))
    )
    assert link.get_attribute("target") in ("_self", "", None)
    link.click()
    wait.until(EC.element_to_be_clickable((By.ID, "name")))  # the front door's page, in this tab
    assert len(browser.window_handles) == 1
