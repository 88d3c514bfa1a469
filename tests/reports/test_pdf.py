"""The Tai'an industry report as PDF: headings, figures, CJK fonts embedded, pages not blank."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from PIL import Image, ImageStat
from pypdf import PdfReader


@pytest.fixture(scope="module")
def pdf(taian_report):
    return PdfReader(str(taian_report[1]["pdf"]))


@pytest.fixture(scope="module")
def pdf_text(pdf):
    return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _fonts(pdf):
    names = set()
    for page in pdf.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont")))
    return names


def test_headings_and_key_numbers_are_in_the_pdf(pdf_text, taian_report):
    report = taian_report[0]
    for section in report.headings():
        if section.level <= 2:
            assert section.heading in pdf_text, section.heading
    leader = next(f for f in report.findings if f.rule == "applicants.leader")
    assert f"{leader.numbers['units']:,} 件" in pdf_text
    cutoff = dict(report.meta)["数据截止日"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cutoff) and cutoff in pdf_text


def test_every_figure_is_an_image_in_the_pdf(pdf, taian_report):
    images = set()
    for page in pdf.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for ref in xobjects.values():
            if ref.get_object().get("/Subtype") == "/Image":
                images.add(ref.idnum)
    assert len(images) == len(taian_report[0].figures())


def test_pdf_embeds_a_cjk_font(pdf):
    fonts = _fonts(pdf)
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts
    assert not any("Serif" in f for f in fonts), fonts


def test_pdf_has_page_numbers_and_a_table_of_contents(pdf):
    first_text = pdf.pages[1].extract_text()
    assert "目录" in first_text and "主要结论与建议" in first_text
    assert "2 / " in pdf.pages[1].extract_text()


def test_rendered_pages_are_not_blank(taian_report, tmp_path):
    """Pages drawn with pdftoppm: every page has ink, chart pages a lot of it."""
    if shutil.which("pdftoppm") is None:
        pytest.fail(
            "pdftoppm (poppler-utils) is missing: scripts/system-deps.sh installs it"
        )
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "30",
            "-png",
            str(taian_report[1]["pdf"]),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == len(PdfReader(str(taian_report[1]["pdf"])).pages)
    for page in pages:
        gray = Image.open(page).convert("L")
        ink = sum(gray.histogram()[:200]) / (gray.width * gray.height)
        assert ink > 0.003, page.name
        assert ImageStat.Stat(gray).stddev[0] > 5, page.name
