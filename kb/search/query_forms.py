"""How a question is asked, and what of it is content: the forms people and exam stems use.

People do not only ask "which clause covers X". They ask who is in charge (由哪个部门牵头), paste a
statement to be judged (《方案》要求各省到2027年必须制定200项…), describe a case (某企业将…), copy
an exam stem with a blank (应当向______提出申请) or name an article (办法第十六条). Each form is
read by general rules of the language of questions, never by a list of known questions:

- a blank (____, （ ）) is a wildcard, not a term;
- the words of an exam stem (根据…, 以下哪项, 说法正确的是, 是什么) are not content;
- a statement's verdict words (必须, 无需, 直接) and its figures other than years may be what is
  wrong with it, so neither steers the search;
- a case's setting (合肥市某企业, 在专项检查中发现) is the story, not the topic;
- a question about who (哪个部门, 谁负责, 牵头) asks for the units of a task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.policy.articles import ArticleRef, article_ref

# A blank to fill: underscores, or empty brackets of either width (（ ）, ( )).
BLANK_RE = re.compile(r"[_＿]{2,}|[（(][\s　]*[）)]")
# The frame of an exam stem or a question: not what the clause must say.
STEM_RE = re.compile(
    r"^(?:根据|依据|按照|依照)(?=[《“\s　])|"
    r"(?:以下|下列)(?:哪|各)?(?:一)?(?:项|些|个|种|类)?(?:说法|表述|描述|内容|选项)?(?:是)?(?:正确|错误|不正确|准确)?的?(?:是)?|"
    r"哪一?(?:项|种|类|些)|(?:说法|表述|描述)(?:是)?(?:正确|错误|不正确)的?是?|"
    r"(?:最)?可能(?:面临)?的?|请(?:简要)?(?:分析|说明|问)|是什么|是指什么|有哪些|包括哪些|"
    r"(?:的)?主要(?:目的|内容|作用)是(?:什么)?|体现了|反映的?(?:核心)?(?:政策)?(?:观念|理念)?是?|"
    r"应(?:当|该)?(?:如何|怎样|怎么)(?:处理|办|做|追责)?|怎么办|如何|怎样|"
    r"(?:其|该)?(?:行为|做法)?属于|以下哪项义务|(?:的|是)?(?:怎么|如何|怎样)规定的?|"
    r"(?:的)?(?:具体)?(?:规定|内容|原文)(?:是什么)?(?=\s*[？?]?\s*$)|[？?：:]\s*$"
)
# Who is asked for: the lead or responsible units of a task.
WHO_RE = re.compile(
    r"哪(?:个|些|一)?(?:部门|单位|机关|机构|级)|什么(?:部门|单位|机关)|谁|牵头|"
    r"(?:责任|负责|牵头|主要)(?:部门|单位)|(?:由|归)(?:谁|哪)"
)
QUESTION_RE = re.compile(r"什么|哪|谁|多少|几|如何|怎么|怎样|吗|呢|[？?]|是否")
# Words that state a rule: what a statement asserts, and what its settling clause says.
MODAL_RE = re.compile(r"必须|不得|可以|禁止|应当|应|需要|无需|不需|须|严禁|不再|只能|鼓励|允许|要求|有权")
# Verdict words a wrong statement adds to a rule (可以直接自行补办…, 无需报告): not the rule's words.
VERDICT_RE = re.compile(r"必须|无需|不需要|不必|直接|自行|一律|完全|仅需|只需|主要目的是|是为了|目的是")
# A figure other than a year (200项, 五年, 10日内): in a statement, perhaps the wrong one. Not a
# name's digits (PM2.5, SO2).
FIGURE_RE = re.compile(
    r"(?<![A-Za-z\d０-９.])(?!(?:19|20)\d{2}年)\d+(?:\.\d+)?|[一二三四五六七八九十百两]+(?=[个年日天项位月次%])"
)
# A case: someone (某企业, 某市, 半山村民宿…) does something; its setting is the story.
CASE_RE = re.compile(
    r"某[\u4e00-\u9fff]{0,8}?(?:企业|公司|厂|单位|机构|实验室|银行|医院|学校|高校|园区|市|县|区|镇|村|地)"
)
CASE_PLACE_RE = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:省|市|县|区|镇|乡|村)(?=[\u4e00-\u9fff]{0,3}?(?:某|在))")
CASE_STORY_RE = re.compile(
    r"在[^，。,]{1,12}?(?:检查|行动|调查|执法|督查|巡查)中[，,]?(?:发现)?|(?:经|被)?(?:检查|调查)发现|"
    r"(?:近日|日前|目前|近期|今年|去年)[，,]?|某(?=[\u4e00-\u9fff])"
)
SPACES_RE = re.compile(r"[\s　]+")


@dataclass(frozen=True)
class QueryForm:
    """A query read for its form.

    Attributes:
        kind: ``article``, ``who``, ``blank``, ``case``, ``statement`` or ``question``.
        content: what retrieval hears: the query without blanks, stem words, verdict words,
            a statement's figures or a case's setting.
        asks_units: the query asks who is in charge.
        article: the article it names (第十六条…), if any.
        setting: a case's places (合肥市…), which are story, not scope.
    """

    kind: str
    content: str
    asks_units: bool = False
    article: ArticleRef | None = None
    setting: tuple[str, ...] = ()


def _squeeze(text: str) -> str:
    return SPACES_RE.sub(" ", text).strip(" ，,。；;、的")


def read_form(query: str) -> QueryForm:
    """The form of ``query`` and its content (see the module's rules).

    >>> read_form("根据《办法》，跨省转移危险废物的，应当向______生态环境主管部门提出申请。").kind
    'blank'
    >>> read_form("合肥市某企业将3类危险废物仅填写一份转移联单，违反以下哪项义务？").setting
    ('合肥市',)
    """
    article = article_ref(query)
    blank = bool(BLANK_RE.search(query))
    text = BLANK_RE.sub(" ", query)
    setting = tuple(dict.fromkeys(m.group(0) for m in CASE_PLACE_RE.finditer(text))) if CASE_RE.search(text) else ()
    for place in setting:
        text = text.replace(place, " ")
    case = bool(setting) or bool(CASE_RE.search(text))
    if case:
        text = CASE_STORY_RE.sub(" ", text)
    text = STEM_RE.sub(" ", text)
    asks_units = bool(WHO_RE.search(query))
    statement = (
        not blank and not QUESTION_RE.search(query) and bool(MODAL_RE.search(query) or query.rstrip().endswith("。"))
    )
    if statement:
        text = FIGURE_RE.sub(" ", VERDICT_RE.sub(" ", text))
    content = _squeeze(text) or query
    if article:
        kind = "article"
    elif asks_units:
        kind = "who"
    elif blank:
        kind = "blank"
    elif case:
        kind = "case"
    elif statement:
        kind = "statement"
    else:
        kind = "question"
    return QueryForm(kind, content, asks_units, article, setting)
