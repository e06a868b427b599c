"""Building editions: gather and check every source first, then write each file atomically."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .checks import check_book
from .findings import SourceError
from .model import Book
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


def print_html(book: Book, stylesheets: list[str] = ()) -> str:
    """The print edition's whole document as HTML, linking ``stylesheets``."""
    chapters = render_book(book)
    chapters = tuple(
        type(rendered)(chapter=rendered.chapter, html=footnotes_at_calls(rendered.html),
                       headings=rendered.headings)
        for rendered in chapters)
    cover_url = book.metadata.cover or ""  # relative to the handbook folder
    return environment().get_template("book.html.j2").render(
        book=book, chapters=chapters, identifier=book.identifier, version=__version__,
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


def build_pdf(book: Book, output: Path) -> Built:
    from .pdf import stylesheet_urls, write_pdf  # WeasyPrint loads only when a PDF is wanted

    target = output / f"{book.slug}.pdf"
    html = print_html(book, stylesheet_urls(book))
    pages = write_atomically(target, lambda path: write_pdf(book, html, path))
    return Built(book, target, pages)


BUILDERS = {"pdf": build_pdf}
