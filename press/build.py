"""Building editions: gather and check every source first, then write each file under a
temporary name, for the command line to put in place."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from . import __version__
from .findings import ERROR, Finding, SourceError
from .model import Book, RenderedChapter
from .cache import output_path
from .editions import EDITIONS, Edition
from .output import OutputError, fault, temporary, temporary_folder
from .render import (environment, fact_sheet_rows, fact_sheet_sections, footnotes_at_calls,
                     render_book, render_chapter, shown_files)
from .sources import display, read_book, read_files
from .timing import stage

INLINE_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


@dataclass(frozen=True)
class Built:
    """One edition made, under a temporary name beside its file until the command line
    puts every edition of the run into place at once."""

    book: Book
    edition: str
    path: Path
    temporary: Path
    count: int | None = None
    unit: str = "pages"
    seconds: float = 0.0  # how long it took to make


@dataclass(frozen=True)
class Checked:
    """A handbook whose sources hold no error: its rendered chapters, its warnings, and the
    bytes of every file its editions show (pictures, the cover), as read for the checks."""

    book: Book
    chapters: tuple[RenderedChapter, ...]
    warnings: tuple[Finding, ...] = ()
    files: Mapping[str, bytes] = field(default_factory=dict)


def load_and_check(folder: Path, as_given: str, strict: bool = False,
                   exclude: Iterable[Path] = ()) -> Checked:
    """Load, render and check a handbook; SourceError with every error found (and, with
    ``strict``, every warning as an error). ``exclude``: what builds write into the
    handbook, should the output folder lie inside it."""
    from .limits import UNREAD, check_limits, too_deep

    with stage("load"):
        book, findings = read_book(folder, as_given, exclude)
    chapters, files = (), {}
    if book is not None:
        too_much = check_limits(book)
        if too_much or any(f.code in UNREAD for f in findings):
            raise SourceError(f for f in findings + too_much if f.severity == ERROR)
        with stage("markdown"):
            chapters, deep = [], []
            for index, chapter in enumerate(book.chapters):
                try:
                    chapters.append(render_chapter(book, index))
                except RecursionError:  # nested past what Python-Markdown can follow
                    deep.append(too_deep(chapter.display_path, None, None))
            if deep:
                raise SourceError([f for f in findings if f.severity == ERROR] + deep)
            chapters = tuple(chapters)
        files = read_files(book, shown_files(book, chapters))
        from .checks import check_book  # a helper that only builds never loads the checks

        with stage("check"):
            findings += check_book(book, chapters, files)
    if strict:
        findings = [replace(finding, severity=ERROR) for finding in findings]
    errors = [finding for finding in findings if finding.severity == ERROR]
    if errors:
        raise SourceError(errors)
    return Checked(book, chapters, tuple(findings),
                   {name: data for name, data in files.items() if isinstance(data, bytes)})


def print_html(book: Book, stylesheets: list[str] = (),
               chapters: tuple[RenderedChapter, ...] | None = None, press: bool = False) -> str:
    """The print edition's whole document as HTML, linking ``stylesheets``.

    ``press`` gives inline SVG (ratings, the cover's pattern) their colours in CMYK ink.
    """
    chapters = tuple(print_form(rendered) for rendered in chapters or render_book(book))
    cover_url = book.metadata.cover or ""  # relative to the handbook folder
    html = environment().get_template("book.html.j2").render(
        book=book, chapters=chapters, version=__version__,
        cover_url=cover_url, stylesheets=stylesheets, press=press)
    return finished(html, book, press)


def finished(html: str, book: Book, press: bool = False) -> str:
    """A printed document's HTML as it is laid out: its lines broken as a typesetter
    breaks them, its drawings in their colours (or inks, for the ``press``)."""
    return inked_svg(_line_breaks(html), book, press)


def print_form(rendered: RenderedChapter) -> RenderedChapter:
    """A chapter as the print edition has it: each footnote where it is called; a
    paragraph that ends in a colon, or stands alone between a heading and the table, list,
    box or quotation it introduces, marked as the lead-in it is (kept with what follows);
    and a pros box beside the cons box after it (or before) in one group (kept on one page
    where they fit, side by side where the page is wide)."""
    html = LEAD_IN.sub(r'<p class="lead-in">\1</p>', footnotes_at_calls(rendered.html))
    html = INTRODUCTION.sub(r'\1<p class="lead-in">\2</p>', html)
    html = PROS_AND_CONS.sub(r'<div class="pros-cons">\1\3</div>', html)
    return replace(rendered, html=html)


def _line_breaks(html: str) -> str:
    """The text's line breaks as a typesetter sets them (not in the document's head, code
    blocks or drawings):

    - each hyphenated word with a piece of four letters or fewer ("trade-offs", "day-to-
      day") kept on one line, so that no line begins with "offs" or ends with "e-";
    - a paragraph's last word never hyphenated, so that its last line is never the end of
      a word ("opment.");
    - a heading's, a title's or a summary's last two words kept on one line, so that
      none ends in a word alone ("Welcome to the engine room of / data");
    - a long code span in the text or a cell (``spark.sql.adaptive.enabled``) given
      places to break, before a dot or an underscore, after a slash, and between camel-
      case words, as Chicago breaks a long address: with no hyphen added, it never
      stretches the justified line before it wide to make room for the whole span on
      the next, nor breaks at any letter in a narrow column. Each place is a zero-width
      space in the span's own text (the layout engine goes back to a <wbr> between two
      boxes no further than the last box), which the PDF's text leaves out: copied, the
      span is as the author wrote it."""
    tokens = TAG.split(html)
    pieces, skipped, code, closing, display = [], 0, 0, None, False
    for index, piece in enumerate(tokens):
        if piece.startswith("<"):
            name = TAG_NAME.match(piece)
            tag, step = (name.group(2).lower(), -1 if name.group(1) else 1) if name else ("", 0)
            if piece.endswith("/>"):
                pass
            elif tag in UNTOUCHED:
                skipped += step
            elif tag == "code":
                code += step
            elif step > 0 and (tag in HEADING_TAGS or DISPLAY.match(piece)):
                closing, display = f"</{tag}>", True
            elif step > 0 and tag == "p":
                closing, display = "</p>", False
            elif piece == closing:
                closing = None
        elif skipped:
            pass
        elif code:
            if len(piece) > LONG_CODE:
                piece = CODE_BREAK.sub("\u200b", piece)
        else:
            last = closing is not None and index + 1 < len(tokens) and tokens[index + 1] == closing
            piece = _kept_together(piece, display) if last else COMPOUND.sub(_unbroken, piece)
        pieces.append(piece)
    return "".join(pieces)


def _kept_together(text: str, display: bool) -> str:
    """The last text of a paragraph (or of a heading, a title, a summary: ``display``),
    its last word (or two) kept whole on one line."""
    found = (LAST_TWO_WORDS if display else LAST_WORD).search(text)
    if found is None or (display and (len(found.group(1)) > 24 or len(found.group(2)) > 10)):
        return COMPOUND.sub(_unbroken, text)
    return (COMPOUND.sub(_unbroken, text[:found.start()])
            + f'<span class="unbroken">{found.group(1)}</span>{text[found.end(1):]}')


def _unbroken(word: re.Match) -> str:
    if min(len(part) for part in word.group().split("-")) > 4:
        return word.group()
    return f'<span class="unbroken">{word.group()}</span>'


TAG = re.compile(r"(<[^>]*>)")
TAG_NAME = re.compile(r"<(/?)([a-zA-Z0-9]+)")
UNTOUCHED = {"head", "style", "script", "title", "pre", "svg"}
HEADING_TAGS = {"h1", "h2", "h3", "h4"}
DISPLAY = re.compile(r'<p class="(?:cover-title|cover-subtitle|title-page-subtitle|chapter-summary'
                     r'|back-cover-title|fact-subtitle)"')
COMPOUND = re.compile(r"(?<![\w-])\w+(?:-\w+)+(?![\w-])")
LAST_WORD = re.compile(r"([\w’'-]{7,})[^\w\s<]*\s*$")  # a word that may be hyphenated
LAST_TWO_WORDS = re.compile(r"(\S+ (\S+?))[^\w\s<]*\s*$")
LONG_CODE = 16  # characters: a shorter code span is kept whole
# Between two characters of a word: before a dot or an underscore, after a slash, and
# where a lower-case letter meets a capital (coalesce|Partitions).
CODE_BREAK = re.compile(r"(?<=\w)(?=[._]\w)|(?<=\w/)(?=\w)|(?<=[a-z])(?=[A-Z][a-z])")


# A paragraph of the chapter's own (no attributes) whose words end in a colon.
LEAD_IN = re.compile(r"<p>((?:(?!</?p[\s>]).)*?:(?:\s*</\w+>)*)</p>", re.S)
# A paragraph alone between a heading and the table, list, box or quotation after it.
INTRODUCTION = re.compile(r"(</h[2-4]>\s*)<p>((?:(?!</?p[\s>]).)*?)</p>"
                          r"(?=\s*<(?:table|ul|ol|aside|blockquote|figure)\b)", re.S)
PROS_AND_CONS = re.compile(r'(<aside class="callout callout-(pros|cons)"(?:(?!</?aside\b).)*</aside>)'
                           r'\s*(<aside class="callout callout-(?!\2)(?:pros|cons)"'
                           r'(?:(?!</?aside\b).)*</aside>)', re.S)


def inked_svg(html: str, book: Book, press: bool = False) -> str:
    """``html`` with its inline SVG's ``currentColor`` made the colour it stands for, which
    the layout engine does not take from the style sheets (it would draw black): a rating's
    stars in the theme's rating colour, a callout's icon in its kind's, the rest (a QR
    code) in black; in the press edition as its inks (the colour's CMYK build, black as K
    alone). Only inside each <svg>: an author's code sample may show the same words."""
    from .styles import custom_properties, resolve

    properties = custom_properties(book.metadata.theme, press)
    black = "device-cmyk(0 0 0 1)" if press else "#000000"

    def ink(svg: re.Match) -> str:
        drawing = DRAWING.match(svg.group())
        name = drawing and (drawing.group(1) or drawing.group(2))
        colour = resolve(f"var(--colour-{name})", properties) if name else black
        return svg.group().replace('"currentColor"', f'"{colour}"')

    return INLINE_SVG.sub(ink, html)


# Our own drawings, and the theme's colour each is in: a rating's stars, a callout's icon.
DRAWING = re.compile(r'<svg\b[^>]*\sclass="(?:(rating)-stars|callout-icon callout-icon-(\w+))"')


class Editions:
    """One handbook's editions, sharing what they have in common.

    The chapters are rendered once; the office PDF is laid out once and serves
    both its own file and the booklet. Each edition is written to a temporary file
    beside its own; nothing takes an edition's name until the command line says so.
    """

    def __init__(self, checked: Checked, output: Path, claims: frozenset[str] = frozenset()):
        self.book = checked.book
        self.chapters = checked.chapters
        self.files = checked.files
        self.output = output
        self.claims = claims  # the editions that claim their conformance (press.verdicts)

    def _write(self, edition: str, write, count: int | None = None, folder: bool = False
               ) -> Built:
        """Call ``write(path)`` on a new temporary file (or ``folder``) for ``edition``; a
        Built for it (with ``write``'s result as the count unless ``count`` is given)."""
        target = output_path(self.output, self.book.slug, edition)
        path = temporary_folder(target) if folder else temporary(target)
        try:
            result = write(path)
        except BaseException as error:
            if folder:
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            if isinstance(error, OSError) and not isinstance(error, OutputError):
                raise fault(target, error) from None
            raise
        return Built(self.book, edition, target, path, result if count is None else count,
                     EDITIONS[edition].unit)

    def laid_out(self, edition: Edition) -> tuple[bytes, int]:
        """The PDF of a paged edition (the book, or its fact sheet) and its page count."""
        from .pdf import SheetTooFull, render_pdf, stylesheet_urls  # WeasyPrint: when wanted

        stylesheets = stylesheet_urls(self.book, edition.sheets)
        with stage("templates"):
            if edition.name == "flyer":
                html = finished(environment().get_template("flyer.html.j2").render(
                    book=self.book, chapters=self.chapters, version=__version__, press=False,
                    rows=fact_sheet_rows(fact_sheet_sections(self.book, self.chapters)),
                    stylesheets=stylesheets), self.book)
            else:
                html = print_html(self.book, stylesheets, self.chapters, press=edition.press)
        try:
            return render_pdf(self.book, html, self.files, press=edition.press,
                              page_map=edition.page_map, claim=edition.name in self.claims)
        except SheetTooFull:
            lines = self.book.fact_sheet_lines
            hint = ("name shorter sections, or fewer, in fact_sheet:" if lines else
                    "name shorter sections for it with fact_sheet: in book.yaml (the README "
                    "says how)")
            raise SourceError([Finding(
                "E243", display(self.book.display_folder, "book.yaml"),
                lines[0] if lines else None,
                "the fact sheet's parts do not fit on its one sheet, even in 10 pt type",
                hint)]) from None

    @cached_property
    def office_pdf(self) -> tuple[bytes, int]:
        return self.laid_out(EDITIONS["pdf"])

    def make(self, name: str) -> Built:
        """Make the edition ``name`` under a temporary name."""
        edition = EDITIONS[name]
        if name == "pdf":
            data, pages = self.office_pdf
        elif name == "booklet":
            from .imposition import impose_booklet

            return self._write(name, lambda path: impose_booklet(
                self.office_pdf[0], path, self.book.words))
        elif name == "epub":
            from .epub import write_epub

            with stage("epub"):
                return self._write(name, lambda path: write_epub(
                    self.book, self.chapters, self.cover, path, self.files,
                    self.print_pages, claim="epub" in self.claims), count=0)
        elif name == "site":
            from .site import write_handbook_site

            with stage("site"):
                return self._write(name, lambda path: write_handbook_site(
                    self.book, self.chapters, self.cover, path, self.files, self.output,
                    self.print_pages),
                    folder=True)
        else:
            data, pages = self.laid_out(edition)
        return self._write(name, lambda path: path.write_bytes(data), pages)

    @cached_property
    def print_pages(self):
        """Where each page of the office PDF, as built, begins (see press.pages)."""
        from .pages import read

        path = EDITIONS["pdf"].path(self.output, self.book.slug)
        try:
            return read(path.read_bytes())
        except OSError as error:
            raise fault(path, error) from None

    @cached_property
    def cover(self) -> bytes:
        return epub_cover(self.book, self.files)


def epub_cover(book: Book, files: Mapping[str, bytes]) -> bytes:
    """The EPUB's cover picture: the author's image where book.yaml names one, else the
    printed design."""
    from .pdf import cover_image, stylesheet_urls

    if book.metadata.cover:
        return files[book.metadata.cover]
    html = environment().get_template("cover-image.html.j2").render(
        book=book, version=__version__, cover_url="",
        stylesheets=stylesheet_urls(book, EDITIONS["pdf"].sheets),
        press=False)
    return cover_image(book, html, files)


def build(checked: Checked, formats: list[str], output: Path,
          claims: frozenset[str] = frozenset()) -> list[Built]:
    """Build the book in each format from its chapters, rendered (and checked) once; each
    file under a temporary name (all of them removed again if one edition fails); those in
    ``claims`` claim their conformance."""
    import time

    editions = Editions(checked, output, claims)
    built: list[Built] = []
    try:
        for name in formats:
            started = time.perf_counter()
            made = editions.make(name)
            built.append(replace(made, seconds=time.perf_counter() - started))
    except BaseException:
        for done in built:
            if done.temporary.is_dir():
                shutil.rmtree(done.temporary, ignore_errors=True)
            else:
                done.temporary.unlink(missing_ok=True)
        raise
    return built
