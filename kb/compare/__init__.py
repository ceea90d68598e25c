"""The same task in two documents: the pair similarity, deadline cross-references between levels
of government, and 对标对表 (each upper commitment and the lower document's answer)."""
