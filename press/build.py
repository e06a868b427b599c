"""Building editions: gather and check every source first, then write each file atomically."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from . import __version__
from .findings import ERROR, Finding, SourceError
from .model import Book, RenderedChapter
from .render import environment, fact_sheet_sections, footnotes_at_calls, render_book
from .sources import picture_type, read_book, read_file
from .timing import stage
from .cache import output_path

INLINE_SVG = re.compile(r"<svg\b.*?</svg>", re.S)



@dataclass(frozen=True)
class Built:
    """One file written, for the progress report."""

    book: Book
    path: Path
    count: int | None = None
    unit: str = "pages"


@dataclass(frozen=True)
class Checked:
    """A handbook whose sources hold no error, its rendered chapters, and its warnings."""

    book: Book
    chapters: tuple[RenderedChapter, ...]
    warnings: tuple[Finding, ...] = ()


def load_and_check(folder: Path, as_given: str, strict: bool = False) -> Checked:
    """Load, render and check a handbook; SourceError with every error found (and, with
    ``strict``, every warning as an error)."""
    with stage("load"):
        book, findings = read_book(folder, as_given)
    chapters = ()
    if book is not None:
        with stage("markdown"):
            chapters = render_book(book)
        from .checks import check_book  # a helper that only builds never loads the checks

        with stage("check"):
            findings += check_book(book, chapters)
    if strict:
        findings = [replace(finding, severity=ERROR) for finding in findings]
    errors = [finding for finding in findings if finding.severity == ERROR]
    if errors:
        raise SourceError(errors)
    return Checked(book, chapters, tuple(findings))


def print_html(book: Book, stylesheets: list[str] = (),
               chapters: tuple[RenderedChapter, ...] | None = None, press: bool = False) -> str:
    """The print edition's whole document as HTML, linking ``stylesheets``.

    ``press`` gives inline SVG (ratings, the cover's pattern) their colours in CMYK ink.
    """
    chapters = tuple(
        type(rendered)(chapter=rendered.chapter, html=footnotes_at_calls(rendered.html),
                       headings=rendered.headings)
        for rendered in chapters or render_book(book))
    cover_url = book.metadata.cover or ""  # relative to the handbook folder
    html = environment().get_template("book.html.j2").render(
        book=book, chapters=chapters, version=__version__,
        cover_url=cover_url, stylesheets=stylesheets, press=press)
    # Inline SVG takes no colour from style sheets: the press edition inks it in black (K),
    # in the SVG only (an author's code sample may show the same words).
    return INLINE_SVG.sub(_black_ink, html) if press else html


def _black_ink(svg: re.Match) -> str:
    return svg.group().replace('"currentColor"', '"device-cmyk(0 0 0 1)"')


def write_atomically(target: Path, write):
    """Call ``write(path)`` on a temporary file beside ``target``, then rename it into place.

    A failed build leaves an earlier good file exactly as it was. Returns what
    ``write`` returns.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        result = write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_umask())  # as open() would have made it, not mkstemp's 0600
        os.replace(temporary, target)
        return result
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Editions:
    """One handbook's editions, sharing what they have in common.

    The chapters are rendered once; the office PDF is laid out once and serves
    both its own file and the booklet.
    """

    def __init__(self, book: Book, output: Path, chapters: tuple[RenderedChapter, ...]):
        self.book = book
        self.output = output
        self.chapters = chapters

    def target(self, edition: str) -> Path:
        return output_path(self.output, self.book.slug, edition)

    @cached_property
    def office_pdf(self) -> tuple[bytes, int]:
        from .pdf import render_pdf, stylesheet_urls  # WeasyPrint loads only when wanted

        with stage("templates"):
            html = print_html(self.book, stylesheet_urls(self.book), self.chapters)
        return render_pdf(self.book, html)

    def pdf(self) -> Built:
        data, pages = self.office_pdf
        target = self.target("pdf")
        write_atomically(target, lambda path: path.write_bytes(data))
        return Built(self.book, target, pages)

    def booklet(self) -> Built:
        from .imposition import impose_booklet

        target = self.target("booklet")
        sheets = write_atomically(target, lambda path: impose_booklet(self.office_pdf[0], path))
        return Built(self.book, target, sheets, unit="sheets")

    def press(self) -> Built:
        from .pdf import render_pdf, stylesheet_urls

        html = print_html(self.book, stylesheet_urls(self.book, press=True), self.chapters,
                          press=True)
        data, pages = render_pdf(self.book, html, press=True)
        target = self.target("print")
        write_atomically(target, lambda path: path.write_bytes(data))
        return Built(self.book, target, pages)

    def flyer(self) -> Built:
        from .pdf import render_pdf, stylesheet_urls

        html = environment().get_template("flyer.html.j2").render(
            book=self.book, chapters=self.chapters, version=__version__, press=False,
            sections=fact_sheet_sections(self.book, self.chapters),
            stylesheets=stylesheet_urls(self.book, sheets=FLYER_SHEETS))
        data, pages = render_pdf(self.book, html)
        target = self.target("flyer")
        write_atomically(target, lambda path: path.write_bytes(data))
        return Built(self.book, target, pages)

    def epub(self) -> Built:
        from .epub import write_epub

        target = self.target("epub")
        with stage("epub"):
            write_atomically(target, lambda path: write_epub(self.book, self.chapters,
                                                             epub_cover(self.book), path))
        return Built(self.book, target)


def epub_cover(book: Book) -> tuple[str, bytes]:
    """The EPUB's cover: the author's image where book.yaml names one, else the printed design."""
    from .epub import COVER_IMAGE
    from .pdf import cover_image, stylesheet_urls

    if book.metadata.cover:
        data = read_file(book, book.metadata.cover)
        suffix = ".png" if picture_type(data) == "image/png" else ".jpg"
        return f"_cover{suffix}", data
    html = environment().get_template("cover-image.html.j2").render(
        book=book, version=__version__, cover_url="", stylesheets=stylesheet_urls(book),
        press=False)
    return COVER_IMAGE, cover_image(book, html)


# Each format and the Editions method that makes it, in the order `all` builds them.
FORMATS = {"pdf": Editions.pdf, "epub": Editions.epub, "print": Editions.press,
           "booklet": Editions.booklet, "flyer": Editions.flyer}
FLYER_SHEETS = ("fonts.css", "{theme}/theme.css", "base.css", "flyer.css")


def build(book: Book, formats: list[str], output: Path,
          chapters: tuple[RenderedChapter, ...]) -> list[Built]:
    """Build the book in each format from its chapters, rendered (and checked) once."""
    editions = Editions(book, output, chapters)
    return [FORMATS[name](editions) for name in formats]
