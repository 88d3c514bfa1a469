"""One module per import format, named after the format a user knows, and the registry.

``READERS`` maps a format name to its reader module. Order matters for detection: the first
reader whose ``sniff`` accepts a file reads it, so specific formats come before general
ones. Modules that are part of another format's reader and not registered on their own:
``uspto_pap`` and ``uspto_sgml`` (documents of ``uspto-xml`` weekly files) and
``uspto_brs`` (the BRS variant of ``uspto-aps`` text).
"""

from __future__ import annotations

from patnav.ingest.base import Reader
from patnav.ingest.readers import (
    cnipa_xml,
    csv,
    derwent,
    epo_docdb,
    epo_ops_legal,
    epo_xml,
    jsonl,
    patentsview,
    thomson,
    uspto_aps,
    uspto_assignment,
    uspto_odp,
    uspto_xml,
    xls,
    xlsx,
)

READERS: dict[str, Reader] = {
    thomson.FORMAT: thomson,
    xlsx.FORMAT: xlsx,
    xls.FORMAT: xls,
    uspto_odp.FORMAT: uspto_odp,
    jsonl.FORMAT: jsonl,
    cnipa_xml.FORMAT: cnipa_xml,
    uspto_xml.FORMAT: uspto_xml,
    epo_xml.FORMAT: epo_xml,
    epo_docdb.FORMAT: epo_docdb,
    epo_ops_legal.FORMAT: epo_ops_legal,
    uspto_assignment.FORMAT: uspto_assignment,
    derwent.FORMAT: derwent,
    uspto_aps.FORMAT: uspto_aps,
    patentsview.FORMAT: patentsview,
    csv.FORMAT: csv,
}

__all__ = ["READERS", "Reader"]
