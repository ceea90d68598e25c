"""make bench, section 7: the Milvus store on milvus-lite beside the index folder.

Both stores are written from the same clauses and vectors (the whole-corpus index the bench has
just built), so the figures compare the stores, not the encoder. milvus-lite is a pure-Python
stand-in for a server: its times say what the code does, not what a Milvus server would do.

Also measured here, for the choice of the lexical side: Milvus's own BM25 function (jieba
analyzer with the project's policy terms) against sparse vectors from the project's tokenizer.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np


def _rows(path: Path) -> list[list[str]]:
    return [
        ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")
    ]


def _quality(search, rows) -> tuple[float, float, float]:
    """R@1, R@5, MRR of ``search(query) -> texts`` (anchor containment, as score.py)."""
    from kb.text import normalize

    r1 = r5 = rr = 0.0
    for query, anchor, *_ in rows:
        texts = search(query)
        rank = next((i + 1 for i, t in enumerate(texts) if normalize(anchor) in normalize(t)), None)
        r1 += rank == 1
        r5 += bool(rank)
        rr += 1 / rank if rank else 0
    return r1 / len(rows), r5 / len(rows), rr / len(rows)


def _latency(searcher, queries: list[str]) -> tuple[float, float]:
    for q in queries:  # warm the query-embedding cache: the figures are the store's, not the encoder's
        searcher.embed(q)
    searcher.search(queries[0], top=5)  # and the store's first load
    times = []
    for q in queries:
        t = time.perf_counter()
        searcher.search(q, top=5)
        times.append(time.perf_counter() - t)
    return float(np.percentile(times, 50) * 1000), float(np.percentile(times, 95) * 1000)


def bench_milvus(full_index: Path, work: Path, query_files: list[Path]) -> dict:
    from kb.search.searcher import Fusion, Searcher
    from kb.store import folder, milvus
    from kb.store.base import Change

    files = folder.load(full_index)
    change = Change(
        docs=dict(files.docs),
        clauses=list(files.clauses),
        vectors=files.vectors(),
        written=set(files.docs),
        removed=set(),
        terms=list(files.tokenizer.terms),
        encoder=files.encoder_info,
    )
    out: dict = {"clauses": len(files.clauses)}
    folder_dir = work / "store-files"
    shutil.rmtree(folder_dir, ignore_errors=True)
    t = time.perf_counter()
    folder.apply(folder_dir, None, change)
    out["files_write_s"] = time.perf_counter() - t
    db = work / "store-milvus" / "kb.db"
    milvus.close(str(db))
    shutil.rmtree(db.parent, ignore_errors=True)
    t = time.perf_counter()
    milvus.apply(str(db), change, fresh=True)
    out["milvus_write_s"] = time.perf_counter() - t
    t = time.perf_counter()
    store = milvus.MilvusStore.open(str(db))
    out["milvus_open_s"] = time.perf_counter() - t
    t = time.perf_counter()
    _ = folder.load(folder_dir)
    out["files_open_s"] = time.perf_counter() - t
    out["milvus_mb"] = (
        sum(p.stat().st_size for p in db.rglob("*") if p.is_file()) / 1e6 if db.is_dir() else db.stat().st_size / 1e6
    )
    searchers = {"index folder": Searcher(folder.load(folder_dir)), "milvus-lite": Searcher(store)}
    queries = [r[0] for f in query_files for r in _rows(f)]
    out["latency"] = {k: _latency(s, queries) for k, s in searchers.items()}
    out["quality"] = []
    fn_search, out["function_build_s"] = _bm25_function(files, work / "fn" / "kb.db")
    for f in query_files:
        rows = _rows(f)
        for name, s in searchers.items():
            out["quality"].append(
                dict(
                    file=f.name,
                    store=name,
                    method="shipped",
                    fig=_quality(lambda q, s=s: [h.clause.text for h in s.search(q, top=5)], rows),
                )
            )
            out["quality"].append(
                dict(
                    file=f.name,
                    store=name,
                    method="BM25 words only",
                    fig=_quality(
                        lambda q, s=s: [h.clause.text for h in s.search(q, top=5, fusion=Fusion(method="bm25"))], rows
                    ),
                )
            )
        out["quality"].append(
            dict(
                file=f.name, store="milvus-lite", method="BM25 function (jieba analyzer)", fig=_quality(fn_search, rows)
            )
        )
    milvus.close(str(db))
    return out


def _bm25_function(files, db: Path):
    """A collection whose lexical side is Milvus's BM25 function over the retrieval text."""
    from pymilvus import DataType, Function, FunctionType

    from kb.store import milvus
    from kb.text import retrieval_text

    milvus.close(str(db))
    shutil.rmtree(db.parent, ignore_errors=True)
    c = milvus.client(str(db))
    analyzer = {"tokenizer": {"type": "jieba", "dict": ["_default_", *files.tokenizer.terms], "mode": "search"}}
    s = c.create_schema(auto_id=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("text", DataType.VARCHAR, max_length=65535, enable_analyzer=True, analyzer_params=analyzer)
    s.add_field("sp", DataType.SPARSE_FLOAT_VECTOR)
    s.add_function(
        Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["text"], output_field_names=["sp"])
    )
    ip = c.prepare_index_params()
    ip.add_index("sp", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    c.create_collection("fn", schema=s, index_params=ip)
    t = time.perf_counter()
    rows = [{"id": i, "text": retrieval_text(cl)} for i, cl in enumerate(files.clauses)]
    for start in range(0, len(rows), 500):
        c.insert("fn", rows[start : start + 500])
    built = time.perf_counter() - t
    texts = [cl.text for cl in files.clauses]

    def search(q: str) -> list[str]:
        res = c.search("fn", data=[q], anns_field="sp", limit=5, search_params={"metric_type": "BM25"})
        return [texts[h["id"]] for h in res[0]]

    return search, built


def report_milvus(m: dict) -> list[str]:
    lines = [
        "",
        "## 7. Scale-out store: milvus-lite beside the index folder",
        "",
        "milvus-lite is a pure-Python stand-in for a Milvus server (tests, trials); its times are not a "
        "server's. Both stores written from the same clauses and vectors (encoding excluded).",
        "",
        "| | index folder | milvus-lite |",
        "|---|---|---|",
        f"| write {m['clauses']} clauses (s) | {m['files_write_s']:.1f} | {m['milvus_write_s']:.1f} |",
        f"| open for search (s) | {m['files_open_s']:.2f} | {m['milvus_open_s']:.2f} |",
        f"| search p50 / p95 (ms, query embedding cached) | {m['latency']['index folder'][0]:.1f} / "
        f"{m['latency']['index folder'][1]:.1f} | "
        f"{m['latency']['milvus-lite'][0]:.1f} / {m['latency']['milvus-lite'][1]:.1f} |",
        f"| on disk (MB) | | {m['milvus_mb']:.1f} |",
        "",
        "| queries | store | method | R@1 | R@5 | MRR |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['file']} | {r['store']} | {r['method']} | {r['fig'][0]:.3f} | {r['fig'][1]:.3f} | {r['fig'][2]:.3f} |"
        for r in m["quality"]
    ]
    lines += [
        "",
        f"BM25 function collection: {m['function_build_s']:.1f} s to insert the {m['clauses']} texts "
        "(analysed in lite).",
    ]
    return lines
