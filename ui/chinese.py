"""Streamlit's own controls in Chinese.

Streamlit has no setting for its interface language: the file uploader says "Upload" and
"50MB per file", a multiselect offers "Select all", tables have English tooltips. What its API
lets us set, we set (labels, placeholders, date formats); the rest this module replaces in the
page as Streamlit draws it: a script in an invisible same-origin frame watches the app's page
and rewrites those strings (text, tooltips, placeholders), nothing else.
"""

from __future__ import annotations

import json
import re

import streamlit as st

# Streamlit 1.67's fixed English, as it appears in the page (whole text of a node, or a pattern).
WORDS = {
    "Upload": "上传",
    "Browse files": "选择文件",
    "Drag and drop files here": "将文件拖放到此处",
    "Drag and drop file here": "将文件拖放到此处",
    "Drag and drop a file here": "将文件拖放到此处",
    "Select all": "全选",
    "Clear all": "全部清除",
    "Choose options": "请选择",
    "Choose an option": "请选择",
    "Select...": "请选择…",
    "No results": "无匹配项",
    "No options to select.": "没有可选项",
    "Download as CSV": "下载为 CSV",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Show/hide columns": "显示或隐藏列",
    "Copy to clipboard": "复制到剪贴板",
    "Clear value": "清除",
    "Clear selection": "清除选择",
    "Choose date": "选择日期",
    "Open": "打开",
    "Close": "关闭",
    "Running...": "运行中…",
    "Stop": "停止",
    "Main menu": "主菜单",
    "Print": "打印",
    "Rerun": "刷新",
    "YYYY/MM/DD": "年/月/日",
    "YYYY-MM-DD": "年-月-日",
    "Press Enter to apply": "按回车确认",
    "Press Enter to submit form": "按回车提交",
    "Skip to main content": "跳到正文",
    "Settings": "设置",
    "System": "跟随系统",
    "Light": "浅色",
    "Dark": "深色",
    "Choose app theme, colors and fonts": "选择外观",
    "Show data": "查看数据",
    "Download as PNG": "下载为 PNG 图片",
    "Download as SVG": "下载为 SVG 图片",
    "View Source": "查看源码",
    "Open in Vega Editor": "在 Vega 编辑器中打开",
    "Clear caches": "清除缓存",
    "Clear cache": "清除缓存",
    "Record screen": "录制屏幕",
    "Record a screencast": "录制屏幕",
    "Stop recording": "停止录制",
    "Cancel recording": "取消录制",
    "About": "关于",
    "Get help": "帮助",
    "Report a bug": "报告问题",
    # read aloud, not shown: a screen reader speaks them
    "Sidebar": "侧边栏",
    "Collapse sidebar": "收起侧边栏",
    "Expand sidebar": "展开侧边栏",
    "Link to heading": "链接到此标题",
    "Previous month": "上个月",
    "Next month": "下个月",
    "year": "年",
    "month": "月",
    "day": "日",
    "Vega visualization": "图表",
}
# "50MB per file • TXT, PDF" → "每个文件不超过 50MB · TXT, PDF"; "Drag and drop .pdf files here".
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
WEEKDAYS = "(?:Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday)"
WORDS.update({m: f"{n}月" for n, m in enumerate(MONTHS, 1)})  # the date picker's month menu
PATTERNS = (
    *((rf"^{m} (\d{{4}})$", f"$1年{n}月") for n, m in enumerate(MONTHS, 1)),  # the date picker's month
    # the calendar's own labels, read aloud: "Choose date, December 2026", "Today, Sunday, December 6, 2026 selected"
    *((rf"^Choose date, {m} (\d{{4}})$", f"选择日期，$1年{n}月") for n, m in enumerate(MONTHS, 1)),
    *(
        (rf"^(?:Today, )?{WEEKDAYS}, {m} (\d{{1,2}}), (\d{{4}})(?: selected)?$", f"$2年{n}月$1日")
        for n, m in enumerate(MONTHS, 1)
    ),
    *((rf"^{part}, (.+)$", f"$1：{name}") for part, name in (("year", "年"), ("month", "月"), ("day", "日"))),
    # a file the uploader could not send: Streamlit shows the HTTP client's own words
    (r"^AxiosError: Request failed with status code 413$", "文件过大，未上传"),
    (r"^AxiosError: Request failed with status code 40[13]$", "没有上传权限，或登录已过期，请重新登录"),
    (r"^AxiosError: Request failed with status code (\d+)$", "上传失败（$1），请重试"),
    (r"^AxiosError: Network Error$", "网络错误，未上传，请重试"),
    (r"^AxiosError.*$", "上传失败，请重试"),
    (r"^Made with Streamlit.*$", "　"),
    (r"^(\d+(?:\.\d+)?\s*[KMG]?B) per file(.*)$", "每个文件不超过 $1$2"),
    (r"^Drag and drop (.+) here$", "将$1拖放到此处"),
    (r"^Select (\d+) matches$", "选择 $1 个匹配项"),
)
ATTRIBUTES = ("title", "aria-label", "placeholder", "data-title")
# An empty date field shows yyyy/mm/dd in segments its own script types into: styled, not rewritten.
DATE_SEGMENT_NAMES = {"year": "年", "month": "月", "day": "日"}
# The calendar's weekday letters (S M T W T F S, Sunday first) are drawn by its own script: styled too.
WEEKDAY_NAMES = "日一二三四五六"
CHROME_CSS = (
    "<style>"
    + "".join(
        f".react-aria-CalendarGridHeader th:nth-child({k}){{font-size:0}}"
        f".react-aria-CalendarGridHeader th:nth-child({k})::after{{content:'{name}';font-size:.875rem}}"
        for k, name in enumerate(WEEKDAY_NAMES, 1)
    )
    + "".join(
        f"[data-testid='stDateInput'] [data-type='{t}'][data-placeholder='true']{{font-size:0}}"
        f"[data-testid='stDateInput'] [data-type='{t}'][data-placeholder='true']::after"
        f"{{content:'{name}';font-size:1rem;color:#999}}"
        for t, name in DATE_SEGMENT_NAMES.items()
    )
    + "</style>"
)

_SCRIPT = """
<script>
(() => {
  const doc = window.parent.document;
  // One observer per page: a frame drawn again replaces the last one's (whose script died with it).
  if (window.parent.kbChineseObserver) window.parent.kbChineseObserver.disconnect();
  doc.documentElement.lang = "zh-CN";
  const words = %(words)s, patterns = %(patterns)s.map(([p, r]) => [new RegExp(p), r]);
  const attrs = %(attrs)s;
  const tr = (s) => {
    const t = s.trim();
    if (!t) return null;
    if (Object.prototype.hasOwnProperty.call(words, t)) return s.replace(t, words[t]);
    for (const [p, r] of patterns) if (p.test(t)) return s.replace(t, t.replace(p, r));
    return null;
  };
  const fix = (root) => {
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const v = tr(n.nodeValue); if (v !== null && v !== n.nodeValue) n.nodeValue = v;
    }
    const els = root.querySelectorAll ? root.querySelectorAll(attrs.map(a => "[" + a + "]").join(",")) : [];
    for (const el of els) for (const a of attrs) {
      const cur = el.getAttribute(a); if (cur === null) continue;
      const v = tr(cur); if (v !== null && v !== cur) el.setAttribute(a, v);
    }
  };
  fix(doc.body);
  const text = (n) => {
    const v = tr(n.nodeValue);
    if (v !== null && v !== n.nodeValue) n.nodeValue = v;
  };
  const observer = new MutationObserver((muts) => {
    for (const m of muts) {
      if (m.type === "characterData") text(m.target);
      else if (m.type === "attributes") fix(m.target.parentNode || m.target);
      else for (const n of m.addedNodes) if (n.nodeType === 1) fix(n); else if (n.nodeType === 3) text(n);
    }
  });
  observer.observe(doc.body, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: attrs,
  });
  window.parent.kbChineseObserver = observer;
})();
</script>
"""


def page_script() -> str:
    """The translating script (also what a test reads to check the words)."""
    patterns = [[p, re.sub(r"\$(\d)", r"$\1", r)] for p, r in PATTERNS]
    return _SCRIPT % {
        "words": json.dumps(WORDS, ensure_ascii=False),
        "patterns": json.dumps(patterns, ensure_ascii=False),
        "attrs": json.dumps(list(ATTRIBUTES)),
    }


def speak_chinese() -> None:
    """Draw the invisible frame that puts Streamlit's own controls into Chinese, and the styles
    that name an empty date's parts 年/月/日."""
    st.iframe(page_script(), height=1)
    st.markdown(CHROME_CSS, unsafe_allow_html=True)
