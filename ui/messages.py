"""What went wrong, in Chinese, on the page.

The core's refusals (``KBError``) speak the CLI's and the API's English contract, ``problem; fix``.
A page shows them in Chinese: each known refusal is matched by a pattern and its figures carried
over; a file's reasons are ``ingest.reasons``'; a message already in Chinese stays as it is. One
that matches nothing keeps its words behind a Chinese opening, so it is still read as a refusal.
"""

from __future__ import annotations

import re

from ingest.reasons import COMPILED as FILE_REASONS

# (pattern on the English message, Chinese template using the pattern's named groups)
REFUSALS = (
    (r"^empty query", "请输入要检索的主题或问题，例如：城市黑臭水体什么时候消除"),
    (
        r"^query too long \((?P<n>\d+) characters > (?P<limit>\d+)\)",
        "检索内容过长（{n} 字，上限 {limit} 字）：请只写主题或问题",
    ),
    (r"^(?:cannot read the date|no such date) '(?P<date>[^']*)'", "无法识别日期“{date}”：请写成 2025-12-31 的形式"),
    (r"^no document '(?P<name>[^']*)'", "知识库中没有文件“{name}”：请在文件管理中查看已有文件"),
    (r"^'(?P<name>[^']*)' names several documents", "“{name}”对应多份文件：请写出更完整的标题或文号"),
    (r"^no ledger item '(?P<id>[^']*)'", "没有这项台账任务（{id}）：请刷新页面后再试"),
    (r"^no commitment ", "没有这项对标任务：请刷新页面后再试"),
    (r"^the level of .* is unknown", "本级文件的层级未知：请在文件管理中填写其发文机关或层级，或手动选择上级文件"),
    (r"cannot be aligned against itself", "不能与自身对照：请选择另一份上级文件"),
    (r"^the note has (?P<n>\d+) characters; keep it under (?P<limit>\d+)", "备注有 {n} 字，请控制在 {limit} 字以内"),
    (r"^(?P<what>\S+) is (?P<n>\d+) characters long; at most (?P<limit>\d+)", "填写的内容有 {n} 字，上限 {limit} 字"),
    (r" must be a (?:finite )?number", "请填写数字，例如 82.5"),
    (r"^the year of .* must be a year", "年份请写成 2025 这样的四位数"),
    (r"^at most (?P<n>\d+) evidence entries", "每项任务最多 {n} 份佐证材料"),
    (r"^each evidence entry is|^evidence must be", "佐证材料请上传文件，或填写以 http(s):// 开头的链接"),
    (r"^units are a list of at most (?P<n>\d+)", "单位最多 {n} 个"),
    (r"^only an admin \(管理\) removes evidence", "只有管理员可以删除佐证材料"),
    (r"^\S+ may not mark 对标对表 rows", "只有管理员可以标注对标对表条目"),
    (r"^\S+ may not set the home", "只有管理员可以设置本级"),
    (r"^\S+ may not update ", "只能更新本单位牵头或参与的任务；其他任务请联系管理员"),
    (r"^\S+ takes part in \S+ but does not lead it", "本单位参与但不牵头这项任务：完成状态由牵头单位填报"),
    (r"^\S+ cannot hand \S+ to another unit", "不能把任务交给其他单位牵头：请保留本单位为牵头单位，或联系管理员"),
    (r"^unknown (?:status|applicability|level|role|kind)", "无法识别的选项：请从列表中选择"),
    (r"^nothing to change", "没有需要保存的修改"),
)
COMPILED = tuple((re.compile(p), t) for p, t in REFUSALS)
CHINESE_RE = re.compile(r"[\u4e00-\u9fff]")
LATIN_RE = re.compile(r"[A-Za-z]")


def chinese_refusal(message: str | Exception) -> str:
    """``message`` (a refusal, or the exception carrying it) as the page shows it, in Chinese."""
    text = str(message).strip()
    if text.startswith("Error: "):
        text = text[len("Error: ") :]
    for pattern, template in (*COMPILED, *FILE_REASONS):
        m = pattern.search(text)
        if m:
            return template.format(**m.groupdict())
    if len(CHINESE_RE.findall(text)) >= len(LATIN_RE.findall(text)):
        return text  # the core said it in Chinese (a user name or a file type may be Latin)
    return f"操作未完成（{text}）"
