"""Normalisation for matching, and the jieba tokenizer used by BM25 and highlighting.

Text is stored verbatim; these functions are only for comparing and matching.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

from kb.policy.units import without_units_tail

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")
WS_RE = re.compile(r"\s+")
# Tokens worth indexing: a CJK run, or a word/number (PM2.5, VOCs, 62.55).
TOKEN_KEEP_RE = re.compile(rf"[{CJK}]|[a-z0-9]")
# Short “quoted” terms in policy texts are names of campaigns and concepts (“散乱污”, “三线一单”).
QUOTED_TERM_RE = re.compile(rf"[“\"「]([{CJK}A-Za-z0-9]{{2,8}})[”\"」]")
# Character n-grams: the second lexical field, robust where jieba cuts a query and a clause differently.
BIGRAM_RUN_RE = re.compile(rf"[{CJK}]+|[a-z0-9][a-z0-9.]*")
MIN_MATCH_CHARS = 2  # a lone character (市, 县) is not worth highlighting
STATIC_TERMS = Path(__file__).with_name("data") / "policy_terms.txt"
STOPWORDS = Path(__file__).with_name("data") / "stopwords.txt"


def normalize(text: str) -> str:
    """NFKC, lower case, no whitespace: the form both sides of a match are compared in."""
    return WS_RE.sub("", unicodedata.normalize("NFKC", text)).lower()


# Pollutants by their formula or abbreviation and by name: two plans that write NOx and 氮氧化物
# ask the same thing (used where tasks are compared; search keeps the words as written).
POLLUTANT_NAMES = {
    "nox": "氮氧化物",
    "vocs": "挥发性有机物",
    "voc": "挥发性有机物",
    "so2": "二氧化硫",
    "o3": "臭氧",
    "pm2.5": "细颗粒物",
    "pm10": "可吸入颗粒物",
    "cod": "化学需氧量",
    "co2": "二氧化碳",
}
POLLUTANT_RE = re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(k) for k in POLLUTANT_NAMES) + r")(?![a-z0-9])")


def pollutant_names(normalized: str) -> str:
    """``normalize``d text with pollutant formulas written as names (vocs和nox → 挥发性有机物和氮氧化物)."""
    return POLLUTANT_RE.sub(lambda m: POLLUTANT_NAMES[m.group(1)], normalized)


def fold(text: str) -> str:
    """NFKC per character where that keeps one character (２０２５ → 2025, （ → (), so offsets
    into the folded text are offsets into ``text``."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


def char_bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of each CJK run, and whole Latin/number words (pm2.5, vocs)."""
    return _bigrams(_runs(text))


def dice(a: str, b: str) -> float:
    """Dice overlap of two texts' character bigrams (``char_bigrams``): 0 when either has none."""
    x, y = set(char_bigrams(a)), set(char_bigrams(b))
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _runs(text: str) -> list[str]:
    """The CJK runs and Latin/number words of the normalised text."""
    return BIGRAM_RUN_RE.findall(normalize(text))


def _bigrams(runs: list[str]) -> list[str]:
    """Overlapping bigrams of each CJK run longer than one character; other runs whole."""
    out = []
    for run in runs:
        if not CJK_RE.match(run) or len(run) == 1:
            out.append(run)
        else:
            out += [run[i : i + 2] for i in range(len(run) - 1)]
    return out


def char_ngrams(text: str) -> list[str]:
    """What the character field indexes: each CJK character and each overlapping bigram of a
    CJK run, and whole Latin/number words (pm2.5, vocs).

    Bigrams match where jieba cuts a query and a clause differently; single characters carry the
    meaning a paraphrase keeps when it changes the word (臭味 / 恶臭, 打井 / 渗井, 管道 / 烟道).
    Measured on both dev sets (README, "Search across levels of government"): with single
    characters and the weights chosen again, the city's questions on the whole corpus go from
    0.767 to 0.800 R@1 and the Fuxin plan alone from 0.867 to 0.883; the national and provincial
    questions keep 0.771.
    """
    runs = _runs(text)
    return [ch for run in runs if len(run) > 1 and CJK_RE.match(run) for ch in run] + _bigrams(runs)


def quoted_terms(text: str) -> set[str]:
    """Terms an author put in quotation marks, e.g. “散乱污” → 散乱污."""
    return {m.group(1) for m in QUOTED_TERM_RE.finditer(unicodedata.normalize("NFKC", text))}


def load_terms(path: Path) -> list[str]:
    """One term a line; blank lines and ``#`` comments are skipped."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def term_set(extra_terms) -> list[str]:
    """The terms a tokenizer with ``extra_terms`` knows: the static policy terms and those."""
    return sorted(set(load_terms(STATIC_TERMS)) | set(extra_terms))


class Tokenizer:
    """jieba in search mode over normalised text, with a policy-term user dictionary.

    Each instance owns its own ``jieba.Tokenizer`` so that indexes with different term lists
    can live in one process.
    """

    _lock = threading.Lock()

    def __init__(self, extra_terms: list[str] | tuple[str, ...] = ()):
        import jieba

        jieba.setLogLevel(60)
        cache = os.path.join(tempfile.gettempdir(), "kb-jieba.cache")
        self._jieba = jieba.Tokenizer()
        self._jieba.tmp_dir = tempfile.gettempdir()
        self._jieba.cache_file = cache
        self.terms = term_set(extra_terms)
        self.stopwords = frozenset(load_terms(STOPWORDS))
        with self._lock:
            self._jieba.initialize()
            for term in self.terms:
                self._jieba.add_word(normalize(term), freq=20000)

    def tokens(self, text: str) -> list[str]:
        """Index tokens of ``text``: jieba search-mode words, minus stopwords and punctuation."""
        words = self._jieba.lcut_for_search(normalize(text), HMM=True)
        return [w for w in words if w not in self.stopwords and TOKEN_KEEP_RE.search(w)]

    def matched_terms(self, query_tokens: list[str], text: str) -> list[str]:
        """Query words (two characters or more) found in ``text``, longest first (then in the order the
        text has them: the same list in every process, whatever its string hashing), none inside another."""
        norm = normalize(text)
        found = sorted(
            {t for t in query_tokens if t in norm and len(t) >= MIN_MATCH_CHARS},
            key=lambda t: (-len(t), norm.find(t), t),
        )
        return [t for i, t in enumerate(found) if not any(t in longer for longer in found[:i])]


MAX_MARKER_CHARS = 6  # （12）, 13., 第（一）项: what may stand before a title printed with its clause
TITLE_END = "。！？；;"


def retrieval_text(clause) -> str:
    """What both retrievers see: the clause, then its nearest heading in brackets.

    The nearest heading is the paragraph's lead phrase, else the innermost outline title.
    Measured on the dev set (README): prepending the whole heading path cost the dense
    retriever 0.12 R@1; the nearest heading appended costs nothing and helps BM25 (+0.05 R@1).
    A task's first clause, which prints its own title (``5.基本消除黑臭水体。统筹…``), is seen as
    the others are, the title after it (measured: the title in front cost the dense retriever
    near-ties on the dev sets); the responsibility bracket the last clause prints is who does it, not what it is
    about, and is left out (the units are matched on their own).
    """
    text = body_of(clause)
    near = clause.lead or next((t for t in reversed(clause.section_titles) if t), "")
    return f"{text}（{near}）" if near else text


def body_of(clause) -> str:
    """What a clause says: its text without the title its task prints before it (13.推动…对接。针对…
    → 针对…) and without the responsibility bracket its paragraph prints after it. What retrieval
    hears, what a commitment is cut from and what 修订对照 compares (the title is the heading's)."""
    start, end = body_span(clause)
    return clause.text[start:end]


def body_span(clause) -> tuple[int, int]:
    """Where ``body_of`` lies in the clause's text: (start, end)."""
    text = without_units_tail(clause.text)
    stop = len(text.rstrip())
    title = next((t for t in reversed(clause.section_titles) if t), "")
    at = text.find(title, 0, len(title) + MAX_MARKER_CHARS) if title else -1
    end = at + len(title)
    if at >= 0 and text[end : end + 1] and text[end] in TITLE_END and text[end + 1 :].strip():
        start = end + 1
        while start < stop and text[start].isspace():
            start += 1
        return start, stop
    return 0, stop


def lexical_fields(clauses, terms) -> tuple[list[list[str]], list[list[str]]]:
    """What both lexical retrievers index for each clause: jieba words (with ``terms``) and
    character n-grams (``char_ngrams``) of its ``retrieval_text``."""
    tokenizer = tokenizer_for(tuple(terms))
    texts = [retrieval_text(c) for c in clauses]
    return [tokenizer.tokens(t) for t in texts], [char_ngrams(t) for t in texts]


@lru_cache(maxsize=4)
def tokenizer_for(terms: tuple[str, ...]) -> Tokenizer:
    """A shared tokenizer for a term list (building one loads jieba's dictionary: ~0.5 s)."""
    return Tokenizer(terms)
