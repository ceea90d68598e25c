"""make bench: quality and speed measured side by side (``python -m bench.run``)."""
