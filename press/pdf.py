"""The print PDF: the only importer of WeasyPrint, and its sandboxed URL fetcher."""

from __future__ import annotations

import calendar
import contextlib
import functools
import gc
import io
import logging
import multiprocessing.util
import os
import re
import sys
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import unquote, urlsplit

from .findings import Finding, SourceError
from . import inks, parts, patches
from .model import Book
from . import STYLES
from .sources import picture_type
from .svg import is_small_inline_picture
from .timing import stage
from .words import ENGLISH_WORDS

FONTS = STYLES / "fonts"
# Fontconfig reads this when WeasyPrint starts it: only the project's fonts exist.
os.environ["FONTCONFIG_FILE"] = str(FONTS / "fonts.conf")


def _load_weasyprint():
    """Import WeasyPrint without searching the system for its C libraries.

    WeasyPrint tries several names for each library (Pango, HarfBuzz, fontconfig ...);
    for every name the dynamic loader does not know, cffi calls ctypes.util.find_library,
    which runs ldconfig and the C compiler with temporary files: half of the 0.6 s that
    importing WeasyPrint takes, and files read outside the project. Every list of names
    holds the library's own file name, which the loader finds itself, so the search is
    left out while WeasyPrint loads; should that fail on some system, it loads as usual.
    It also reads the system's table of file types (/etc/mime.types), which differs from
    machine to machine: Python's own table serves instead.
    """
    import ctypes.util
    import mimetypes

    mimetypes.knownfiles = []
    mimetypes.init()

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    except OSError:
        for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
        ctypes.util.find_library = search
        import weasyprint
    finally:
        ctypes.util.find_library = search
    return weasyprint


weasyprint = _load_weasyprint()
# A book is laid out in parts side by side only where WeasyPrint is the version whose
# functions the parts' hooks were written for (press.parts).
IN_PARTS = patches.apply(weasyprint) and parts.install(weasyprint)


def _font_configuration():
    """A font configuration for one layout, whose folder of fonts is removed at the latest
    when this process ends.

    WeasyPrint writes the fonts of the style sheets' @font-face rules to a temporary folder
    (6.5 MB for the shipped fonts) and removes it when its FontConfiguration is collected;
    one still alive when the process ends (a layout's Document kept to the end, or a helper
    process, which ends without collecting) would leave its folder behind, build after
    build. So each is remembered, and what is left of them removed as the process ends
    (multiprocessing's finalizers run in the main process and in helpers alike).
    """
    from weasyprint.text.fonts import FontConfiguration

    configuration = FontConfiguration()
    _FONT_CONFIGURATIONS.add(configuration)
    return configuration


def _remove_font_folders() -> None:
    import shutil

    for configuration in list(_FONT_CONFIGURATIONS):
        folder = getattr(configuration, "_folder", None)  # where WeasyPrint 70.0 keeps them
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


_FONT_CONFIGURATIONS: weakref.WeakSet = weakref.WeakSet()
multiprocessing.util.Finalize(None, _remove_font_folders, exitpriority=0)

LINK_FIELD = re.compile(r"\{(words|page)\}")  # in a link's words, as the templates give them
ORIGIN = "PressOrigin"  # a structure element's private key: the HTML element it was made for
DECORATIONS = "PressDecorations"  # the structure tree root's: the MCIDs that are decoration
GENERATED = ("::before", "::after", "::marker")


def anchor_pages(pages) -> dict[str, int]:
    """The page (numbered from 1) on which each element with an id begins."""
    found: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        for name in page.anchors:
            found.setdefault(name, number)
    return found


def _tag_more_precisely() -> bool:
    """Teach WeasyPrint's tagging (70.0) what the structure tree needs to know that only
    the layout knows, for press.tagging to finish the tree after the PDF is written:

    - which HTML element each structure element was made for (``ORIGIN``), so that a
      chapter, a paragraph or a table cut across pages becomes one element again;
    - which generated content is decoration (a bullet, a callout's icon, a quotation mark,
      the dots of a leader: generated text without a letter or digit): ``DECORATIONS``
      lists its marked content, page by page;
    - a footnote is a Note (with the ID PDF/UA asks of one), a head cell says whether it
      heads a column or a row, and a link says where it leads in words ("2 Skills and
      education, page 9"), not by an anchor's name.

    Returns whether the tagging could be taught (WeasyPrint's own functions as expected).
    """
    import pydyf
    from weasyprint import pdf as pdf_module
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    if getattr(tags, "_press_taught", False):
        return True
    build, add = getattr(tags, "_build_box_tree", None), getattr(pdf_module, "add_tags", None)
    if build is None or add is None or add is not tags.add_tags:
        return False
    state: dict = {}

    def build_box_tree(box, parent, pdf, page_number, nums, annotations, marks):
        for element in build(box, parent, pdf, page_number, nums, annotations, marks):
            if box.element is not None and ORIGIN not in element:
                element[ORIGIN] = _origin(box)
                _describe(box, element)
            yield element

    def _origin(box) -> int:
        # The root and the body are the same elements in every part of a book laid out
        # in parts (press.parts); every other element is in one part only.
        if box.element_tag in SHARED:
            return SHARED.index(box.element_tag)
        key = (id(box.element), box.element_tag)
        current = parts.part()
        base = (current.index + 1 if current is not None else 1) << 24
        return base + state["origins"].setdefault(key, len(state["origins"]))

    def _describe(box, element):
        html = box.element
        if box.element_tag == "span" and "footnote" in (html.get("class") or "").split():
            element["S"] = "/Note"
            element["ID"] = pydyf.String("note-" + (html.get("id") or str(element[ORIGIN])))
        elif box.element_tag == "th" and "A" in element:
            element["A"]["Scope"] = "/Row" if html.get("scope") == "row" else "/Column"
        annotation = box.link_annotation
        link = html
        while link is not None and link.tag != "a":  # a link's words, from any box inside it
            link = state["parents"].get(id(link))
        if annotation is not None and link is not None:
            pieces = [part.strip() for part in link.itertext() if part.strip()]
            words = " ".join(pieces)
            target = link.get("href", "")
            if target.startswith("#") and target[1:] in state["pages"]:
                # In the book's language: a contents entry's words name its chapter
                # (book.html.j2), any other link's are the link's own (print-document).
                said = link.get("data-link-words") or state["link_page"]
                filled = {"words": words, "page": str(state["pages"][target[1:]])}
                words = LINK_FIELD.sub(lambda field: filled[field.group(1)], said)
            if words:
                annotation["Contents"] = pydyf.String(words)

    def add_tags(pdf, document, pdf_version, page_streams):
        state["origins"], state["pages"], state["parents"] = {}, _link_pages(document), {}
        state["link_page"] = ENGLISH_WORDS("link_to_page", words="{words}", page="{page}")
        if document.pages:
            root = document.pages[0]._page_box.children[0].element
            for parent in root.iter():
                state["parents"].update((id(child), parent) for child in parent)
            body = root.find("body")
            if body is not None and body.get("data-link-page"):
                state["link_page"] = body.get("data-link-page")
        decorations = pydyf.Array()
        for stream in page_streams:
            decorations.append(pydyf.Array(sorted(
                mark["mcid"] for box, mark in (stream._tags or {}).items()
                if isinstance(box, boxes.TextBox) and (box.element_tag or "").endswith(GENERATED)
                and not any(character.isalnum() for character in box.text))))
        try:
            result = add(pdf, document, pdf_version, page_streams)
        finally:
            state.clear()
        root = pdf.catalog["StructTreeRoot"]
        pdf.objects[int(root.split()[0])][DECORATIONS] = decorations
        return result

    tags._build_box_tree = build_box_tree
    pdf_module.add_tags = add_tags
    tags._press_taught = True
    return True


SHARED = ("html", "body")


def _link_pages(document) -> dict[str, int]:
    """The page of each anchor a link may lead to: in a part of a book laid out in parts,
    numbered as in the book, with the other parts' anchors."""
    found = anchor_pages(document.pages)
    current = parts.part()
    if current is None:
        return found
    return {**current.foreign, **{name: page + current.offset for name, page in found.items()}}


TAGGING_TAUGHT = _tag_more_precisely()

LOGGER = logging.getLogger("press")


NO_FILES: Mapping[str, bytes] = MappingProxyType({})
# The kinds of file a theme holds (the mimetypes module would read the system's tables).
THEME_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
               ".woff2": "font/woff2", ".png": "image/png", ".jpg": "image/jpeg",
               ".svg": "image/svg+xml", ".icc": "application/vnd.iccprofile"}

# Every file reaches WeasyPrint under a fixed address, so nothing in the PDF depends on
# the folder the handbook or the project lies in.
HANDBOOK_URL = "file:///handbook/"
STYLES_URL = "file:///theme/styles/"


class SandboxedFetcher(weasyprint.URLFetcher):
    """Serves the handbook's files as the checks read them, and the theme, under fixed
    addresses; refuses the rest.

    For the press edition it serves the handbook's pictures in CMYK ink.
    """

    def __init__(self, files: Mapping[str, bytes], press: bool = False):
        super().__init__()
        self.files = files
        self.press = press
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if is_small_inline_picture(url):
            return super().fetch(url, headers)  # a small picture inside another: no I/O
        path = unquote(urlsplit(url).path)
        data = kind = None
        if url.startswith(HANDBOOK_URL) and path[len("/handbook/"):] in self.files:
            data = self.files[path[len("/handbook/"):]]
            kind = picture_type(data) or "application/octet-stream"
            if self.press:
                data, kind = inks.picture_in_cmyk(data, kind)
        elif url.startswith(STYLES_URL):
            theme = (STYLES / path[len("/theme/styles/"):]).resolve()
            if theme.is_relative_to(STYLES.resolve()) and theme.is_file():
                data = theme.read_bytes()
                kind = THEME_TYPES.get(theme.suffix, "application/octet-stream")
        if data is None:
            self.refused.append(url)
            raise ValueError(f"the build may not read {url}")
        return weasyprint.urls.URLFetcherResponse(url, data, headers={"Content-Type": kind})


def stylesheet_urls(book: Book, sheets: tuple[str, ...]) -> list[str]:
    """An edition's style sheets in cascade order, as WeasyPrint fetches them."""
    return [STYLES_URL + name.format(theme=book.metadata.theme, size=book.metadata.page_size)
            for name in sheets]


class _Problems(logging.Handler):
    """Collects what WeasyPrint reports as errors (a style sheet or font it could not load)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def weasyprint_errors_are_fatal():
    problems = _Problems()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(problems)
    try:
        yield
    finally:
        logger.removeHandler(problems)
    if problems.messages:
        raise RuntimeError("WeasyPrint: " + "; ".join(problems.messages))


@contextlib.contextmanager
def source_date(book: Book):
    """Stamp the fonts that fontTools subsets with the book's date, never the clock."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    date = book.publication_date
    os.environ["SOURCE_DATE_EPOCH"] = saved or str(calendar.timegm(date.timetuple()))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]


def laid_out(book: Book, html: str, files: Mapping[str, bytes] = NO_FILES, press: bool = False,
             tags: bool = True):
    """The book's HTML laid out by WeasyPrint (a Document), every file it reads sandboxed,
    and laid out again as long as ``Settings`` asks. One document in memory at a time: the
    layout of a book is most of a build's peak."""
    settings = Settings(numbered_tables(html))
    LOGGER.info("Laying out %s", book.slug)
    while True:
        rendered = _render(book, settings.source(), files, press, tags)
        if not settings.again(rendered):
            return rendered
        del rendered
        gc.collect()  # its boxes refer to each other: freed only by the collector


class Settings:
    """What a book (or a part of one, press.parts) is laid out with, and whether its
    layout asks for another.

    A table cell's words are never broken (styles/print.css) unless a word alone is wider
    than its column can be: a table that is then wider than its page is laid out again
    with hyphenation in its widest column (where the longest words are), and, should it
    still be too wide, in all its columns. Then a chapter whose last page holds little is
    set again, as press.tails says, and its remedy kept only where the chapter ends better.
    """

    def __init__(self, html: str):
        self.html = html  # its tables numbered (numbered_tables)
        self.hyphenated: dict[str, set[int] | None] = {}  # by table: its columns (None: all)
        self.rules: dict[str, str] = {}  # by chapter: the rule that sets its end again
        self.short: dict = {}  # the chapters whose end is short, as first laid out
        self.step = "tables"  # then "tails", "kept" (rules tried), "final" (rules kept), "done"
        self.type_size = SHEET_TYPE[0]  # a fact sheet's, in points

    def source(self) -> str:
        source = _hyphenating(self.html, self.hyphenated)
        if self.type_size != SHEET_TYPE[0]:
            source = _styled(source, [f"html {{ font-size: {self.type_size}pt; }}"])
        return _styled(source, self.rules.values()) if self.step in ("kept", "final") else source

    @functools.cached_property
    def sheet(self) -> bool:
        """Whether this is a fact sheet: one sheet its parts share (flyer.html.j2)."""
        return '<article class="fact-sheet"' in self.html  # (an author's text is escaped)

    def _resized(self, overflows: bool) -> bool:
        """Whether a fact sheet laid out in ``type_size`` (its parts overflowing the sheet,
        or not) is to be set again, in the next smaller size of SHEET_TYPE: the first that
        fits is kept (the size only ever goes down, so that it ends)."""
        if not overflows:
            return False
        smaller = [size for size in SHEET_TYPE if size < self.type_size]
        if not smaller:
            raise SheetTooFull()
        self.type_size = smaller[0]
        return True

    def again(self, document) -> bool:
        """Whether ``document`` (the book laid out with ``source``) is to be laid out again,
        with ``source`` as it is now. A fact sheet whose parts take more than its sheet is
        set in smaller type (SHEET_TYPE), and refused where they do not fit in the
        smallest (SheetTooFull)."""
        from . import tails

        if self.sheet and self._resized(_sheet_overflows(document)):
            return True
        if self.step == "tables":
            if _hyphenate_wider(self.hyphenated, _too_wide(document)):
                return True
            self.step = "tails"
        if self.step == "tails":
            self.short = tails.short(document)
            self.rules = tails.remedies(document, self.short) if self.short else {}
            self.step = "kept" if self.rules else "done"
            if self.rules:
                LOGGER.info("Setting again the ends of %s", ", ".join(self.rules))
            return bool(self.rules)
        if self.step == "kept":
            kept = tails.kept(self.rules, self.short, tails.tails(document))
            self.step = "done" if kept == self.rules else "final"
            self.rules = kept
            return self.step == "final"
        return False


# A fact sheet's type sizes, in points: flyer.css's, then the smaller ones it may be set in
# where its parts would take more than the sheet (10 pt is still read at arm's length).
SHEET_TYPE = (12.0, 11.5, 11.0, 10.5, 10.0)


class SheetTooFull(Exception):
    """A fact sheet's parts do not fit on its sheet, even in the smallest type."""


def _sheet_overflows(document) -> bool:
    """Whether a fact sheet's parts take more height than the sheet gives them: one part
    running into the next, the last past the foot of their share, one left off the sheet,
    or the sheet's own foot past the page (flyer.css shares the height out between the
    parts, and WeasyPrint lets them overlap, or drops what is left, where it is too little)."""
    from weasyprint.formatting_structure import boxes

    def bottom(box) -> float:
        lowest = box.position_y + box.margin_height()
        for child in getattr(box, "children", ()):
            lowest = max(lowest, bottom(child))
        return lowest

    def classes(box) -> list[str]:
        return ((box.element.get("class") or "").split()
                if box.element is not None and box.element_tag in ("div", "footer") else [])

    if len(document.pages) > 1:
        return True
    page = document.pages[0]._page_box
    around, rows, footer = [page], None, None
    while around:
        box = around.pop()
        if "fact-parts" in classes(box):
            rows = box
        if "fact-footer" in classes(box):
            footer = box
        if isinstance(box, boxes.ParentBox) and box is not rows:
            around.extend(box.children)
    if rows is None or footer is None or len(rows.children) < len(rows.element):
        return True  # a part, or the foot, left off the sheet
    if bottom(footer) > page.content_box_y() + page.height + 0.5:
        return True  # the sheet's foot past the page
    reached = rows.content_box_y()
    for row in rows.children:
        if row.position_y < reached - 0.5:
            return True
        reached = bottom(row)
    return reached > rows.content_box_y() + rows.height + 0.5


def _hyphenate_wider(hyphenated: dict[str, set[int] | None], wide: dict[str, list[float]]) -> bool:
    """Hyphenation allowed further in each table ``wide`` (too wide for its page): in its
    widest column first, then in all. Whether anything more is allowed."""
    if not wide or all(hyphenated.get(table, set()) is None for table in wide):
        return False
    for table, widths in wide.items():
        if table not in hyphenated:
            hyphenated[table] = {widths.index(max(widths)) + 1}
        elif hyphenated[table] is not None:
            hyphenated[table] = None
    return True


def _styled(html: str, rules) -> str:
    """``html`` with the style ``rules`` added last, after every style sheet."""
    return html.replace("</head>", "<style>" + "\n".join(rules) + "</style></head>", 1)


TABLE = re.compile(r"<table\b")


def numbered_tables(html: str) -> str:
    """``html`` with each table numbered (``data-table``), for the rules that hyphenate
    the cells of one table."""
    numbers = iter(range(1, 1 << 30))
    return TABLE.sub(lambda found: f'<table data-table="{next(numbers)}"', html)


def _hyphenating(html: str, hyphenated: Mapping[str, set[int] | None]) -> str:
    """``html`` with hyphenation allowed in the cells of the columns ``hyphenated``."""
    if not hyphenated:
        return html
    cells = ", ".join(f'table[data-table="{table}"] tr > *' if columns is None else ", ".join(
        f'table[data-table="{table}"] tr > :nth-child({column})' for column in sorted(columns))
                      for table, columns in sorted(hyphenated.items()))
    return _styled(html, [f"{cells} {{ hyphens: auto; overflow-wrap: break-word; }}"])


def _too_wide(document) -> dict[str, list[float]]:
    """The tables wider than the column they stand in, with their columns' widths."""
    from weasyprint.formatting_structure import boxes

    wide: dict[str, list[float]] = {}
    for page in document.pages:
        around = [page._page_box]
        while around:
            parent = around.pop()
            for child in getattr(parent, "children", ()):
                if getattr(child, "is_table_wrapper", False):
                    table = child.get_wrapped_table()
                    name = table.element.get("data-table") if table.element is not None else None
                    if name and child.margin_width() > parent.width + 0.5:
                        wide.setdefault(name, list(table.column_widths))
                elif isinstance(child, boxes.ParentBox):
                    around.append(child)
    return wide


def _render(book: Book, html: str, files: Mapping[str, bytes], press: bool, tags: bool):
    fetcher = SandboxedFetcher(files, press=press)
    # The style sheets are <link>ed from the document (see stylesheet_urls): WeasyPrint
    # sizes inline SVG, such as ratings, only by the document's own style sheets.
    document = weasyprint.HTML(string=html, base_url=HANDBOOK_URL, url_fetcher=fetcher)
    with weasyprint_errors_are_fatal(), stage("layout"):
        rendered = document.render(pdf_tags=tags, font_config=_font_configuration())
        if fetcher.refused:  # the author's doing, not the pipeline's
            raise SourceError(Finding("E301", book.display_folder, None,
                                      f"the build may not read {url}",
                                      "images and files must be inside the handbook folder")
                              for url in fetcher.refused)
    return rendered


def render_pdf(book: Book, html: str, files: Mapping[str, bytes] = NO_FILES, press: bool = False,
               page_map: bool = False, claim: bool = False) -> tuple[bytes, int]:
    """Lay out the book's HTML; return the PDF and its page count.

    The office edition is tagged PDF/UA-1; the press edition is PDF/X-4 with a
    CMYK output intent, 3 mm bleed and crop marks outside the bleed. The office edition of
    a book of more than one chapter is laid out in parts side by side and merged (see
    press.parts); the press edition whole. With ``page_map``,
    each page records where in the book it begins (see press.pages). The office PDF names
    PDF/UA-1 in its metadata only with ``claim`` (see press.verdicts).
    """
    if not press and IN_PARTS:
        with stage("layout"):  # the parts laid out and written side by side (press.parts)
            made = parts.lay_out(book, numbered_tables(html), files, page_map)
        if made is not None:
            from .tagging import repair

            with stage("pdf writing"):
                data = parts.merge([data for data, _, _ in made])
                starts = [start for _, _, more in made for start in more] if page_map else None
                data = repair(data, starts, book.publication_date, claim)
            return data, sum(count for _, count, _ in made)
    rendered = laid_out(book, html, files, press, tags=not press)  # a press reads no tags
    LOGGER.info("Writing the PDF of %s", book.slug)
    variant = "pdf/x-4" if press else "pdf/ua-1"
    with source_date(book), stage("pdf writing"):
        data = rendered.write_pdf(pdf_variant=variant, pdf_tags=not press,
                                  pdf_identifier=book.slug.encode())
    if press:
        from .imposition import finish_press_pdf, padded_pages

        data = finish_press_pdf(data, book.identifier)
        return data, len(padded_pages(len(rendered.pages)))
    else:
        from .pages import page_starts
        from .tagging import repair  # the structure tree, as PDF/UA-1 wants it

        with stage("pdf writing"):
            starts = page_starts(rendered) if page_map else None
            data = repair(data, starts, book.publication_date, claim)
    return data, len(rendered.pages)


@dataclass(frozen=True)
class Draft:
    """The office PDF as the preview shows it: laid out alike, but untagged and unrepaired
    (a reader never gets this file)."""

    data: bytes
    count: int  # its pages
    starts: list  # where each page begins (see press.pages)
    anchors: dict[str, int]  # the page each element with an id begins on


def draft_pdf(book: Book, html: str, files: Mapping[str, bytes] = NO_FILES,
              kept: slice = slice(None)) -> Draft:
    """The preview's PDF of ``html``: of its pages, those ``kept``."""
    from .pages import page_starts

    rendered = laid_out(book, html, files, tags=False)
    pages = rendered.pages[kept]
    with source_date(book):
        data = rendered.copy(pages).write_pdf()
    return Draft(data, len(pages), page_starts(rendered)[kept], anchor_pages(pages))


COVER_WIDTH = 1600  # pixels: sharp on a tablet, small enough for any reader


def cover_image(book: Book, html: str, files: Mapping[str, bytes] = NO_FILES) -> bytes:
    """The printed cover's design as a PNG, for the EPUB and the readers' libraries."""
    import pypdfium2  # only this drawing of the cover needs it

    fetcher = SandboxedFetcher(files)
    document = weasyprint.HTML(string=html, base_url=HANDBOOK_URL, url_fetcher=fetcher)
    with weasyprint_errors_are_fatal():
        rendered = document.render(font_config=_font_configuration())
    with source_date(book):
        pdf = pypdfium2.PdfDocument(rendered.copy(rendered.pages[:1]).write_pdf())
    page = pdf[0]
    picture = page.render(scale=COVER_WIDTH / page.get_width()).to_pil()
    output = io.BytesIO()
    picture.convert("RGB").save(output, format="PNG", optimize=True)
    return output.getvalue()
