"""The benchmark's measurements that need a fresh process (thread counts, peak memory, a cold model).

``python -m bench.children NAME 'JSON ARGS'`` runs one and prints its result as one JSON line;
``bench.run.run_child`` starts them with the OpenMP thread count under test.
"""

from __future__ import annotations

import json
import random
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

import numpy as np


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))


def ms(values: list[float], q: float) -> float:
    """The ``q``th percentile of ``values`` (seconds), in milliseconds."""
    return float(np.percentile(np.asarray(values) * 1000, q))


def ingest(index_dir: str, n: int) -> dict:
    """Section 3: a cold ingest of corpus/ and an unchanged re-ingest, against the encoder's raw rate."""
    from ingest.pipeline import ingest as run_ingest
    from ingest.pipeline import retrieval_text
    from kb.encoders import get_encoder
    from kb.store import folder

    t = time.perf_counter()
    report = run_ingest(["corpus"], index_dir, rebuild=True)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    again = run_ingest(["corpus"], index_dir)
    warm = time.perf_counter() - t
    texts = [retrieval_text(c) for c in folder.load(index_dir).clauses]
    random.Random(0).shuffle(texts)
    sample = texts[:n]
    enc = get_encoder("e5")
    enc.passages(sample[:8])
    t = time.perf_counter()
    enc.passages(sample)
    raw = time.perf_counter() - t
    return dict(
        clauses=report.clauses,
        cold_s=cold,
        reingest_s=warm,
        rewritten=again.written,
        raw_per_s=len(sample) / raw,
        peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def query(index_dir: str, queries: list[str], concurrency: list[int]) -> dict:
    """Section 4: encoding alone and whole searches, with 1 and several searchers at once (threads,
    as the app's sessions run), and the memory the index and the model take."""
    from kb.search.searcher import Searcher
    from kb.store import folder

    base = rss_mb()
    ix = folder.load(index_dir)
    after_index = rss_mb()
    enc = ix.encoder
    enc.queries(["预热"])
    after_model = rss_mb()
    enc_t: list[float] = []

    def encode_all() -> None:  # in a worker thread, as the searches below and as the app's sessions run
        for q in queries:
            t = time.perf_counter()
            enc.queries([q])
            enc_t.append(time.perf_counter() - t)

    worker = threading.Thread(target=encode_all)
    worker.start()
    worker.join()
    out = dict(
        n=len(queries),
        enc_p50=ms(enc_t, 50),
        enc_p95=ms(enc_t, 95),
        index_mb=after_index - base,
        model_mb=after_model - after_index,
    )
    for users in concurrency:
        times: list[float] = []

        def user(k: int, users: int = users, times: list[float] = times) -> None:
            local = Searcher(ix)  # its own query cache: every query is encoded
            for q in queries[k::users] if users > 1 else queries:
                t = time.perf_counter()
                local.search(q, top=5)
                times.append(time.perf_counter() - t)

        workers = [threading.Thread(target=user, args=(k,)) for k in range(users)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        out[f"p50_{users}"], out[f"p95_{users}"] = ms(times, 50), ms(times, 95)
    out["p50"], out["p95"] = out["p50_1"], out["p95_1"]
    out["ratio"] = out["p50"] / out["enc_p50"]
    out["rss_mb"] = rss_mb()
    return out


def ocr(src: str, work: str, n: int) -> dict:
    """Section 6: ingest of an image-only PDF of ``n`` pages against the same pages with their text layer."""
    import pypdfium2 as pdfium

    from ingest.pipeline import ingest as run_ingest
    from kb.store import folder

    work_dir = Path(work)
    for name in ("scan", "text"):
        shutil.rmtree(work_dir / name, ignore_errors=True)
        shutil.rmtree(work_dir / (name + "-index"), ignore_errors=True)  # a previous run's, maybe another schema
        (work_dir / name).mkdir(parents=True)
    pdf = pdfium.PdfDocument(src)
    pages = [pdf[i].render(scale=150 / 72, rev_byteorder=True).to_pil().convert("RGB") for i in range(n)]
    pages[0].save(work_dir / "scan" / "pages.pdf", "PDF", resolution=150, save_all=True, append_images=pages[1:])
    out = pdfium.PdfDocument.new()
    out.import_pages(pdf, list(range(n)))
    out.save(str(work_dir / "text" / "pages.pdf"))
    times, counts = {}, {}
    for name in ("text", "scan"):
        t = time.perf_counter()
        run_ingest([work_dir / name], work_dir / (name + "-index"))
        times[name] = time.perf_counter() - t
        counts[name] = len(folder.load(work_dir / (name + "-index")).clauses)
    return dict(
        pages=n,
        text_layer_s=times["text"],
        ocr_s=times["scan"],
        ocr_per_page=times["scan"] / n,
        text_clauses=counts["text"],
        ocr_clauses=counts["scan"],
    )


CHILDREN = {"ingest": ingest, "query": query, "ocr": ocr}

if __name__ == "__main__":
    print(json.dumps(CHILDREN[sys.argv[1]](**json.loads(sys.argv[2]))))
