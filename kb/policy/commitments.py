"""What a clause commits to: one model for the 台账, 对标对表, 期限跟踪 and the evaluation.

A commitment is one target, or one task with its own verb, of a clause whose role commits
(kb.policy.roles: a task, a target or a safeguard; never a review, a problem or a vision).

A clause such as "到2025年，A达到x，B下降y，C得到有效遏制" holds three commitments. Each is
judged on its own (kb.compare.align) and keeps its clause's citation. A clause is cut at ；/。
into sentences and at ，/： into pieces; a piece that carries a target or opens with a verb of
its own starts a commitment, a bare date or subject ("到2025年", "重点区域石化、化工行业集中的
城市") joins the piece after it, and anything else the one before.

When a commitment falls due (``due_basis``):

- ``text``: a date of its own, the date heading its sentence, or one the clause inherits;
- ``period``: no date, but a document with a period (a 十四五 plan, an action plan
  "到2025年") asks for it within that period, so it is due at the period's end. Only a task
  whose verb names an outcome that can be checked (完成, 建成, 淘汰, 划定, 全面推行…), a named
  project (新建/改造/建设 X厂/工程/项目/平台/系统), a binding rule (执行…限值, 不再新建, 严禁) or
  a target counts; continuing efforts (加强, 推进, 鼓励) are not commitments;
- ``""``: a target with no date in a document with no period.

Who a commitment binds: a task for a national body or a national instrument (a law, a
national standard, national rules or markets, 中央, 国家铁路) binds no province or city
(``national_only``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from kb.model import Clause, Document, Target
from kb.policy.dates import TIME_WORDS_RE
from kb.policy.geography import PLACE_LIST_RE
from kb.policy.roles import COMMITTING
from kb.text import CJK_RE, body_span, normalize

SENTENCE_RE = re.compile(r"[^；;。！？!?]+[；;。！？!?]*")
PIECE_RE = re.compile(r"[^，,：:]+[，,：:]*")
# Words that open a task (an adverb counts: 全面推行, 基本完成); searched near a piece's start.
TASK_VERB_RE = re.compile(
    r"推进|推动|推行|推广|加强|加快|加大|实施|开展|完成|建立|健全|建成|实现|淘汰|强化|落实|严格|"
    r"提高|提升|降低|控制|划定|制定|编制|出台|印发|深化|深入|优化|促进|鼓励|支持|引导|禁止|严禁|"
    r"持续|构建|打造|培育|新建|改造|整治|修复|排查|消除|关停|取缔|退出|压减|削减|减少|扩大|覆盖|"
    r"完善|规范|依法|全面|基本|逐步|大力|积极|有序|稳妥|坚决|确保|力争|争取|做好|形成|探索|试点|"
    r"实行|执行|纳入|清理|整改|不再|原则上|下降|增长|达到|保持|稳定在|严控|限制|遏制|组织|明确|编制"
)
VERB_WINDOW = 10  # a piece "has its own verb" when one starts within its first characters
# Outcome verbs: a task a reader can check at the period's end.
OUTCOME_RE = re.compile(
    r"完成|建成|实现|淘汰|划定|消除|关停|取缔|退出|覆盖|出台|印发|制定|编制|全面(?:推行|实施|推广|建立|开展|落实)|"
    r"基本(?:建立|形成|消除|淘汰)|达到|达标|清零|不再新建|全部"
)
# A named project: a plant, works, platform or system to build or rebuild (新建…污水处理厂, 建设…平台).
PROJECT_RE = re.compile(
    r"(?:新建|改建|扩建|改造|建设|建成|实施|启动|开工)[^，,。；;]{0,30}?"
    r"(?:厂|工程|项目|平台|系统|中心|基地|设施|管网|站|场|库|示范区|园区)|"
    r"(?:厂|工程|项目|平台|系统|中心|基地|设施|管网)(?:建设|改造|新建)"
)
# A binding rule: a limit to apply, a ban.
RULE_RE = re.compile(r"执行[^，,。；;]{0,24}?(?:限值|标准|要求|制度)|不再新建|不再新增|不得|禁止|严禁|一律")
# Tasks for a national body or a national instrument: no province or city can do them.
MAKING = r"(?:研究制定|制定|修订|修改|出台|发布|编制|建立|建设|完善|健全)"
NATIONAL_ONLY_RES = (
    (
        re.compile(rf"{MAKING}[^，,。；;]{{0,20}}(?:强制性国家标准|国家(?:强制性)?标准|国家[^，,。；;]{{0,8}}标准)"),
        "国家标准由国家制定修订",
    ),
    (
        re.compile(
            r"(?:制定|修订|修改)[^，,。；;]{0,20}(?<![方办做执手算说写])法(?:律)?(?![规治人])"
            r"|(?<![方办做执手算说写])法[、和][^，,。；;]{0,40}(?:制定|修订|修改)|法律法规[^，,。；;]{0,4}(?:制定|修订|修改)"
        ),
        "法律的制定修订由国家立法机关负责",
    ),
    (
        re.compile(
            rf"{MAKING}[^，,。；;]{{0,8}}全国(?:统一)?[^，,。；;]{{0,16}}(?:市场|规则|标准|数据库|名录|目录|平台|体系)"
        ),
        "全国性的市场、规则、标准由国家建立",
    ),
    (re.compile(r"国内[^，,。；;]{0,8}(?:能力|产能)"), "全国性的总量由国家调控"),
)
# A national body as the subject, in the words before the verb (Commitment.head).
NATIONAL_BODY_RE = re.compile(r"^[^，,。；;]{0,6}(?:中央(?:财政|预算|对地方)?|国家铁路|国务院|国家层面)")
NATIONAL_VERB_RE = re.compile(r"制定|修订|修改|出台|研究|建立|建设|完善|健全|发布|编制|控制在|推动|下降")
LAW_TITLE_RE = re.compile(r"(?:制定|修订|修改|出台)(?:实施)?《(?![^》]*(?:省|市|自治区|县))[^》]{2,30}(?:法|条例)》")
FILLER_RE = re.compile(r"^[\s，,：:、“”\"（）()]*(?:力争|确保|争取|计划|其中|同时|此外|并|且)?[\s，,：:]*")
MIN_TASK_CJK = 8  # a commitment says what is to be done ("2022—2025年按计划实施。" does not)
MIN_OWN_TASK_CJK = 10  # a task without a target stands alone from this length
HEAD_CHARS = 24  # at most this much of a commitment before its verb names whom it binds


@dataclass(frozen=True)
class Commitment:
    """One task or target of an upper clause.

    Attributes:
        clause: the clause it stands in (its citation).
        start: offset of its words in ``clause.text``.
        end: end offset.
        targets: the clause's targets within these words.
        due: when it falls due (None: no date and no period).
        due_basis: ``text``, ``period`` or "" (see the module's docstring).
    """

    clause: Clause
    start: int
    end: int
    targets: tuple[Target, ...]
    due: dt.date | None
    due_basis: str

    @property
    def text(self) -> str:
        return self.clause.text[self.start : self.end].strip().rstrip("，,：:；;")

    @property
    def key(self) -> str:
        """Its upper document and words, hashed (``K-1a2b3c4d5e``): stable across re-runs,
        re-ingests and a clause's move within its document, so marks on it are kept."""
        digest = hashlib.sha256(f"{self.clause.doc_id}|{normalize(self.text)}".encode()).hexdigest()
        return "K-" + digest[:10]

    @property
    def head(self) -> str:
        """The words before its first verb or target: whom or where it binds (京津冀及周边地区…)."""
        text = TIME_WORDS_RE.sub("，", self.text)
        text = FILLER_RE.sub("", text)
        ends = [m.start() for m in TASK_VERB_RE.finditer(text) if m.start() > 0][:1]
        ends += [t.char_start - self.start for t in self.targets if t.char_start > self.start][:1]
        cut = min([e for e in ends if e > 0] or [HEAD_CHARS])
        return text[: min(cut + len(self.targets[0].indicator) if self.targets else cut, HEAD_CHARS)]


def _cjk(text: str) -> int:
    return len(CJK_RE.findall(TIME_WORDS_RE.sub("", text)))


def _opens_task(piece: str) -> bool:
    """A verb near the piece's start, after any places it names first (沈阳、鞍山…葫芦岛市明确…)."""
    body = PLACE_LIST_RE.sub("", FILLER_RE.sub("", TIME_WORDS_RE.sub("", piece)), count=1)
    m = TASK_VERB_RE.search(body)
    return bool(m and m.start() <= VERB_WINDOW)


def _says_more(piece: str) -> bool:
    """After a target, a piece with a verb of its own is another commitment (…达到79%，重污染天气基本消除)."""
    return _cjk(piece) >= MIN_TASK_CJK and bool(TASK_VERB_RE.search(TIME_WORDS_RE.sub("", piece)))


def _units(c: Clause) -> list[tuple[int, int]]:
    """The clause's text cut into commitments' spans (see the module's docstring)."""
    spans: list[tuple[int, int]] = []
    first, last = body_span(c)  # not the task's printed title, nor its paragraph's bracket
    for s in SENTENCE_RE.finditer(c.text, first, last):
        pending = None  # a date or subject waiting for its task
        current: list[int] | None = None
        for p in PIECE_RE.finditer(c.text, s.start(), s.end()):
            piece = p.group(0)
            start = pending if pending is not None else p.start()
            has_target = any(p.start() <= t.char_start < p.end() for t in c.targets)
            if _cjk(piece) < 2 or (not has_target and not _opens_task(piece) and current is None):
                pending = start  # a bare date or a subject
                continue
            if current is None:
                current = [start, p.end()]
            elif (has_target or _opens_task(piece) or (_holds_target(c, current) and _says_more(piece))) and (
                has_target or _cjk(c.text[current[0] : current[1]]) >= MIN_TASK_CJK
            ):  # a task of its own after one that says enough: a new commitment
                spans.append((current[0], current[1]))
                current = [start, p.end()]
            else:  # more of the same task
                current[1] = p.end()
            pending = None
        if current is not None:
            spans.append((current[0], current[1]))
        elif pending is not None:  # a sentence with no verb near a piece's start is one task
            spans.append((pending, s.end()))
    # A span too short to say what is done joins its neighbour.
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and (_short(c, a, b) or _short(c, *merged[-1])) and not _across_sentences(c.text[merged[-1][1] : a]):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _short(c: Clause, a: int, b: int) -> bool:
    """Too short to stand alone: a task that leans on its neighbour's object ("基本实现县城全覆盖")."""
    has_target = any(a <= t.char_start < b for t in c.targets)
    return _cjk(c.text[a:b]) < (MIN_TASK_CJK if has_target else MIN_OWN_TASK_CJK)


def _across_sentences(between: str) -> bool:
    return any(ch in "。！？!?" for ch in between)


def _holds_target(c: Clause, span: list[int]) -> bool:
    return any(span[0] <= t.char_start < span[1] for t in c.targets)


def _due(c: Clause, start: int, end: int) -> dt.date | None:
    inside, before, outside = [], [], []
    for d in c.deadlines:
        at = d.char_start - c.char_start
        if not 0 <= at < len(c.text) or d.inherited:
            outside.append(d.due)
        elif start <= at < end:
            inside.append(d.due)
        elif at < start and not any(ch in "；;。" for ch in c.text[at:start]):
            before.append((at, d.due))
    if inside:
        return max(inside)
    if before:
        return max(before)[1]
    return max(outside, default=None)


def goal_end(doc: Document, clauses: list[Clause]) -> dt.date | None:
    """When an upper document's commitments without a date fall due: its period's end; for a
    document without one (an 意见), the nearest goal year its opening quarter sets (到2025年)."""
    if doc.period_end:
        return dt.date.fromisoformat(doc.period_end)
    head = clauses[: max(1, len(clauses) // 4)]
    issued = int(doc.date[:4]) if doc.date[:4].isdigit() else None
    years = sorted(d.due for c in head for d in c.deadlines if d.kind == "by" and (not issued or d.due.year >= issued))
    return years[0] if years else None


def commits(c: Clause) -> bool:
    """Whether the clause's role can commit (a task, a target, a safeguard; an index written
    before roles: every clause)."""
    return not c.role or c.role in COMMITTING


def checkable(words: str) -> bool:
    """Whether undated words still commit: an outcome, a named project or a binding rule."""
    return bool(OUTCOME_RE.search(words) or PROJECT_RE.search(words) or RULE_RE.search(words))


def commitments_of(c: Clause, period_end: dt.date | None) -> list[Commitment]:
    """The commitments of one clause (none for a clause that only describes or exhorts, and none
    for a review, a problem or a vision)."""
    if not commits(c):
        return []
    out = []
    for start, end in _units(c):
        words = c.text[start:end]
        if _cjk(words) < MIN_TASK_CJK:
            continue
        targets = tuple(t for t in c.targets if start <= t.char_start < end)
        due = _due(c, start, end)
        if due:
            out.append(Commitment(c, start, end, targets, due, "text"))
        elif targets or (period_end and checkable(words)):
            out.append(Commitment(c, start, end, targets, period_end, "period" if period_end else ""))
    return out


def document_commitments(doc: Document, clauses: list[Clause]) -> list[Commitment]:
    """Every commitment of a document, in order, undated ones due at its period's end (``goal_end``)."""
    end = goal_end(doc, clauses)
    return [k for c in clauses for k in commitments_of(c, end)]


def national_only(k: Commitment) -> str:
    """Why a commitment binds only the nation ("" when it binds others too): a national standard,
    a law, a national market or rules, a national total, or a national body (see the module)."""
    words = k.text
    if not NATIONAL_VERB_RE.search(words):
        return ""
    if LAW_TITLE_RE.search(words):
        return "法律、行政法规的制定修订由国家负责"
    for pattern, why in NATIONAL_ONLY_RES:
        if pattern.search(words):
            return why
    if NATIONAL_BODY_RE.search(k.head):
        return "由中央、国务院或国家层面承担"
    return ""
