"""Classification symbols as real exports write them."""

from __future__ import annotations

import pytest

from patnav.schema.codes import normalize_ipc, normalize_locarno, parse_ipc


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("E01B3/32(2006.01)I", "E01B3/32"),  # CNIPA export, with version and flag
        ("H02K17/02", "H02K17/02"),  # Tai'an corpus
        ("A21D 13/00", "A21D13/00"),  # Patentscope
        ("A61K-0031/12", "A61K31/12"),  # Thomson Innovation
        ("A61K 31/12: Medicinal preparations", "A61K31/12"),
        ("A63F2009/241", "A63F2009/241"),  # CPC 2000-series
        ("C12N2740/16043", "C12N2740/16043"),
        ("b64u20/80", "B64U20/80"),
        ("Ｈ０２Ｋ１７／０２", "H02K17/02"),  # full width
        ("A61K", "A61K"),
        ("G06F 3", "G06F3/00"),
        ("Y02E10/50", "Y02E10/50"),
    ],
)
def test_ipc_forms(raw, code):
    assert normalize_ipc(raw) == code
    assert normalize_ipc(code) == code


def test_version_and_inventive_flag_are_kept():
    symbol = parse_ipc("E01B9/10(2006.01)N")
    assert symbol is not None
    assert (symbol.version, symbol.inventive) == ("2006.01", False)
    assert symbol.subclass == "E01B" and symbol.main_group == "E01B9/00"


@pytest.mark.parametrize("raw", ["11-02", "pizza", "12345", "", "Z99Z1/00", "H02KX"])
def test_non_ipc_is_none(raw):
    assert normalize_ipc(raw) is None


@pytest.mark.parametrize(
    ("raw", "code"), [("11-02", "11-02"), ("LOC (10) 11-02", "11-02"), ("9-1", "09-01")]
)
def test_locarno(raw, code):
    assert normalize_locarno(raw) == code


def test_every_main_ipc_of_the_taian_corpus_is_ipc_or_locarno(data_dir):
    import openpyxl

    wb = openpyxl.load_workbook(
        data_dir / "corpora/cn-taian-7384/taian_patents.xlsx", read_only=True
    )
    rows = list(wb.active.iter_rows(min_row=2, values_only=True))
    wb.close()
    codes = [r[4] for r in rows]
    ipc = [c for c in codes if normalize_ipc(c)]
    loc = [c for c in codes if not normalize_ipc(c) and normalize_locarno(c)]
    assert len(ipc) + len(loc) == len(codes) == 7384
    # the designs carry Locarno classes; every design application number has type digit
    # 3
    designs = {r[1] for r in rows if not normalize_ipc(r[4])}
    assert designs and all(n[6] == "3" or n[4] == "3" for n in designs)
