"""Finding the clause: the searcher (retrieval and fusion), the relevance floor, document
families (one text in several files) and the live reader that follows new index generations."""
