"""Markdown chapters to HTML, and the Jinja2 environment that assembles a book."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import quote, unquote

import jinja2
from markupsafe import Markup
import lxml.html

from . import TEMPLATES
from .markdown import make_markdown
from .config import CONTROL
from .markdown.xrefs import resolve_targets
from .qr import qr_svg
from .words import ENGLISH_WORDS, Words
from .model import (ID_SEPARATOR, PAGE_SIZES, PICTURE, Book, Heading, Nesting, RenderedChapter,
                    Target, chapter_anchors, heading_id)

# The HTML parser folds attribute names to lower case; SVG needs these back as written.
SVG_ATTRIBUTES = {name.lower(): name for name in (
    "viewBox", "preserveAspectRatio", "gradientUnits", "gradientTransform", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "maskContentUnits", "markerWidth", "markerHeight", "markerUnits", "refX", "refY",
    "textLength", "lengthAdjust", "spreadMethod", "stdDeviation", "pathLength")}


def render_chapter(book: Book, index: int) -> RenderedChapter:
    """One chapter's body as HTML, with its headings for contents and outline."""
    chapter = book.chapters[index]
    body = render_body(chapter.body, chapter.source, {c.source: c.anchor for c in book.chapters},
                       book.words)
    return RenderedChapter(chapter, *body)


def render_book(book: Book) -> tuple[RenderedChapter, ...]:
    return tuple(render_chapter(book, index) for index in range(len(book.chapters)))


def shown_files(book: Book, chapters: tuple[RenderedChapter, ...]) -> set[str]:
    """The files of the handbook that its editions show: the chapters' pictures and the cover."""
    names = {target.file for rendered in chapters for target in rendered.targets
             if target.kind == PICTURE and target.file}
    return names | ({book.metadata.cover} if book.metadata.cover else set())


class Body(NamedTuple):
    """A chapter's body as rendered: the fields of a RenderedChapter after its chapter."""

    html: str
    headings: tuple[Heading, ...]
    targets: tuple[Target, ...]
    raw_html: tuple
    nesting: Nesting


def render_body(body: str, current: str, anchors: Mapping[str, str],
                words: Words = ENGLISH_WORDS) -> Body:
    """Markdown to the HTML that every edition is made from, parsed once and written out
    again, so that what the checks see of it (its links and pictures, its raw HTML, how
    deep it nests) is exactly what the editions carry; its generated words ``words``."""
    anchors = {**chapter_anchors([current]), **anchors}  # the current chapter's among them
    converter = make_markdown(current, anchors, words)
    fragment = parse_fragment(converter.convert(body))
    _drop_forbidden_characters(fragment)
    targets = resolve_targets(fragment, current, anchors)
    _keep_ids_apart(fragment, anchors[current] + ID_SEPARATOR)
    _scope_column_heads(fragment)
    _row_heads(fragment)
    _pictures_as_figures(fragment)
    headings = tuple(Heading(int(element.tag[1]), _heading_words(element), element.get("id"))
                     for element in fragment.iter(*HEADINGS) if element.get("id"))
    return Body(serialize_fragment(fragment), headings, targets, tuple(converter.raw_html),
                _nesting(fragment))


def _scope_column_heads(fragment) -> None:
    """A table's head cells say they head their columns (``scope="col"``), for screen
    readers and every edition alike (tables come from Markdown only: raw HTML has none)."""
    for head in fragment.iter("thead"):
        for cell in head.iter("th"):
            cell.set("scope", "col")


# A cell that holds only a figure (a sum, a share, a range, a date) names no row.
FIGURE = re.compile(r"[\d\s.,:;%£$€¥+\-–—/()×x~≈<>]*[kKmMbB]?[\d\s.,%+\-–—/()]*")


def _row_heads(fragment) -> None:
    """Where a table's first column names its rows, those cells head their rows
    (``<th scope="row">``): a screen reader then says "Data scientist" before each of that
    row's cells, and the PDF's tags tie each cell to it. The first column names the rows
    when each of its cells holds words (not a figure nor a rating), no two alike, and the
    table has a head row and another column."""
    for table in fragment.iter("table"):
        body = table.find("tbody")
        rows = body.findall("tr") if body is not None and table.find("thead") is not None else []
        if not rows or any(len(row) < 2 or row[0].tag != "td" for row in rows):
            continue
        firsts = [row[0] for row in rows]
        texts = [" ".join("".join(cell.itertext()).split()) for cell in firsts]
        if (len(set(texts)) < len(texts) or any(not text or FIGURE.fullmatch(text) for text in texts)
                or any(cell.find_class("rating") or cell.find(".//svg") is not None
                       for cell in firsts)):
            continue
        for cell in firsts:
            cell.tag = "th"
            cell.set("scope", "row")


def _pictures_as_figures(fragment) -> None:
    """A picture that stands alone, a paragraph of its own, is a figure (``figure.picture``)
    rather than a paragraph: a screen reader names it a figure, and every edition sets it
    apart from the text. A picture inside a sentence stays where it is."""
    for paragraph in list(fragment.iter("p")):
        if (len(paragraph) == 1 and paragraph[0].tag == "img" and not (paragraph.text or "").strip()
                and not (paragraph[0].tail or "").strip()):
            paragraph.tag = "figure"
            paragraph.set("class", "picture")


def _drop_forbidden_characters(fragment) -> None:
    """Characters that XML forbids, from a reference such as ``&#2;`` (the checks refuse it),
    are dropped, so that every edition can be written whatever the checks let through."""
    for element in fragment.iter():
        for name, value in element.attrib.items():
            if CONTROL.search(value):
                element.set(name, CONTROL.sub("", value))
        if element.text and CONTROL.search(element.text):
            element.text = CONTROL.sub("", element.text)
        if element.tail and CONTROL.search(element.tail):
            element.tail = CONTROL.sub("", element.tail)


def _keep_ids_apart(fragment, prefix: str) -> None:
    """Every id in the chapter under the chapter's ``prefix``, unique, and without spaces,
    the links to them changed alike: an author's id on a code block (``{ #intro }``) or a
    footnote's label with a space could otherwise clash with an id of the book or break
    the EPUB."""
    renamed: dict[str, str] = {}
    seen: set[str] = set()
    for element in fragment.iter():
        old = element.get("id")
        if old is None:
            continue
        new = re.sub(r"\s+", "-", old if old.startswith(prefix) else prefix + old)
        base, number = new, 1
        while new in seen:
            number += 1
            new = f"{base}-{number}"
        seen.add(new)
        if new != old:
            renamed.setdefault(old, new)
            element.set("id", new)
    if renamed:
        for link in fragment.iter("a"):
            href = link.get("href", "")
            if href.startswith("#") and href[1:] in renamed:
                link.set("href", "#" + renamed[href[1:]])


def _nesting(fragment) -> Nesting:
    """How many elements deep the fragment's deepest element stands, and its first words."""
    deepest, depth, stack = fragment, 0, [(child, 1) for child in fragment]
    while stack:
        element, level = stack.pop()
        if level > depth:
            deepest, depth = element, level
        stack.extend((child, level + 1) for child in element)
    words = " ".join("".join(deepest.itertext()).split()[:3]) if depth else ""
    return Nesting(depth, words, deepest.tag if depth else "")


def _heading_words(heading, is_call=lambda child: child.tag == "sup"
                   and "fnref" in child.get("id", "")) -> str:
    """A heading's words, without the footnote it calls (``is_call``: whether one of its
    elements is the call: as Markdown writes it, a <sup> with a ``fnref`` id)."""
    words = [heading.text or ""]
    for child in heading:
        if not is_call(child):
            words.append("".join(child.itertext()))
        words.append(child.tail or "")
    return " ".join("".join(words).split())


def serialize_fragment(fragment) -> str:
    """The HTML inside a fragment made by ``parse_fragment``."""
    return (fragment.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in fragment)


def footnotes_at_calls(body: str) -> str:
    """Print form of a chapter: each footnote's text moved to where it is called.

    The PDF floats it to the foot of the page (``float: footnote``); the EPUB
    keeps the notes at the chapter's end, as Python-Markdown writes them.
    """
    if 'class="footnote"' not in body:
        return body
    fragment = parse_fragment(body)
    for notes in fragment.find_class("footnote"):
        for item in notes.iter("li"):
            for backref in item.find_class("footnote-backref"):
                _drop_keeping_tail(backref)
            call = fragment.xpath(".//a[@href=$href]", href="#" + item.get("id"))
            if not call:
                continue
            note = lxml.html.Element("span", {"class": "footnote", "id": item.get("id")})
            note.text = item.text
            for position, child in enumerate(item):
                if child.tag == "p" and position == 0:  # the first paragraph runs on
                    note.text = (note.text or "").strip() + (child.text or "")
                    note.extend(child)
                    continue
                if child.tag == "p":  # later paragraphs start lines of their own
                    child.tag = "span"
                    child.set("class", "footnote-paragraph")
                note.append(child)
            _strip_trailing_space(note)
            sup = call[0].getparent()
            note.tail = sup.tail
            sup.getparent().replace(sup, note)
            heading = next((a for a in note.iterancestors() if a.tag in HEADINGS), None)
            if heading is not None:  # the outline shows the heading's words, not the note
                heading.set("data-bookmark", _heading_words(heading, lambda child: child is note))
        _drop_keeping_tail(notes)
    return serialize_fragment(fragment)


def split_into_files(fragment, own: str, files: Mapping[str, str], media: Mapping[str, str]
                     ) -> set[str]:
    """Make a chapter's ``fragment`` stand in a file of its own (``own``), as in the EPUB and
    the web edition: links to another chapter lead to its file (``files``: each chapter's
    by its anchor), pictures to theirs (``media``: by their paths in the handbook folder).
    Returns the pictures it shows, by their paths in the handbook folder."""
    here = posixpath.dirname(own) or "."
    for link in fragment.iter("a"):
        href = link.get("href", "")
        if href.startswith("#"):
            anchor = href[1:].split(ID_SEPARATOR, 1)[0]
            if anchor in files and files[anchor] != own:
                relative = posixpath.relpath(files[anchor], here)
                link.set("href", relative if href[1:] == anchor else relative + href)
    images = set()
    for image in fragment.iter("img"):
        name = unquote(image.get("src"))  # its path in the handbook folder
        images.add(name)
        image.set("src", posixpath.relpath(media[name], here))
    return images


def parse_fragment(body: str):
    """Chapter HTML as an lxml tree under a <div>, its inline SVG attributes intact."""
    fragment = lxml.html.fragment_fromstring(body, create_parent="div")
    for svg in fragment.iter("svg"):
        for element in svg.iter():
            for name in [n for n in element.attrib if n in SVG_ATTRIBUTES]:
                element.attrib[SVG_ATTRIBUTES[name]] = element.attrib.pop(name)
    return fragment


def fact_sheet_sections(book: Book, chapters: tuple[RenderedChapter, ...]) -> tuple[str, ...]:
    """The parts of the handbook that its fact sheet shows, as HTML.

    Where book.yaml lists ``fact_sheet`` entries (links to headings, or to whole
    chapters), those sections; otherwise the section holding the first rating
    that stands on a line of its own, and the first pros and cons boxes.
    """
    bodies = {rendered.chapter.source: parse_fragment(rendered.html) for rendered in chapters}
    if book.metadata.fact_sheet:
        parts = []
        for entry in book.metadata.fact_sheet:
            source, _, fragment = entry.partition("#")
            body = bodies[source]
            anchor = book.chapter_by_source(source).anchor
            parts.append(_section(body, heading_id(anchor, fragment)) if fragment else list(body))
    else:
        parts = _default_fact_sheet(list(bodies.values()))
    return tuple(_standalone("".join(lxml.html.tostring(element, encoding="unicode")
                                     for element in part)) for part in parts if part)


def fact_sheet_rows(sections: tuple[str, ...]) -> list[list[str]]:
    """The fact sheet's sections in rows: a pros box and the cons box after it (or before)
    side by side in one row, every other section a row of its own."""
    rows: list[list[str]] = []
    for section in sections:
        kind = _box_kind(section)
        if kind and rows and len(rows[-1]) == 1 and _box_kind(rows[-1][0]) == (
                {"pros": "cons", "cons": "pros"}[kind]):
            rows[-1].append(section)
        else:
            rows.append([section])
    return rows


def _box_kind(section: str) -> str | None:
    found = re.match(r'\s*<aside class="callout callout-(pros|cons)"', section)
    return found.group(1) if found else None


def _default_fact_sheet(bodies: list) -> list[list]:
    parts = []
    for body in bodies:  # the first rating on a line of its own, with its section
        rating = next(iter(body.find_class("rating-line")), None)
        if rating is not None:
            heading = next((element for element in reversed(_before(body, rating))
                            if element.tag in HEADINGS), None)
            parts.append(_section(body, heading.get("id")) if heading is not None
                         else [rating])
            break
    for kind in ("callout-pros", "callout-cons"):
        box = next((found for body in bodies for found in body.find_class(kind)), None)
        if box is not None:
            parts.append([box])
    return parts


HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def _before(body, element) -> list:
    children = list(body)
    return children[:children.index(element)] if element in children else []


def _section(body, anchor: str) -> list:
    """The heading with id ``anchor`` and what follows it, up to the next heading of its rank."""
    children = list(body)
    start = next((i for i, element in enumerate(children) if element.get("id") == anchor), None)
    if start is None:
        return []
    level = children[start].tag
    part = [children[start]]
    for element in children[start + 1:]:
        if element.tag in HEADINGS and element.tag <= level:
            break
        part.append(element)
    return part


def _standalone(html: str) -> str:
    """A section fit to stand alone: no footnote calls, links into the book made plain text."""
    fragment = parse_fragment(html)
    for call in fragment.find_class("footnote-ref"):
        _drop_keeping_tail(call.getparent() if call.getparent().tag == "sup" else call)
    for link in list(fragment.iter("a")):
        if link.get("href", "").startswith("#"):
            link.drop_tag()
    return serialize_fragment(fragment)


def _strip_trailing_space(element) -> None:
    """Drop the space Python-Markdown leaves before a footnote's back-link."""
    last = element[-1] if len(element) else None
    if last is not None and last.tail is not None:
        last.tail = last.tail.rstrip()
    elif last is None and element.text:
        element.text = element.text.rstrip()


def _drop_keeping_tail(element) -> None:
    """Remove an element from its tree, keeping the text that follows it."""
    parent = element.getparent()
    previous = element.getprevious()
    tail = element.tail or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


@functools.lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    """Templates that fail loudly: undefined names are errors, and text is escaped.

    One a process: it keeps the templates it has compiled."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["qr"] = qr_svg
    env.globals["page_reference"] = page_reference
    env.globals["quote_rules"] = quote_rules
    env.globals["cover_motif"] = cover_motif
    env.filters["address"] = lambda name: quote(name, safe="")  # a file's name in a link
    env.filters["printed_address"] = printed_address
    return env


def css_string(text: str) -> str:
    """``text`` as a CSS string, safe inside a <style> element."""
    return '"' + re.sub(r'["\\<>\n\r\f]', lambda match: f"\\{ord(match.group()):06x}", text) + '"'


def page_reference(words: Words, page: str) -> Markup:
    """The ``content`` of a reference's page words after a link, "(page 17)" in the
    language, round ``page`` (a CSS value: ``target-counter(...)``, ``attr(data-page)``),
    its words kept on one line with the number."""
    before, after = (part.replace(" ", "\u00a0")
                     for part in words.around("page_reference", "page"))
    return Markup(f"{css_string(' ' + before)} {page} {css_string(after)}")


def quote_rules(words: Words) -> str:
    """CSS for the mark that hangs before a testimonial (base.css: ``open-quote``): the
    language's quotes, without the spaces a French quote keeps inside."""
    marks = " ".join(css_string(mark.strip()) for mark in words.quotes[:2])
    return f".testimonial {{ quotes: {marks}; }}\n"


MOTIF_BAND = 0.33  # of the cover's height: print.css's .cover-motif
MOTIF_PITCH = 19.0  # mm between dots' centres, in a row and from row to row
MOTIF_EDGE = 10.0  # mm at least from a dot's centre to the band's edge (the largest: 4.5 mm)


def cover_motif(page_size: str) -> tuple[str, list[tuple[float, float, float]]]:
    """The cover's pattern for ``page_size``: its viewBox (in mm, the band's own shape) and
    its dots, each (x, y, radius): whole rows only, every other one staggered by half a
    pitch, and the grid centred in the band, so that the trim cuts no dot."""
    width, height = PAGE_SIZES[page_size]
    height = round(height * MOTIF_BAND, 2)
    rows = int((height - 2 * MOTIF_EDGE) // MOTIF_PITCH) + 1
    columns = int((width - 2 * MOTIF_EDGE - MOTIF_PITCH / 2) // MOTIF_PITCH) + 1
    left = (width - (columns - 1) * MOTIF_PITCH - MOTIF_PITCH / 2) / 2
    top = (height - (rows - 1) * MOTIF_PITCH) / 2
    dots = [(round(left + column * MOTIF_PITCH + (row % 2) * MOTIF_PITCH / 2, 2),
             round(top + row * MOTIF_PITCH, 2),
             round(1.2 + ((row * 3 + column * 5) % 7) * 0.55, 2))
            for row in range(rows) for column in range(columns)]
    return f"0 0 {width:g} {height:g}", dots


def printed_address(url: str) -> Markup:
    """A web address as print shows it: never hyphenated, and broken only after a slash
    (each piece between slashes kept whole: a reader types it as it stands)."""
    pieces = [piece for piece in re.split(r"(?<=/)(?!/)", url) if piece]
    return Markup("<wbr/>").join(Markup('<span class="unbroken">{}</span>').format(piece)
                                 for piece in pieces)
