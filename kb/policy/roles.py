"""What a clause is (条款性质): a task, a target, a review of the past, a problem, a vision, a safeguard.

A plan says what it will do in its task chapters and its goals; it also reviews the last
period (成效), states its problems (形势), sets out principles and a vision (指导思想, 展望2035)
and closes with safeguards (组织领导, 资金, 宣传). Only what it will do is a commitment.

The role is decided at ingest, from the outline first and the sentence second:

1. the innermost heading on the clause's path that names a kind of passage decides: a
   heading of 成效/基础/回顾 is a review, 形势/问题/挑战 a problem, 指导思想/原则/思路/展望 a
   vision, 目标/指标 a target, 保障措施/组织实施/宣传 a safeguard;
2. then the sentence: one that reports the past ("“十三五”期间，完成…", "2020年，…达到96%",
   "…取得了…") is a review wherever it stands; one that looks to 2035 is a vision; one that only
   states a problem (尚未, 亟待, 不容忽视) outside a task is a problem;
3. what remains is a target when it sets one (a figure, or a goal under a 目标 heading) and a
   task otherwise. The text before the first heading (为…，制定本规划) is a vision.
"""

from __future__ import annotations

import re

ROLES = {
    "task": "任务",
    "target": "目标",
    "review": "成效回顾",
    "problem": "问题形势",
    "vision": "展望原则",
    "safeguard": "保障",
}
ROLE_BY_NAME = {**{v: k for k, v in ROLES.items()}, **{k: k for k in ROLES}}
# Roles whose clauses can commit (kb.policy.commitments); review, problem and vision never do.
COMMITTING = ("task", "target", "safeguard")

# Headings, innermost first: the first that names a kind of passage decides.
REVIEW_HEADING_RE = re.compile(
    r"成效|成就|成绩|回顾|工作基础|发展基础|基础与|^.{0,8}现状$|进展情况|完成情况|取得.{0,8}(?:进展|成果|突破|实效)|"
    r"(?:十[一二三]五|过去五年).{0,6}(?:工作|时期|期间)"
)
PROBLEM_HEADING_RE = re.compile(
    r"面临的?.{0,6}(?:形势|问题|挑战|机遇)|形势(?:与|和|及)?(?:挑战|机遇|分析)?$|主要问题|存在(?:的)?问题|"
    r"机遇(?:与|和)挑战|新机遇|短板|欠账|薄弱|不足$|压力"
)
VISION_HEADING_RE = re.compile(
    r"指导思想|基本原则|遵循原则|规划原则|工作原则|^.{0,4}原则$|总体思路|发展思路|基本思路|工作思路|远景|展望|"
    r"战略定位|发展定位|总体要求|重大意义|编制依据|规划依据|规划范围|规划期限"
)
TARGET_HEADING_RE = re.compile(r"(?:主要|规划|总体|工作|发展|具体|阶段性?|行动)目标|目标指标|指标体系|^目标$|主要指标")
SAFEGUARD_HEADING_RE = re.compile(
    r"保障措施|支撑保障|实施保障|保障机制|组织实施|组织领导|规划实施|实施机制|资金(?:保障|投入|支持)|投入保障|"
    r"宣传(?:引导|教育)|实施评估|评估考核|考核(?:评估|督察|问责)?$|监督(?:评估|考核)|社会监督|公众参与|人才保障|队伍建设"
)
HEADING_ROLES = (
    ("review", REVIEW_HEADING_RE),
    ("problem", PROBLEM_HEADING_RE),
    ("target", TARGET_HEADING_RE),
    ("safeguard", SAFEGUARD_HEADING_RE),
    ("vision", VISION_HEADING_RE),
)

# A sentence that reports the past, wherever it stands.
PAST_PERIOD_RE = re.compile(
    r"^[“\"]?(?:十[一二三]五|过去五年)[”\"]?(?:期间|时期|以来|末)|^(?:近年来|近几年|多年来|截至|截止|目前|当前|现阶段)|"
    r"^(?:与|和|同)(?:19|20)\d{2}年相比"
)
PAST_DEED_RE = re.compile(
    r"(?:完成|实现|建成|取得|淘汰|下降|达到|消除|开展|形成|印发|出台|划定|超额)了|已(?:经)?(?:完成|建成|实现|取得|形成|全部|基本|累计|达到)|累计(?:完成|淘汰|建成|治理|下降|削减|减少|关停)|超额完成"
)
# A year heading the sentence as its time ("2020年，…", "截至2020年底…"), not a year qualifying its
# subject ("2020年PM2.5浓度低于40微克/立方米的未达标城市…实现达标").
YEAR_HEAD_RE = re.compile(r"^(?:(?:截至|截止)((?:19|20)\d{2})年(?:末|底)?|((?:19|20)\d{2})年(?:末|底|以来)?[，,])")
VISION_SENTENCE_RE = re.compile(r"^(?:展望|锚定)|二[〇○零]三五年|2035年")
PROBLEM_SENTENCE_RE = re.compile(
    r"尚未|尚不|仍然?(?:存在|较|偏|不|有待|面临|是|处于|需)|还(?:存在|不|有待|较)|亟待|亟需|有待(?:提高|提升|加强|完善|改善|健全)|"
    r"不容忽视|欠账|(?<![补齐])短板|薄弱|滞后|(?<![补])不足|压力(?:较|仍|依然|巨)?大|问题(?:仍|依然|较为|比较)?突出|较为突出|形势(?:依然|仍然)?严峻"
)
TASK_OPENING_RE = re.compile(
    r"^.{0,6}(?:推进|推动|加强|加快|实施|开展|完成|建立|健全|建设|强化|落实|严格|提高|提升|补齐|补足|解决|整治|完善|巩固|扩大|"
    r"深化|深入|优化|着力|加大|聚焦|坚持|确保|力争|全面|持续|制定|编制|鼓励|支持|引导|禁止|严禁|推行)"
)
MARKER_ONLY_RE = re.compile(r"^[一二三四五六七八九十]+是")
# A sentence that also says what to do is a task, whatever problem it names ("改变…不足的状况").
ACTION_RE = re.compile(
    r"推进|推动|加强|加快|实施|开展|建立|建设|强化|落实|提高|提升|改变|解决|完善|优化|确保|深化|推行|构建|打造|整治|"
    r"补齐|补足|严格|严禁|禁止|鼓励|支持|引导|制定|编制"
)


# Questions about what was achieved, and about what is required.
ACHIEVED_QUESTION_RE = re.compile(
    r"成效|成绩|成果|成就|取得|已经|(?:十[一二三]五|过去|以往|此前|之前|近年)|以来|"
    r"[\u4e00-\u9fff]了(?:多少|什么|哪些|几|吗|没|$|[？?。])|做到了|效果如何|怎么样了"
)
REQUIRED_QUESTION_RE = re.compile(
    r"要求|需要|要|应当|应该|必须|须|什么时候|何时|啥时候|哪年|期限|时限|截止|多少|几成|目标|指标|任务|计划|打算|将"
)
ASIDE_RE = re.compile(r"了解|为了|除了")  # 了 that is no aspect marker
# "有多少家", "有几个": how many there are, a fact either chapter may state.
EXISTING_QUESTION_RE = re.compile(r"有多少|有几")


def heading_role(titles: tuple[str, ...]) -> str:
    """The role the innermost telling heading gives ("" when no heading tells)."""
    for title in reversed(titles):
        if not title:
            continue
        acts = bool(TASK_OPENING_RE.match(title))  # 巩固…治理成效, 补齐…短板: a task's heading
        for role, pattern in HEADING_ROLES:
            if pattern.search(title) and not (acts and role in ("review", "problem")):
                return role
    return ""


def reports_past(text: str, doc_year: int | None) -> bool:
    """Whether a sentence reports what the last period achieved ("“十三五”期间，完成…", "2020年，…")."""
    t = text.strip().lstrip('“"（(')
    if PAST_PERIOD_RE.search(t):
        return True
    year = YEAR_HEAD_RE.match(t)
    if year and doc_year and int(year.group(1) or year.group(2)) < doc_year:
        return True
    return bool(PAST_DEED_RE.search(t)) and not TASK_OPENING_RE.match(t)


def clause_role(
    text: str,
    titles: tuple[str, ...],
    has_targets: bool,
    doc_year: int | None = None,
    sentence_head: str = "",
    outlined: bool = True,
) -> str:
    """The role of one clause (a key of ``ROLES``).

    Args:
        text: the clause.
        titles: its headings, outermost first.
        has_targets: whether it sets a target (kb.policy.targets).
        doc_year: the document's year (a sentence opening with an earlier year reports).
        sentence_head: the first clause of its sentence (a ；-part takes its sentence's report).
        outlined: whether the document has headings at all (without any, no text is a preamble).
    """
    by_heading = heading_role(titles)
    if not any(titles) and outlined:
        return "vision"  # before the first heading: the preamble (为…，制定本规划)
    if by_heading in ("review", "problem", "vision"):
        return by_heading
    head = sentence_head or text
    if reports_past(head, doc_year) or (head is not text and reports_past(text, doc_year)):
        return "review"
    if VISION_SENTENCE_RE.search(head[:20]):
        return "vision"
    if by_heading == "safeguard":
        return "safeguard"
    if by_heading == "target":
        return "target"
    if has_targets:
        return "target"
    if PROBLEM_SENTENCE_RE.search(text) and not ACTION_RE.search(text):
        return "problem"
    return "task"


def role_key(value: str) -> str:
    """A role from its key (``task``) or its Chinese name (任务); "" when neither."""
    return ROLE_BY_NAME.get((value or "").strip(), "")


def asked_role(query: str) -> str:
    """What a question asks about: ``review`` (what was achieved: 成效, 完成了, 取得), ``commitment``
    (what must be done, by when, how much: 要, 什么时候, 期限, 多少, 目标), or "" (neither)."""
    q = ASIDE_RE.sub("", query)
    if ACHIEVED_QUESTION_RE.search(q):
        return "review"
    if EXISTING_QUESTION_RE.search(q):
        return ""
    if REQUIRED_QUESTION_RE.search(q):
        return "commitment"
    return ""
