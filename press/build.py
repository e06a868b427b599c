"""Building editions: gather and check every source first, then write each file atomically."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .checks import check_book
from .findings import SourceError
from .model import Book, RenderedChapter
from .render import environment, footnotes_at_calls, render_book
from .sources import read_book



@dataclass(frozen=True)
class Built:
    """One file written, for the progress report."""

    book: Book
    path: Path
    pages: int | None = None


def load_and_check(folder: Path, as_given: str) -> Book:
    """A handbook whose every source is sound, or SourceError with all that is not."""
    book, findings = read_book(folder, as_given)
    if book is not None:
        findings += check_book(book)
    if findings:
        raise SourceError(findings)
    return book


def print_html(book: Book, stylesheets: list[str] = (),
               chapters: tuple[RenderedChapter, ...] | None = None) -> str:
    """The print edition's whole document as HTML, linking ``stylesheets``."""
    chapters = tuple(
        type(rendered)(chapter=rendered.chapter, html=footnotes_at_calls(rendered.html),
                       headings=rendered.headings)
        for rendered in chapters or render_book(book))
    cover_url = book.metadata.cover or ""  # relative to the handbook folder
    return environment().get_template("book.html.j2").render(
        book=book, chapters=chapters, version=__version__,
        cover_url=cover_url, stylesheets=stylesheets)


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


def build_pdf(book: Book, output: Path, chapters: tuple[RenderedChapter, ...]) -> Built:
    from .pdf import stylesheet_urls, write_pdf  # WeasyPrint loads only when a PDF is wanted

    target = output / f"{book.slug}.pdf"
    html = print_html(book, stylesheet_urls(book), chapters)
    pages = write_atomically(target, lambda path: write_pdf(book, html, path))
    return Built(book, target, pages)


def build_epub(book: Book, output: Path, chapters: tuple[RenderedChapter, ...]) -> Built:
    from .epub import write_epub

    target = output / f"{book.slug}.epub"
    write_atomically(target, lambda path: write_epub(book, chapters, epub_cover(book), path))
    return Built(book, target)


def epub_cover(book: Book) -> tuple[str, bytes]:
    """The EPUB's cover: the author's image where book.yaml names one, else the printed design."""
    from .epub import COVER_IMAGE
    from .pdf import cover_image, stylesheet_urls

    if book.metadata.cover:
        suffix = Path(book.metadata.cover).suffix.lower().replace(".jpeg", ".jpg")
        return f"images/cover{suffix}", (book.folder / book.metadata.cover).read_bytes()
    html = environment().get_template("cover-image.html.j2").render(
        book=book, version=__version__, cover_url="", stylesheets=stylesheet_urls(book))
    return COVER_IMAGE, cover_image(book, html)


BUILDERS = {"pdf": build_pdf, "epub": build_epub}


def build(book: Book, formats: list[str], output: Path) -> list[Built]:
    """Build the book in each format, rendering its chapters once for all of them."""
    chapters = render_book(book)
    return [BUILDERS[name](book, output, chapters) for name in formats]
