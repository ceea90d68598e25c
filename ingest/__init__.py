"""Ingest: read files into text, find their metadata, cut them into clauses, index them."""

import os

# Encoding a batch runs one text per OpenMP thread: ingest uses every core (measured 12.8 → 25.5
# clauses/s on 2 cores). Queries stay single-threaded (kb/__init__.py). Must precede numpy/faiss.
os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count() or 1))

import kb  # noqa: F401  (its thread settings, before numpy/faiss load)
