"""Character-level damage in an extracted line of a text layer (PDF, OFD, a PDF table's cell), undone.

Full-width digits and letters, guillemets for 《》, a private-use glyph for the decimal point,
spaces between the characters of justified lines, and (where the layer maps them) 。，；：
written as ASCII after Chinese characters.
"""

from __future__ import annotations

import re

from kb.text import CJK

FULLWIDTH_ALNUM = str.maketrans(
    "０１２３４５６７８９％ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789%ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)
GUILLEMETS = str.maketrans("«»‹›", "《》〈〉")
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
# Spaces are kept only between two ASCII letters or digits (“PM2.5 and NOx”).
SPACE_RE = re.compile(r"(?<![A-Za-z0-9])[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+(?![A-Za-z0-9])")
CJKISH = rf"{CJK}”“’‘）》、"
# After a Chinese character, ``.`` is 。 (this layer writes decimal points as a private-use glyph).
ASCII_PUNCT_RE = re.compile(rf"(?<=[{CJKISH}A-Za-z0-9%）])([,;:?!])|(?<=[{CJKISH}%）])(\.)|(\.)$")
ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}
PAREN_RE = re.compile(r"\(([^()]*)\)")


def repair_line(line: str, punct_mapped: bool) -> str:
    """Undo character-level damage in one extracted line."""
    line = line.translate(GUILLEMETS).translate(FULLWIDTH_ALNUM)
    line = re.sub(r"(?<=\d)[\ue000-\uf8ff\U000f0000-\U0010ffff](?=\d)", ".", line)
    line = PRIVATE_USE_RE.sub("", line)
    line = SPACE_RE.sub("", line.strip())
    if punct_mapped:
        line = ASCII_PUNCT_RE.sub(lambda m: ASCII_TO_FULL[m.group(1) or m.group(2) or m.group(3)], line)
        line = PAREN_RE.sub(lambda m: f"（{m.group(1)}）", line)
    return line


def punctuation_is_mapped(raw: str) -> bool:
    """True when the text layer writes 。，as ASCII ``.``/``,`` after Chinese characters."""
    ascii_hits = len(re.findall(rf"[{CJK}][,.;]", raw))
    full_hits = len(re.findall(r"[，。；]", raw))
    return ascii_hits > full_hits
