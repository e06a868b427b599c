"""The print edition's page numbers in the reflowable editions.

A teacher says "see page 17"; a student reading the EPUB or the web edition finds page 17
there too. The office PDF records, on each of its pages, where in the book that page
begins: the part of the book (a chapter's anchor, or ``cover``, ``title-page``,
``imprint``, ``contents``, ``back-cover``) and how many letters and digits of that part's
text come before it. The record is a page-piece dictionary (PDF 1.3's place for an
application's own data about a page), so the finished PDF is the one source of the page
map: the EPUB and the site read it back from the file (``read``) and put a page-break
marker where each page begins (``mark``).

Letters and digits are what both sides count, so that hyphenation, spacing, quotation
marks and generated content (the list numbers, "(page 9)" after a cross-reference, the
footnote calls) differ freely between the print and the reflowable text.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

PIECE = "/CareersHandbooksPress"  # our page-piece dictionary's key
GENERATED = ("::before", "::after", "::marker", "::footnote-call", "::footnote-marker")


@dataclass(frozen=True)
class PageStart:
    """Where a page of the print edition begins: its number as printed, the part of the
    book it begins in (None for a page with no text of its own), and how many letters and
    digits of that part come before it."""

    number: int
    part: str | None
    offset: int = 0


def letters(text: str) -> int:
    return sum(character.isalnum() for character in text)


def not_counted(element) -> bool:
    """Text that one edition has in a place where another has it elsewhere or not at all,
    left out when the letters before a page are counted: a picture's own text (an SVG's
    title), footnote calls (numbers the PDF generates) and the notes (at the foot of the
    PDF's pages, at the chapter's end in the EPUB and on the web)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    classes = (element.get("class") or "").split()
    return (tag.rpartition("}")[2] == "svg" or "footnote-ref" in classes
            or "footnote" in classes or element.get("role") == "doc-endnotes")


@dataclass
class _Counted:
    """An element of the print document that the page map counts in: its part, the letters
    of the part before it (in the source's order) and its parent."""

    part: str
    before: int
    parent: object


def _counted_elements(html) -> dict[int, _Counted]:
    """Every element of the print document (``html``: its root, as WeasyPrint's
    ElementTree holds it) whose text counts, by its id()."""
    counted: dict[int, _Counted] = {}
    for body in html:
        if body.tag.rpartition("}")[2] != "body":
            continue
        for part in body:
            name = part.get("id") or (part.get("class") or "").split(" ")[0]
            if not name:
                continue
            letters_before = 0
            parents = {id(part): None}
            for element, slot in _text_slots(part, not_counted):
                if slot == "text":
                    counted[id(element)] = _Counted(name, letters_before,
                                                    parents.get(id(element)))
                    parents.update((id(child), element) for child in element)
                letters_before += letters(getattr(element, slot) or "")
    return counted


def page_starts(document) -> list[PageStart]:
    """Where each page of a laid-out WeasyPrint document begins.

    Only the text in the page's flow counts: not the running heads and folios (margin
    boxes), not the footnotes (the footnote area), not generated content, and a table's
    header row only where it first appears. A page begins at the letters of its part that
    come, in the source, before its first text: the letters before the element that holds
    that text, and those of the element laid out on earlier pages (a caption drawn below
    its table still counts where the source has it).
    """
    from weasyprint.formatting_structure import boxes

    counted = _counted_elements(document.pages[0]._page_box.children[0].element) \
        if document.pages else {}
    laid_out: dict[int, int] = {}  # an element's id(): the letters of it laid out so far
    headers: set[int] = set()  # the header row groups already read on an earlier page

    def text_boxes(box, seen_here: set[int]) -> Iterator:
        if isinstance(box, boxes.TableRowGroupBox) and box.is_header and box.element is not None:
            if id(box.element) in headers:
                return
            seen_here.add(id(box.element))
        if isinstance(box, boxes.TextBox):
            if box.text and not box.element_tag.endswith(GENERATED):
                yield box
            return
        for child in getattr(box, "children", ()):
            yield from text_boxes(child, seen_here)

    starts = []
    for number, page in enumerate(document.pages, start=1):
        start = PageStart(number, None)
        seen_here: set[int] = set()
        flow = page._page_box.children[:1]  # the root box: not the footnotes, not the margins
        for box in (text for root in flow for text in text_boxes(root, seen_here)):
            element = counted.get(id(box.element))
            if element is None:
                continue
            if start.part is None:
                start = PageStart(number, element.part,
                                  element.before + laid_out.get(id(box.element), 0))
            size, holder = letters(box.text), box.element
            while holder is not None:  # the letters are laid out in each element around them
                laid_out[id(holder)] = laid_out.get(id(holder), 0) + size
                holder = counted[id(holder)].parent if id(holder) in counted else None
        headers |= seen_here
        starts.append(start)
    return starts


def record(pdf, starts: Iterable[PageStart], when: datetime.date) -> None:
    """Write each page's start into its page-piece dictionary (``pdf``: a pikepdf.Pdf)."""
    import pikepdf

    stamp = pikepdf.String(when.strftime("D:%Y%m%d000000Z"))
    for page, start in zip(pdf.pages, starts):
        private = pikepdf.Dictionary(Number=start.number)
        if start.part is not None:
            private.Part = pikepdf.String(start.part)
            private.Offset = start.offset
        page.obj.PieceInfo = pikepdf.Dictionary(
            {PIECE: pikepdf.Dictionary(LastModified=stamp, Private=private)})


def read(data: bytes) -> list[PageStart]:
    """The page starts an office PDF records (none for a PDF made otherwise)."""
    import pikepdf

    starts = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            piece = page.obj.get("/PieceInfo", {}).get(PIECE)
            if piece is None:
                return []
            private = piece.Private
            part = private.get("/Part")
            starts.append(PageStart(int(private.Number), None if part is None else str(part),
                                    int(private.get("/Offset", 0))))
    return starts


def placed(starts: list[PageStart], parts: list[str]) -> dict[str, list[PageStart]]:
    """The page starts that each of a reflowable edition's ``parts`` (in reading order)
    shows. A page with no text of its own (a blank page before a chapter) is shown where
    the next page begins, a last blank page at the end of the last part (``offset`` -1);
    the pages of a part the edition lacks (the web edition's front matter, the back
    cover), and the blank pages before them, are not shown."""
    shown: dict[str, list[PageStart]] = {part: [] for part in parts}
    waiting: list[PageStart] = []
    for start in starts:
        if start.part is None:
            waiting.append(start)
            continue
        if start.part in shown:
            shown[start.part] += [PageStart(page.number, start.part, start.offset)
                                  for page in waiting] + [start]
        waiting = []
    if parts:
        shown[parts[-1]] += [PageStart(page.number, parts[-1], -1) for page in waiting]
    return shown


HEADINGS_AND_LINKS = {"h1", "h2", "h3", "h4", "h5", "h6", "a"}


def mark(root, starts: list[PageStart], marker, skip) -> None:
    """Put ``marker(start)`` (a new element) into ``root`` (an lxml element holding one
    part of the book) before the first whole word of each page in ``starts``; offset -1 is
    the part's end. ``skip(element)``: whether an element's text is not the print
    edition's text in that place (an SVG's title, a footnote call, the notes).

    A marker never goes inside a heading or a link (it would join their names): a page
    that begins there is marked just before it.
    """
    slots = list(_text_slots(root, skip))
    places = []  # (slot's index, position in its text, start); None: the end of ``root``
    wanted = sorted(starts, key=lambda start: (start.offset < 0, start.offset))
    count = 0
    for index, (element, slot) in enumerate(slots):
        text = getattr(element, slot) or ""
        for position, character in enumerate(text):
            if not character.isalnum():
                continue
            while wanted and 0 <= wanted[0].offset <= count:
                places.append((index, _word_at(text, position), wanted.pop(0)))
            count += 1
    for index, position, start in reversed(places):
        new = marker(start)
        element, slot = slots[index]
        container = element if slot == "text" else element.getparent()
        outer = None
        for ancestor in (container, *container.iterancestors()):
            if ancestor is root:
                break
            if ancestor.tag in HEADINGS_AND_LINKS or ancestor.tag.endswith(
                    tuple("}" + name for name in HEADINGS_AND_LINKS)):
                outer = ancestor
        if outer is not None:
            outer.addprevious(new)
            continue
        text = getattr(element, slot) or ""
        new.tail = text[position:] or None
        setattr(element, slot, text[:position] or None)
        if slot == "text":
            element.insert(0, new)
        else:
            element.addnext(new)
    for start in wanted:  # beyond the part's text
        root.append(marker(start))


def _word_at(text: str, index: int) -> int:
    """Where the mark goes for a page whose first letter is ``text[index]``: before its
    word (and the punctuation that opens it); for a page that begins inside a word
    (hyphenated at the foot of the page before), before the next word."""
    start = index
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    if not any(character.isalnum() for character in text[start:index]):
        return start
    while index < len(text) and not text[index].isspace():
        index += 1
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _text_slots(root, skip):
    """Every text and tail inside ``root`` in reading order (``(element, "text")`` or
    ``(element, "tail")``), ``skip``ped elements' text left out (their tails kept)."""
    if skip(root):
        return
    yield root, "text"
    for child in root:
        if isinstance(child.tag, str):  # not a comment or processing instruction
            yield from _text_slots(child, skip)
        yield child, "tail"
