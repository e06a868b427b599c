"""Checks over loaded sources that Markdown cannot make: each finding with its file and line.

Python-Markdown keeps no source lines, so these rules scan the chapter text
itself, skipping code, with the chapter's line offset.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from functools import lru_cache
from typing import Iterator


import ftfy

from .findings import WARNING, Finding, closest
from .markdown.callouts import KINDS
from .markdown.captions import CAPTION
from .markdown.ratings import PATTERN as RATING_PATTERN, parse_rating
from .markdown.xrefs import split_local_link
from .model import ID_SEPARATOR, Book, Chapter, RenderedChapter
from .render import render_book
from .sources import display, picture_is_sound, svg_references
from .styles import font_cmap, font_faces

FENCE = re.compile(r"^(`{3,}|~{3,})")  # Python-Markdown's fences start at the margin
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
ATX_HEADING = re.compile(r"^(#{1,6})(?!#)\s*(.*?)\s*#*\s*$")  # "#Title" is a heading too
SETEXT_H1 = re.compile(r"^=+\s*$")
NOT_A_SETEXT_TITLE = re.compile(r"^\s*([-*+>|]|\d+\.|!!!|#|$)|^    ")
RATING = re.compile(RATING_PATTERN)
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")  # an address's scheme, as in https:
CALLOUT = re.compile(r"^\s*!!!\s*([\w-]+)")
IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
URL = r"<?((?:[^()\s<>]|\([^()\s]*\))*)>?"  # balanced parentheses may stand in an address
LINK = re.compile(r"(?<!!)\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*" + URL + r"(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[(?!\^)([^\]]+)\]:\s*" + URL + r"(?:\s|$)")
REFERENCE_USE = re.compile(r"(!?)\[([^\]\[]*)\]\[([^\]]*)\]")
HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])([^>]*)>")
HTML_ATTRIBUTE = re.compile(r"([A-Za-z_:][\w:.-]*)\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
TABLE_ROW = re.compile(r"^\s*\|")
ALLOWED_HTML = {"br": set(), "sup": set(), "sub": set(), "abbr": {"title"}, "kbd": set(),
                "span": {"class"}}
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".svg")
LINK_SCHEMES = ("http", "https", "mailto")
# Text that UTF-8 read as cp1252 or Latin-1 leaves behind.
MOJIBAKE = re.compile(r"â€|â€™|Ã[\u0080-\u00bf]|Ã[ƒ‚©¨¢§¤¶¼½®¯]|Â[\u00a0-\u00bf]|ï»¿|\ufffd")
THAI = re.compile(r"[\u0e00-\u0e7f]")
NOT_DRAWN = {"\u200d", "\ufe0f", "\ufe0e", "\u200b", "\u2060", "\u00ad"}


def check_book(book: Book, chapters: tuple[RenderedChapter, ...] | None = None) -> list[Finding]:
    """Every problem in the handbook's chapters, in file and line order.

    Links to headings are checked against the ids the rendered chapters really have.
    """
    chapters = chapters if chapters is not None else render_book(book)
    anchors = {rendered.chapter.source: rendered_ids(rendered) for rendered in chapters}
    findings: list[Finding] = []
    for chapter in book.chapters:
        findings += check_chapter(book, chapter, anchors)
    return findings + check_fact_sheet(book, anchors)


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


def check_chapter(book: Book, chapter: Chapter, anchors: dict[str, set[str]]) -> list[Finding]:
    findings: list[Finding] = []
    path = chapter.display_path

    def error(code, line, message, hint=None):
        findings.append(Finding(code, path, line, message, hint))

    findings += _check_heading_order(chapter)
    if not chapter.summary:
        findings.append(Finding("W203", path, 1, "this chapter has no summary",
                                "add 'summary: ...' to its front matter: the contents page and "
                                "the fact sheet show it", WARNING))
    definitions = {match.group(1).lower(): (match.group(2), number)
                   for number, line in source_lines(chapter)
                   for match in [REFERENCE.match(line)] if match}
    previous = ""
    for number, line in source_lines(chapter):
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
        for match in IMAGE.finditer(line):
            findings += _check_image(book, chapter, number, match.group(1), match.group(2))
        for match in LINK.finditer(line):
            findings += _check_link(book, chapter, number, match.group(1), anchors)
        # Reference-style pictures and links: ![alt][label], [text][label], and [label]: target
        # (a problem with the target is reported where the target is written).
        for match in REFERENCE_USE.finditer(line):
            picture, text, label = match.group(1), match.group(2), match.group(3) or match.group(2)
            if label.lower() not in definitions:
                continue  # Python-Markdown leaves it as text
            target, target_line = definitions[label.lower()]
            if picture:
                if not text.strip():
                    error("E205", number, f"the image '{target}' has no alt text",
                          "describe the picture between the brackets: ![what it shows][...]")
                findings += _check_image(book, chapter, target_line, "(given)", target)
            else:
                findings += _check_link(book, chapter, target_line, target, anchors)
        findings += _check_html(path, number, line)
        findings += check_text(book, path, number, line)
        previous = line
    return findings


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


def _check_image(book: Book, chapter: Chapter, number: int, alt: str, target: str
                 ) -> list[Finding]:
    path = chapter.display_path
    found = []
    if not alt.strip():
        found.append(Finding("E205", path, number, f"the image '{target}' has no alt text",
                             "describe the picture between the brackets: ![what it shows](...)"))
    if SCHEME.match(target) or target.startswith("//"):
        found.append(Finding("E206", path, number, f"the image '{target}' is a remote address",
                             "builds never reach the network: put the image in the handbook's "
                             "images/ folder"))
        return found
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(chapter.source), target))
    if target.startswith("/") or resolved.startswith(".."):
        found.append(Finding("E207", path, number, f"the image '{target}' is outside the "
                             "handbook folder"))
    elif resolved not in book.files:
        found.append(Finding("E208", path, number, f"the image '{target}' does not exist"))
    elif not resolved.lower().endswith(IMAGE_TYPES):
        found.append(Finding("E209", path, number, f"the image '{target}' is not a PNG, "
                             "JPEG or SVG file"))
    elif not picture_is_sound(book, resolved):
        found.append(Finding("E209", path, number, f"the image '{target}' cannot be read: it "
                             "is damaged, or not the kind of picture its name says",
                             "open it in an image editor and save it again as PNG, JPEG or SVG"))
    else:
        for reference in svg_references(book, resolved):
            found.append(Finding("E217", path, number, f"the picture '{target}' refers to "
                                 f"'{reference[:60]}', outside itself",
                                 "a picture must hold everything it shows (small data: "
                                 "images inside it are fine); builds never fetch other files"))
    return found


def _check_link(book: Book, chapter: Chapter, number: int, href: str,
                anchors: dict[str, set[str]]) -> list[Finding]:
    path = chapter.display_path
    scheme = SCHEME.match(href)
    if scheme:
        if scheme.group(1).lower() in LINK_SCHEMES:
            return []
        return [Finding("E210", path, number, f"the link '{href}' uses '{scheme.group(1)}:'",
                        "links lead to chapters, or to http(s):// and mailto: addresses")]
    local = split_local_link(href, chapter.source)
    if local is None:
        return []
    target, fragment = local
    if target not in anchors:
        if target.endswith(".md"):
            return [Finding("E211", path, number, f"the link '{href}' leads to a chapter "
                            "that does not exist",
                            "chapters: " + ", ".join(c.source for c in book.chapters))]
        return [Finding("E212", path, number, f"the link '{href}' leads to a file that is not "
                        "a chapter", "a handbook is self-contained: link to a chapter, or to "
                        "an http(s):// address")]
    if fragment and fragment not in anchors[target]:
        return [Finding("E213", path, number, f"the link '{href}' leads to a heading that "
                        f"does not exist in {target}",
                        _closest_anchor(fragment, anchors[target]))]
    return []


def _closest_anchor(fragment: str, known: set[str]) -> str:
    guess = closest(fragment, known)
    return f"did you mean '#{guess}'?" if guess else "headings there: " + ", ".join(
        f"#{anchor}" for anchor in sorted(known))


def _check_html(path: str, number: int, line: str) -> list[Finding]:
    found = []
    reported = set()
    for match in HTML_TAG.finditer(line):
        tag = match.group(2).lower()
        if match.group(1) and (tag in reported or tag in ALLOWED_HTML):
            continue  # a closing tag: its opening tag has been judged
        if tag not in ALLOWED_HTML:
            reported.add(tag)
            found.append(Finding("E214", path, number, f"the HTML tag <{tag}> is not allowed",
                                 "allowed: " + ", ".join(f"<{t}>" for t in ALLOWED_HTML)))
            continue
        for attribute in HTML_ATTRIBUTE.finditer(match.group(3)):
            name = attribute.group(1).lower()
            if name not in ALLOWED_HTML[tag]:
                found.append(Finding("E215", path, number,
                                     f"the attribute '{name}' is not allowed on <{tag}>"))
    return found


def check_text(book: Book, path: str, number: int, text: str) -> list[Finding]:
    """Damaged characters and characters that no font of the handbook can draw."""
    found = []
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
def font_coverage() -> frozenset[int]:
    """Every code point that some font of the theme's style sheets can draw (every theme
    draws from the same fonts)."""
    return frozenset().union(*(font_cmap(face.path) for face in font_faces()))
