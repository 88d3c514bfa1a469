"""Reading patent data: one reader module per format, and the import pipeline.

``READERS`` maps a format name to its reader module. Order matters for detection: the first
reader whose ``sniff`` accepts a file reads it, so specific formats come before general
ones.
"""

from __future__ import annotations

from patnav.ingest import delimited, jsonl, xls, xlsx
from patnav.ingest.base import Reader

READERS: dict[str, Reader] = {
    xlsx.FORMAT: xlsx,
    xls.FORMAT: xls,
    jsonl.FORMAT: jsonl,
    delimited.FORMAT: delimited,
}

__all__ = ["READERS", "Reader"]
