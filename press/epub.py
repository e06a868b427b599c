"""The EPUB 3 edition: the only importer of EbookLib.

It takes the same rendered chapters as the print edition, makes each an XHTML
document, and packs them with the cover, title page, imprint, navigation,
style sheet and the fonts the text needs (subset to its characters).
"""

from __future__ import annotations

import datetime
import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import lxml.etree
from ebooklib import epub
from .fonts import subset_faces
from .model import ANCHOR_PREFIX, Book, RenderedChapter
from .pages import PageStart, mark, not_counted, placed
from .render import environment, parse_fragment, quote_rules, split_into_files
from .sources import picture_type
from .styles import epub_stylesheet
from .verdicts import CHECKERS
from .words import ENGLISH_WORDS, Words

EPUB_CHECKERS = CHECKERS["epub"]

# The pipeline's own files start with "_", which no chapter's file (its anchor) can; the
# author's pictures live under media/ (see picture_files).
CSS_FILE = "styles/book.css"
COVER_IMAGE = "_cover.png"
COVER_JPEG = "_cover.jpg"
NAV_FILE = "_nav.xhtml"
XHTML = "application/xhtml+xml"
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf"}

ACCESSIBILITY = (
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
)
# The accessibility summary is the language's epub_summary, and epub_conforms after it
# where the checkers passed the EPUB (see press.verdicts), which then conforms to this.
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
# Said only of an EPUB that has the print edition's page numbers.
PAGE_NAVIGATION = (
    ("schema:accessibilityFeature", "printPageNumbers"),
    ("schema:accessibilityFeature", "pageNavigation"),
)
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
FRONT_PARTS = {"cover": "_cover.xhtml", "title-page": "_title-page.xhtml",
               "imprint": "_imprint.xhtml"}  # the print edition's parts, and the EPUB's


@dataclass(frozen=True)
class Page:
    """One XHTML document of the EPUB."""

    file_name: str
    content: bytes
    properties: tuple[str, ...] = ()


def chapter_file(chapter) -> str:
    """Where a chapter's XHTML lives in the EPUB: named by its anchor, at the top level."""
    return chapter.anchor.removeprefix(ANCHOR_PREFIX) + ".xhtml"


def picture_files(names) -> dict[str, str]:
    """Where each picture of the handbook (its path in the folder) lives in the EPUB: under
    media/, where none of the EPUB's own files are, its name cut down to letters, digits
    and ``._-/`` (which need no escaping in an address), made unique where two meet, in
    any case (a reading system's file system may not tell A.png from a.png)."""
    files: dict[str, str] = {}
    for name in sorted(names):
        safe = "media/" + re.sub(r"[^A-Za-z0-9._/-]", "-", name).replace("/.", "/-")
        stem, dot, suffix = safe.rpartition(".")
        number = 1
        while safe.casefold() in {taken.casefold() for taken in files.values()}:
            number += 1
            safe = f"{stem}-{number}{dot}{suffix}"
        files[name] = safe
    return files


def write_epub(book: Book, chapters: tuple[RenderedChapter, ...], cover_bytes: bytes,
               target: Path, pictures: Mapping[str, bytes],
               print_pages: list[PageStart] = (), claim: bool = False) -> None:
    """Pack the EPUB and write it to ``target``: ``cover_bytes`` is the cover picture,
    ``pictures`` the handbook's files that the chapters show, by their paths in the folder,
    ``print_pages`` where each page of the print edition begins (see press.pages); with
    ``claim``, it says it conforms to EPUB Accessibility 1.1 (see press.verdicts)."""
    files = {rendered.chapter.anchor: chapter_file(rendered.chapter) for rendered in chapters}
    media = picture_files(pictures)
    cover_name = COVER_IMAGE if picture_type(cover_bytes) == "image/png" else COVER_JPEG
    shown = placed(list(print_pages), [*FRONT_PARTS, "contents", *files])
    words = book.words
    pages = [
        _page(book, "_cover.xhtml", words("cover"), "epub/cover.xhtml.j2",
              cover_image=cover_name),
        _page(book, "_title-page.xhtml", book.metadata.title, "epub/title-page.xhtml.j2",
              body_type="frontmatter"),
        _page(book, "_imprint.xhtml", words("imprint"), "epub/imprint.xhtml.j2",
              body_type="frontmatter"),
    ]
    pages = [page_breaks(page, shown[part], None) for page, part in zip(pages, FRONT_PARTS)]
    images: set[str] = set()
    chapter_pages = []
    for rendered in chapters:
        anchor = rendered.chapter.anchor
        body, used = xhtml_body(rendered, files, media, words)
        images |= used
        page = _page(book, files[anchor], rendered.chapter.title,
                     "epub/chapter.xhtml.j2", body_type="bodymatter", chapter=rendered.chapter,
                     body=body)
        chapter_pages.append(page_breaks(page, shown[anchor], anchor))
    pages += chapter_pages
    where = {part: file for part, file in [*FRONT_PARTS.items(), ("contents", NAV_FILE),
                                           *files.items()]}
    page_list = [(start.number, f"{where[part]}#page-{start.number}")
                 for part, starts in shown.items() for start in starts]
    page_list.sort()

    ebook = epub.EpubBook()
    _metadata(ebook, book, page_list, claim)
    items = {}
    for page in pages:
        item = epub.EpubItem(uid=_uid(page.file_name), file_name=page.file_name,
                             media_type=XHTML, content=page.content)
        item.properties = list(page.properties)
        ebook.add_item(item)
        items[page.file_name] = item
    cover_item = epub.EpubCover(uid="cover-image", file_name=cover_name)
    cover_item.media_type = picture_type(cover_bytes)
    cover_item.content = cover_bytes
    ebook.add_item(cover_item)
    for name in sorted(images):
        content = pictures[name]
        ebook.add_item(epub.EpubItem(uid=_uid(media[name]), file_name=media[name],
                                     media_type=picture_type(content), content=content))
    # The characters to keep: the pages' text, and what the style sheet writes itself.
    text = "".join(page.content.decode() for page in pages) + "".join(words.quotes)
    kept = set()
    for face, data in subset_faces(book.metadata.theme, text, book.publication_date):
        kept.add(face.source)
        name = posixpath.join(posixpath.dirname(CSS_FILE), face.source)
        ebook.add_item(epub.EpubItem(uid=_uid(name), file_name=name,
                                     media_type=FONT_TYPES[face.path.suffix], content=data))
    css = epub_stylesheet(book.metadata.theme, kept) + quote_rules(words)
    ebook.add_item(epub.EpubItem(uid="style", file_name=CSS_FILE, media_type="text/css",
                                 content=css.encode()))

    navigation = epub.EpubNav(uid="nav", file_name=NAV_FILE, title=words("contents"))
    navigation.add_link(href=CSS_FILE, rel="stylesheet", type="text/css")
    ebook.add_item(navigation)
    ebook.add_item(epub.EpubNcx())
    ebook.toc = [toc_entry(rendered, files[rendered.chapter.anchor]) for rendered in chapters]
    ebook.guide = [
        {"type": "cover", "href": "_cover.xhtml", "title": words("cover")},
        {"type": "toc", "href": NAV_FILE, "title": words("contents")},
        {"type": "text", "href": chapter_pages[0].file_name,
         "title": words("start_of_content")},
    ]
    ebook.spine = [items["_cover.xhtml"], items["_title-page.xhtml"], items["_imprint.xhtml"],
                   navigation, *(items[page.file_name] for page in chapter_pages)]

    packed = io.BytesIO()
    modified = datetime.datetime.combine(book.publication_date, datetime.time())
    epub.write_epub(packed, ebook, {"mtime": modified, "epub2_guide": False,
                                    "epub3_pages": False,
                                    "landmark_title": words("landmarks")})
    target.write_bytes(normalised_zip(packed.getvalue(), modified, {
        "EPUB/" + NAV_FILE: functools.partial(
            finish_navigation, page_list=page_list,
            breaks=[start.number for start in shown["contents"]], words=words),
        "EPUB/toc.ncx": functools.partial(ncx_page_list, page_list=page_list, words=words),
        "EPUB/content.opf": functools.partial(package_language, book.metadata.language)}))


def page_breaks(page: Page, starts: list[PageStart], anchor: str | None) -> Page:
    """``page`` with a page-break marker where each print page in ``starts`` begins: in the
    chapter ``anchor`` by the letters before it, or (front matter) at the start."""
    if not starts:
        return page
    root = lxml.etree.fromstring(page.content)
    if anchor is None:
        part = root.find(f"{{{XHTML_NS}}}body")
        starts = [PageStart(start.number, start.part, 0) for start in starts]
    else:
        part = root.xpath("//*[@id=$id]", id=anchor)[0]
    mark(part, starts, page_marker, not_counted)
    content = lxml.etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")
    return Page(page.file_name, content, page.properties)


def page_marker(start: PageStart):
    """Where a print page begins, for reading systems' "go to page" and screen readers."""
    return lxml.etree.Element(f"{{{XHTML_NS}}}span", {
        f"{{{EPUB_NS}}}type": "pagebreak", "role": "doc-pagebreak",
        "id": f"page-{start.number}", "title": str(start.number)})


def toc_entry(rendered: RenderedChapter, file_name: str):
    """A chapter in the contents, with its sections where it has any (never an empty list)."""
    sections = [epub.Link(f"{file_name}#{heading.anchor}", heading.title, _uid(heading.anchor))
                for heading in rendered.headings if heading.level == 2]
    if not sections:
        return epub.Link(file_name, rendered.chapter.title, _uid("toc-" + file_name))
    return (epub.Section(rendered.chapter.title, file_name), sections)


def _page(book: Book, file_name: str, title: str, template: str, body_type: str = "",
          **context) -> Page:
    stylesheet = posixpath.relpath(CSS_FILE, posixpath.dirname(file_name) or ".")
    xhtml = environment().get_template(template).render(
        book=book, title=title, stylesheet=stylesheet, body_type=body_type, **context)
    properties = ("svg",) if "<svg" in xhtml else ()
    return Page(file_name, xhtml.encode(), properties)


def xhtml_body(rendered: RenderedChapter, files: dict[str, str], media: dict[str, str],
               words: Words = ENGLISH_WORDS) -> tuple[str, set[str]]:
    """A chapter's HTML as XHTML for the EPUB, and the pictures it shows (their paths in the
    handbook folder).

    Links between chapters lead to the other chapter's file; pictures to their files
    under media/; footnotes become EPUB notes at the chapter's end.
    """
    fragment = parse_fragment(rendered.html)
    images = split_into_files(fragment, files[rendered.chapter.anchor], files, media)
    for link in fragment.iter("a"):
        if "footnote-ref" in link.get("class", ""):
            link.set("epub:type", "noteref")
            link.set("role", "doc-noteref")
        if "footnote-backref" in link.get("class", ""):
            link.set("role", "doc-backlink")
            link.set("aria-label", words("back_to_text"))  # as the web edition, not "↩"
            link.attrib.pop("title", None)
    for notes in fragment.find_class("footnote"):
        notes.tag = "section"
        notes.set("epub:type", "endnotes")
        notes.set("role", "doc-endnotes")
        notes.set("aria-label", words("notes"))
        for rule in notes.findall("hr"):
            notes.remove(rule)
        for item in notes.iter("li"):
            item.set("epub:type", "endnote")
    body = (fragment.text or "") + "".join(
        lxml.etree.tostring(child, method="xml", encoding="unicode") for child in fragment)
    return body, images


def _metadata(ebook: epub.EpubBook, book: Book, page_list: list, claim: bool) -> None:
    meta = book.metadata
    ebook.set_identifier(book.identifier)
    ebook.set_title(meta.title)
    ebook.set_language(meta.language)
    if book.words.right_to_left:
        ebook.set_direction("rtl")  # the spine's page progression
    for number, author in enumerate(meta.authors, start=1):
        ebook.add_author(author, uid=f"author-{number}")
    for name, value in (("publisher", meta.publisher), ("description", meta.description),
                        ("rights", meta.rights), ("date", book.publication_date.isoformat())):
        if value:
            ebook.add_metadata("DC", name, value)
    if meta.subtitle:
        ebook.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        ebook.add_metadata(None, "meta", "subtitle",
                           {"refines": "#subtitle", "property": "title-type"})
    for name, value in ACCESSIBILITY + (PAGE_NAVIGATION if page_list else ()):
        ebook.add_metadata(None, "meta", value, {"property": name})
    summary = book.words("epub_summary")
    if claim:
        summary += " " + book.words("epub_conforms", checkers=book.words.join(EPUB_CHECKERS))
    ebook.add_metadata(None, "meta", summary, {"property": "schema:accessibilitySummary"})
    if claim:
        ebook.add_metadata(None, "meta", CONFORMANCE, {"property": "dcterms:conformsTo"})
    if page_list:  # the page numbers are the office PDF's, whose pages the press PDF's match
        source = book.words("print_edition_source", title=meta.title)
        ebook.add_metadata("DC", "source", source)
        ebook.add_metadata(None, "meta", source, {"property": "pageBreakSource"})


def _uid(name: str) -> str:
    """A manifest id (an XML name) for a file name or anchor."""
    return "x-" + re.sub(r"[^A-Za-z0-9_.-]", "-", name)


def finish_navigation(xhtml: bytes, page_list: list = (), breaks: list[int] = (),
                      words: Words = ENGLISH_WORDS) -> bytes:
    """EbookLib's navigation document, with its encoding declared and its landmarks hidden,
    the print pages that the contents take (``breaks``) marked, and the list of every print
    page (``page_list``: number and address).

    Landmarks and the page list are for reading systems' menus, not for the page that
    readers see.
    """
    xhtml = xhtml.replace(b"<head>", b'<head>\n    <meta charset="utf-8"/>', 1)
    xhtml = xhtml.replace(b'<nav epub:type="landmarks">',
                          b'<nav epub:type="landmarks" hidden="hidden">', 1)
    if not (page_list or breaks):
        return xhtml
    root = lxml.etree.fromstring(xhtml)
    body = root.find(f"{{{XHTML_NS}}}body")
    for number in reversed(breaks):  # before the contents' navigation, which takes no more
        marker = page_marker(PageStart(number, "contents"))
        marker.tail = body.text
        body.text = None
        body.insert(0, marker)
    if page_list:
        listing = lxml.etree.SubElement(body, f"{{{XHTML_NS}}}nav", {
            f"{{{EPUB_NS}}}type": "page-list", "role": "doc-pagelist",
            "aria-label": words("print_pages"), "hidden": "hidden"})
        entries = lxml.etree.SubElement(listing, f"{{{XHTML_NS}}}ol")
        for number, href in page_list:
            entry = lxml.etree.SubElement(entries, f"{{{XHTML_NS}}}li")
            lxml.etree.SubElement(entry, f"{{{XHTML_NS}}}a", href=href).text = str(number)
    return lxml.etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")


def ncx_page_list(ncx: bytes, page_list: list = (), words: Words = ENGLISH_WORDS) -> bytes:
    """EbookLib's NCX (for older reading systems) with the print pages, as the navigation
    document lists them."""
    if not page_list:
        return ncx
    top = max(number for number, _ in page_list)
    ncx = ncx.replace(b'<meta content="0" name="dtb:totalPageCount"/>',
                      f'<meta content="{len(page_list)}" name="dtb:totalPageCount"/>'.encode())
    ncx = ncx.replace(b'<meta content="0" name="dtb:maxPageNumber"/>',
                      f'<meta content="{top}" name="dtb:maxPageNumber"/>'.encode())
    targets = "".join(
        f'<pageTarget id="page-target-{number}" type="normal" value="{number}"><navLabel>'
        f'<text>{number}</text></navLabel><content src="{href}"/></pageTarget>'
        for number, href in page_list)
    label = xml_escape(words("print_pages"))
    listing = f"<pageList><navLabel><text>{label}</text></navLabel>{targets}</pageList>"
    return ncx.replace(b"</ncx>", listing.encode() + b"</ncx>", 1)


def package_language(language: str, opf: bytes) -> bytes:
    """The package document with the handbook's language on its root (xml:lang), as
    EPUB's accessibility checks want, besides its dc:language."""
    return opf.replace(b"<package ", b'<package xml:lang="' + language.encode() + b'" ', 1)


def normalised_zip(data: bytes, when: datetime.datetime, edits=None) -> bytes:
    """The EPUB's zip with fixed entry dates: the same sources give the same bytes.

    The mimetype entry comes first and is stored uncompressed, as the EPUB
    container format requires. ``edits`` maps entry names to functions that
    change their content.
    """
    edits = edits or {}
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as packed:
        names = source.namelist()
        names.sort(key=lambda name: name != "mimetype")
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(name)
            if name in edits:
                content = edits[name](content)
            packed.writestr(info, content, compresslevel=9)
    return output.getvalue()
