"""Render a report as a Word document (python-docx): the format Chinese agencies and
governments exchange.

Headings use Word's built-in Heading styles, so Word's navigation pane and the table of
contents field work; the TOC is filled when the document is opened (Word asks to update
fields; LibreOffice updates on load). Body text is 宋体 and headings 黑体 for Chinese (the
fonts every Chinese Windows has; elsewhere the viewer substitutes its CJK font), Arial for
Latin script. Charts are embedded PNGs, so their CJK glyphs never depend on the reader's
fonts.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from patnav.i18n import say
from patnav.reports import labels as L
from patnav.reports.layout import column_widths
from patnav.reports.model import (
    Block,
    Figure,
    Finding,
    Paragraph,
    Report,
    Section,
    Table,
)

BODY_FONT_ZH = "宋体"
HEADING_FONT_ZH = "黑体"
LATIN_FONT = "Arial"
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
MUTED = RGBColor(0x5B, 0x64, 0x72)
KIND_COLOR = {
    "weakness": RGBColor(0xC0, 0x50, 0x4D),
    "risk": RGBColor(0xC0, 0x50, 0x4D),
    "strength": RGBColor(0x3D, 0x7A, 0x1F),
    "opportunity": RGBColor(0x3D, 0x7A, 0x1F),
    "data": RGBColor(0xB8, 0x68, 0x1A),
    "recommendation": RGBColor(0x80, 0x64, 0xA2),
}
FIGURE_WIDTH = Cm(16.0)


def _font(style: Any, zh: str, latin: str = LATIN_FONT) -> None:
    """Set a style's Latin and East Asian fonts (python-docx sets only the Latin one)."""
    font = style.font
    font.name = latin
    element = style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), zh)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def _styles(doc: DocxDocument, lang: str) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    _font(normal, BODY_FONT_ZH)
    normal.font.size = Pt(10.5)
    normal.paragraph_format.line_spacing = 1.35
    normal.paragraph_format.space_after = Pt(4)
    for level, size in ((1, 16), (2, 13.5), (3, 12), (4, 11)):
        style = styles[f"Heading {level}"]
        _font(style, HEADING_FONT_ZH)
        style.font.size = Pt(size)
        style.font.color.rgb = ACCENT
        style.font.bold = True
        style.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        style.paragraph_format.space_after = Pt(6)
    title = styles["Title"]
    _font(title, HEADING_FONT_ZH)
    title.font.size = Pt(24)
    title.font.color.rgb = ACCENT
    caption = styles["Caption"]
    _font(caption, HEADING_FONT_ZH)
    caption.font.size = Pt(9.5)
    caption.font.color.rgb = RGBColor(0x1D, 0x24, 0x30)
    caption.font.italic = False
    caption.font.bold = True
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    lang_el = OxmlElement("w:lang")
    lang_el.set(qn("w:eastAsia"), "zh-CN")
    lang_el.set(qn("w:val"), "en-US" if lang == "en" else "zh-CN")
    normal.element.get_or_add_rPr().append(lang_el)


def _field(paragraph: DocxParagraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (TOC, PAGE …) in ``paragraph``."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _shade(cell: _Cell, color: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), color)
    tcpr.append(shading)


def _small(paragraph: DocxParagraph, text: str, *, color: RGBColor = MUTED) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(8)
    run.font.color.rgb = color


def _cover(doc: DocxDocument, report: Report) -> None:
    for _ in range(5):
        doc.add_paragraph()
    kicker = doc.add_paragraph()
    run = kicker.add_run(report.subtitle)
    run.font.color.rgb = ACCENT
    run.font.bold = True
    run.font.size = Pt(13)
    doc.add_paragraph(report.title, style="Title")
    table = doc.add_table(rows=0, cols=2)
    for key, value in report.meta:
        cells = table.add_row().cells
        cells[0].text = key
        cells[1].text = value
        for p in cells[0].paragraphs:
            for r in p.runs:
                r.font.color.rgb = MUTED
    for row in table.rows:
        row.cells[0].width = Cm(3.5)
        row.cells[1].width = Cm(12.5)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    toc_title = doc.add_paragraph()
    run = toc_title.add_run(L.t("toc", report.lang))
    run.font.size = Pt(16)
    run.font.bold = True
    run.font.color.rgb = ACCENT
    _field(
        doc.add_paragraph(),
        'TOC \\o "1-2" \\h \\z \\u',
        L.pick(
            (
                "（打开文档时更新目录）",
                "(the table of contents updates when the document opens)",
            ),
            report.lang,
        ),
    )
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _set_widths(grid: Any, widths: Sequence[float]) -> None:
    """Fixed column widths, so Word and LibreOffice do not squeeze a column to one
    character per line."""
    grid.autofit = False
    tblpr = grid._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    for j, width in enumerate(widths):
        grid.columns[j].width = Cm(width)
        for cell in grid.columns[j].cells:
            cell.width = Cm(width)


def _table(doc: DocxDocument, table: Table, lang: str) -> None:
    caption = doc.add_paragraph(style="Caption")
    caption.add_run(f"{L.t('table', lang)} {table.number}  {table.caption}")
    caption.paragraph_format.keep_with_next = True
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = grid.rows
    header = rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for j, cell in enumerate(header.cells):
        cell.text = ""
        run = cell.paragraphs[0].add_run(table.columns[j])
        run.font.bold = True
        run.font.size = Pt(8.5)
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, "1F4E79")
    for i, values in enumerate(table.rows, 1):
        cells = rows[i].cells
        for j, value in enumerate(values):
            paragraph = cells[j].paragraphs[0]
            run = paragraph.add_run(value)
            run.font.size = Pt(8.5)
            if j < len(table.align) and table.align[j] == "r":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if i % 2 == 0:
                _shade(cells[j], "F3F6F9")
    _set_widths(grid, column_widths(table.columns, table.rows))
    for note in table.notes():
        _small(doc.add_paragraph(), note)


def _figure(doc: DocxDocument, figure: Figure, lang: str) -> None:
    if figure.png:
        picture = doc.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(figure.png), width=FIGURE_WIDTH)
    caption = doc.add_paragraph(style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.add_run(f"{L.t('figure', lang)} {figure.number}  {figure.title}")
    _small(doc.add_paragraph(), f"{L.t('note', lang)}：{figure.note}")


def _finding(doc: DocxDocument, finding: Finding, lang: str) -> None:
    paragraph = doc.add_paragraph(style="List Bullet")
    kind = L.t(f"kind.{finding.kind}", lang)
    tag = paragraph.add_run(say(lang, f"【{kind}】", f"{kind}: "))
    tag.font.bold = True
    tag.font.color.rgb = KIND_COLOR.get(finding.kind, ACCENT)
    paragraph.add_run(finding.text)


def _block(doc: DocxDocument, block: Block, lang: str) -> None:
    if isinstance(block, Section):
        level = min(block.level, 4)
        doc.add_heading(
            f"{block.number}  {block.heading}" if block.number else block.heading, level
        )
        for child in block.blocks:
            _block(doc, child, lang)
    elif isinstance(block, Paragraph):
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(block.text)
        if block.style == "note":
            run.font.size = Pt(8.5)
            run.font.color.rgb = MUTED
    elif isinstance(block, Finding):
        _finding(doc, block, lang)
    elif isinstance(block, Table):
        _table(doc, block, lang)
    elif isinstance(block, Figure):
        _figure(doc, block, lang)


def write_docx(report: Report, path: Path) -> Path:
    """Write the report as a Word (.docx) file."""
    doc = Document()
    _styles(doc, report.lang)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.4), Cm(2.2)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE", "1")
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _small(header, report.title)
    core = doc.core_properties
    core.title = report.title
    core.subject = report.subtitle
    core.author = "patnav"
    core.language = "en-US" if report.lang == "en" else "zh-CN"
    if report.type != "micro":
        _cover(doc, report)
    else:
        doc.add_paragraph(report.title, style="Title")
        _small(doc.add_paragraph(), "；".join(f"{k}：{v}" for k, v in report.meta))
    for block in report.sections:
        _block(doc, block, report.lang)
    doc.save(str(path))
    return path
