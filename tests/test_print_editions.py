"""The press PDF and the office booklet: boxes, inks and output intent; sheets in order."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp
from PIL import ImageCms

from press import inks
from press.cli import main
from press.imposition import BLEED, SLUG, booklet_order, crop_mark_lines, padded_pages

from .conftest import EVERY_FEATURE
from .helpers import (MINIMAL_BOOK, MINIMAL_CHAPTER, SHIPPED_FONTS, body_sizes, build_edition,
                      copy_handbook, drawn_streams, embedded_fonts, minimal_book,
                      overlapping_words, star_colours, theme_colour, write_handbook)

# Each builds whole editions: the slow tier (make test runs every tier).
pytestmark = pytest.mark.slow

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)
PROFILE = Path(__file__).resolve().parent.parent / "styles" / "color" / "FOGRA39-coated.icc"


@pytest.fixture(scope="session")
def press_pdf(tmp_path_factory) -> Path:
    return build_edition(EVERY_FEATURE, "print", tmp_path_factory.mktemp("press"))


@pytest.fixture(scope="session")
def booklet(tmp_path_factory) -> tuple[Path, Path]:
    output = tmp_path_factory.mktemp("booklet")
    return (build_edition(EVERY_FEATURE, "booklet", output),
            build_edition(EVERY_FEATURE, "pdf", output))


# The press PDF

def test_press_boxes_trim_to_the_page_with_3mm_bleed(press_pdf):
    for page in pypdf.PdfReader(press_pdf).pages:
        trim = [float(v) for v in page.trimbox]
        bleed = [float(v) for v in page.bleedbox]
        media = [float(v) for v in page.mediabox]
        assert trim == pytest.approx([0, 0, *A5], abs=0.01)
        assert bleed == pytest.approx([-3 * MM, -3 * MM, A5[0] + 3 * MM, A5[1] + 3 * MM], abs=0.01)
        assert media[0] < bleed[0] and media[1] < bleed[1]  # room for the crop marks
        assert media[2] > bleed[2] and media[3] > bleed[3]


def test_press_output_intent_is_the_shipped_cmyk_profile(press_pdf):
    reader = pypdf.PdfReader(press_pdf)
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4
    data = profile.get_data()
    assert data[36:40] == b"acsp" and data[16:20] == b"CMYK"  # an ICC profile, for CMYK
    # the shipped FOGRA39 profile, by its name, its notice, and the paper white it describes
    embedded = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    shipped = ImageCms.getOpenProfile(str(PROFILE)).profile
    facts = lambda icc: (icc.profile_description, icc.copyright, icc.device_class,  # noqa: E731
                         icc.colorant_table, icc.media_white_point)
    assert facts(embedded) == facts(shipped)
    assert shipped.profile_description.startswith("Coated FOGRA39")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "PDF/X-4" in xmp


def test_press_colours_are_cmyk_only(press_pdf):
    """No RGB colour operator and no RGB picture anywhere: everything is ink."""
    reader = pypdf.PdfReader(press_pdf)
    streams = [page.get_contents().get_data() for page in reader.pages]
    pictures = []
    for page in reader.pages:
        for xobject in page["/Resources"].get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject["/Subtype"] == "/Form":
                streams.append(xobject.get_data())
            else:
                pictures.append(xobject)
    assert not any(re.search(rb"(^|\s)[\d.]+ [\d.]+ [\d.]+ (rg|RG)\s", stream)
                   for stream in streams)
    assert not any(b"/DeviceRGB" in stream for stream in streams)
    assert pictures and all(picture["/ColorSpace"] == "/DeviceCMYK" for picture in pictures)
    assert any(b"/DeviceCMYK cs" in stream for stream in streams)


def test_press_pdf_says_pdf_1_6_and_pdf_x_4_where_a_preflight_looks(press_pdf):
    """PDF/X-4 is defined on PDF 1.6: the header says so, and the XMP and the Info
    dictionary both name PDF/X-4."""
    assert press_pdf.read_bytes()[:9] == b"%PDF-1.6\n"
    reader = pypdf.PdfReader(press_pdf)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>", xmp)
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-4"


def test_press_pdf_has_no_annotations(press_pdf):
    """Links print nothing, and a preflight queries an annotation in the bleed."""
    assert all("/Annots" not in page for page in pypdf.PdfReader(press_pdf).pages)


def test_ghostscript_reads_the_press_pdf_without_a_warning(press_pdf):
    """As a print shop's RIP would: Ghostscript (Debian's) renders every page and says
    nothing."""
    import shutil
    import subprocess

    assert shutil.which("gs"), "install Ghostscript (Debian's ghostscript); make test does"
    run = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=nullpage",
                          str(press_pdf)], capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


def press_characters(path: Path) -> list[dict]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [{**char, "page": number, "below_the_top": char["top"] - page.bbox[1]}
                for number, page in enumerate(pdf.pages, start=1) for char in page.chars]


def k_only(colour) -> bool:
    return len(colour) == 4 and colour[:3] == (0, 0, 0)


def test_press_text_and_greys_are_black_ink_alone(press_pdf):
    """The body text is solid black (100 % K); running heads, captions and summaries, grey
    in the office PDF, are black ink alone too, never grey built of three inks; coloured
    text (headings, links) is a real colour of the theme."""
    characters = press_characters(press_pdf)
    body = [char["non_stroking_color"] for char in characters
            if char["fontname"].endswith("+Charis-SIL")]
    assert max(set(body), key=body.count) == (0, 0, 0, 1)
    for char in characters:
        colour = char["non_stroking_color"]
        assert k_only(colour) or max(colour[:3]) >= 0.2, (char["text"], char["page"], colour)
        inks = colour[:3]
        assert not (min(inks) > 0 and max(inks) - min(inks) < 0.1), colour  # a three-ink grey
    heads = [char for char in characters if char["below_the_top"] < SLUG + BLEED + 16 * MM
             and char["page"] > 1 and char["non_stroking_color"] != (0, 0, 0, 0)]  # top margin
    assert heads and all(k_only(char["non_stroking_color"]) and
                         char["non_stroking_color"][3] < 1 for char in heads)


def painted_colours(path: Path) -> list[tuple[str, tuple[float, ...], bool]]:
    """Every colour the pages set for filling (and stroking), as the content streams (and
    their forms) set it, with whether overprint is on when text is drawn in it: each text
    drawn as (\"text\", its fill, overprint), each colour set as (its operator, it, None)."""
    import pikepdf

    found = []

    def follow(owner, resources):
        states = resources.get("/ExtGState", {}) if resources is not None else {}
        fill, overprint, saved = (), False, []
        for instruction in pikepdf.parse_content_stream(owner):
            operator = str(instruction.operator)
            numbers = tuple(float(value) for value in instruction.operands
                            if not isinstance(value, (pikepdf.Name, pikepdf.Array, pikepdf.String,
                                                      bytes, str)))
            if operator == "q":
                saved.append((fill, overprint))
            elif operator == "Q":
                fill, overprint = saved.pop()
            elif operator == "gs":
                state = states[instruction.operands[0]]
                overprint = bool(state.get("/op", overprint))
            elif operator in ("k", "sc", "scn", "K", "SC", "SCN"):
                found.append((operator, numbers, None))
                if operator.islower():
                    fill = numbers
            elif operator in ("Tj", "TJ", "'", '"'):
                found.append(("text", fill, overprint))
            elif operator == "Do" and resources is not None:
                form = resources.XObject[instruction.operands[0]]
                if form.Subtype == "/Form":
                    follow(form, form.get("/Resources"))

    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            follow(page, page.obj.get("/Resources"))
    return found


def test_press_black_overprints_and_every_tint_prints(press_pdf):
    """Text in solid black overprints (no halo where the inks are slightly out of
    register); no other text does (white or coloured text over a colour must knock out);
    every ink of every colour is none or at least 5 % (a lighter tint does not print)."""
    painted = painted_colours(press_pdf)
    texts = [(fill, overprint) for operator, fill, overprint in painted if operator == "text"]
    assert any(fill == (0, 0, 0, 1) for fill, _ in texts)
    assert all(overprint == (fill == (0, 0, 0, 1)) for fill, overprint in texts)
    for operator, colour, _ in painted:
        if operator != "text" and len(colour) == 4:
            assert all(ink == 0 or ink >= 0.05 for ink in colour), (operator, colour)


def test_press_fonts_are_all_embedded_and_shipped(press_pdf):
    seen = embedded_fonts(pypdf.PdfReader(press_pdf))
    assert seen <= SHIPPED_FONTS, seen - SHIPPED_FONTS


def pixel(path: Path, page_number: int, x_mm: float, y_mm: float) -> tuple[int, int, int]:
    """The colour at (x, y) mm from the trimmed page's top left corner (negative: outside)."""
    page = pypdfium2.PdfDocument(path)[page_number - 1]
    media_left, media_bottom, _, media_top = page.get_mediabox()
    scale = 4
    image = page.render(scale=scale).to_pil().convert("RGB")
    return image.getpixel((round((x_mm * MM - media_left) * scale),
                           round((media_top - y_mm * MM) * scale)))


def test_press_inks_only_pictures_and_keeps_code_samples_as_written(tmp_path):
    """The press inks inline SVG in black ink; an author's sample of SVG stays as written."""
    folder = write_handbook(tmp_path / "svg-sample", {
        "book.yaml": MINIMAL_BOOK,
        "01-only.md": MINIMAL_CHAPTER + '\n    Draw it with `fill="currentColor"`, rated [stars: 3/5].\n'})
    text = "".join(page.extract_text() for page in
                   pypdf.PdfReader(build_edition(folder, "print", tmp_path / "out")).pages)
    assert 'fill="currentColor"' in text
    assert "device-cmyk" not in text


def test_press_inks_svg_pictures_as_xml_whatever_their_encoding(tmp_path):
    """A Latin-1 SVG whose text says "black" and a shape drawn by <use href="#bad">: the
    press PDF builds, keeps the text and the shape, and paints the shape in CMYK ink."""
    latin = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<svg xmlns="http://www.w3.org/2000/'
             'svg" viewBox="0 0 200 20"><text y="15" font-size="12">Café black</text></svg>')
    used = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><defs><rect id="bad" '
            'width="4" height="4" fill="#cc0000"/></defs><use href="#bad"/></svg>')
    folder = write_handbook(tmp_path / "svg", {
        "book.yaml": MINIMAL_BOOK, "images/latin.svg": latin.encode("latin-1"),
        "images/used.svg": used,
        "01-only.md": "---\ntitle: T\nsummary: S.\n---\n\n![Words](images/latin.svg)\n\n"
                      "![A red square](images/used.svg)\n"})
    reader = pypdf.PdfReader(build_edition(folder, "print", tmp_path / "out"))
    assert "Café black" in " ".join(page.extract_text() for page in reader.pages)
    red = inks.cmyk(0xcc, 0, 0).removeprefix("device-cmyk(").removesuffix(")")
    drawn = b"".join(drawn_streams(page) for page in reader.pages)
    assert re.search(rb"/DeviceCMYK (cs|CS)\s+" + re.escape(red.encode()) + rb" (scn|SCN)", drawn)


def test_cover_colour_runs_into_the_bleed_and_stops_there(press_pdf):
    inside_bleed = pixel(press_pdf, 1, -1.5, 100)
    beyond_bleed = pixel(press_pdf, 1, -4.5, 100)
    assert max(inside_bleed) < 120  # the dark cover colour
    assert beyond_bleed == (255, 255, 255)


def test_crop_marks_are_drawn_outside_the_bleed(press_pdf):
    left, bottom, right, top = 0, 0, *A5
    lines = crop_mark_lines((left, bottom, right, top))
    assert len(lines) == 8
    for x1, y1, x2, y2 in lines:
        for x, y in ((x1, y1), (x2, y2)):
            outside_x = x < -BLEED or x > right + BLEED
            outside_y = y < -BLEED or y > top + BLEED
            assert outside_x or outside_y
    # and they are really there: on the top left mark, level with the trim's top edge
    assert max(pixel(press_pdf, 1, -7, 0)) < 100
    assert pixel(press_pdf, 1, -7, 5) == (255, 255, 255)


# The booklet

def test_saddle_stitch_order():
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert booklet_order(4) == [(4, 1), (2, 3)]
    with pytest.raises(ValueError):
        booklet_order(6)


def test_blanks_go_before_the_back_cover():
    assert padded_pages(4) == [1, 2, 3, 4]
    assert padded_pages(6) == [1, 2, 3, 4, 5, None, None, 6]
    assert padded_pages(5) == [1, 2, 3, 4, None, None, None, 5]


def half_texts(path: Path) -> list[tuple[str, str]]:
    """The text of the left and right half of every side of every sheet."""
    sides = []
    for page in pypdfium2.PdfDocument(path):
        width, height = page.get_size()
        text = page.get_textpage()
        sides.append(tuple(" ".join(text.get_text_bounded(left, 0, left + width / 2, height).split())
                           for left in (0, width / 2)))
    return sides


def page_texts(path: Path) -> list[str]:
    return [" ".join(page.get_textpage().get_text_range().split())
            for page in pypdfium2.PdfDocument(path)]


def test_booklet_sheets_hold_the_pages_in_saddle_stitch_order(booklet):
    booklet_path, book_path = booklet
    pages = page_texts(book_path)
    padded = padded_pages(len(pages))
    sides = half_texts(booklet_path)
    assert len(sides) == len(padded) // 2
    expected = [tuple(pages[padded[number - 1] - 1] if padded[number - 1] else ""
                      for number in pair) for pair in booklet_order(len(padded))]
    # Compare the words, not how PDFium spaces them or marks a line broken at a hyphen
    # (U+FFFE in a page's text, U+0002 in a region's).
    squeeze = lambda pair: tuple(re.sub(r"[\s\ufffe\x02-]", "", text)  # noqa: E731
                                 for text in pair)
    assert [squeeze(side) for side in sides] == [squeeze(side) for side in expected]
    # sheet 1: front [last, 1], back [2, last - 1]
    assert squeeze(sides[0]) == squeeze((pages[-1], pages[0]))
    assert "Every Feature" in sides[0][1] and "exercises every feature" in sides[0][0]


def test_booklet_is_a5_pages_two_up_on_a4_landscape(booklet):
    for page in pypdf.PdfReader(booklet[0]).pages:
        assert float(page.mediabox.width) == pytest.approx(297 * MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(210 * MM, abs=0.5)


def test_booklet_sheets_carry_no_links(booklet):
    """A booklet is for paper: the office PDF's links (which it has) would lie over the
    other page of the sheet and lead nowhere, so none is carried over."""
    assert any("/Annots" in page for page in pypdf.PdfReader(booklet[1]).pages)
    assert not [number for number, page in enumerate(pypdf.PdfReader(booklet[0]).pages, 1)
                if "/Annots" in page]


def test_an_a4_handbook_imposes_onto_a3(tmp_path):
    folder = write_handbook(tmp_path / "big", {"book.yaml": minimal_book("page_size: A4"),
                                               "01-a.md": MINIMAL_CHAPTER})
    path = build_edition(folder, "booklet", tmp_path / "out")
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) % 2 == 0
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(420 * MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(297 * MM, abs=0.5)


# The fact sheet, and the QR code on the back cover

def decoded_qr_codes(path: Path, page_number: int) -> list[str]:
    page = pypdfium2.PdfDocument(path)[page_number - 1]
    image = page.render(scale=3).to_pil().convert("L")
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture(scope="session")
def flyer(tmp_path_factory) -> Path:
    return build_edition(EVERY_FEATURE, "flyer", tmp_path_factory.mktemp("flyer"))


def test_flyer_is_one_a4_sheet_with_title_summaries_stars_pros_and_cons(flyer):
    reader = pypdf.PdfReader(flyer)
    assert len(reader.pages) <= 2  # one sheet, printed on one or both sides
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(210 * MM, abs=0.5)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in ("Every Feature", "Basics of the format",
                     "Paragraphs, lists, links, footnotes, punctuation and raw HTML.",
                     "9 out of 10 stars", "Advantages", "Well paid", "Disadvantages",
                     "A high entry bar", "https://example.org/every-feature"):
        assert expected in text, expected
    assert overlapping_words(flyer) == [] and max(body_sizes(flyer)) == 12  # it fits as set


def test_flyer_draws_its_stars_in_the_themes_rating_colour(flyer):
    fills, strokes = star_colours(flyer, 1)  # 9 out of 10: nine filled, ten outlined
    rating = theme_colour("rating")
    assert sum(colour == pytest.approx(rating, abs=0.003) for colour in fills) == 9, fills
    assert len(strokes) == 10 and all(colour == pytest.approx(rating, abs=0.003)
                                      for colour in strokes), strokes
    assert (0, 0, 0) not in fills  # the callouts' icons are in their own colours


@pytest.mark.parametrize("press", [False, True])
def test_callout_icons_are_one_drawn_family_each_in_its_kinds_colour(press, press_pdf,
                                                                     feature_pdf):
    """Each kind's icon is a shape the page draws (no font's symbol: they mixed a solid
    tick with an outline bulb), filled in that kind's colour, in the press PDF as its inks;
    the myth has its label, not an icon."""
    path = press_pdf if press else feature_pdf.path
    texts = [page.extract_text() for page in pypdf.PdfReader(path).pages]
    page = next(number for number, text in enumerate(texts, 1) if "Mind the gap." in text)
    assert not re.search("[ℹ💡⚠✔✖]", texts[page - 1])
    fills, _ = star_colours(path, page)
    for kind in ("note", "tip", "warning", "pros", "cons"):
        expected = theme_colour(kind, press)
        assert any(colour == pytest.approx(expected, abs=0.003) for colour in fills), kind


def test_flyer_fills_its_sheet_with_the_pros_and_cons_side_by_side(flyer):
    """The pros and the cons in one row (their titles on one line), and the parts spread
    down the sheet to its foot (the address within 20 mm of the paper's edge)."""
    import pdfplumber

    with pdfplumber.open(flyer) as pdf:
        page = pdf.pages[0]
        words = {word["text"]: word for word in page.extract_words()}
        pros, cons = words["Advantages"], words["Disadvantages"]
        assert abs(pros["top"] - cons["top"]) < 1 and cons["x0"] > pros["x0"] + 60 * MM
        drawn = page.chars + page.rects + page.curves  # the address's QR code, the imprint
        assert max(item["bottom"] for item in drawn) > page.height - 20 * MM


LONG_ADDRESS = "https://careers.example.org/handbooks/2027/data-engineering-and-analytics/read/"


@pytest.mark.parametrize(("size", "paper"), [("A5", (210, 297)), ("A4", (210, 297)),
                                             ("Letter", (215.9, 279.4))])
def test_flyer_follows_the_page_size_and_breaks_an_address_only_after_a_slash(
        tmp_path, size, paper):
    """A Letter handbook's fact sheet is a Letter sheet, others A4; an address too long for
    its line breaks after a slash, never with a hyphen, on the fact sheet and the back
    cover alike."""
    handbook = write_handbook(tmp_path / "h", {
        "book.yaml": minimal_book(f"page_size: {size}", f"url: {LONG_ADDRESS}"),
        "01-a.md": MINIMAL_CHAPTER})
    flyer = build_edition(handbook, "flyer", tmp_path / "out")
    page = pypdf.PdfReader(flyer).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        (paper[0] * MM, paper[1] * MM), abs=0.5)
    office = build_edition(handbook, "pdf", tmp_path / "out")
    for path in (flyer, office):
        document = pypdfium2.PdfDocument(path)
        text = document[len(document) - 1].get_textpage().get_text_range()
        lines = [line.strip() for line in text.splitlines()]
        start = next(index for index, line in enumerate(lines) if line.startswith("https://")
                     or line.startswith("Read it online: https://"))
        pieces = [lines[start].removeprefix("Read it online: ")]
        while "".join(pieces) != LONG_ADDRESS and len(pieces) < 6:
            assert pieces[-1].endswith("/"), (path.name, pieces)  # broken after a slash
            pieces.append(lines[start + len(pieces)])
        assert "".join(pieces) == LONG_ADDRESS, (path.name, pieces)
        # (It is too long for its line on the fact sheet, and on an A5 back cover.)
        assert len(pieces) > 1 or (path == office and size != "A5"), (path.name, pieces)


def test_flyer_qr_code_reads_back_as_the_handbook_address(flyer):
    assert decoded_qr_codes(flyer, 1) == ["https://example.org/every-feature"]


def test_back_cover_of_the_print_editions_carries_the_qr_code(press_pdf, feature_pdf):
    for path in (feature_pdf.path, press_pdf):
        last = len(pypdf.PdfReader(path).pages)
        assert decoded_qr_codes(path, last) == ["https://example.org/every-feature"]


def test_no_qr_code_without_an_address(tmp_path):
    folder = write_handbook(tmp_path / "plain", {"book.yaml": MINIMAL_BOOK,
                                                 "01-a.md": MINIMAL_CHAPTER})
    path = build_edition(folder, "pdf", tmp_path / "out")
    assert decoded_qr_codes(path, len(pypdf.PdfReader(path).pages)) == []


def test_fact_sheet_sections_chosen_in_book_yaml(tmp_path):
    folder = copy_handbook(EVERY_FEATURE, tmp_path / "chosen",
                           "fact_sheet:\n  - 03-boxes.md#testimonials\n  - 01-basics.md#lists\n")
    reader = pypdf.PdfReader(build_edition(folder, "flyer", tmp_path / "out"))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "I thought it would be elegant maths" in text and "A nested bullet" in text
    assert "Well paid" not in text  # the default choice is replaced, not added to


def test_fact_sheet_entry_that_leads_nowhere_is_an_error(tmp_path, capsys):
    folder = copy_handbook(EVERY_FEATURE, tmp_path / "wrong",
                           "fact_sheet:\n  - 03-boxes.md#testimonial\n")
    assert main(["flyer", str(folder), "--output", str(tmp_path / "out")]) == 2
    lines = (folder / "book.yaml").read_text().splitlines()
    line = lines.index("  - 03-boxes.md#testimonial") + 1
    err = capsys.readouterr().err
    assert f"book.yaml:{line}: error: fact_sheet: '03-boxes.md#testimonial' leads to a heading" in err
    assert "did you mean '#testimonials'?" in err


def test_a_handbook_names_its_theme(tmp_path, feature_pdf):
    folder = copy_handbook(EVERY_FEATURE, tmp_path / "green",
                           replace=(("theme: default", "theme: evergreen"),))
    green = build_edition(folder, "pdf", tmp_path / "out-green")
    assert pixel(feature_pdf.path, 1, 5, 5) == (0x0b, 0x3a, 0x49)  # the default theme's cover
    assert pixel(green, 1, 5, 5) == (0x1f, 0x4a, 0x2b)  # evergreen's


def test_the_press_pdf_has_the_office_pdfs_pages(press_pdf, feature_pdf):
    """The print shop's copy and the office PDF break their pages in the same places, so
    the EPUB's page numbers (read from the office PDF) hold for a printed copy of either."""
    def page_letters(path) -> list[str]:
        document = pypdfium2.PdfDocument(path)
        return ["".join(c for c in document[i].get_textpage().get_text_range() if c.isalnum())
                for i in range(len(document))]

    press, office = page_letters(press_pdf), page_letters(feature_pdf.path)
    assert len(press) % 4 == 0  # the sheets a printer folds: blank pages before the back cover
    assert press == [office[number - 1] if number else "" for number in padded_pages(len(office))]
    assert len(press) > len(office)  # (this handbook needs them)


def test_fact_sheet_parts_that_fit_in_no_type_are_an_error(tmp_path, capsys):
    folder = copy_handbook(EVERY_FEATURE, tmp_path / "huge",
                           "fact_sheet:\n  - 01-basics.md\n  - 02-tables.md\n  - 03-boxes.md\n")
    assert main(["flyer", str(folder), "--output", str(tmp_path / "out")]) == 2
    lines = (folder / "book.yaml").read_text().splitlines()
    line = lines.index("fact_sheet:") + 2  # its first entry
    assert (f"book.yaml:{line}: error: the fact sheet's parts do not fit on its one sheet, "
            "even in 10 pt type") in capsys.readouterr().err
    assert not (tmp_path / "out" / "huge-flyer.pdf").exists()


def test_a_fact_sheet_whose_foot_would_fall_off_the_sheet_is_an_error(tmp_path, capsys):
    """Parts that push the sheet's foot (its address, QR code and imprint) off the page in
    every size: an error, where WeasyPrint dropped the foot and the build said nothing."""
    folder = copy_handbook(EVERY_FEATURE, tmp_path / "tall", "fact_sheet:\n  - 01-basics.md#lists\n"
                           "  - 03-boxes.md#callouts\n  - 02-tables.md#a-wide-table\n")
    assert main(["flyer", str(folder), "--output", str(tmp_path / "out")]) == 2
    assert "error: the fact sheet's parts do not fit on its one sheet" in capsys.readouterr().err
    assert not (tmp_path / "out" / "tall-flyer.pdf").exists()
