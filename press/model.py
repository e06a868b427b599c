"""The handbook as data: small frozen records that flow from loader to writers."""

from __future__ import annotations

import datetime
import functools
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from .words import Words, label_problem

# Each page size and its trim, width by height in millimetres.
PAGE_SIZES = {"A5": (148.0, 210.0), "A4": (210.0, 297.0), "Letter": (215.9, 279.4)}


ANCHOR_PREFIX = "ch-"  # a chapter's anchor
ID_SEPARATOR = "--"  # between a chapter's anchor and the id of a heading in it


def heading_id(anchor: str, fragment: str) -> str:
    """The id, in the whole book, of the heading ``fragment`` of a chapter (or the chapter)."""
    return f"{anchor}{ID_SEPARATOR}{fragment}" if fragment else anchor


def chapter_anchor(source: str) -> str:
    """The id of a chapter file's opening, e.g. ``ch-06-pros-and-cons`` (or ``ch-part-1-intro``
    for ``part-1/intro.md``): lower-case letters, digits and single hyphens only, so that
    the ``--`` between a chapter's anchor and a heading's id is never ambiguous."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(Path(source).with_suffix("")).lower()).strip("-")
    return ANCHOR_PREFIX + (slug or "chapter")


def chapter_anchors(sources) -> dict[str, str]:
    """Each chapter file's anchor, made unique within the book (``-2``, ``-3`` on a clash)."""
    anchors: dict[str, str] = {}
    for source in sources:
        anchor, number = chapter_anchor(source), 1
        while anchor in anchors.values():
            number += 1
            anchor = f"{chapter_anchor(source)}-{number}"
        anchors[source] = anchor
    return anchors  # each has its sheet in styles/sizes/


@dataclass(frozen=True)
class Metadata:
    """The keys of book.yaml, validated and with their defaults applied."""

    title: str
    language: str
    subtitle: str | None = None
    series: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    edition: str | None = None
    date: datetime.date | None = None
    description: str | None = None
    rights: str | None = None
    identifier: str | None = None
    url: str | None = None
    contact: str | None = None  # an email or web address: ask for another format
    page_size: str = "A5"
    chapter_openings: str = "any"  # or "right": each chapter on a right-hand page
    cover: str | None = None
    chapters: tuple[str, ...] | None = None
    theme: str = "default"
    fact_sheet: tuple[str, ...] | None = None
    labels: tuple[tuple[str, object, int], ...] = ()  # (name, word, line in book.yaml)


@dataclass(frozen=True)
class Chapter:
    """One chapter file: its front matter and its Markdown body."""

    source: str  # the file's name inside the handbook folder, e.g. 02-the-role.md
    display_path: str  # the path as the author would type it, for messages
    anchor: str  # its id where all chapters share one document; unique in the book
    number: int
    title: str
    body: str
    body_line: int  # line number of the body's first line in the file
    short_title: str | None = None
    summary: str | None = None


    @property
    def running_title(self) -> str:
        return self.short_title or self.title


@dataclass(frozen=True)
class Book:
    """A loaded handbook folder: metadata, chapters and where they came from."""

    slug: str
    folder: Path
    display_folder: str
    metadata: Metadata
    chapters: tuple[Chapter, ...]
    publication_date: datetime.date
    fact_sheet_lines: tuple[int, ...] = ()  # where each fact_sheet entry stands in book.yaml
    cover_line: int | None = None  # where book.yaml names the cover
    language_line: int | None = None  # where book.yaml gives the language

    @functools.cached_property
    def words(self) -> Words:
        """The words its editions generate: its language's, with its labels put in."""
        language = self.metadata.language
        return Words(language, tuple(  # the labels that are sound (press.checks says of others)
            (name, word) for name, word, _ in self.metadata.labels
            if label_problem(name, word, language) is None))

    def chapter_by_source(self, source: str) -> Chapter | None:
        return next((chapter for chapter in self.chapters if chapter.source == source), None)

    @property
    def identifier(self) -> str:
        """book.yaml's identifier, else a UUID derived from slug and edition (stable)."""
        if self.metadata.identifier:
            return self.metadata.identifier
        name = f"careers-handbook:{self.slug}:{self.metadata.edition or ''}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


@dataclass(frozen=True)
class Heading:
    """A section heading inside a rendered chapter, for contents and outline."""

    level: int
    title: str
    anchor: str


@dataclass(frozen=True)
class Target:
    """A link or a picture of a rendered chapter: its address as the author wrote it (as a
    browser reads it: entities decoded) and, for a file of the handbook, the file."""

    kind: str  # LINK or PICTURE
    address: str
    file: str | None = None  # the file's path in the handbook folder, for a local address
    fragment: str = ""  # a link's #fragment, decoded
    alt: str = ""  # a picture's alternative text


LINK, PICTURE = "link", "picture"


@dataclass(frozen=True)
class Nesting:
    """How deep a rendered chapter's elements stand inside each other at the deepest, and
    the first words and the element there (to find its line for a message)."""

    depth: int = 0
    words: str = ""
    tag: str = ""  # the deepest element's


@dataclass(frozen=True)
class RenderedChapter:
    """A chapter turned into HTML, ready for a template, with what the checks need of it:
    every link and picture, and the raw HTML the author wrote, as rendered."""

    chapter: Chapter
    html: str
    headings: tuple[Heading, ...] = ()
    targets: tuple[Target, ...] = ()
    raw_html: tuple = ()  # press.markdown.rawhtml.RawHtml records, in the order written
    nesting: Nesting = Nesting()
