"""`validate`: the standard checkers on the editions built, each finding one line.

Apart from the site's tests: the checkers drive a browser of their own, which Playwright
will not start while another (the site tests' fixture) is running in the same process."""

from __future__ import annotations

import datetime
import html
import zipfile
from pathlib import Path

import lxml.html
import pikepdf
import pytest

from press.cli import main
from press.sources import load_book
from press.verdicts import read
from press.words import Words

from .conftest import ROOT

pytestmark = pytest.mark.slow  # each builds whole editions and starts a browser

# Two of the shipped handbooks, one in English and the French one: the checkers take a
# minute for them. The first handbook's PDF and fact sheet are checked by page-validation in
# test_tagging, and its EPUB by EPUBCheck in test_epub.
HANDBOOKS = [ROOT / "chapters" / "data-engineer" / "book.yaml",
             ROOT / "chapters" / "infirmier" / "book.yaml"]
SLUGS = [path.parent.name for path in HANDBOOKS]


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("validated")


def test_validate_runs_the_checkers_on_two_handbooks_and_finds_nothing(output, capsys):
    """EPUBCheck on each EPUB, page-validation on each PDF and fact sheet, axe-core on
    every page of the EPUBs and the site (the editions are up to date: none is rebuilt)."""
    capsys.readouterr()
    assert main(["validate", *(str(path.parent) for path in HANDBOOKS),
                 "--output", str(output)]) == 0
    said = capsys.readouterr()
    assert said.err == ""
    assert said.out.splitlines()[-1] == ("validate: EPUBCheck, PDF/UA-1 (page-validation) and "
                                         "axe-core found nothing")


def claims(output: Path, slug: str) -> tuple[bool, bool, bool]:
    """Whether the PDF, the fact sheet and the EPUB claim their conformance."""
    found = []
    for name in (f"{slug}.pdf", f"{slug}-flyer.pdf"):
        with pikepdf.open(output / name) as pdf:
            found.append(b"pdfuaid:part" in pdf.Root.Metadata.read_bytes())
    opf = zipfile.ZipFile(output / f"{slug}.epub").read("EPUB/content.opf").decode()
    shipped = ROOT / "chapters" / slug
    words = load_book(shipped).words if shipped.is_dir() else Words()  # else in English
    said = words("epub_conforms", checkers=words.join(["EPUBCheck", "axe-core"]))
    found.append("dcterms:conformsTo" in opf and html.escape(said, quote=False) in opf)
    return tuple(found)


def statement(output: Path, slug: str) -> list[str]:
    page = lxml.html.parse(str(output / "site" / slug / "index.html")).getroot()
    return [" ".join(item.text_content().split())
            for item in page.cssselect(".handbook-accessibility li")]


def test_what_the_checkers_passed_claims_its_conformance_and_says_so(output, capsys):
    """After `validate`: each PDF, fact sheet and EPUB claims its conformance, the handbook's
    page says what was checked and when, and an ordinary build keeps the claiming files
    (made from the same inputs, they are up to date)."""
    for slug in SLUGS:
        assert claims(output, slug) == (True, True, True)
        said = statement(output, slug)
        words = load_book(ROOT / "chapters" / slug).words
        day = words.date(datetime.date.fromisoformat(read(output, slug)["pdf"].checked))
        expected = [
            words("pdf_meets", checkers="page-validation", date=day),
            words("epub_meets", checkers=words.join(["EPUBCheck", "axe-core"]), date=day),
            words("flyer_meets", checkers="page-validation", date=day),
            words("booklet_statement")]
        assert said[:4] == [" ".join(sentence.split()) for sentence in expected]  # as read
        if words.code == "en":
            assert said[0].startswith("The PDF meets PDF/UA-1") and "page-validation found no" in said[0]
            assert said[1].startswith("The EPUB e-book meets EPUB Accessibility 1.1 at WCAG 2.1")
            assert said[2].startswith("The fact sheet meets PDF/UA-1")
            assert "booklet" in said[3] and "not tagged" in said[3]
    assert said[1].startswith("Le livre numérique EPUB est conforme à EPUB Accessibility 1.1")
    assert "EPUBCheck et axe-core n’ont trouvé aucun problème le " in said[1]
    capsys.readouterr()
    assert main(["pdf,epub,flyer", *(str(path.parent) for path in HANDBOOKS),
                 "--output", str(output)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{path.parent}: up to date"
                                                    for path in HANDBOOKS]


def test_what_the_checkers_did_not_pass_claims_nothing(small_handbook, tmp_path, monkeypatch,
                                                       capsys):
    """A finding on the PDF: validate exits 1, the PDF is made again without its claim, the
    others keep theirs, and the handbook's page says what the checkers found."""
    import press.validate

    real = press.validate.edition_findings

    def with_a_finding(output, slug):
        found = real(output, slug)
        return {**found, "pdf": found["pdf"] + [f"{output}/{slug}.pdf: error: a finding"]}

    monkeypatch.setattr(press.validate, "edition_findings", with_a_finding)
    output = tmp_path / "out"
    assert main(["validate", str(small_handbook), "--output", str(output)]) == 1
    assert f"{output}/small.pdf: error: a finding" in capsys.readouterr().err
    assert claims(output, "small") == (False, True, True)
    said = statement(output, "small")
    assert said[0].startswith("The PDF does not yet meet PDF/UA-1") and "found 1 problem." in said[0]
    assert said[1].startswith("The EPUB e-book meets")
    monkeypatch.undo()
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    assert claims(output, "small")[0] is False  # still unchecked: no claim


def test_a_handbook_never_checked_claims_nothing(small_handbook, tmp_path):
    output = tmp_path / "out"
    assert main(["site", str(small_handbook), "--output", str(output)]) == 0
    assert claims(output, "small") == (False, False, False)
    said = statement(output, "small")
    assert said[:3] == [
        "The PDF has not been checked against PDF/UA-1, the standard for accessible PDF.",
        "The EPUB e-book has not been checked against EPUB Accessibility 1.1 at WCAG 2.1 "
        "level AA.",
        "The fact sheet has not been checked against PDF/UA-1, the standard for accessible PDF."]


def test_each_checker_reports_a_finding_as_path_error_message(output, tmp_path, monkeypatch):
    from press.validate import accessibility, epubcheck, pdf_ua

    assert main(["booklet", str(HANDBOOKS[0].parent), "--output", str(output)]) == 0
    booklet = output / f"{SLUGS[0]}-booklet.pdf"  # imposed: two pages a side, not tagged
    assert all(line.startswith(f"{booklet}: error: PDF/UA-1 ") for line in pdf_ua(booklet))
    assert pdf_ua(booklet)
    broken = tmp_path / "broken.epub"
    broken.write_bytes(b"PK\x03\x04 not an EPUB")
    assert epubcheck(broken) and all(line.startswith(f"{broken}: error: EPUBCheck ")
                                     for line in epubcheck(broken))
    page = tmp_path / "out" / "site" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>T</title></head><body><main>'
                    '<h1>T</h1><p style="color:#999;background:#aaa">faint</p></main></body>'
                    '</html>')
    monkeypatch.chdir(tmp_path)  # an --output given as a relative path, as make gives it
    found = accessibility(Path("out"), [(Path("out/site/index.html"), "out/site/index.html")])
    assert found and all(line.startswith("out/site/index.html: error: axe color-contrast")
                         for line in found)
