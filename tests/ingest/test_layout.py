"""The ingest package's layout (issue 13): one module per format under ``readers/``,
named after the format, and nothing else there but the parts of another format's reader.
"""

from __future__ import annotations

import pkgutil

from patnav.ingest import READERS, readers

PARTS = {
    "uspto_pap": "uspto-xml",
    "uspto_sgml": "uspto-xml",
    "uspto_brs": "uspto-aps",
}
"""Modules that read a variant inside another format's files, and that format."""


def test_each_registered_reader_is_the_module_named_after_its_format():
    for fmt, reader in READERS.items():
        expected = f"patnav.ingest.readers.{fmt.replace('-', '_')}"
        assert reader.__name__ == expected, fmt  # type: ignore[attr-defined]


def test_readers_holds_only_registered_readers_and_their_parts():
    names = {m.name for m in pkgutil.iter_modules(readers.__path__)}
    registered = {fmt.replace("-", "_") for fmt in READERS}
    assert names - registered == set(PARTS)
    assert set(PARTS.values()) <= set(READERS)
