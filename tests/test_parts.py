"""The office PDF laid out in parts side by side (press.parts) reads as the book laid out
whole: the same text on every page, every letter in its place, the same structure tree,
links and their targets, named destinations and outline (neither edition has page
labels); and the PDF/UA checker passes it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdf
import pypdfium2
import pytest

from press import parts
from press.editions import EDITIONS
from press.publishing import publish
from press.validate import pdf_ua

from .conftest import EVERY_FEATURE, FIRST_HANDBOOK

# Points: how far a letter may stand from its place in the book laid out whole. A part
# whose first page turned to the other side moves its lines to that side's margins; a
# line's start then differs from the whole book's in its last binary digits, and WeasyPrint,
# which writes each glyph's advance rounded to a thousandth of an em, rounds a few of them
# the other way (0.02 pt each in a 20 pt heading). A line broken elsewhere, or a word moved,
# moves by a space at least: 2 pt.
PLACE = 0.1


def _enlarged(source: Path, factor: int, target: Path) -> Path:
    """A handbook ``factor`` times ``source``: its chapters repeated."""
    shutil.copytree(source, target)
    chapters = sorted(path.name for path in source.glob("*.md"))
    for copy in range(2, factor + 1):
        for name in chapters:
            (target / f"{copy:02d}-{name}").write_text((source / name).read_text("utf-8"), "utf-8")
    listed = chapters + [f"{copy:02d}-{name}" for copy in range(2, factor + 1) for name in chapters]
    with (target / "book.yaml").open("a", encoding="utf-8") as book:
        book.write("chapters:\n" + "".join(f"  - {name}\n" for name in listed))
    return target


def _built(handbook: Path, output: Path, count: int | None) -> Path:
    """The handbook's office PDF laid out whole (``count`` None) or in ``count`` parts,
    claiming PDF/UA-1 as it does for the checkers."""
    saved = parts.WHOLE, parts.COUNT
    parts.WHOLE, parts.COUNT = count is None, count
    try:
        assert publish(["pdf"], [(handbook, str(handbook))], output, claiming=True) == 0
        return EDITIONS["pdf"].path(output, handbook.name)
    finally:
        parts.WHOLE, parts.COUNT = saved


@dataclass
class Pair:
    whole: Path
    in_parts: Path
    count: int


@pytest.fixture(scope="module")
def pairs(tmp_path_factory) -> dict[str, Pair]:
    work = tmp_path_factory.mktemp("parts")
    longer = _enlarged(FIRST_HANDBOOK, 2, work / "longer")
    found = {}
    for name, handbook, count in (("every-feature", EVERY_FEATURE, 2), ("longer", longer, 4)):
        found[name] = Pair(_built(handbook, work / f"{name}-whole", None),
                           _built(handbook, work / f"{name}-parts", count), count)
    return found


def _letters(path: Path) -> list[list[tuple[str, tuple]]]:
    """Each page's letters and their boxes."""
    document = pypdfium2.PdfDocument(path)
    pages = []
    for page in document:
        text = page.get_textpage()
        pages.append([(text.get_text_range(index, 1), text.get_charbox(index))
                      for index in range(text.count_chars())])
    return pages


def _structure(pdf: pikepdf.Pdf) -> list[tuple]:
    """The structure tree in reading order: each element's type, alternative text, ID,
    attributes, page, and the marked content and annotations it holds."""
    pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
    found = []

    def walk(kid, depth):
        if isinstance(kid, int):
            found.append((depth, "MCID", int(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            page = pages.get(kid.Pg.objgen) if "/Pg" in kid else None
            found.append((depth, str(kid.S), str(kid.get("/Alt", "")), str(kid.get("/ID", "")),
                          repr(kid.get("/A", "")), page))
            kids = kid.get("/K")
            for each in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None \
                    else []:
                walk(each, depth + 1)
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            found.append((depth, "OBJR", str(kid.Obj.get("/Contents", ""))))
        elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
            found.append((depth, "MCR", int(kid.MCID), pages.get(kid.Pg.objgen)))

    for kid in pdf.Root.StructTreeRoot.K if isinstance(pdf.Root.StructTreeRoot.K, pikepdf.Array) \
            else [pdf.Root.StructTreeRoot.K]:
        walk(kid, 0)
    return found


def _links(pdf: pikepdf.Pdf) -> list[tuple]:
    """Every link: its page, its place, where it leads and its words."""
    return [(number, tuple(round(float(value), 1) for value in annotation.Rect),
             str(annotation.get("/Dest", "")), str(annotation.get("/A", {}).get("/URI", "")),
             str(annotation.get("/Contents", "")))
            for number, page in enumerate(pdf.pages) for annotation in page.get("/Annots", [])]


def _destinations(pdf: pikepdf.Pdf) -> dict[str, tuple]:
    pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
    names = list(pdf.Root.get("/Names", {}).get("/Dests", {}).get("/Names", []))
    return {str(name): (pages[target[0].objgen], round(float(target[2]), 1),
                        round(float(target[3]), 1))
            for name, target in zip(names[::2], names[1::2])}


def _outline(pdf: pikepdf.Pdf) -> list[tuple]:
    pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
    found = []
    with pdf.open_outline() as outline:
        def walk(items, depth):
            for item in items:
                found.append((depth, item.title, pages[item.destination[0].objgen]))
                walk(item.children, depth + 1)
        walk(outline.root, 0)
    return found


def _parent_tree(pdf: pikepdf.Pdf) -> list[tuple]:
    """Each page's and each annotation's number in the parent tree, with what it maps to."""
    numbers = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    keys = [int(key) for key in numbers[::2]]
    pages = [int(page.obj.StructParents) for page in pdf.pages]
    annotations = [int(annotation.StructParent) for page in pdf.pages
                   for annotation in page.get("/Annots", [])]
    return keys, pages, annotations


CASES = ["every-feature", "longer"]


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_each_page_holds_the_same_text_with_every_letter_in_its_place(pairs, name):
    pair = pairs[name]
    whole = [page.extract_text() for page in pypdf.PdfReader(pair.whole).pages]
    in_parts = [page.extract_text() for page in pypdf.PdfReader(pair.in_parts).pages]
    assert len(in_parts) == len(whole)
    assert in_parts == whole
    for number, (ours, theirs) in enumerate(zip(_letters(pair.in_parts), _letters(pair.whole)),
                                            start=1):
        assert [letter for letter, _ in ours] == [letter for letter, _ in theirs], number
        moved = max((abs(a - b) for (_, box), (_, other) in zip(ours, theirs)
                     for a, b in zip(box, other)), default=0)
        assert moved <= PLACE, (number, moved)


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_the_structure_links_destinations_outline_and_labels_are_the_books(pairs, name):
    pair = pairs[name]
    with pikepdf.open(pair.whole) as whole, pikepdf.open(pair.in_parts) as in_parts:
        structure = _structure(in_parts)
        assert len(structure) > 1000
        assert structure == _structure(whole)
        assert _links(in_parts) == _links(whole)
        assert _destinations(in_parts) == _destinations(whole)
        assert _outline(in_parts) == _outline(whole)
        assert "/PageLabels" not in in_parts.Root  # none written: the page's number is its place
        keys, pages, annotations = _parent_tree(in_parts)
        assert keys == sorted(set(keys)) == sorted(pages + annotations)
        assert _parent_tree(in_parts) == _parent_tree(whole)
        ids = [entry[3] for entry in structure if entry[1] == "/TH"]
        assert ids and len(set(ids)) == len(ids)  # every header cell named once in the book


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_the_book_was_laid_out_in_its_parts(pairs, name):
    """Each part embeds its own subsets of the fonts: as many sets as parts."""
    pair = pairs[name]

    def font_sets(path):
        with pikepdf.open(path) as pdf:
            return {page.Resources.Font.objgen for page in pdf.pages if "/Font" in page.Resources}

    assert len(font_sets(pair.whole)) == 1
    assert len(font_sets(pair.in_parts)) == pair.count


@pytest.mark.slow
def test_the_pdf_ua_checker_passes_a_book_laid_out_in_parts(pairs):
    assert pdf_ua(pairs["longer"].in_parts) == []


FRONT = '<section class="cover"></section><nav class="contents" id="contents"></nav>'


def _chapter(number: int, notes: int = 0) -> str:
    calls = "".join(f'<span class="footnote" id="fn-{number}-{note}">n</span>'
                    for note in range(notes))
    return (f'<article class="chapter" id="chapter-{number}"><h1 id="title-{number}">T</h1>'
            f'<p>{"words " * 200 * number}{calls}</p></article>')


def _document(body: str) -> str:
    return f'<html><head><title>T</title></head><body class="page-a5">{body}</body></html>'


def test_a_book_is_cut_before_its_chapters_with_the_front_matter_first_and_the_back_last():
    html = _document(FRONT + "".join(_chapter(number, 2) for number in (1, 2, 3, 4))
                     + '<section class="back-cover" id="back"></section>')
    pieces = parts.split(html, 2)
    assert len(pieces) == 2
    first, second = pieces
    assert '<section class="cover">' in first.html and "back-cover" not in first.html
    assert "back-cover" in second.html and "cover" not in second.html.replace("back-cover", "")
    body = second.html.split("<body", 1)[1].split(">", 1)[1]
    assert body.startswith('<article class="chapter"')
    assert first.anchors | second.anchors == ({"contents", "back"} | {
        f"{kind}-{number}" for kind in ("chapter", "title") for number in (1, 2, 3, 4)} | {
        f"fn-{number}-{note}" for number in (1, 2, 3, 4) for note in (0, 1)})
    assert not first.anchors & second.anchors
    # The footnotes are numbered through the book: the second part counts on.
    before = 2 * sum(f"chapter-{number}" in first.anchors for number in (1, 2, 3, 4))
    assert before and f"body {{ counter-reset: footnote {before}; }}" in second.html
    assert "counter-reset" not in first.html
    # About equal halves: the long last chapters make the second part alone.
    assert first.anchors >= {"chapter-1", "chapter-2", "chapter-3"}


def test_a_book_of_one_chapter_or_a_few_pages_is_laid_out_whole():
    assert parts.split(_document(FRONT + _chapter(1)), 2) == []
    assert parts.split("<p>no body</p>", 2) == []
    assert len(parts.split(_document(FRONT + _chapter(1) + _chapter(2)), 4)) == 2
    short = _document(FRONT + _chapter(1) + _chapter(2))
    assert len(short) < 2 * parts.SMALLEST and parts.how_many(short) <= 1
    long = _document(FRONT + "".join(_chapter(number % 9) for number in range(200)))
    assert parts.how_many(long) >= 3 and len(long) / parts.how_many(long) <= parts.PART_BYTES


@pytest.mark.slow
def test_a_file_a_part_may_not_read_is_the_authors_error_as_in_a_book_laid_out_whole():
    from press import pdf
    from press.build import load_and_check, print_html
    from press.findings import SourceError

    checked = load_and_check(FIRST_HANDBOOK, str(FIRST_HANDBOOK))
    html = print_html(checked.book, pdf.stylesheet_urls(checked.book, EDITIONS["pdf"].sheets),
                      checked.chapters)
    last = html.rindex('<article class="chapter"')  # in the last part
    html = html[:last] + '<img src="file:///etc/hostname" alt="x">' + html[last:]
    saved, parts.COUNT = parts.COUNT, 2
    try:
        with pytest.raises(SourceError) as raised:
            pdf.render_pdf(checked.book, html, checked.files)
    finally:
        parts.COUNT = saved
    assert [finding.message for finding in raised.value.findings] == [
        "the build may not read file:///etc/hostname"]
