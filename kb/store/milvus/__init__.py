"""The Milvus store: the same clauses, search and filters on milvus-lite or a Milvus server.

Two collections:

- ``kb_clauses``: one row per clause and generation. Filterable fields (document, level,
  issuer, date, section, text, due dates, units, target indicators), the whole clause as JSON, a
  dense vector (FLAT on lite, HNSW on a server) and two sparse BM25 vectors computed from the
  project's own tokens (jieba words with the policy dictionary, characters and character bigrams;
  ``kb.store.sparse``).
- ``kb_meta``: the manifest (schema, encoder, generation, the committed generation of each
  document, statistics), one row per document, and the document frequency of each hashed token.

A write inserts the written documents' rows under a new generation and then replaces the
manifest row, which names each document's generation and the rows the write replaced. Every
read filters on ``gen <= N and not (doc_gen in [replaced])`` (``common.committed_expr``), so a
reader sees a document wholly old or wholly new, and a write killed before the manifest leaves
the previous state answering. Rows no manifest commits are deleted at the start of the next write
(readers of the previous manifest keep their rows until then, as with the index folder).
"""

from kb.store.milvus.common import client, close, current_generation, exists
from kb.store.milvus.reader import MilvusStore
from kb.store.milvus.writer import apply

__all__ = ["MilvusStore", "apply", "client", "close", "current_generation", "exists"]
