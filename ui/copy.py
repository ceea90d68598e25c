"""A copy button that works on the office network's plain HTTP.

Browsers give ``navigator.clipboard`` only to secure contexts (HTTPS or loopback), so Streamlit's
own copy button does nothing at ``http://<server-ip>:8501``. This one puts the text in a
textarea, selects it and runs ``document.execCommand("copy")`` (the fallback every browser
still honours on a click), tries the clipboard API first where there is one, and says
已复制 — or, if the browser refuses both, leaves the text selected with 请按 Ctrl+C.
"""

from __future__ import annotations

import html
import json

import streamlit as st

BUTTON_HEIGHT = 38
# Streamlit's copy icon on code blocks fails silently over plain HTTP: ours replaces it.
HIDE_BUILTIN_COPY = "<style>[data-testid='stCodeCopyButton']{display:none !important}</style>"

_TEMPLATE = """
<style>#row{{font-family:sans-serif;font-size:14px;display:flex;flex-wrap:nowrap;gap:.4em;align-items:center}}
#row *{{white-space:nowrap}} #b{{padding:.25em .7em;border:1px solid #bbb;border-radius:6px;background:#fff;
cursor:pointer;flex:none}} #s{{color:#1a7f37}}</style>
<div id="row">
<button id="b">{label}</button><span id="s" role="status"></span>
<textarea id="t" readonly aria-hidden="true" data-copied=""
style="position:absolute;left:-9999px;top:0">{text}</textarea>
</div>
<script>
const b = document.getElementById("b"), s = document.getElementById("s"), t = document.getElementById("t");
const text = {payload};
t.value = text;
function fallback() {{
  t.value = text; t.focus(); t.select();
  let ok = false;
  try {{ ok = document.execCommand("copy"); }} catch (e) {{ ok = false; }}
  return ok;
}}
b.addEventListener("click", async () => {{
  let ok = false;
  if (navigator.clipboard && window.isSecureContext) {{
    try {{ await navigator.clipboard.writeText(text); ok = true; }} catch (e) {{ ok = false; }}
  }}
  if (!ok) ok = fallback();
  t.dataset.copied = ok ? "1" : "0";
  s.style.color = ok ? "#1a7f37" : "#9a6700";
  s.textContent = ok ? "已复制" : "浏览器未允许自动复制：文字已选中，请按 Ctrl+C";
  if (ok) setTimeout(() => {{ s.textContent = ""; }}, 4000);
}});
</script>
"""


def copy_button(text: str, label: str = "复制引用") -> None:
    """A 复制 button for ``text`` (a citation), with 已复制 feedback, on HTTP as on HTTPS."""
    _render(label, text, json.dumps(text))


def copy_link_button(clause_id: str, label: str = "复制链接") -> None:
    """A 复制链接 button: this app's address with ``?clause=ID``, which opens the clause for anyone signed in."""
    payload = (
        "(() => { const p = window.parent.location; return p.origin + p.pathname + '?clause=' + "
        f"encodeURIComponent({json.dumps(clause_id)}); }})()"
    )
    _render(label, "", payload)


def _render(label: str, text: str, payload: str) -> None:
    """The button in an iframe of its own (``st.iframe``: scripts run, the parent's address is readable).
    Only our template and ``json``/``html``-escaped text go in, never a user's markup."""
    st.iframe(_TEMPLATE.format(label=html.escape(label), text=html.escape(text), payload=payload), height=BUTTON_HEIGHT)


def hide_builtin_copy() -> None:
    st.markdown(HIDE_BUILTIN_COPY, unsafe_allow_html=True)
