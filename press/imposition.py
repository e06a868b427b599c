"""Page sheets with pypdf: booklet imposition for office printers, crop marks for the press."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation, apply_configuration
from pypdf.generic import (ArrayObject, ByteStringObject, DecodedStreamObject, NameObject,
                           RectangleObject)

from .words import ENGLISH_WORDS, Words


# The PDFs read here are the pipeline's own: pypdf's guard against hostile files, no stream
# over 75 MB, would refuse a page that shows a large photograph in CMYK.
OWN_PDF = {"maximum_declared_stream_length": 1 << 30}


def booklet_order(count: int) -> list[tuple[int, int]]:
    """The page pairs (left, right) of each sheet side, front then back, 1-based.

    ``count`` is a multiple of four. Sheet 1's front is [last, 1], its back
    [2, last - 1]; sheet 2's front [last - 2, 3], and so on: folded and
    stapled, the sheets read in order.
    """
    if count % 4:
        raise ValueError("a booklet needs a multiple of four pages")
    sides = []
    for sheet in range(count // 4):
        outer, inner = 2 * sheet, 2 * sheet + 1
        sides.append((count - outer, 1 + outer))  # front
        sides.append((1 + inner, count - inner))  # back
    return sides


def padded_pages(count: int) -> list[int | None]:
    """The book's pages (1-based) padded with blanks (None) to a multiple of four.

    Blanks go just before the back cover, so that no chapter is interrupted
    and the back cover stays the outside of the last sheet.
    """
    blanks = -count % 4
    pages: list[int | None] = list(range(1, count + 1))
    return pages[:-1] + [None] * blanks + pages[-1:]


MM = 72 / 25.4
# Landscape paper that office printers hold, smallest first: A5 pages go on A4, A4 on A3,
# Letter on Tabloid (ledger).
PAPER = (("A4", 297 * MM, 210 * MM), ("Tabloid", 17 * 72, 11 * 72), ("A3", 420 * MM, 297 * MM))


def sheet_size(width: float, height: float) -> tuple[float, float]:
    """The smallest paper that holds two pages side by side (else exactly two pages)."""
    for _, paper_width, paper_height in PAPER:
        if 2 * width <= paper_width + 1 and height <= paper_height + 1:
            return paper_width, paper_height
    return 2 * width, height


def impose_booklet(source: bytes, target: Path, words: Words = ENGLISH_WORDS) -> int:
    """Write ``source``'s pages as a booklet for duplex printing; return the sheet count.

    Each side of a sheet holds two pages, centred on the paper; printed on both
    sides (flip on the short edge), folded and stapled, the sheets read in order. It is
    for paper: the office PDF's links are left out (on a sheet they would lie over the
    wrong page, and lead to places the booklet does not name).
    """
    with apply_configuration(**OWN_PDF):
        return _impose(PdfReader(io.BytesIO(source)), target, words)


def _impose(reader: PdfReader, target: Path, words: Words) -> int:
    width = float(reader.pages[0].mediabox.width)
    height = float(reader.pages[0].mediabox.height)
    paper_width, paper_height = sheet_size(width, height)
    margin_x, margin_y = (paper_width - 2 * width) / 2, (paper_height - height) / 2
    pages = padded_pages(len(reader.pages))
    writer = PdfWriter()
    for left, right in booklet_order(len(pages)):
        side = PageObject.create_blank_page(width=paper_width, height=paper_height)
        for position, number in ((0, pages[left - 1]), (1, pages[right - 1])):
            if number is not None:
                place = Transformation().translate(margin_x + position * width, margin_y)
                side.merge_transformed_page(reader.pages[number - 1], place)
        if "/Annots" in side:
            del side["/Annots"]
        writer.add_page(side)
    title = words("booklet_title", title=str(reader.metadata.title or ""))
    writer.add_metadata({"/Title": title, "/Producer": "Careers Handbooks press"})
    if "/Lang" in reader.trailer["/Root"]:  # the language a reader's software speaks it in
        writer.root_object[NameObject("/Lang")] = reader.trailer["/Root"]["/Lang"]
    with open(target, "wb") as output:
        writer.write(output)
    return len(pages) // 4


BLEED = 3 * MM  # what the press style sheet gives every page (styles/press.css)
MARK_OFFSET = BLEED + 2 * MM  # marks start clear of the bleed, never on it
MARK_LENGTH = 6 * MM
SLUG = MARK_OFFSET + MARK_LENGTH + 1 * MM  # paper around the bleed that holds the marks


def crop_mark_lines(trim: tuple[float, float, float, float]) -> list[tuple[float, ...]]:
    """The eight crop-mark lines (x1, y1, x2, y2) of a page trimmed to ``trim``.

    Each runs along a trim edge's extension, starting MARK_OFFSET outside the trim.
    """
    left, bottom, right, top = trim
    lines = []
    for x, y, outward_x, outward_y in ((left, bottom, -1, -1), (right, bottom, 1, -1),
                                       (left, top, -1, 1), (right, top, 1, 1)):
        start_x, start_y = x + outward_x * MARK_OFFSET, y + outward_y * MARK_OFFSET
        lines.append((start_x, y, start_x + outward_x * MARK_LENGTH, y))  # horizontal
        lines.append((x, start_y, x, start_y + outward_y * MARK_LENGTH))  # vertical
    return lines


def finish_press_pdf(source: bytes, identifier: str) -> bytes:
    """The press PDF as a print shop's preflight expects it: solid black overprinting
    (press.inks), room for crop marks around its bleed and the marks drawn there, blank
    pages before the back cover to a multiple of four (the sheets a printer folds), no
    annotations (links print nothing), PDF/X-4 named in the Info dictionary as in the XMP,
    a PDF 1.6 header (the version PDF/X-4 is defined on), and identifiers derived from the
    book's, so that the same sources give the same bytes.

    TrimBox stays the page; BleedBox is the page plus the 3 mm bleed; MediaBox
    grows by a slug that holds the marks, in registration colour (all four inks).
    """
    from .inks import overprint_black

    with apply_configuration(**OWN_PDF):
        return _finish_press_pdf(PdfReader(io.BytesIO(overprint_black(source))), identifier)


PDF_X = "PDF/X-4"


def _finish_press_pdf(reader: PdfReader, identifier: str) -> bytes:
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = b"%PDF-1.6"
    _stable_identifiers(writer, identifier)
    writer.add_metadata({"/GTS_PDFXVersion": PDF_X})
    back = writer.pages[-1]
    for _ in range(-len(writer.pages) % 4):  # blank pages, as in the booklet (padded_pages)
        blank = PageObject.create_blank_page(width=float(back.mediabox.width),
                                             height=float(back.mediabox.height))
        blank.mediabox, blank.trimbox = back.mediabox, back.trimbox
        writer.insert_page(blank, len(writer.pages) - 1)
    for page in writer.pages:
        if "/Annots" in page:
            del page[NameObject("/Annots")]
        trim = tuple(float(value) for value in page.trimbox)
        left, bottom, right, top = trim
        page.bleedbox = RectangleObject((left - BLEED, bottom - BLEED, right + BLEED, top + BLEED))
        page.mediabox = RectangleObject((left - BLEED - SLUG, bottom - BLEED - SLUG,
                                         right + BLEED + SLUG, top + BLEED + SLUG))
        page.cropbox = page.mediabox
        drawing = ["q", "0.3 w", "1 1 1 1 K"]  # registration: every ink
        drawing += [f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l S"
                    for x1, y1, x2, y2 in crop_mark_lines(trim)]
        marks = DecodedStreamObject()
        marks.set_data("\n".join(drawing + ["Q"]).encode())
        overlay = PageObject.create_blank_page(width=1, height=1)
        overlay.mediabox = page.mediabox  # pypdf clips what it merges to this box
        overlay[NameObject("/Contents")] = marks
        page.merge_page(overlay)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _stable_identifiers(writer: PdfWriter, identifier: str) -> None:
    """Replace WeasyPrint's random PDF/X document id (XMP) and the file id with the book's."""
    stable = uuid.uuid5(uuid.NAMESPACE_URL, identifier)
    metadata = writer.root_object["/Metadata"].get_object()
    xmp = re.sub(rb"xmp\.did:[0-9a-f-]{36}", f"xmp.did:{stable}".encode(), metadata.get_data())
    metadata.set_data(xmp)
    file_id = ByteStringObject(stable.bytes)
    writer._ID = ArrayObject([file_id, file_id])
