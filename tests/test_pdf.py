"""End-to-end: build handbooks and read back what a reader of the PDF sees."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from press.sources import load_book

from .conftest import EVERY_FEATURE, FIRST_HANDBOOK, build_pdf
from .helpers import (MINIMAL_CHAPTER, SHIPPED_FONTS, build_edition, copy_handbook, embedded_fonts,
                      minimal_book, star_colours, theme_colour, write_handbook)

# Each builds whole editions: the slow tier (make test runs every tier).
pytestmark = pytest.mark.slow

MM = 72 / 25.4


def chapter_titles(handbook: Path) -> list[str]:
    return [chapter.title for chapter in load_book(handbook).chapters]


def contents_entries(built) -> list[tuple[str, int]]:
    """(chapter number, page) pairs read from the contents page(s)."""
    first = built.page_of("Contents")
    text = "\n".join(built.pages[first - 1:first + 1])
    return [(number, int(page)) for number, page in
            re.findall(r"^(\d)\s.*?\.\s*(\d+)\s*$", text, re.M)]


def chapter_start_pages(built, handbook: Path) -> list[int]:
    """The pages on which each chapter's opening ('Chapter N' over its title) stands."""
    pages = []
    for number, title in enumerate(chapter_titles(handbook), start=1):
        words = title.split()[0]
        pages.append(next(i for i, text in enumerate(built.pages, start=1)
                          if re.search(rf"CHAPTER {number}\s*\n\s*{re.escape(words)}", text)))
    return pages


def test_every_chapter_title_is_in_the_pdf(first_pdf):
    text = " ".join(" ".join(page.split()) for page in first_pdf.pages)
    for title in chapter_titles(FIRST_HANDBOOK):
        assert title in text


@pytest.mark.parametrize("fixture", ["first_pdf", "feature_pdf"])
def test_contents_page_numbers_are_the_pages_chapters_start_on(fixture, request):
    built = request.getfixturevalue(fixture)
    handbook = FIRST_HANDBOOK if fixture == "first_pdf" else EVERY_FEATURE
    entries = contents_entries(built)
    starts = chapter_start_pages(built, handbook)
    assert [page for _, page in entries] == starts
    assert len(entries) == len(chapter_titles(handbook))


def blank_pages(built) -> list[int]:
    return [number for number, text in enumerate(built.pages, start=1) if not text.strip()]


def test_chapters_open_on_the_next_page_by_default(first_pdf):
    """No paper wasted: the only blank pages are the cover's reverse and, where the count
    is odd, the one that puts the back cover on a left-hand page (the outside of the
    last leaf)."""
    starts = chapter_start_pages(first_pdf, FIRST_HANDBOOK)
    count = len(first_pdf.pages)
    assert blank_pages(first_pdf) in ([2], [2, count - 1])
    assert count % 2 == 0 and any(page % 2 == 0 for page in starts)
    assert starts == sorted(starts) and starts[0] == first_pdf.page_of("Contents") + 1


def test_chapters_open_on_right_hand_pages_where_the_handbook_asks(second_pdf):
    """chapter_openings: right (the second handbook): each chapter on a right-hand page,
    a blank page before it only where the page before would be a left-hand one."""
    handbook = FIRST_HANDBOOK.parent / "data-engineer"
    assert "chapter_openings: right" in (handbook / "book.yaml").read_text(encoding="utf-8")
    built = second_pdf
    starts = chapter_start_pages(built, handbook)
    assert all(page % 2 == 1 for page in starts)
    assert all(blank in (2, len(built.pages) - 1) or blank + 1 in starts
               for blank in blank_pages(built))
    assert any(blank + 1 in starts for blank in blank_pages(built))


def test_outline_lists_every_chapter_with_its_sections(first_pdf):
    outline = first_pdf.reader.outline
    top = [item for item in outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    assert titles == ["Contents"] + chapter_titles(FIRST_HANDBOOK)
    starts = chapter_start_pages(first_pdf, FIRST_HANDBOOK)
    assert [first_pdf.reader.get_destination_page_number(item) + 1 for item in top[1:]] == starts
    sections = [item.title for group in outline if isinstance(group, list) for item in group]
    assert "Typical daily responsibilities" in sections
    assert "AI engineer vs related data roles" in sections


def test_all_fonts_are_embedded_and_shipped(first_pdf):
    seen = embedded_fonts(first_pdf.reader)
    assert seen <= SHIPPED_FONTS, seen - SHIPPED_FONTS
    assert {"Charis-SIL", "Inter-Bold"} <= seen


def test_page_size_is_a5(first_pdf):
    for page in first_pdf.reader.pages:
        assert float(page.mediabox.width) == pytest.approx(148 * MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(210 * MM, abs=0.5)


@pytest.fixture(scope="module")
def letter_pdf(tmp_path_factory):
    folder = write_handbook(tmp_path_factory.mktemp("letter") / "letter", {
        "book.yaml": minimal_book("page_size: Letter"),
        "01-a.md": MINIMAL_CHAPTER + "\n    Rated [stars: 3/5] by its readers.\n"})
    return build_pdf(folder, folder.parent / "out")


def test_page_size_follows_book_yaml(letter_pdf):
    page = letter_pdf.reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(8.5 * 72, abs=0.5)
    assert float(page.mediabox.height) == pytest.approx(11 * 72, abs=0.5)


@pytest.mark.parametrize("fixture", ["first_pdf", "first_pdf_a4", "letter_pdf"])
def test_the_covers_pattern_is_whole_dots_in_whole_rows(fixture, request):
    """The cover's dots sit wholly in their band (the top third of the cover) and inside
    the trim, in rows of the same number each: no dot is sliced at an edge."""
    import pdfplumber

    with pdfplumber.open(request.getfixturevalue(fixture).path) as pdf:
        cover = pdf.pages[0]
        dots = [curve for curve in cover.curves if curve["fill"]]
        band = cover.height * 0.33
        assert len(dots) >= 15
        for dot in dots:
            assert dot["x0"] >= 2 * MM and dot["x1"] <= cover.width - 2 * MM, dot["x0"]
            assert dot["top"] >= 2 * MM and dot["bottom"] <= band - 2 * MM, dot["bottom"]
        rows = {}
        for dot in dots:
            rows.setdefault(round((dot["top"] + dot["bottom"]) / 2), []).append(dot)
        assert len(rows) >= 3 and len({len(row) for row in rows.values()}) == 1, \
            sorted((centre, len(row)) for centre, row in rows.items())


def test_stars_are_drawn_in_the_themes_rating_colour_in_every_printed_edition(letter_pdf,
                                                                               tmp_path):
    """A rating of 3 out of 5: three stars filled and five outlined, all in the theme's
    rating colour (not black), on the office PDF and as that colour's inks on the press's."""
    for edition, press in (("pdf", False), ("print", True)):
        path = letter_pdf.path if not press else build_edition(
            letter_pdf.path.parent.parent / "letter", "print", tmp_path)
        fills, strokes = star_colours(path, letter_pdf.page_of("3 out of 5 stars"))
        expected = theme_colour("rating", press)
        assert len(fills) == 3 and len(strokes) == 5, (edition, fills, strokes)
        for colour in fills + strokes:
            assert colour == pytest.approx(expected, abs=0.003), edition


def test_metadata_title_authors_language_and_tags(feature_pdf):
    info = feature_pdf.reader.metadata
    assert info.title == "Every Feature"
    assert info.author == "Ada Example, Grace Sample"
    root = feature_pdf.reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean object)
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    # PDF/UA-1 is declared only once `validate` has checked the file (test_validate).
    assert "pdfuaid:part" not in xmp and "Every Feature" in xmp


def test_front_matter_pages(feature_pdf):
    imprint = feature_pdf.pages[feature_pdf.page_of("Identifier") - 1]
    for fact in ("First test edition", "15 January 2026", "Test Press",
                 "© 2026 Test Press. Some rights reserved.", "https://example.org/every-feature"):
        assert fact in imprint
    assert feature_pdf.page_of("Every Feature") == 1  # the cover


def running_head(path: Path, number: int) -> str:
    """The text in the top margin of page ``number`` (1-based)."""
    page = pypdfium2.PdfDocument(path)[number - 1]
    width, height = page.get_size()
    return page.get_textpage().get_text_bounded(0, height - 16 * MM, width, height).strip()


def test_running_heads_book_title_left_chapter_title_right(first_pdf):
    starts = chapter_start_pages(first_pdf, FIRST_HANDBOOK)
    work = starts[2]  # "The work" runs over several pages
    left, right = (work + 1, work + 2) if work % 2 else (work + 2, work + 1)
    assert running_head(first_pdf.path, left) == "AI / ML Engineer"
    assert running_head(first_pdf.path, right) == "The work"
    assert any(start % 2 == 0 for start in starts)  # an opening on a left-hand page too
    for start in starts:  # no running head over a chapter's opening
        assert running_head(first_pdf.path, start) == ""


def test_running_head_uses_the_short_title(first_pdf):
    start = chapter_start_pages(first_pdf, FIRST_HANDBOOK)[5]
    heads = {running_head(first_pdf.path, page) for page in range(start + 1, start + 4)}
    assert "Pros, cons and myths" in heads


def test_long_table_repeats_its_header_and_keeps_every_row_once(feature_pdf):
    pages = [" ".join(text.split()) for text in feature_pdf.pages]
    pages_with_rows = [text for text in pages if re.search(r"Row \d\d ", text)]
    assert len(pages_with_rows) >= 3
    for text in pages_with_rows:
        assert re.search(r"Row\s+Focus\s+Tools\s+Notes\s+Level", text), "header not repeated"
    everything = " ".join(" ".join(feature_pdf.pages).split())
    for row in range(1, 61):
        assert len(re.findall(rf"Row {row:02d}\b", everything)) == 1, row


def test_a_tables_short_columns_keep_each_entry_on_one_line(feature_pdf):
    """In the long table (its notes wrap, the table being narrower than its content), the
    first and last columns' entries ("Row 43", "Level 43") stand whole on one line each,
    the notes column giving up the room."""
    import pdfplumber

    whole = set()
    with pdfplumber.open(feature_pdf.path) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            for word, after in zip(words, words[1:]):
                if word["text"] in ("Row", "Level") and re.fullmatch(r"\d\d", after["text"]):
                    if abs(word["top"] - after["top"]) < 1 and after["x0"] - word["x1"] < 5:
                        whole.add(f"{word['text']} {after['text']}")
    assert whole == {f"{kind} {row:02d}" for kind in ("Row", "Level") for row in range(1, 61)}


def test_no_table_row_is_split_across_pages(feature_pdf):
    for text in feature_pdf.pages:
        text = " ".join(text.split())
        for row in re.findall(r"Row (\d\d)\b", text):
            assert f"Level {row}" in text


def test_table_caption_follows_its_table_on_the_same_page(feature_pdf):
    page = feature_pdf.page_of("A table longer than a page.")
    assert "Row 60" in " ".join(feature_pdf.pages[page - 1].split())


def test_star_ratings_carry_their_meaning_as_text(first_pdf, feature_pdf):
    assert "9 out of 10 stars" in " ".join(" ".join(first_pdf.pages).split())
    features = " ".join(" ".join(feature_pdf.pages).split())
    for text in ("4.5 out of 5 stars", "3 out of 5 stars", "0 out of 5 stars",
                 "7.5 out of 10 stars"):
        assert text in features


def test_star_ratings_are_vector_shapes_not_glyphs(feature_pdf):
    page = feature_pdf.reader.pages[feature_pdf.page_of("4.5 out of 5 stars") - 1]
    content = page.get_contents().get_data()
    # Each star is a filled or stroked path drawn by the page itself.
    assert content.count(b" f\n") + content.count(b"\nf\n") + content.count(b" S\n") > 10
    assert "★" not in feature_pdf.pages[feature_pdf.page_of("4.5 out of 5 stars") - 1]


def test_chapter_links_are_followed_by_their_page_number(feature_pdf):
    start = feature_pdf.page_of("A wide table")  # chapter 2's first page
    long_table = feature_pdf.page_of("A long table")
    links = " ".join(feature_pdf.pages[feature_pdf.page_of("the tables chapter") - 1].split())
    assert f"See the tables chapter (page {start}) and its long table (page {long_table}), or " \
           "this chapter’s lists." in links


def test_chapter_links_are_clickable(feature_pdf):
    number = feature_pdf.page_of("the tables chapter")
    page = feature_pdf.reader.pages[number - 1]
    internal = []
    for annotation in page.get("/Annots", []):
        annotation = annotation.get_object()
        action = annotation.get("/A", {})
        if "/Dest" in annotation or action.get("/S") == "/GoTo":
            internal.append(annotation)
    targets = []
    for annotation in internal:
        destination = annotation.get("/Dest") or annotation["/A"]["/D"]
        if isinstance(destination, str) or not isinstance(destination, list):
            destination = feature_pdf.reader.named_destinations[str(destination)]
            targets.append(feature_pdf.reader.get_destination_page_number(destination) + 1)
        else:
            targets.append(feature_pdf.reader.get_page_number(destination[0].get_object()) + 1)
    # The tables chapter and its long table, each with one link over the words and the page
    # number after them and one over the page number alone, then this chapter's lists.
    tables, long_table = feature_pdf.page_of("A wide table"), feature_pdf.page_of("A long table")
    assert targets == [tables, tables, long_table, long_table, feature_pdf.page_of("Lists")]


def test_footnotes_sit_at_the_foot_of_their_page(feature_pdf):
    number = feature_pdf.page_of("A sentence with a footnote")
    text = feature_pdf.pages[number - 1]
    assert "The first footnote." in text
    assert text.index("The first footnote.") > text.index("and a line break")


def test_typographic_punctuation_is_real_characters(feature_pdf):
    text = " ".join(" ".join(feature_pdf.pages).split())
    assert "“Straight quotes” become curly, – is an en dash, — is an em dash, and … an ellipsis" in text
    assert "It’s an apostrophe" in text


def test_testimonials_keep_their_attribution(first_pdf):
    text = " ".join(" ".join(first_pdf.pages).split())
    assert "— ML engineer · 4 years in, applied AI" in text
    assert "— Research engineer · 9 years in, big tech" in text


@pytest.fixture(scope="session")
def first_pdf_a4(tmp_path_factory):
    folder = copy_handbook(FIRST_HANDBOOK, tmp_path_factory.mktemp("a4") / "ai-ml-engineer",
                           replace=(("page_size: A5", "page_size: A4"),))
    return build_pdf(folder, tmp_path_factory.mktemp("a4-out"))


@pytest.mark.parametrize("fixture, inner, outer", [
    ("first_pdf", 14, 17), ("feature_pdf", 14, 17), ("first_pdf_a4", 28, 38)])
def test_no_glyph_runs_outside_the_type_area(fixture, inner, outer, request):
    """Body text stays between the side margins (styles/sizes/: on every size the outer is
    the wider); nothing reaches the trim."""
    built = request.getfixturevalue(fixture)
    document = pypdfium2.PdfDocument(built.path)
    inner, outer, edge = inner * MM, outer * MM, 8 * MM
    last = len(document)
    for index in range(1, last - 1):  # the covers run to the edges by design
        page = document[index]
        width, height = page.get_size()
        left, right = (inner, width - outer) if (index + 1) % 2 else (outer, width - inner)
        text = page.get_textpage()
        for char in range(text.count_chars()):
            if text.get_text_range(char, 1).isspace():
                continue
            x0, y0, x1, y1 = text.get_charbox(char)
            # 1 pt of slack for glyphs whose outlines overhang their origin (an A, a T).
            assert left - 1 <= x0 and x1 <= right + 1, (index + 1, text.get_text_range(char, 1))
            assert edge <= y0 and y1 <= height - edge, (index + 1, text.get_text_range(char, 1))


def test_emoji_are_drawn_by_the_shipped_emoji_font(feature_pdf):
    page = feature_pdf.reader.pages[feature_pdf.page_of("🤖") - 1]
    names = {font.get_object()["/BaseFont"].split("+", 1)[1]
             for font in page["/Resources"]["/Font"].values()}
    assert "Noto-Emoji" in names


def test_pictures_are_placed_from_the_handbook_folder(feature_pdf):
    page = feature_pdf.reader.pages[feature_pdf.page_of("Pictures") - 1]
    content = page.get_contents().get_data()
    images = {name: xobject.get_object()
              for name, xobject in page["/Resources"]["/XObject"].items()}
    drawn = [name for name in images if f"{name} Do".encode() in content]
    assert [images[name]["/Width"] for name in drawn] == [240]  # the PNG, placed once
    # The SVG is drawn as vectors in the page itself: its green stage (#1d6b3a) is a fill.
    assert b"0.113725 0.419608 0.227451 rg" in content


def test_a_thai_handbook_builds_with_the_shipped_thai_fonts(tmp_path):
    folder = write_handbook(tmp_path / "thai", {
        "book.yaml": "title: วิศวกร AI\nlanguage: th\n",
        "01-a.md": "---\ntitle: ยินดีต้อนรับ\n---\n\nวิศวกรปัญญาประดิษฐ์สร้างระบบที่เรียนรู้จากข้อมูล\n"})
    built = build_pdf(folder, tmp_path / "out")
    assert "วิศวกรปัญญาประดิษฐ์" in " ".join(built.pages)
    assert {"Noto-Serif-Thai", "Noto-Sans-Thai-Bold"} <= embedded_fonts(built.reader)


def test_a_cover_image_from_book_yaml_fills_the_front_cover(tmp_path):
    folder = copy_handbook(EVERY_FEATURE, tmp_path / "covered", "cover: images/shapes.png\n")
    built = build_pdf(folder, tmp_path / "out")
    page = pypdfium2.PdfDocument(built.path)[0]
    picture = page.render(scale=1).to_pil().convert("RGB")
    width, height = picture.size
    # The 2:1 picture covers the portrait page, centred: its pale ground in the middle,
    # the edge of its teal square near the left, of its amber circle near the right.
    middle = picture.getpixel((width // 2, height // 2))
    assert all(abs(a - b) < 12 for a, b in zip(middle, (0xe6, 0xf0, 0xf2)))
    left = picture.getpixel((5, height // 2))
    assert left[2] > left[0] + 40  # teal, not pale
    corner = picture.getpixel((2, 2))
    assert corner != (0x0b, 0x3a, 0x49)  # no drawn cover colour shows
    assert "Every Feature" not in built.pages[0]  # the picture replaces the drawn cover


def test_outline_shows_a_headings_words_not_its_footnote_number(feature_pdf):
    sections = [item.title for group in feature_pdf.reader.outline if isinstance(group, list)
                for item in group]
    assert sections.count("Salaries") == 2  # one of them calls a footnote
    assert not any(title.startswith("Salaries") and title != "Salaries" for title in sections)


# Tables: a cell's words whole, unless a word alone is wider than its column can be.

PRODUCTS = """\
    ---
    title: Tools of the trade
    summary: The products a data engineer meets.
    ---

    | Product | What it does | Where you meet it |
    |---|---|---|
    | Great Expectations | Tests that data arrives as expected, before anyone queries it | Data teams, warehouses and telecoms |
    | Elasticsearch | Searches and indexes logs and documents at speed | Search, observability and querying logs |
    | Kubernetes | Runs containers across many machines | Platform engineering and operations |
    | TensorFlow | Trains and serves machine-learning models | Research laboratories and product teams |
    """

TOO_WIDE = """\
    ---
    title: Words too long
    summary: A word wider than its column can be.
    ---

    | Term | Meaning | Example | Level |
    |---|---|---|---|
    | Short | Pneumonoultramicroscopicsilicovolcanoconiosis is a word | Hippopotomonstrosesquippedaliophobia | Floccinaucinihilipilification |
    | Words | A warehouse | counterrevolutionaries | Two |
    """


def cell_words(handbook: Path) -> set[str]:
    """The words of the handbook's table cells, but code and addresses (which may break
    anywhere) and the words of ratings (which print as stars)."""
    import lxml.html

    from press.build import load_and_check

    words = set()
    for rendered in load_and_check(handbook, str(handbook)).chapters:
        fragment = lxml.html.fragment_fromstring(rendered.html, create_parent="div")
        for cell in fragment.iter("td", "th"):
            text = " ".join(cell.xpath(".//text()[not(ancestor::code) and not(ancestor::a) and "
                                       "not(ancestor::*[contains(@class, 'rating')])]"))
            words |= {word for word in re.findall(r"\w+", text) if len(word) > 3}
    return words


def whole_text(path: Path) -> str:
    document = pypdfium2.PdfDocument(path)
    return " ".join(" ".join(document[index].get_textpage().get_text_range().split())
                    for index in range(len(document)))


def broken_words(handbook: Path, built: Path) -> list[str]:
    """The cell words that the PDF breaks anywhere (a piece, a hyphen, a line's end: pdfium
    keeps "\u2010" or marks the break "\ufffe"), or does not hold whole at all."""
    text = whole_text(built)

    def broken(word: str) -> bool:
        return any(re.search(r"(?<!\w)" + re.escape(word[:cut]) + r"[\u2010\ufffe-]\s*"
                             + re.escape(word[cut:]) + r"(?!\w)", text)
                   for cut in range(1, len(word)))

    return sorted(word for word in cell_words(handbook) if broken(word)
                  or not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text))


@pytest.fixture(scope="module")
def second_pdf(tmp_path_factory):
    return build_pdf(FIRST_HANDBOOK.parent / "data-engineer", tmp_path_factory.mktemp("second"))


def test_table_cells_keep_their_words_whole_in_the_shipped_handbooks(first_pdf, second_pdf):
    assert cell_words(FIRST_HANDBOOK) and broken_words(FIRST_HANDBOOK, first_pdf.path) == []
    second = FIRST_HANDBOOK.parent / "data-engineer"
    assert cell_words(second) and broken_words(second, second_pdf.path) == []


@pytest.mark.parametrize("size", ["A5", "A4", "Letter"])
def test_product_names_in_a_narrow_first_column_are_never_broken(tmp_path, size):
    handbook = write_handbook(tmp_path / "h", {"book.yaml": minimal_book(f"page_size: {size}"),
                                               "01-tools.md": PRODUCTS})
    built = build_pdf(handbook, tmp_path / "out")
    assert "Great Expectations" in whole_text(built.path)
    assert "Expectations" in cell_words(handbook) and broken_words(handbook, built.path) == []


def test_a_word_wider_than_its_column_can_be_is_hyphenated_there_alone(tmp_path):
    """The table is as wide as the text and no wider; only the column of the longest word
    breaks its words (at hyphenation points), the others keep theirs whole."""
    import pdfplumber

    handbook = write_handbook(tmp_path / "h", {"book.yaml": minimal_book(),
                                               "01-words.md": TOO_WIDE})
    built = build_pdf(handbook, tmp_path / "out")
    assert broken_words(handbook, built.path) == ["Pneumonoultramicroscopicsilicovolcanoconiosis"]
    assert "Pneumon\u2010" in whole_text(built.path)  # broken at a hyphenation point
    number = built.page_of("Hippopotomonstrosesquippedaliophobia")
    with pdfplumber.open(built.path) as pdf:
        page = pdf.pages[number - 1]
        # The rule under the chapter's summary (the first drawn) spans the measure; the
        # head cells' grounds span the table.
        measure = min(page.rects, key=lambda rect: rect["top"])
        heads = [rect for rect in page.rects if rect["top"] > measure["bottom"]]
        assert heads and measure["x1"] - 1 <= max(rect["x1"] for rect in heads) <= measure["x1"] + 0.5


# Keeps: what belongs together at a page turn stays together.

BLOCKS = {"P", "H1", "H2", "H3", "H4", "H5", "H6", "Caption", "TD", "TH", "LBody", "Lbl"}


def chapter_flow(path: Path):
    """Each page's characters of a chapter's running text (footnotes, running heads and
    folios left out), as the PDF's structure tree says (its parent tree: which element
    each marked content belongs to): (page number, those characters, the page's
    characters, and each marked content's element types from its own up, with its block)."""
    import pdfplumber
    import pikepdf

    with pikepdf.open(path) as document, pdfplumber.open(path) as pdf:
        numbers = document.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(numbers[index]): numbers[index + 1]
                   for index in range(0, len(numbers), 2)}
        for number, (page, plumbed) in enumerate(zip(document.pages, pdf.pages), start=1):
            if "/StructParents" not in page.obj:
                continue
            owners = {}  # each MCID: the types from its element up, and its block
            for mcid, element in enumerate(parents[int(page.obj.StructParents)]):
                if not isinstance(element, pikepdf.Dictionary):
                    continue
                chain, block = [], None
                while element is not None and "/S" in element:
                    chain.append(str(element.S)[1:])
                    if block is None and chain[-1] in BLOCKS:
                        block = element.objgen
                    element = element.get("/P")
                owners[mcid] = (chain, block)
            flow = [char for char in plumbed.chars if char.get("mcid") in owners
                    and "Art" in owners[char["mcid"]][0]  # in a chapter
                    and "Note" not in owners[char["mcid"]][0] and char["text"].strip()]
            if flow:
                yield number, flow, plumbed.chars, owners


def page_endings(path: Path) -> list[tuple[int, str, str]]:
    """Each page's last block of a chapter's running text, the one lowest on the page:
    its page, its type, and its words on that page."""
    endings = []
    for number, flow, chars, owners in chapter_flow(path):
        chain, block = owners[max(flow, key=lambda char: char["bottom"])["mcid"]]
        mcids = {mcid for mcid, (_, owner) in owners.items() if owner == block}
        words = "".join(char["text"] for char in chars if char.get("mcid") in mcids)
        kind = next((kind for kind in chain if kind in BLOCKS), chain[0])
        endings.append((number, kind, " ".join(words.split())))
    return endings


def chapter_ends(path: Path) -> list[tuple[int, float]]:
    """Each chapter of more than one page: its last page, and how far down the type area
    its text reaches there (0 at the top, 1 at the foot: the highest and the lowest that
    text stands on any page of the book)."""
    depths = {number: (min(char["top"] for char in flow), max(char["bottom"] for char in flow))
              for number, flow, _, _ in chapter_flow(path)}
    top = min(high for high, _ in depths.values())
    foot = max(low for _, low in depths.values())
    reader = pypdf.PdfReader(path)
    starts = [reader.get_destination_page_number(entry) + 1 for entry in reader.outline
              if not isinstance(entry, list)][1:]  # the chapters (after the contents)
    ends = []
    for start, following in zip(starts, [*starts[1:], len(reader.pages)]):
        last = max(number for number in depths if start <= number < following)
        if last > start:
            ends.append((last, (depths[last][1] - top) / (foot - top)))
    return ends


@pytest.fixture(scope="module")
def a4_pdfs(tmp_path_factory, first_pdf_a4) -> dict[str, Path]:
    """Both shipped handbooks at A4."""
    folder = tmp_path_factory.mktemp("data-engineer") / "data-engineer"
    copy_handbook(FIRST_HANDBOOK.parent / "data-engineer", folder,
                  replace=(("page_size: A5", "page_size: A4"),))
    return {"ai-ml-engineer": first_pdf_a4.path,
            "data-engineer": build_pdf(folder, folder.parent / "out").path}


def test_no_page_ends_with_a_heading_or_a_lead_in(first_pdf, second_pdf, a4_pdfs):
    """A heading stays with what follows it, and a paragraph that ends in a colon with
    what it introduces (the second handbook's "... people in the job commonly say:" and
    its quotations), in both shipped handbooks at A5 and A4."""
    for path in (first_pdf.path, second_pdf.path, *a4_pdfs.values()):
        endings = page_endings(path)
        assert len(endings) >= 8  # (the blank pages have none)
        for number, kind, words in endings:
            assert not kind.startswith("H"), (path.name, number, words)
            assert not (kind == "P" and words.endswith(":")), (path.name, number, words)


@pytest.mark.parametrize("fixture", ["first_pdf", "second_pdf", "a4_pdfs", "feature_pdf"])
def test_no_chapter_ends_on_a_page_holding_a_line_or_a_lone_box(fixture, request):
    """A chapter's last page holds a fifth of the type area at least, in the shipped
    handbooks at A5 and A4 and in the feature handbook (whose long table would leave its
    last line alone overleaf, and the first handbook's freelance chapter its tip)."""
    built = request.getfixturevalue(fixture)
    for path in built.values() if isinstance(built, dict) else [built.path]:
        ends = chapter_ends(path)
        assert len(ends) >= 3
        assert [(page, round(depth, 2)) for page, depth in ends if depth < 0.2] == [], path.name


def test_a_chapter_end_balanced_over_two_pages_keeps_its_words_and_order(tmp_path):
    """A chapter whose last line would stand alone overleaf: the page before breaks at a
    paragraph earlier (never after the heading or the lead-in), both pages hold text, and
    every paragraph is there once, in order."""
    paragraphs = [f"Paragraph {number} of the chapter, which runs on for long enough to "
                  f"fill two lines of the page or three." for number in range(1, 200)]
    for count in range(6, 40):
        handbook = write_handbook(tmp_path / f"h{count}", {
            "book.yaml": minimal_book(),
            "01-a.md": "---\ntitle: A\nsummary: B.\n---\n\n## A heading\n\n"
                       + "\n\n".join(paragraphs[:count]) + "\n\nThe last line.\n"})
        built = build_pdf(handbook, tmp_path / f"out{count}")
        ends = chapter_ends(built.path)
        if ends:
            break
    else:
        raise AssertionError("no chapter of two pages")
    last, depth = ends[0]
    assert depth >= 0.2 and "The last line." in built.pages[last - 1]
    text = " ".join(" ".join(built.pages).split())
    found = [int(number) for number in re.findall(r"Paragraph (\d+) of", text)]
    assert found == list(range(1, count + 1))
    assert not [ending for ending in page_endings(built.path) if ending[1].startswith("H")]


def lead_ins_and_headings() -> str:
    """A chapter of many lead-ins and headings, each after a run of one-line paragraphs of
    its own length, so that page after page one would stand at the foot, were it not kept
    with what follows it: a paragraph ending in a colon before a box, a heading before a
    paragraph, and a heading and the one paragraph introducing a table before it."""
    units = []
    for number in range(1, 61):
        lines = "\n\n".join(f"Line {number}.{line}." for line in range(number * 5 % 9 + 1))
        units.append(f"{lines}\n\nUnit {number} has this to say:\n\n!!! note \"A box\"\n"
                     f"    One line.\n\n    Another line.\n\n    A third line.\n\n"
                     + (f"## Heading {number}\n\nA paragraph.\n" if number % 3 == 0 else "")
                     + (f"## Table {number}\n\nThe introduction to table {number}.\n\n"
                        "| A | B |\n|---|---|\n" + "| 1 | 2 |\n" * 6 if number % 3 == 1 else ""))
    return "---\ntitle: Lead-ins\nsummary: Many of them.\n---\n\n" + "\n".join(units)


@pytest.mark.parametrize("size", ["A5", "A4"])
def test_no_lead_in_or_heading_ends_a_page_wherever_it_falls(tmp_path, size):
    handbook = write_handbook(tmp_path / "h", {"book.yaml": minimal_book(f"page_size: {size}"),
                                               "01-lead-ins.md": lead_ins_and_headings()})
    endings = page_endings(build_pdf(handbook, tmp_path / "out").path)
    assert len(endings) > 8
    assert [(number, words) for number, kind, words in endings
            if kind.startswith("H") or (kind == "P" and words.endswith(":"))
            or words.startswith("The introduction to table")] == []


def box_titles(path: Path, titles: tuple[str, str]) -> list[tuple[int, float, float]]:
    """Where each of two words first stands: its page, its left and its top."""
    import pdfplumber

    found = []
    with pdfplumber.open(path) as pdf:
        for title in titles:
            for number, page in enumerate(pdf.pages, start=1):
                words = [word for word in page.extract_words() if word["text"] == title]
                if words:
                    found.append((number, words[0]["x0"], words[0]["top"]))
                    break
    return found


def test_pros_and_cons_stay_together_side_by_side_where_the_page_is_wide(second_pdf, a4_pdfs):
    """The second handbook's pros box and the cons box after it: on one page, one above
    the other on A5, side by side (their titles on one line) on A4."""
    (page, left, top), (cons_page, cons_left, cons_top) = box_titles(
        second_pdf.path, ("Advantages", "Disadvantages"))
    assert page == cons_page and cons_top > top + 20 and abs(cons_left - left) < 1
    (page, left, top), (cons_page, cons_left, cons_top) = box_titles(
        a4_pdfs["data-engineer"], ("Advantages", "Disadvantages"))
    assert page == cons_page and abs(cons_top - top) < 1 and cons_left > left + 100


@pytest.mark.parametrize("fixture", ["first_pdf", "first_pdf_a4"])
def test_the_type_scale_keeps_its_hierarchy_on_every_page_size(fixture, request):
    """Against the body text: the chapter's title at least twice its size and well above
    the section heads, the running heads and folios (the pages' artifacts, at their top and
    foot) no smaller than 0.7 and 0.75 of it."""
    import pdfplumber

    def size(chars) -> float:
        sizes = [round(char["size"], 1) for char in chars]
        return max(set(sizes), key=sizes.count)

    built = request.getfixturevalue(fixture)
    with pdfplumber.open(built.path) as pdf:
        pages = pdf.pages[5:-1]  # the chapters
        body = size([char for page in pages for char in page.chars
                     if char["fontname"].endswith("+Charis-SIL")])
        words = pdf.pages[built.page_of("General description") - 1].extract_words(
            extra_attrs=["size"])
        title = next(word["size"] for word in words if word["text"] == "Welcome")
        section = next(word["size"] for word in words if word["text"] == "General")
        margins = [(char, page) for page in pages for char in page.chars
                   if char.get("mcid") is None and char["text"].strip()]
        heads = [char for char, page in margins if char["top"] < page.height / 4]
        folios = [char for char, page in margins if char["top"] > page.height * 3 / 4]
    assert title >= 2 * body and title >= 1.5 * section and section >= 1.25 * body
    assert heads and size(heads) >= 0.7 * body
    assert folios and size(folios) >= 0.75 * body


def test_a_pictures_generic_font_families_are_the_themes_faces(tmp_path):
    """An SVG's labels in sans-serif are set in Inter (the theme's display face), in serif
    in Charis SIL, not in whichever face the font configuration finds first."""
    import pdfplumber

    picture = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 40" width="240" '
               'height="40"><title>Two labels</title>'
               '<text x="5" y="25" font-family="sans-serif" font-size="14">Sans</text>'
               '<text x="120" y="25" font-family="serif" font-size="14">Serif</text></svg>')
    handbook = write_handbook(tmp_path / "h", {
        "book.yaml": minimal_book(), "p.svg": picture,
        "01-a.md": "---\ntitle: A\nsummary: B.\n---\n\n![Two labels](p.svg)\n"})
    built = build_pdf(handbook, tmp_path / "out")
    with pdfplumber.open(built.path) as pdf:
        fonts = {word["text"]: word["fontname"].split("+")[-1]
                 for page in pdf.pages for word in page.extract_words(extra_attrs=["fontname"])}
    assert (fonts["Sans"], fonts["Serif"]) == ("Inter", "Charis-SIL")


def test_a_chapter_opening_without_a_summary_keeps_its_place_and_its_rule(tmp_path):
    """Both chapters' titles stand at the same height, each header ends in its rule."""
    import pdfplumber

    handbook = write_handbook(tmp_path / "h", {
        "book.yaml": minimal_book(),
        "01-a.md": "---\ntitle: Summarised\nsummary: What it says.\n---\n\nText.\n",
        "02-b.md": "---\ntitle: Unsummarised\n---\n\nText.\n"})
    built = build_pdf(handbook, tmp_path / "out")
    places = []
    with pdfplumber.open(built.path) as pdf:
        for title in ("Summarised", "Unsummarised"):
            page = pdf.pages[built.page_of("CHAPTER " + ("1" if title == "Summarised" else "2"))
                             - 1]
            word = next(word for word in page.extract_words() if word["text"] == title)
            # A bottom border below the title (drawn as a box and that box 1 pt taller,
            # filled between them).
            rules = [rect for rect in page.rects if rect["width"] > 200
                     and rect["bottom"] > word["bottom"]]
            places.append((round(word["top"], 1), bool(rules)))
    assert places[0] == places[1] and places[0][1], places


def test_a_hyphenated_word_never_leaves_a_short_piece_alone_at_a_line_end(tmp_path):
    """"trade-offs" falls at every place in the line, in one paragraph after another:
    no line ends in "trade-" with "offs" alone on the next."""
    paragraphs = "\n\n".join(f"So{'o' * count} many honest trade-offs are part of it."
                             for count in range(1, 61))  # one letter further each time
    handbook = write_handbook(tmp_path / "h", {
        "book.yaml": minimal_book(),
        "01-a.md": f"---\ntitle: A\nsummary: B.\n---\n\n{paragraphs}\n"})
    built = build_pdf(handbook, tmp_path / "out")
    document = pypdfium2.PdfDocument(built.path)
    lines = [line.strip() for index in range(len(document))
             for line in document[index].get_textpage().get_text_range().splitlines()]
    assert sum("trade-offs" in line for line in lines) > 20
    # (pdfium joins a word broken at a line's end, marking the break with U+FFFE.)
    assert not [line for line in lines if "trade\ufffe" in line or line.endswith("trade-")]


def test_a_long_code_span_never_stretches_the_justified_line_before_it(tmp_path):
    """A long code span falls at every place in the line, paragraph after paragraph: no
    justified line opens a gap wider than an em between its words to put the whole span
    on the next line (the span breaks before a dot, as an address does), and the span's
    characters are all there, in order. (An em is where a typesetter calls a line loose;
    the handbooks' justified text keeps under 0.7 em; a span kept whole opened 4.8 em.)"""
    import pdfplumber

    span = "spark.sql.adaptive.coalescePartitions.enabled"
    paragraphs = "\n\n".join(  # a letter further each time, or a word
        f"So{'o' * (count % 10)}{' and' * (count // 10)} before you run the job again, set "
        f"the option `{span}` to true in the cluster's settings, the end."
        for count in range(60))
    handbook = write_handbook(tmp_path / "h", {
        "book.yaml": minimal_book(),
        "01-a.md": f"---\ntitle: A\nsummary: B.\n---\n\n{paragraphs}\n"})
    built = build_pdf(handbook, tmp_path / "out")
    assert " ".join(built.pages).replace("\n", "").count(span) == 60
    widest = []
    with pdfplumber.open(built.path) as pdf:
        for page in pdf.pages[built.page_of("Soo") - 1:]:
            lines: list[list] = []  # words whose middles are within 3 pt (code is smaller)
            for word in sorted(page.extract_words(extra_attrs=["size"]), key=middle):
                if lines and middle(word) - middle(lines[-1][0]) < 3:
                    lines[-1].append(word)
                else:
                    lines.append([word])
            for words in lines:
                words.sort(key=lambda word: word["x0"])
                if words[-1]["text"] == "end." or len(words) < 2 or words[0]["size"] < 9:
                    continue  # a paragraph's last line is not justified; the folio
                widest.append(max((right["x0"] - left["x1"]) / left["size"]
                                  for left, right in zip(words, words[1:])))
    assert len(widest) > 60 and max(widest) <= 1.0, sorted(widest)[-10:]


def middle(word: dict) -> float:
    return (word["top"] + word["bottom"]) / 2


def pdfium_lines(path: Path, pages: slice = slice(None)) -> list[str]:
    """The lines of text of ``pages``, as pdfium reads them (it marks a word broken at a
    line's end with U+FFFE)."""
    document = pypdfium2.PdfDocument(path)
    return [line.strip() for index in range(len(document))[pages]
            for line in document[index].get_textpage().get_text_range().splitlines()]


def test_titles_and_summaries_never_end_in_a_word_alone(tmp_path):
    """Chapter titles and summaries of every length, from a few words to two lines and
    more: none breaks before its last word alone ("... engine room of / data")."""
    words = "Welcome to the engine room where data flows every day and night for us".split()
    chapters = {f"{number:02d}-c.md": f"---\ntitle: {' '.join(words[:number])}\nsummary: "
                f"{' '.join(words[:number + 4])} of it.\n---\n\nText.\n"
                for number in range(3, len(words) + 1)}
    handbook = write_handbook(tmp_path / "h", {"book.yaml": minimal_book(), **chapters})
    built = build_pdf(handbook, tmp_path / "out")
    import pdfplumber

    lines_of = {"title": [], "summary": []}
    with pdfplumber.open(built.path) as pdf:
        for page in pdf.pages:
            if not page.search("CHAPTER"):
                continue
            for line in page.extract_text_lines():
                size = line["chars"][0]["size"]
                if size > 15:
                    lines_of["title"].append(line["text"])
                elif "Italic" in line["chars"][0]["fontname"] and size > 9:
                    lines_of["summary"].append(line["text"])
    for kind, lines in lines_of.items():
        assert len(lines) > len(chapters), kind
        assert [line for line in lines if len(line.split()) == 1] == [], kind


def test_a_paragraphs_last_word_is_never_hyphenated(tmp_path):
    """A paragraph's last word falls at every place in the line: it is never broken, so
    that no paragraph's last line is the end of a word ("opment.")."""
    paragraphs = "\n\n".join(f"So{'o' * count} many of us care about its development."
                             for count in range(1, 61))
    handbook = write_handbook(tmp_path / "h", {
        "book.yaml": minimal_book(),
        "01-a.md": f"---\ntitle: A\nsummary: B.\n---\n\n{paragraphs}\n"})
    lines = pdfium_lines(build_pdf(handbook, tmp_path / "out").path)
    assert sum(line.endswith("development.") for line in lines) == 60


def test_the_title_page_and_cover_keep_trade_offs_whole(first_pdf):
    lines = pdfium_lines(first_pdf.path, slice(0, 3))
    assert any("trade-offs" in line for line in lines)
    # (pdfium joins a word broken at a line's end, marking the break with U+FFFE.)
    assert not [line for line in lines if "trade\ufffe" in line or line.endswith("trade-")
                or line.startswith("offs")]


def test_the_back_covers_blurb_keeps_a_measure_to_read(first_pdf_a4):
    """On A4 the blurb's lines stay within about 75 characters (not the page's width)."""
    import pdfplumber

    with pdfplumber.open(first_pdf_a4.path) as pdf:
        lines = [line["text"] for line in pdf.pages[-1].extract_text_lines()
                 if line["chars"][0]["size"] == pytest.approx(10.5, abs=0.2)]
    assert len(lines) >= 3 and max(len(line) for line in lines) <= 80, lines
