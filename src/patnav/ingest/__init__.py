"""Reading patent data: one reader module per format, and the import pipeline.

``READERS`` maps a format name to its reader module. Order matters for detection: the first
reader whose ``sniff`` accepts a file reads it, so specific formats come before general
ones.
"""

from __future__ import annotations

from patnav.ingest import (
    cnipa_xml,
    delimited,
    derwent,
    epo_docdb,
    epo_xml,
    jsonl,
    patentsview,
    thomson,
    uspto_aps,
    uspto_xml,
    xls,
    xlsx,
)
from patnav.ingest.base import Reader

READERS: dict[str, Reader] = {
    thomson.FORMAT: thomson,
    xlsx.FORMAT: xlsx,
    xls.FORMAT: xls,
    jsonl.FORMAT: jsonl,
    cnipa_xml.FORMAT: cnipa_xml,
    uspto_xml.FORMAT: uspto_xml,
    epo_xml.FORMAT: epo_xml,
    epo_docdb.FORMAT: epo_docdb,
    derwent.FORMAT: derwent,
    uspto_aps.FORMAT: uspto_aps,
    patentsview.FORMAT: patentsview,
    delimited.FORMAT: delimited,
}

__all__ = ["READERS", "Reader"]
