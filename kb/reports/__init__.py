"""What a reader takes away: citations, markdown rendering, the memo, the deadline timeline chart,
and the 对标对表 and deadline tables as XLSX/DOCX. Rows come from kb.compare and kb.tracking."""
