"""Expected values read straight from the real files, independently of patnav's readers."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import openpyxl
from lxml import etree

CNIPA_EXPORT = "formats/cn-excel/cnipa_export_199.xlsx"
CNIPA_XML = "formats/cnipa-xml/cn_old1.xml"


@cache
def export_rows(data_dir: Path) -> list[dict[str, object]]:
    """The rows of the CNIPA export as dicts keyed by its (Chinese) headers."""
    book = openpyxl.load_workbook(data_dir / CNIPA_EXPORT, read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    headers = [h for h in rows[0] if h]
    return [dict(zip(headers, row, strict=False)) for row in rows[1:] if any(row)]


def filed_in(row: dict[str, object], year: str) -> bool:
    return str(row["申请日"]).startswith(year)


def cnipa_xml(data_dir: Path) -> dict[str, object]:
    """Title, publication number, applicants, inventors and claim count of cn_old1.xml."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(data_dir / CNIPA_XML), parser).getroot()
    doc = root.find("cn-bibliographic-data/cn-publication-reference/document-id")
    return {
        "pub_number": "CN" + doc.findtext("doc-number") + doc.findtext("kind"),
        "title": root.findtext("cn-bibliographic-data/invention-title"),
        "applicants": [
            e.text for e in root.iterfind(".//cn-applicant/addressbook/name")
        ],
        "inventors": [e.text for e in root.iterfind(".//cn-inventor/name")],
        "claims": len(root.findall(".//claims/claim")),
    }
