"""Checks over loaded sources that Markdown cannot make: each finding with its file and line.

Python-Markdown keeps no source lines, so these rules scan the chapter text
itself, skipping code, with the chapter's line offset.
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Iterator, NamedTuple
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit


import ftfy

from .config import CONTROL
from .findings import WARNING, Finding, closest
from .markdown.callouts import KINDS
from .markdown.captions import CAPTION
from .markdown.ratings import PATTERN as RATING_PATTERN, parse_rating
from .markdown.rawhtml import ALLOWED, RawHtml
from .markdown.xrefs import FOOTNOTE_LINKS
from .model import ID_SEPARATOR, PICTURE, Book, Chapter, RenderedChapter, Target
from .render import render_book, shown_files
from .folder import size
from .limits import MAX_ELEMENTS_DEEP, MAX_SVG_BYTES, MAX_SVG_ELEMENTS, too_deep
from . import svg
from .folder import MISSING, OUTSIDE, TOO_LARGE, TOO_MUCH, Unreadable
from .sources import display, picture_type, raster_problem, read_files
from .words import hyphenates, label_problem, language_name, languages, names, primary
from .styles import font_cmap, font_faces, selected_classes

FENCE = re.compile(r"^(`{3,}|~{3,})")  # Python-Markdown's fences start at the margin
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
ATX_HEADING = re.compile(r"^(#{1,6})(?!#)\s*(.*?)\s*#*\s*$")  # "#Title" is a heading too
SETEXT_H1 = re.compile(r"^=+\s*$")
NOT_A_SETEXT_TITLE = re.compile(r"^\s*([-*+>|]|\d+\.|!!!|#|$)|^    ")
RATING = re.compile(RATING_PATTERN)
CALLOUT = re.compile(r"^\s*!!!\s*([\w-]+)")
# A callout's title as a word processor quotes it: !!! pros “Advantages”
CURLY_TITLE = re.compile(r"^\s*!!!\s*[\w-]+\s+[“”‘’„«]")
# Near misses of [stars: 4/5] that print as they are: [star: 4/5], [ stars: 4/5 ], [stars 4/5]
RATING_LIKE = re.compile(r"(?i)\[\s*stars?\s*:?\s*\d[^\]\n]*\]")
# A testimonial signed with a hyphen or two, where an em dash (— or ---) makes the signature.
HYPHEN_SIGNED = re.compile(r"^\s*>\s*--?(?!-)\s+\S")
QUOTE_LINE = re.compile(r"^\s*>")
TABLE_DIVIDER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
TABLE_ROW = re.compile(r"^\s*\|")
BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".svg")
LINK_SCHEMES = ("http", "https", "mailto")
# Text that UTF-8 read as cp1252 or Latin-1 leaves behind.
MOJIBAKE = re.compile(r"â€|â€™|Ã[\u0080-\u00bf]|Ã[ƒ‚©¨¢§¤¶¼½®¯]|Â[\u00a0-\u00bf]|ï»¿|\ufffd")
THAI = re.compile(r"[\u0e00-\u0e7f]")
CHARACTER_REFERENCE = re.compile(r"&#([0-9]{1,10}|[xX][0-9a-fA-F]{1,8});")
NOT_DRAWN = {"\u200d", "\ufe0f", "\ufe0e", "\u200b", "\u2060", "\u00ad"}


def check_book(book: Book, chapters: tuple[RenderedChapter, ...] | None = None,
               files: Mapping[str, bytes | Unreadable] | None = None) -> list[Finding]:
    """Every problem in the handbook's chapters, in file and line order.

    The checks look at the chapters as rendered: links, pictures and raw HTML as every
    edition will carry them; links to headings against the ids the chapters really
    have; pictures and the cover in ``files``, as read for the editions.
    """
    chapters = chapters if chapters is not None else render_book(book)
    files = files if files is not None else read_files(book, shown_files(book, chapters))
    anchors = {rendered.chapter.source: rendered_ids(rendered) for rendered in chapters}
    pictures = Pictures(files)
    findings: list[Finding] = []
    for rendered in chapters:
        findings += check_chapter(book, rendered, anchors, pictures)
    return (findings + check_cover(book, pictures) + check_fact_sheet(book, anchors)
            + check_language(book))


def check_language(book: Book) -> list[Finding]:
    """book.yaml's labels must name generated words and hold what those words hold; a
    language without a file of words, or without a hyphenation dictionary, is said."""
    shown = display(book.display_folder, "book.yaml")
    language = book.metadata.language
    findings = []
    for name, word, line in book.metadata.labels:
        problem = label_problem(name, word, language)
        if problem is not None:
            message, hint = problem
            if message.startswith("unknown label"):
                guess = closest(name, names())
                hint = (f"did you mean '{guess}'?" if guess else
                        "the README lists the names of the generated words")
            findings.append(Finding("E108", shown, line, "labels: " + message, hint))
    code = primary(language)
    named = f"'{language}' ({language_name(language)})"
    if book.words.right_to_left:  # every edition is made with the print PDF's pages
        return findings + [Finding(
            "E109", shown, book.language_line, f"language: {named} is written from right "
            "to left, which the print editions cannot yet lay out (their pages, running "
            "heads, tables and booklet run left to right), and the EPUB and the site are made "
            "with the print edition's pages", "right-to-left handbooks are not built yet")]
    if code not in languages():
        findings.append(Finding(
            "W102", shown, book.language_line, f"language: no generated words for {named}: "
            "the editions say \"Contents\", \"Chapter\" and the like in English",
            "give them in book.yaml's labels (the README lists the names), or add "
            f"words/{code}.yaml to the project", WARNING))
    if not hyphenates(language):
        findings.append(Finding(
            "W103", shown, book.language_line, f"language: no hyphenation dictionary for "
            f"{named}: the text is set without automatic hyphenation",
            "a long word may leave a wide gap in a justified line: a soft hyphen (&shy;) in "
            "it marks where it may break", WARNING))
    return findings


class Pictures:
    """The pictures as read for the editions, each judged once however often it is shown."""

    def __init__(self, files: Mapping[str, bytes | Unreadable]):
        self.files = files
        self._verdicts: dict[str, tuple[Verdict, ...]] = {}

    def verdicts(self, name: str) -> tuple[Verdict, ...]:
        """What is wrong with the picture ``name``, whose bytes were read."""
        if name not in self._verdicts:
            self._verdicts[name] = tuple(_judge(self.files[name]))
        return self._verdicts[name]


class Verdict(NamedTuple):
    """One problem of a picture: its code, the words after "the image 'x'" (or "the
    picture 'x'", as ``noun`` says), and a hint."""

    code: str
    words: str
    hint: str | None = None
    noun: str = "image"


DAMAGED = Verdict("E209", "cannot be read: it is damaged, or not the kind of picture its name "
                  "says", "open it in an image editor and save it again as PNG, JPEG or SVG")


def _judge(data: bytes) -> list[Verdict]:
    kind = picture_type(data)
    if kind is None:
        return [DAMAGED]
    if kind != "image/svg+xml":
        problem = raster_problem(data)
        return ([] if problem is None else [DAMAGED] if problem == "damaged" else
                [Verdict("E236", problem, "scale it down: 3000 x 2000 pixels print sharp on "
                         "a full A4 page")])
    drawing = "simplify the drawing, or save it as a PNG"
    if len(data) > MAX_SVG_BYTES:  # refused before it is read
        return [Verdict("E236", f"is larger than the {size(MAX_SVG_BYTES)} a drawing may be",
                        drawing)]
    try:
        found = svg.survey(data)
    except svg.UnreadableSvg:
        return [DAMAGED]
    if found.references:
        return [Verdict("E217", f"refers to '{reference[:60]}', outside itself",
                        "a picture must hold everything it shows (small PNG and JPEG "
                        "pictures inside it are fine); builds never fetch other files", "picture")
                for reference in found.references]
    if found.elements > MAX_SVG_ELEMENTS:
        return [Verdict("E236", f"has {found.elements} elements: at most {MAX_SVG_ELEMENTS} "
                        "are drawn", drawing)]
    return [Verdict("E218", f"holds {what}, which runs code or shows another page",
                    "export the drawing again as plain SVG, or as PNG", "picture")
            for what in found.active]


def check_cover(book: Book, pictures: Pictures) -> list[Finding]:
    """The cover must open as the PNG or JPEG it is (book.yaml's errors say if it is not one)."""
    cover = book.metadata.cover
    data = pictures.files.get(cover) if cover else None
    shown = display(book.display_folder, "book.yaml")
    if isinstance(data, Unreadable) and data.kind == TOO_MUCH:
        return [Finding("E237", shown, book.cover_line, f"cover: '{cover}' {data.reason}",
                        "save the pictures smaller: a photograph for a page needs one or two "
                        "megabytes")]
    if not isinstance(data, bytes) or picture_type(data) not in ("image/png", "image/jpeg"):
        return []  # reported with book.yaml
    return [Finding("E106" if verdict is DAMAGED else verdict.code, shown, book.cover_line,
                    f"cover: '{cover}' " + ("cannot be read: it is damaged" if verdict is DAMAGED
                                            else verdict.words), verdict.hint)
            for verdict in pictures.verdicts(cover)]


def check_fact_sheet(book: Book, anchors: dict[str, set[str]]) -> list[Finding]:
    """book.yaml's fact_sheet entries must lead to chapters and headings that exist."""
    findings = []
    shown = display(book.display_folder, "book.yaml")
    for index, entry in enumerate(book.metadata.fact_sheet or ()):
        line = book.fact_sheet_lines[index] if index < len(book.fact_sheet_lines) else None
        target, _, fragment = entry.partition("#")
        if target not in anchors:
            findings.append(Finding("E216", shown, line, f"fact_sheet: '{entry}' is not a "
                                    "chapter of this handbook",
                                    "chapters: " + ", ".join(c.source for c in book.chapters)))
        elif fragment and fragment not in anchors[target]:
            findings.append(Finding("E216", shown, line, f"fact_sheet: '{entry}' leads to a "
                                    f"heading that does not exist in {target}",
                                    _closest_anchor(fragment, anchors[target])))
    return findings


def source_lines(chapter: Chapter) -> Iterator[tuple[int, str]]:
    """The body's lines with their file line numbers, code blocks left out.

    Code spans are blanked: their text is not Markdown.
    """
    fence = None
    for offset, line in enumerate(chapter.body.split("\n")):
        number = chapter.body_line + offset
        match = FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        yield number, CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def rendered_ids(rendered: RenderedChapter) -> set[str]:
    """The ids a link may name in a rendered chapter: its headings', as authors write them."""
    prefix = rendered.chapter.anchor + ID_SEPARATOR
    return {heading.anchor[len(prefix):] for heading in rendered.headings
            if heading.anchor.startswith(prefix)}


def check_chapter(book: Book, rendered: RenderedChapter, anchors: dict[str, set[str]],
                  pictures: Pictures) -> list[Finding]:
    chapter = rendered.chapter
    findings: list[Finding] = []
    path = chapter.display_path

    def error(code, line, message, hint=None):
        findings.append(Finding(code, path, line, message, hint))

    findings += _check_heading_order(chapter)
    if not chapter.summary:
        findings.append(Finding("W203", path, 1, "this chapter has no summary",
                                "add 'summary: ...' to its front matter: the contents page and "
                                "the fact sheet show it", WARNING))
    previous = ""
    lines = list(source_lines(chapter))
    findings += [Finding(code, path, line, message, hint, severity)
                 for code, line, message, hint, severity in _shapes(lines)]
    for number, line in lines:
        heading = ATX_HEADING.match(line)
        if heading and len(heading.group(1)) == 1:
            error("E201", number, "a '#' heading in a chapter's body",
                  "the chapter's title comes from its front matter: start sections at '##'")
        if SETEXT_H1.match(line) and not NOT_A_SETEXT_TITLE.match(previous):
            error("E201", number - 1, "an '===' underlined heading is a top-level heading",
                  "the chapter's title comes from its front matter: start sections at '##'")
        for match in RATING.finditer(line):
            try:
                parse_rating(match.group(1))
            except ValueError as problem:
                error("E202", number, f"{match.group(0)}: {problem}")
        callout = CALLOUT.match(line)
        if callout and callout.group(1).lower() not in KINDS:
            error("E203", number, f"unknown callout kind '{callout.group(1)}'",
                  "known kinds: " + ", ".join(KINDS))
        if CAPTION.match(line) and TABLE_ROW.match(previous):
            error("E204", number, "a 'Table:' caption needs a blank line above it",
                  "without one the caption joins the table and breaks it")
        elif CAPTION.match(line) and not _after_table(chapter, number):
            error("E204", number, "a 'Table:' caption must follow its table",
                  "put the caption paragraph right after the table's last row")
        findings += check_text(book, path, number, line)
        previous = line
    # What Markdown made of the chapter: every way of writing a link, a picture or HTML
    # (reference definitions, autolinks, several lines, entities) ends up here.
    where = Locator(chapter)
    for target in rendered.targets:
        line = where.line_of(target.address)
        if target.kind == PICTURE:
            findings += _check_picture(chapter, line, target, pictures, book.folder)
        else:
            findings += _check_link(book, chapter, line, target, anchors)
    for raw in rendered.raw_html:
        findings += _check_html(path, where.start_of(raw.text), raw)
    if (nesting := rendered.nesting).depth > MAX_ELEMENTS_DEEP:
        # Where its words stand, else where such a tag is written, else the body's start.
        line = ((nesting.words and where.line_of(nesting.words)) or where.line_of(f"<{nesting.tag}")
                or chapter.body_line)
        findings.append(too_deep(path, line, nesting.depth))
    return sorted(dict.fromkeys(findings), key=lambda finding: finding.line or 0)


def _cells(row: str) -> int:
    """How many cells a pipe table's row has (escaped pipes are text)."""
    row = re.sub(r"\\\|", "", row.strip())
    return len(row.removeprefix("|").removesuffix("|").split("|"))


def _shapes(lines: list[tuple[int, str]]) -> Iterator[tuple]:
    """Mistakes that build in silence into a broken book, found in the shape of the lines:
    a callout's title in curly quotes or its body not indented (an empty box), a rating
    written nearly right, a testimonial signed with hyphens, a table whose rows do not
    match its head. Each as (code, line, message, hint, severity)."""
    from .findings import ERROR

    for index, (number, line) in enumerate(lines):
        following = lines[index + 1:]
        if CURLY_TITLE.match(line):
            yield ("E238", number, "this callout's title is in curly quotes: the line prints "
                   "as it is, with an empty box", "write its title in straight quotes: "
                   '!!! pros "Advantages"', ERROR)
        elif CALLOUT.match(line):
            body = next(((n, text) for n, text in following if text.strip()), None)
            wanted = len(line) - len(line.lstrip(" ")) + 4  # a box in a list is indented more
            indent = len(body[1]) - len(body[1].lstrip(" ")) if body else 0
            if body is not None and indent < wanted and not body[1].lstrip(" ").startswith("\t"):
                yield ("E239", body[0], f"a callout's body is indented by four spaces; this "
                       f"line has {indent}, so the box above is empty and the line prints "
                       "after it", "indent every line of the box by four spaces more than "
                       "its '!!!' line", ERROR)
        for near in RATING_LIKE.finditer(line):
            if not RATING.fullmatch(near.group()):
                yield ("E240", number, f"'{near.group()}' is not a rating: it prints as it is",
                       "write it as [stars: 4/5]: the word 'stars', a colon, the value", ERROR)
        previous = lines[index - 1][1] if index else ""
        after = following[0][1] if following else ""
        if (HYPHEN_SIGNED.match(line) and re.match(r"^\s*>\s*$", previous)
                and not QUOTE_LINE.match(after)):
            yield ("W240", number, "this quote's last paragraph starts with a hyphen: it "
                   "prints as a list, not as the testimonial's attribution",
                   "sign a testimonial with an em dash: '> — Name' or '> --- Name'", WARNING)
        if TABLE_ROW.match(line) and not TABLE_ROW.match(previous) and following \
                and TABLE_ROW.match(after):
            head = _cells(line)
            divider = following[0]
            if not TABLE_DIVIDER.match(divider[1]) or _cells(divider[1]) != head:
                yield ("E241", divider[0], f"this table's second line should divide its head "
                       f"of {head} cells from its rows ('|---|' for each): it prints as text, "
                       "with its '|' marks", "write one '---' between '|' for each cell of "
                       "the head", ERROR)
                continue
            for row_number, row in following[1:]:
                if not TABLE_ROW.match(row):
                    break
                if _cells(row) > head:
                    yield ("E242", row_number, f"this row has {_cells(row)} cells, its table's "
                           f"head {head}: the cells beyond the head's are not printed",
                           "add a heading for the extra column, or join the cells", ERROR)


def _check_heading_order(chapter: Chapter) -> list[Finding]:
    """Headings go down one level at a time: ## then ###, never ## then ####."""
    found, level = [], 1  # the chapter's title is the level-one heading
    for number, line in source_lines(chapter):
        match = ATX_HEADING.match(line)
        if not match or not match.group(2):
            continue
        depth = len(match.group(1))
        if depth > level + 1:
            found.append(Finding("W201", chapter.display_path, number,
                                 f"a level-{depth} heading follows a level-{level} one",
                                 f"use {'#' * (level + 1)} here, or add the heading between",
                                 WARNING))
        level = depth
    return found


def _after_table(chapter: Chapter, number: int) -> bool:
    """Whether the last non-blank line above line ``number`` is a table row."""
    lines = chapter.body.split("\n")[: number - chapter.body_line]
    above = next((line for line in reversed(lines) if line.strip()), "")
    return bool(TABLE_ROW.match(above))


def _check_picture(chapter: Chapter, number: int | None, target: Target,
                   pictures: Pictures, folder: Path | None = None) -> list[Finding]:
    path = chapter.display_path
    shown = target.address
    found = []
    if not target.alt.strip():
        found.append(Finding("E205", path, number, f"the image '{shown}' has no alt text",
                             "describe the picture between the brackets: ![what it shows](...)"))
    if target.file is None:
        found.append(Finding("E206", path, number, f"the image '{shown}' is a remote address",
                             "builds never reach the network: put the image in the handbook's "
                             "images/ folder"))
        return found
    name = target.file
    data = pictures.files.get(name)
    if name.startswith(("/", "../")) or name == ".." or (
            isinstance(data, Unreadable) and data.kind == OUTSIDE):
        link = f" (it is a link to '{data.detail}')" if isinstance(data, Unreadable) \
            and data.detail else ""
        found.append(Finding("E207", path, number, f"the image '{shown}' is outside the "
                             f"handbook folder{link}", "a handbook is self-contained: copy the "
                             "picture into its images/ folder"))
    elif isinstance(data, Unreadable) and data.kind in (TOO_LARGE, TOO_MUCH):
        found.append(Finding("E237", path, number, f"the image '{shown}' {data.reason}",
                             "save the pictures smaller: a photograph for a page needs one "
                             "or two megabytes"))
    elif isinstance(data, Unreadable) or data is None:
        missing = data is None or data.kind == MISSING
        reason = "does not exist" if missing else data.reason
        found.append(Finding("E208", path, number, f"the image '{shown}' {reason}",
                             _meant_picture(folder, name) if missing else None))
    elif not name.lower().endswith(IMAGE_TYPES):
        found.append(Finding("E209", path, number, f"the image '{shown}' is not a PNG, "
                             "JPEG or SVG file"))
    else:
        found += [Finding(verdict.code, path, number, f"the {verdict.noun} '{shown}' "
                          f"{verdict.words}", verdict.hint) for verdict in pictures.verdicts(name)]
    return found


def _meant_picture(folder: Path | None, name: str) -> str | None:
    """"did you mean" the picture in the handbook folder whose name differs from ``name`` only
    in case, spaces or a near spelling (images/Pathway.PNG for images/pathway.png)."""
    if folder is None:
        return None
    place = PurePosixPath(name)
    try:
        there = [entry.name for entry in os.scandir(folder / place.parent)
                 if entry.is_file() and entry.name.lower().endswith(IMAGE_TYPES)]
    except OSError:
        return None

    def plain(text: str) -> str:
        return re.sub(r"[\s_-]+", "", text.casefold())

    same = [other for other in there if plain(other) == plain(place.name)]
    meant = same[0] if same else closest(place.name, there)
    if meant is None:
        return None
    return f"did you mean '{(place.parent / meant).as_posix().removeprefix('./')}'?"


def _check_link(book: Book, chapter: Chapter, number: int | None, target: Target,
                anchors: dict[str, set[str]]) -> list[Finding]:
    path = chapter.display_path
    href = target.address
    if target.file is None:  # an address with a scheme, or a host
        parts = urlsplit(href)
        scheme = parts.scheme.lower()
        if not scheme:
            return [Finding("E210", path, number, f"the link '{href}' has no scheme: it would "
                            "lead to another site by the reader's own", "write the address in "
                            "full, with https://")]
        if scheme not in LINK_SCHEMES:
            return [Finding("E210", path, number, f"the link '{href}' uses '{parts.scheme}:'",
                            "links lead to chapters, or to http(s):// and mailto: addresses")]
        if scheme != "mailto" and not parts.netloc:
            return [Finding("E210", path, number, f"the link '{href}' is not a whole address",
                            "write it as https://example.org/...")]
        return []
    if target.file not in anchors:
        if target.file.endswith(".md"):
            return [Finding("E211", path, number, f"the link '{href}' leads to a chapter "
                            "that does not exist",
                            "chapters: " + ", ".join(c.source for c in book.chapters))]
        return [Finding("E212", path, number, f"the link '{href}' leads to a file that is not "
                        "a chapter", "a handbook is self-contained: link to a chapter, or to "
                        "an http(s):// address")]
    if target.fragment and target.fragment not in anchors[target.file]:
        return [Finding("E213", path, number, f"the link '{href}' leads to a heading that "
                        f"does not exist in {target.file}",
                        _closest_anchor(target.fragment, anchors[target.file]))]
    return []


def _closest_anchor(fragment: str, known: set[str]) -> str:
    guess = closest(fragment, known)
    return f"did you mean '#{guess}'?" if guess else "headings there: " + ", ".join(
        f"#{anchor}" for anchor in sorted(known))


def _check_html(path: str, place: tuple[int, str] | None, raw: RawHtml) -> list[Finding]:
    """The author's raw HTML as the HTML parser reads it: only the short list of tags and
    attributes. ``place`` is the line the HTML starts on and the text found there."""
    def line_at(offset: int) -> int | None:
        return place and place[0] + raw.text[:offset].count("\n")

    found = []
    reported = set()
    for tag in raw.tags:
        if tag.closing and (tag.name in reported or tag.name in ALLOWED):
            continue  # a closing tag: its opening tag has been judged
        if tag.name not in ALLOWED:
            reported.add(tag.name)
            found.append(Finding("E214", path, line_at(tag.offset), f"the HTML tag "
                                 f"<{tag.name}> is not allowed",
                                 "allowed: " + ", ".join(f"<{t}>" for t in ALLOWED)))
            continue
        for name in tag.attributes:
            if name not in ALLOWED[tag.name]:
                found.append(Finding("E215", path, line_at(tag.offset), f"the attribute "
                                     f"'{name}' is not allowed on <{tag.name}>"))
        for name in tag.classes:
            if name in own_classes():
                found.append(Finding("E215", path, line_at(tag.offset), f"the class '{name}' "
                                     "is one of the handbook's own, which would give the text "
                                     "its look and place", f"name it otherwise, such as "
                                     f"'my-{name}'"))
    if raw.unfinished:
        found.append(Finding("E214", path, line_at(len(raw.text)), "this HTML is not closed: "
                             f"'{raw.text.strip()[:40]}'", "end the tag with '>', or write "
                             "'&lt;' for a '<' that is text"))
    return found


class Locator:
    """Finds the line where a chapter's source says something that its rendered HTML holds
    (an address, a piece of HTML): the first time asked, where it first stands; the next
    time, where it stands next. Code is left out: Markdown does not read it."""

    def __init__(self, chapter: Chapter):
        self.chapter = chapter
        self.seen: dict[str, int] = {}  # text -> where it was last found
        self._texts: tuple[str, str] | None = None

    def texts(self) -> tuple[str, str]:
        """The body with code blanked, tabs expanded as Markdown expands them; and the same
        with entities and backslash escapes read, as addresses are."""
        if self._texts is None:
            lines = dict(source_lines(self.chapter))
            first = self.chapter.body_line
            count = self.chapter.body.count("\n") + 1
            plain = [lines.get(first + offset, "").expandtabs(4) for offset in range(count)]
            decoded = [html.unescape(BACKSLASH_ESCAPE.sub(r"\1", line)).replace("\n", " ")
                       for line in plain]
            self._texts = ("\n".join(plain), "\n".join(decoded))
        return self._texts

    def start_of(self, text: str) -> tuple[int, str] | None:
        """The line where ``text`` stands next, and ``text``; None if the source does not say it."""
        line = self.line_of(text)
        return None if line is None else (line, text)

    def line_of(self, text: str) -> int | None:
        needle = text.strip()
        if not needle:
            return None
        for body in self.texts():
            start = self.seen.get(needle, -1) + 1
            position = body.find(needle, start)
            if position < 0 and start:
                position = body.rfind(needle)  # said once, used again (a reference)
            if position >= 0:
                self.seen[needle] = position
                return self.chapter.body_line + body.count("\n", 0, position)
        return None


def check_text(book: Book, path: str, number: int, text: str) -> list[Finding]:
    """Damaged characters, characters that no font of the handbook can draw, and
    references to characters that no reader can show (``&#2;``)."""
    found = []
    for reference in CHARACTER_REFERENCE.finditer(text):
        code = int(reference.group(1)[1:], 16) if reference.group(1)[0] in "xX" \
            else int(reference.group(1))
        if code > 0x10FFFF or CONTROL.match(chr(code)):
            found.append(Finding("E222", path, number, f"'{reference.group(0)}' stands for a "
                                 f"control character (U+{min(code, 0x10FFFF + 1):04X}) that no "
                                 "reader can show", "delete it"))
    thai = book.metadata.language.lower().startswith("th")
    match = MOJIBAKE.search(text) or (None if thai else THAI.search(text))
    if match:
        found.append(Finding("E220", path, number, f"'{match.group(0)}' looks like damaged "
                             "text (mojibake)", "retype the character that was meant, such as "
                             "a dash, a quote or an accented letter"))
    elif not thai and ftfy.badness.is_bad(text):
        repaired = ftfy.fix_text(text)
        hint = f"perhaps: {repaired.strip()[:80]}" if repaired != text else None
        found.append(Finding("W220", path, number, "this line may hold damaged text (mojibake)",
                             hint, WARNING))
    coverage = font_coverage()
    missing = sorted({ch for ch in text if ord(ch) not in coverage and ch not in NOT_DRAWN
                      and unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp")})
    for character in missing:
        found.append(Finding("E221", path, number, f"no font of the handbook can draw "
                             f"'{character}' (U+{ord(character):04X})",
                             "use another character, or add a font that has it to the theme"))
    return found


@lru_cache(maxsize=None)
def own_classes() -> frozenset[str]:
    """The class names the pipeline gives its own markup and styles: not for authors."""
    return selected_classes() | frozenset(FOOTNOTE_LINKS)


@lru_cache(maxsize=None)
def font_coverage() -> frozenset[int]:
    """Every code point that some font of the theme's style sheets can draw (every theme
    draws from the same fonts)."""
    return frozenset().union(*(font_cmap(face.path) for face in font_faces()))
