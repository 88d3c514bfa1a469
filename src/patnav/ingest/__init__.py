"""Reading patent data: the readers and the import pipeline.

Layout (see ``docs/architecture.md``, "Adding a reader"):

- ``readers/``: one module per format, named after the format a user knows, and the
  registry ``READERS`` (format name → reader module, in detection order);
- ``xml/``: what the patent-office XML readers share (safe parsing, the read loop, values
  read out of elements);
- ``tabular/``: what the tabular readers share (header row, column mapping, rows to
  records);
- here: the reader contract (``base``), archives, the pipeline and its report, and the
  value helpers every family uses (``values``, ``claims``, ``encoding``).
"""

from __future__ import annotations

from patnav.ingest.base import Reader
from patnav.ingest.readers import READERS

__all__ = ["READERS", "Reader"]
