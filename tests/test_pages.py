"""The print edition's page numbers in the EPUB: a student told "see page 17" finds page 17.

The page map is read from the laid-out PDF; these tests compare the EPUB's page-list and
page-break markers with the PDF's own pages, as a reader would see them.
"""

from __future__ import annotations

import lxml.etree
import lxml.html
import pypdfium2
import pytest

from press.pages import PageStart, _text_slots, mark, not_counted, placed, read

from .test_epub import NS


def marker(start: PageStart):
    return lxml.html.Element("span", {"class": "page-break", "data-page": str(start.number)})


def marked(html: str, *starts: PageStart) -> str:
    root = lxml.html.fragment_fromstring(html)
    mark(root, list(starts), marker, not_counted)
    return lxml.html.tostring(root, encoding="unicode").replace(' class="page-break"', "")


def test_a_page_is_marked_before_the_word_it_begins_with():
    html = "<div><p>One two, “three” four.</p></div>"
    assert marked(html, PageStart(7, "x", 6)) == \
        '<div><p>One two, <span data-page="7"></span>“three” four.</p></div>'


def test_a_page_that_begins_inside_a_hyphenated_word_is_marked_before_the_next_word():
    html = "<div><p>An employment agency</p></div>"
    assert marked(html, PageStart(3, "x", 6)) == \
        '<div><p>An employment <span data-page="3"></span>agency</p></div>'


def test_a_marker_never_goes_inside_a_heading_or_a_link():
    html = '<div><p>Intro.</p><h2>Next <a href="#x">part</a></h2><p>See <a href="#y">this</a></p></div>'
    assert marked(html, PageStart(4, "x", 5), PageStart(5, "x", 16)) == (
        '<div><p>Intro.</p><span data-page="4"></span><h2>Next <a href="#x">part</a></h2>'
        '<p>See <span data-page="5"></span><a href="#y">this</a></p></div>')


def test_notes_footnote_calls_and_pictures_text_are_not_counted():
    html = ('<div><p>Alpha<sup><a class="footnote-ref" href="#n">1</a></sup> beta '
            '<svg><title>Four stars</title></svg> gamma</p>'
            '<div class="footnote"><ol><li>A note.</li></ol></div></div>')
    result = marked(html, PageStart(2, "x", 9))
    assert '<span data-page="2"></span>gamma' in result


def test_several_pages_in_one_text_and_the_part_end():
    html = "<div><p>aa bb cc dd</p></div>"
    assert marked(html, PageStart(3, "x", 4), PageStart(2, "x", 2), PageStart(4, "x", -1),
                  PageStart(5, "x", -1)) == (
        '<div><p>aa <span data-page="2"></span>bb <span data-page="3"></span>cc dd</p>'
        '<span data-page="4"></span><span data-page="5"></span></div>')


def test_blank_pages_go_with_the_next_and_pages_of_missing_parts_are_left_out():
    starts = [PageStart(1, "cover"), PageStart(2, None), PageStart(3, "title-page"),
              PageStart(4, None), PageStart(5, "ch-1"), PageStart(6, "ch-1", 500),
              PageStart(7, None), PageStart(8, "back-cover")]
    shown = placed(starts, ["cover", "ch-1"])
    assert shown["cover"] == [PageStart(1, "cover")]
    assert shown["ch-1"] == [PageStart(4, "ch-1"), PageStart(5, "ch-1"),
                             PageStart(6, "ch-1", 500)]
    ending = placed(starts[:-1], ["cover", "ch-1"])["ch-1"]  # a blank last page
    assert ending[-1] == PageStart(7, "ch-1", -1)


def letters(text: str) -> str:
    return "".join(character for character in text if character.isalnum()).casefold()


def pdf_pages(epub) -> list[str]:
    """The letters of each page of the PDF built beside the EPUB, as a PDF reader shows
    them."""
    pdf = pypdfium2.PdfDocument(epub.path.with_suffix(".pdf"))
    return [letters(pdf[index].get_textpage().get_text_range()) for index in range(len(pdf))]


def page_list(epub) -> list[tuple[str, str]]:
    nav = epub.xml("EPUB/_nav.xhtml")
    listing = nav.find(".//x:nav[@epub:type='page-list']", NS)
    return [(link.text, link.get("href")) for link in listing.iterfind(".//x:a", NS)]


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["first_epub", "feature_epub"])
def test_the_page_list_has_every_page_of_the_pdf_in_order(fixture, request):
    """Every page but the back cover (and the blank page before it), which the EPUB has
    not."""
    epub = request.getfixturevalue(fixture)
    pages = pdf_pages(epub)
    listed = page_list(epub)
    last = len(listed)
    assert [number for number, _ in listed] == [str(n) for n in range(1, last + 1)]
    title = letters(epub.opf.find("opf:metadata/dc:title", NS).text)
    assert pages[-1].startswith(title) and last >= len(pages) - 2
    assert all(not page for page in pages[last:-1])
    for number, href in listed:
        name, _, anchor = href.partition("#")
        found = epub.xml("EPUB/" + name).xpath("//*[@id=$id]", id=anchor)
        assert len(found) == 1 and found[0].get("role") == "doc-pagebreak", href
        assert found[0].get("{http://www.idpf.org/2007/ops}type") == "pagebreak"
        assert found[0].get("title") == number


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["first_epub", "feature_epub"])
def test_each_chapter_page_begins_in_the_epub_where_it_begins_in_the_pdf(fixture, request):
    """The words after each marker in a chapter are the first words of that page of the
    PDF (a page that is blank in print is marked where the next one begins)."""
    epub = request.getfixturevalue(fixture)
    pages = pdf_pages(epub)
    checked = 0
    for name in epub.documents():
        if name.startswith("_"):  # the cover, title page, imprint and contents
            continue
        body = epub.xml("EPUB/" + name).find("x:body", NS)
        slots = list(_text_slots(body, not_counted))
        for index, (element, slot) in enumerate(slots):
            if slot != "tail" or element.get("role") != "doc-pagebreak":
                continue
            following = letters("".join(getattr(e, s) or "" for e, s in slots[index:index + 40]))
            next_marker = element.getnext()
            if not letters(element.tail or "") and next_marker is not None \
                    and next_marker.get("role") == "doc-pagebreak":
                continue  # a blank page, marked where the next begins
            if not following:
                continue  # the back cover, or a blank last page, at the chapter's end
            number = int(element.get("title"))
            assert following[:12] in pages[number - 1], (name, number, following[:40])
            checked += 1
    assert checked >= 10


@pytest.mark.slow
def test_the_ncx_and_the_package_name_the_print_pages(first_epub):
    pages = pdf_pages(first_epub)
    ncx = first_epub.xml("EPUB/toc.ncx")
    meta = {m.get("name"): m.get("content") for m in ncx.iterfind("ncx:head/ncx:meta", NS)}
    listed = len(page_list(first_epub))
    assert meta["dtb:totalPageCount"] == meta["dtb:maxPageNumber"] == str(listed)
    assert listed >= len(pages) - 2
    targets = ncx.findall("ncx:pageList/ncx:pageTarget", NS)
    assert [t.get("value") for t in targets] == [str(n) for n in range(1, listed + 1)]
    assert [t.find("ncx:content", NS).get("src") for t in targets] == \
        [href for _, href in page_list(first_epub)]
    opf = first_epub.opf
    features = [m.text for m in opf.iterfind(
        "opf:metadata/opf:meta[@property='schema:accessibilityFeature']", NS)]
    assert {"printPageNumbers", "pageNavigation"} <= set(features)
    source = opf.find("opf:metadata/opf:meta[@property='pageBreakSource']", NS).text
    assert source == "AI / ML Engineer, print edition (PDF)"
    assert opf.find("opf:metadata/dc:source", NS).text == source


@pytest.mark.slow
def test_the_page_map_is_what_the_pdf_records(first_epub):
    starts = read(first_epub.path.with_suffix(".pdf").read_bytes())
    assert [start.number for start in starts] == list(range(1, len(starts) + 1))
    assert starts[0].part == "cover" and starts[-1].part == "back-cover"
    chapter_starts = [start for start in starts if start.part and start.part.startswith("ch-")]
    assert all(later.offset > earlier.offset for earlier, later in
               zip(chapter_starts, chapter_starts[1:]) if earlier.part == later.part)
