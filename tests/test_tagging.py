"""The office PDF's and the fact sheet's structure trees, as a PDF/UA-1 checker reads them:
page-validation (a Matterhorn Protocol checker), and the tree read back with pikepdf."""

from __future__ import annotations

import io

import page
import pikepdf
import pytest

from press.tagging import repair

from .conftest import EVERY_FEATURE, FIRST_HANDBOOK, ROOT
from .helpers import build_edition

pytestmark = pytest.mark.slow  # each builds whole editions

BOOKS = (FIRST_HANDBOOK, ROOT / "chapters" / "data-engineer", EVERY_FEATURE)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> list:
    output = tmp_path_factory.mktemp("tagged")
    return [build_edition(book, edition, output) for book in BOOKS
            for edition in ("pdf", "flyer")]


def test_page_validation_finds_every_pdf_and_fact_sheet_pdf_ua_1(built):
    for path in built:
        report = page.validate_pdf(path, profile="ua1")
        assert (report.is_compliant, report.checks.failed) == (True, 0), \
            (path.name, [(failure.rule_id, failure.message) for failure in report.failures])


def elements(pdf):
    stack = [pdf.Root.StructTreeRoot]
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
    """Page 17 of the first handbook holds two ratings: their stars are drawn as artifacts,
    their words are in the text."""
    with pikepdf.open(built[0]) as pdf:
        stream = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[16]))
        assert b"/Figure" not in stream and b"/Artifact BMC" in stream
        cover = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[0]))
        assert b"/Figure" not in cover
    import pypdf

    assert "10 out of 10 stars" in pypdf.PdfReader(built[0]).pages[16].extract_text()


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
