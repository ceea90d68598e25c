"""Refusals shown on a page are in Chinese (issue 35): the core's English contract (CLI, API) is
matched and carried over with its figures; Chinese ones stay; nothing else comes out bare."""

from __future__ import annotations

import re

import pytest

from kb.errors import KBError
from ui.messages import chinese_refusal

LATIN_WORD_RE = re.compile(r"[A-Za-z]{3,}")


@pytest.mark.parametrize(
    "message,expected",
    [
        ("empty query; type a topic or a question, e.g. 城市黑臭水体什么时候消除", "请输入要检索的主题"),
        ("query too long (612 characters > 500); shorten it to the topic", "612 字，上限 500 字"),
        ("cannot read the date '2025/13/40'; write it as 2025-12-31", "“2025/13/40”"),
        ("Error: no such date '2025-02-30'; write it as 2025-06-30", "“2025-02-30”"),
        ("no document 'nothing'; list them with: python -m kb docs", "没有文件“nothing”"),
        ("'规划' names several documents: 甲, 乙; give more of the name, or the file id", "“规划”对应多份文件"),
        ("the note has 2400 characters; keep it under 2000", "备注有 2400 字"),
        ("the actual value of 空气优良天数比例 must be a finite number", "请填写数字"),
        ("zhangsan may not update city-0042: a reporter updates the items its units lead", "只能更新本单位"),
        ("chakan may not mark 对标对表 rows: ask an admin (管理)", "只有管理员可以标注"),
        ("unknown status 'later2'; use one of covered, later", "无法识别的选项"),
        ("too large (61.0 MB > 50 MB limit)", "文件过大（61.0 MB，上限 50 MB）"),
        ("无法识别的完成状态“完了”（unknown status）；请填写 未启动、推进中 之一", "无法识别的完成状态"),
        ("tianbao 不能为 city-0001 上传佐证材料：只有牵头或配合单位的填报账号和管理员可以", "不能为"),
    ],
)
def test_a_refusal_reads_in_chinese_with_its_figures(message, expected):
    text = chinese_refusal(KBError(message))
    assert expected in text
    if not re.search(r"[\u4e00-\u9fff]", message.split(";")[0]):  # an English message: no English left
        assert not LATIN_WORD_RE.search(re.sub(r"“[^”]*”|（[^）]*）", "", text)), text


def test_a_real_search_refusal_is_shown_in_chinese(fake_index):
    from kb.search.searcher import Searcher
    from kb.store import folder

    with pytest.raises(KBError) as refused:
        Searcher(folder.load(fake_index)).search("   ")
    assert chinese_refusal(refused.value).startswith("请输入要检索的主题或问题")


def test_an_unknown_refusal_still_reads_as_one():
    assert chinese_refusal("something odd happened").startswith("操作未完成（")
