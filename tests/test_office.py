"""A shared office tool: accounts and roles, the audit log, saved work, links, the memo, Chinese UI."""

import io
import os
import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from kb.errors import KBError
from kb.office import audit
from kb.office.accounts import Accounts
from kb.search.searcher import Searcher
from kb.store import folder

from .conftest import DATA, ROOT, run_cli

APP = str(ROOT / "app.py")


@pytest.fixture
def office_index(tmp_path, fake_index):
    dst = tmp_path / "index"
    shutil.copytree(fake_index, dst)
    state = Accounts(dst)
    state.add_user("admin1", "guanli-2026", "admin")
    state.add_user("viewer1", "chakan-2026", "viewer")
    return dst


def signed_in(index_dir, name, password) -> AppTest:
    os.environ["KB_INDEX"] = str(index_dir)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["user"].name == name
    return at


def go(at, page):
    at.sidebar.radio(key="page").set_value(next(o for o in at.sidebar.radio(key="page").options if page in o)).run()
    return at


@pytest.mark.cli
def test_users_cli_adds_lists_removes_with_the_password_from_stdin(tmp_path):
    import subprocess
    import sys

    ix = str(tmp_path / "ix")
    r = subprocess.run(
        [sys.executable, "-m", "kb", "users", "add", "lisi", "--role", "admin", "--index", ix],
        input="mima-12345\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    assert Accounts(ix).sign_in("lisi", "mima-12345").is_admin
    assert run_cli("kb", "users", "list", "--index", ix).stdout.startswith("lisi\tadmin")
    assert run_cli("kb", "users", "remove", "lisi", "--index", ix).returncode == 0
    bad = run_cli("kb", "users", "remove", "lisi", "--index", ix)
    assert bad.returncode == 1 and bad.stderr.startswith("Error: no user 'lisi'")


def test_passwords_are_argon2_hashes_and_failures_are_rate_limited(tmp_path):
    import sqlite3

    state = Accounts(tmp_path)
    state.add_user("u", "correct-horse", "viewer")
    stored = sqlite3.connect(tmp_path / "state.db").execute("SELECT hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "correct-horse" not in stored
    for _ in range(5):
        with pytest.raises(KBError, match="用户名或密码错误"):
            state.sign_in("u", "wrong")
    with pytest.raises(KBError, match="登录失败次数过多"):
        state.sign_in("u", "correct-horse")  # locked even with the right password


def test_the_app_asks_for_a_sign_in_when_accounts_exist(office_index):
    os.environ["KB_INDEX"] = str(office_index)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert not at.sidebar.radio  # nothing else is shown
    at.text_input(key="login_name").input("viewer1")
    at.text_input(key="login_password").input("wrong-password")
    at.button[0].click().run()
    assert at.error[0].value == "用户名或密码错误"


def test_a_viewer_sees_no_upload_remove_or_edit_controls(office_index):
    at = go(signed_in(office_index, "viewer1", "chakan-2026"), "文件")
    assert not at.get("file_uploader")
    keys = {w.key for w in at.selectbox} | {b.key for b in at.button}
    assert not keys & {"rm_doc", "do-remove", "edit_doc", "do-upload"}
    assert any("需要管理账号" in c.value for c in at.caption)


@pytest.mark.cli
def test_admin_upload_and_removal_and_cli_ingest_are_audited(office_index, tmp_path):
    at = go(signed_in(office_index, "admin1", "guanli-2026"), "文件")
    text = "某县生态环境保护方案\n一、总体要求\n到2026年，全县建成区消除黑臭水体。\n"
    at.file_uploader(key="uploads-0").set_value(("county.txt", text.encode("utf-8"), "text/plain")).run()
    at.button(key="do-upload").click().run()
    assert "已导入 1 份文件，共 1 条条款" in at.success[0].value  # this file's clauses
    assert "county.txt" in set(at.dataframe[0].value["文件名"])  # visible at once
    source = office_index / "sources" / "county.txt"
    assert source.exists()
    at.selectbox(key="rm_doc").set_value("county.txt").run()
    assert any("将从知识库中删除" in w.value for w in at.warning)  # asks before deleting
    at.button(key="do-remove").click().run()
    assert any("已删除《某县生态环境保护方案》" in s.value for s in at.success)  # a lasting message
    assert not source.exists() and "county.txt" not in folder.load(office_index).docs
    log = audit.entries(office_index)
    assert [(e["user"], e["action"], e["file"]) for e in log[-2:]] == [
        ("admin1", "add", "county.txt"),
        ("admin1", "remove", "county.txt"),
    ]
    assert log[-1]["sha256"] == log[-2]["sha256"] and len(log[-1]["sha256"]) == 64
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "x.txt").write_text("某市规划\n一、总则\n到2026年，完成任务。\n", encoding="utf-8")
    assert run_cli("ingest", str(extra), "--index", str(office_index), "--quiet").returncode == 0
    last = audit.entries(office_index)[-1]
    assert last["action"] == "add" and last["file"] == "x.txt" and last["user"].startswith("命令行")
    assert len(audit.entries(office_index)) == len(log) + 1  # append-only: nothing removed


def test_metadata_edit_writes_the_catalog_and_keeps_the_vectors(office_index, tmp_path):
    from ingest.edit import edit_metadata

    corpus = tmp_path / "c"
    shutil.copytree(DATA, corpus)
    from ingest.pipeline import ingest

    ix = tmp_path / "ix"
    ingest([corpus], ix, encoder_spec="fake")
    before = folder.load(ix)
    edit_metadata(ix, "national_opinions.txt", {"doc_number": "中发〔2021〕40号", "level": "国家"}, "admin1")
    after = folder.load(ix)
    assert after.docs["national_opinions.txt"].doc_number == "中发〔2021〕40号"
    assert all(c.doc_number == "中发〔2021〕40号" for c in after.clauses if c.doc_id == "national_opinions.txt")
    assert (before.vectors() == after.vectors()).all()
    files = after.manifest["files"]  # the search files are the last generation's, linked, not rebuilt
    assert all((ix / files[k]).stat().st_nlink >= 2 for k in ("vectors",))
    assert all(p.stat().st_nlink >= 2 for k in ("bm25", "chars") for p in (ix / files[k]).iterdir())
    hits = lambda store: [h.clause.clause_id for h in Searcher(store).run("生态环境", top=5).hits]
    assert hits(after) == hits(before)
    assert "中发〔2021〕40号" in (corpus / "catalog.tsv").read_text(encoding="utf-8")
    assert audit.entries(ix)[-1]["action"] == "edit"
    again = ingest([corpus], ix, rebuild=True, encoder_spec="fake")  # a rebuild keeps the correction
    assert again.written and folder.load(ix).docs["national_opinions.txt"].doc_number == "中发〔2021〕40号"


def test_a_basket_survives_a_new_session_of_the_same_user(office_index):
    at = signed_in(office_index, "viewer1", "chakan-2026")
    at.text_input(key="query").input("黑臭水体").run()
    add = next(b.key for b in at.button if b.key and b.key.startswith("add-"))
    at.button(key=add).click().run()
    again = signed_in(office_index, "viewer1", "chakan-2026")  # a refresh: a new session
    assert again.session_state["basket"] == [add[len("add-") :]]
    other = signed_in(office_index, "admin1", "guanli-2026")
    assert other.session_state["basket"] == []


def test_a_url_with_query_and_page_reproduces_the_search(fake_index, tmp_path):
    os.environ["KB_INDEX"] = str(fake_index)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["q"] = "市、县建成区基本消除黑臭水体"
    at.query_params["page"] = "条款检索"
    at.query_params["scope"] = "市"
    at.run()
    assert at.text_input(key="query").value == "市、县建成区基本消除黑臭水体"
    assert at.code and all(c.value.startswith("《阜新市") for c in at.code)
    assert "建成区基本消除黑臭水体" in at.code[0].value
    link = AppTest.from_file(APP, default_timeout=120)
    cid = next(c.clause_id for c in folder.load(fake_index).clauses if "建成区基本消除黑臭水体" in c.text)
    link.query_params["clause"] = cid
    link.run()
    assert link.code[0].value.endswith("“2025年底前，市、县建成区基本消除黑臭水体。”")


def test_the_memo_docx_is_a4_with_gongwen_fonts(fake_index):
    import docx

    from kb.reports.memo import memo_docx

    clauses = folder.load(fake_index).clauses[:3]
    document = docx.Document(io.BytesIO(memo_docx(clauses, names={c.doc_id: "阜新规划" for c in clauses})))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    xml = document.styles["Normal"].element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml and document.styles["Normal"].font.size.pt == 16
    assert "方正小标宋简体" in document.paragraphs[0].runs[0].element.xml
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


MARKUP_RE = re.compile(
    r"<style>.*?</style>|<[^>]*>|:[a-z]+-badge\[|\]\([^)]*\)|&#?\w+;|\*\*", re.S
)  # HTML, CSS, badges, links
ALLOWED_ASCII = {
    "PDF",
    "OCR",
    "Word",
    "WPS",
    "OFD",
    "Excel",
    "CSV",
    "Markdown",
    "SHA",
    "MB",
    "txt",
    "html",
    "docx",
    "UTF",
    "GB18030",
}


def _ascii_words(at: AppTest, document_text: set[str]) -> set[str]:
    strings = []
    for kind in ("markdown", "caption", "info", "success", "warning", "error", "subheader", "title", "metric"):
        for el in at.get(kind):
            strings.append(str(getattr(el, "value", "")) + " " + str(getattr(el, "label", "")))
    for kind in ("text_input", "selectbox", "multiselect", "button", "checkbox", "toggle", "date_input", "radio"):
        for el in at.get(kind):
            strings.append(str(el.label))
    for df in at.dataframe:
        strings += [str(c) for c in df.value.columns]
    words = set()
    for s in strings:
        s = MARKUP_RE.sub(" ", s)
        for t in sorted(document_text, key=len, reverse=True):
            s = s.replace(t, " ")
        words |= {w for w in re.findall(r"[A-Za-z]{2,}", s) if w not in ALLOWED_ASCII}
    return words


def test_no_english_in_the_rendered_pages(fake_index):
    ix = folder.load(fake_index)
    document_text = (
        {c.text for c in ix.clauses} | {d.doc_id for d in ix.docs.values()} | {d.title for d in ix.docs.values()}
    )
    os.environ["KB_INDEX"] = str(fake_index)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input(key="query").input("黑臭水体").run()
    found = _ascii_words(at, document_text)
    for page in ("期限", "对标", "文件"):
        go(at, page)
        assert not at.exception
        found |= _ascii_words(at, document_text)
    assert found == set()


def test_an_uploads_catalog_row_has_one_column_per_field_and_goes_with_it(tmp_path):
    from ingest.edit import edit_metadata
    from ingest.pipeline import ingest
    from ingest.uploads import add_uploads

    ix = tmp_path / "ix"
    seed = tmp_path / "c"
    seed.mkdir()
    shutil.copy(DATA / "province_plan.txt", seed)
    ingest([seed], ix, encoder_spec="fake")  # uploads use the index's encoder
    data = (DATA / "city_plan.txt").read_bytes()
    other = "关于加强秸秆禁烧的通知\n各县区：\n2025年底前，全面禁止露天焚烧秸秆。\n".encode()
    add_uploads(ix, [("附件1.txt", data), ("附件2.txt", other)], user="admin1")
    edit_metadata(ix, "附件1.txt", {"level": "市", "date": "2023-08-08"}, "admin1")
    edit_metadata(ix, "附件2.txt", {"issuer": "阜新市人民政府"}, "admin1")
    catalog = next((ix / "sources").glob("**/catalog.tsv"))
    header = catalog.read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert len(header) == len(set(header)) and header[0] == "file" and "level" in header
    ingest([], ix, remove=["附件1.txt"], user="admin1")
    lines = catalog.read_text(encoding="utf-8").splitlines()
    assert not any(line.startswith("附件1.txt") for line in lines) and any(x.startswith("附件2.txt") for x in lines)
