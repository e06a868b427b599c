"""The office PDF's and the fact sheet's structure trees, as a PDF/UA-1 checker reads them:
page-validation (a Matterhorn Protocol checker), and the tree read back with pikepdf."""

from __future__ import annotations

import io
import re

import page
import pikepdf
import pytest

from press.publishing import publish
from press.tagging import repair

from .conftest import EVERY_FEATURE, FIRST_HANDBOOK, ROOT
from .helpers import build_edition

pytestmark = pytest.mark.slow  # each builds whole editions

BOOKS = (FIRST_HANDBOOK, ROOT / "chapters" / "data-engineer", EVERY_FEATURE)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> list:
    """Each handbook's PDF and fact sheet, made as `validate` makes them to check them:
    claiming PDF/UA-1."""
    output = tmp_path_factory.mktemp("tagged")
    assert publish(["pdf", "flyer"], [(book, str(book)) for book in BOOKS], output,
                   claiming=True, report=lambda line: None) == 0
    return [output / f"{book.name}{suffix}.pdf" for book in BOOKS for suffix in ("", "-flyer")]


def test_page_validation_finds_every_pdf_and_fact_sheet_pdf_ua_1(built):
    for path in built:
        report = page.validate_pdf(path, profile="ua1")
        assert (report.is_compliant, report.checks.failed) == (True, 0), \
            (path.name, [(failure.rule_id, failure.message) for failure in report.failures])


def elements(pdf, start=None):
    stack = [pdf.Root.StructTreeRoot if start is None else start]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                yield kid
                stack.append(kid)


def test_every_figure_has_words_and_every_link_is_a_link(built):
    for path in built:
        with pikepdf.open(path) as pdf:
            tree = list(elements(pdf))
            assert all("/Alt" in element for element in tree if element.S == "/Figure")
            numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
            parents = {int(numbers[index]): numbers[index + 1]
                       for index in range(0, len(numbers), 2)}
            links = [annotation for pdf_page in pdf.pages
                     for annotation in pdf_page.get("/Annots", [])
                     if annotation.Subtype == "/Link"]
            assert links or path.name.endswith("-flyer.pdf")  # the contents are links
            assert all(parents[int(link.StructParent)].S == "/Link" for link in links), path


def test_the_stars_and_the_covers_pattern_are_artifacts_and_the_words_stay(built):
    """The first handbook's page of ratings (the salary's, "10 out of 10 stars"): their
    stars are drawn as artifacts, their words are in the text."""
    import pypdf

    rated = next(index for index, page in enumerate(pypdf.PdfReader(built[0]).pages)
                 if "10 out of 10 stars" in page.extract_text())
    with pikepdf.open(built[0]) as pdf:
        stream = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[rated]))
        assert b"/Figure" not in stream and b"/Artifact BMC" in stream
        cover = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[0]))
        assert b"/Figure" not in cover


def test_the_callout_icons_are_artifacts(built):
    """The first handbook's page of pros and cons (no rating on it): the boxes' icons, our
    drawings, are artifacts, not figures; the title says the kind."""
    import pypdf

    texts = [page.extract_text() for page in pypdf.PdfReader(built[0]).pages]
    boxed = next(index for index, text in enumerate(texts)
                 if "Advantages" in text and "stars" not in text)
    with pikepdf.open(built[0]) as pdf:
        stream = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[boxed]))
        assert b"/Figure" not in stream and b"/Artifact BMC" in stream


def test_a_pdf_without_a_structure_tree_is_left_as_it_is():
    data = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(data)
    assert repair(data.getvalue()) == data.getvalue()


def test_the_repair_gives_the_same_bytes_each_time(built):
    data = built[0].read_bytes()
    assert repair(data) == repair(data)


def test_running_heads_and_folios_are_pagination_artifacts_and_all_content_is_in_the_tree(built):
    """Page 18 of the first handbook has a running head and its number at the foot: both
    are drawn as pagination artifacts, and every other marked content on every page is held
    by an element of the tree."""
    with pikepdf.open(built[0]) as pdf:
        held = {element.objgen for element in elements(pdf)}
        numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
        entries = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
        for page in pdf.pages:
            marked = entries[int(page.StructParents)]
            for operands, command in pikepdf.parse_content_stream(page):
                if str(command) == "BDC" and "/MCID" in operands[1]:
                    holder = marked[int(operands[1].MCID)]
                    assert holder is not None and holder.objgen in held
        artifacts, texts = [], []
        inside = None
        for operands, command in pikepdf.parse_content_stream(pdf.pages[17]):
            if str(command) == "BDC" and operands[0] == "/Artifact":
                inside = operands[1].get("/Type")
            elif str(command) == "EMC":
                inside = None
            elif str(command) == "Tj" or str(command) == "TJ":
                texts.append(inside)
        assert texts.count("/Pagination") >= 2  # the running head and the folio
    import pypdf

    page = pypdf.PdfReader(built[0]).pages[17].extract_text()
    assert "AI / ML Engineer" in page and page.rstrip().endswith("18")


def kids(element) -> list:
    found = element.get("/K")
    return list(found) if isinstance(found, pikepdf.Array) else [] if found is None else [found]


def is_element(kid) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem"


def pages_of(pdf, element) -> set[int]:
    """The pages (from 1) whose content an element and those inside it hold."""
    numbers = {page.obj.objgen: index for index, page in enumerate(pdf.pages, start=1)}
    found, stack = set(), [element]
    while stack:
        current = stack.pop()
        for kid in kids(current):
            if isinstance(kid, int):
                found.add(numbers[current.Pg.objgen])
            elif is_element(kid):
                stack.append(kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                found.add(numbers[kid.Pg.objgen])
    return found


def document(pdf):
    top = pdf.Root.StructTreeRoot.K
    return top[0] if isinstance(top, pikepdf.Array) else top


def test_a_chapter_is_one_article_and_a_table_one_table_across_pages(built):
    """Each of the every-feature handbook's chapters is one element over the pages it runs
    on (chapter 2's over five), and its long table one element over the pages that show
    its header row (five: its last rows are set on the chapter's last page with the line
    after it, press.tails): the header, repeated on each page, is one header in the tree
    and a pagination artifact where it repeats."""
    import pypdf

    texts = [page.extract_text() for page in pypdf.PdfReader(built[4]).pages]
    starts = [number for number, text in enumerate(texts, start=1)
              if re.match(r"CHAPTER \d+\n", text)]
    ends = [start - 1 for start in starts[1:]] + [len(texts) - 1]
    runs = [[page for page in range(start, end + 1) if texts[page - 1].strip()]
            for start, end in zip(starts, ends)]
    headed = [number for number, text in enumerate(texts, start=1)
              if "Row Focus Tools Notes Level" in text]
    assert len(runs) == 4 and len(runs[1]) == 5 and len(headed) == 5
    with pikepdf.open(built[4]) as pdf:
        articles = [kid for kid in kids(document(pdf)) if is_element(kid) and kid.S == "/Art"]
        assert [sorted(pages_of(pdf, art)) for art in articles] == runs
        tables = [element for element in elements(pdf) if element.S == "/Table"]
        long = [table for table in tables if len(pages_of(pdf, table)) > 1]
        assert len(long) == 1 and sorted(pages_of(pdf, long[0])) == headed
        assert [kid.S for kid in kids(long[0])] == ["/THead", "/TBody", "/Caption"]
        repeated = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(
            pdf.pages[headed[1] - 1]))
        assert b"/Artifact <<\n  /Type /Pagination\n>> BDC" in repeated or \
            b"/Artifact << /Type /Pagination >> BDC" in repeated


def test_head_cells_have_scopes_and_footnotes_are_notes(built):
    with pikepdf.open(built[4]) as pdf:
        heads = [element for element in elements(pdf) if element.S == "/TH"]
        scopes = [str(head.A.Scope) for head in heads]
        assert set(scopes) == {"/Column", "/Row"}
        notes = [element for element in elements(pdf) if element.S == "/Note"]
        ids = [str(note.ID) for note in notes]
        assert len(notes) == 3 and len(set(ids)) == 3  # PDF/UA: each Note has its own ID


def test_each_cell_names_header_cells_of_its_own_table_each_named_once(built):
    """A cell's Headers name header cells of its table, on every page the table runs on
    (WeasyPrint names, on the pages after the first, the header row repeated there, which
    is no element of the tree), and no two header cells of the book share a name, though
    the book is laid out in parts (press.parts)."""
    tables = 0
    for path in built:
        names = []
        with pikepdf.open(path) as pdf:
            for table in (element for element in elements(pdf) if element.S == "/Table"):
                cells = [element for element in elements(pdf, table)
                         if element.S in ("/TH", "/TD")]
                heads = {str(cell.ID) for cell in cells if cell.S == "/TH" and "/ID" in cell}
                names += sorted(heads)
                named = [str(name) for cell in cells if "/A" in cell and "/Headers" in cell.A
                         for name in cell.A.Headers]
                assert named and set(named) <= heads, (path.name, set(named) - heads)
                tables += 1
        assert len(names) == len(set(names)), path.name
    assert tables >= 4


def test_no_element_holds_a_copy_of_itself_or_nothing(built):
    """A heading is one H2 (not an H2 in an H2), a link one Link, and no element is empty
    but a table's cell or a list's item (which keep the table's or list's shape)."""
    for path in built:
        with pikepdf.open(path) as pdf:
            for element in elements(pdf):
                assert kids(element) or element.S in ("/TD", "/TH", "/LI", "/LBody"), \
                    (path.name, element.S)
                if element.S in ("/H1", "/H2", "/H3", "/H4", "/Link", "/P"):
                    assert not any(is_element(kid) and kid.S == element.S
                                   for kid in kids(element)), (path.name, element.S)
            assert not any(key.startswith("/Press") for key in pdf.Root.StructTreeRoot.keys())


def test_leaders_bullets_and_icons_are_artifacts(built):
    """A contents entry's link holds its number, its title and its page number, not the
    dots of its leader; a list item holds its words, not its bullet."""
    with pikepdf.open(built[0]) as pdf:
        entries = [element for element in elements(pdf)
                   if element.S == "/Link" and pages_of(pdf, element) == {5}]
        assert len(entries) == 8
        for entry in entries:
            marked = [kid for kid in kids(entry) if isinstance(kid, int)] + [
                kid for child in kids(entry) if is_element(child) for kid in kids(child)
                if isinstance(kid, int)]
            assert len(marked) == 3
        contents = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[4]))
        assert contents.count(b"/Artifact BMC") >= 8 * 20  # the leaders' dots
        for item in (element for element in elements(pdf) if element.S == "/LI"):
            assert [kid.S for kid in kids(item) if is_element(kid)] in (
                ["/LBody"], ["/Lbl", "/LBody"])


def test_links_say_where_they_lead_in_words(built):
    """Each link annotation's description is words a person understands: the contents'
    "Chapter 2, Skills, qualifications and education, page 9", a cross-reference's words
    and page, a web address; never an anchor's name."""
    for path in (built[0], built[4]):
        with pikepdf.open(path) as pdf:
            destinations = {}
            names = pdf.Root.Names.Dests.Names
            for index in range(0, len(names), 2):
                target = names[index + 1]
                page = target[0] if isinstance(target, pikepdf.Array) else target.D[0]
                destinations[str(names[index])] = next(
                    number for number, candidate in enumerate(pdf.pages, start=1)
                    if candidate.obj.objgen == page.objgen)
            for pdf_page in pdf.pages:
                for link in pdf_page.get("/Annots", []):
                    words = str(link.Contents)
                    if "/Dest" in link:
                        assert words.endswith(f", page {destinations[str(link.Dest)]}"), words
                        assert not words.startswith("ch-")
                    else:  # a web or email address: the link's own words
                        assert words and not words.startswith("#"), words
    import pypdf

    skills = next(number for number, page in enumerate(pypdf.PdfReader(built[0]).pages, start=1)
                  if page.extract_text().startswith("CHAPTER 2\nSkills, qualifications"))
    with pikepdf.open(built[0]) as pdf:
        described = {str(link.Contents) for link in pdf.pages[4].Annots}
        assert f"Chapter 2, Skills, qualifications and education, page {skills}" in described


def test_weasyprints_tagging_is_taught_what_the_tree_needs():
    """The pinned WeasyPrint's tagging functions are as press.pdf expects; should an
    upgrade change them, this fails rather than the PDFs silently losing their repairs."""
    import weasyprint

    from press.pdf import TAGGING_TAUGHT

    assert weasyprint.__version__ == "70.0" and TAGGING_TAUGHT


def test_only_a_pdf_made_to_be_checked_or_checked_names_pdf_ua(built, tmp_path):
    """The PDF names PDF/UA-1 in its metadata as `validate` makes it to check it (and as a
    later build makes it once the checkers passed that very file); an ordinary build of a
    handbook never checked names no conformance."""
    def identifier(path) -> bool:
        with pikepdf.open(path) as pdf:
            return b"pdfuaid:part" in pdf.Root.Metadata.read_bytes()

    assert identifier(built[0]) and identifier(built[1])
    plain = build_edition(FIRST_HANDBOOK, "pdf", tmp_path)
    assert not identifier(plain)
    with pikepdf.open(plain) as pdf:  # the same tagged PDF otherwise
        assert pdf.Root.MarkInfo.Marked and "/StructTreeRoot" in pdf.Root
