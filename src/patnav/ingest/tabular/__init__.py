"""What the tabular readers (``xlsx``, ``xls``, ``csv``, ``jsonl``, ``thomson``) share:
the header row and the column mapping (:mod:`.columns`, with the built-in profiles in
``profiles/``), and rows of cells turned into records (:mod:`.table`)."""
