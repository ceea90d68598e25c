"""Documents by name: how people name a document, read into its id.

An official names a document by its file id (``fuxin``), its title or a distinctive part of it
(空气质量持续改善行动计划, 碳足迹), its 文号 (国发〔2023〕24号) or its place (阜新, 辽宁). Every
command, API route and MCP tool that takes a document reads the name here. A name that fits no
document is refused with the closest names; one that fits several families asks for more.
"""

from __future__ import annotations

import difflib
import re

from kb.errors import KBError, NotFound
from kb.model import Document
from kb.policy.scope import doc_jurisdiction, short_place
from kb.text import normalize

NOISE_RE = re.compile(r"[《》“”\"‘’「」\s]")
MIN_PART_CHARS = 2
MAX_SUGGESTIONS = 3


def _plain(text: str) -> str:
    return NOISE_RE.sub("", normalize(text))


def named(docs: dict[str, Document], name: str) -> list[str]:
    """The ids of the documents ``name`` fits, by the first rule that fits any: the id or its
    prefix, the 文号, the whole title, the place, then a part of the title."""
    raw = (name or "").strip()
    plain = _plain(raw)
    if not plain:
        return []
    rules = (
        lambda d: d.doc_id == raw or d.doc_id.startswith(raw),
        lambda d: bool(d.doc_number) and _plain(d.doc_number) == plain,
        lambda d: _plain(d.title) == plain,
        lambda d: _place_fits(d, plain),
        lambda d: len(plain) >= MIN_PART_CHARS and plain in _plain(d.title),
    )
    for rule in rules:
        found = [d for d, doc in docs.items() if rule(doc)]
        if found:
            return found
    return []


def _place_fits(doc: Document, plain: str) -> bool:
    place = doc_jurisdiction(doc).place
    return bool(place) and plain in (place, short_place(place))


def suggestions(docs: dict[str, Document], name: str) -> list[str]:
    """The closest document names to an unknown one: ids and titles."""
    choices = {d: d for d in docs} | {doc.title: d for d, doc in docs.items()}
    close = difflib.get_close_matches(name, list(choices), n=MAX_SUGGESTIONS, cutoff=0.3)
    return list(dict.fromkeys(close))


def unknown(docs: dict[str, Document], name: str) -> NotFound:
    """The error for a name no document fits, with the closest names as the fix."""
    close = suggestions(docs, name)
    hint = f"did you mean {'、'.join(close)}? " if close else ""
    return NotFound(f"no document {name!r}; {hint}list them with: python -m kb docs")


def resolve(docs: dict[str, Document], name: str, primary: dict[str, str] | None = None) -> str:
    """The one document (its family's primary copy, per ``primary``) ``name`` names.

    Raises:
        NotFound: no document fits (with the closest names).
        KBError: documents of several families fit.
    """
    primary = primary or {}
    found = sorted({primary.get(d, d) for d in named(docs, name)})
    if not found:
        raise unknown(docs, name)
    if len(found) > 1:
        titles = "、".join(f"{d}（{docs[d].title}）" for d in found)
        raise KBError(f"{name!r} names several documents: {titles}; give more of the name, or the file id")
    return found[0]
