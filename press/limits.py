"""How much one handbook may hold, so that no source can make a build run for minutes or
take gigabytes: each limit well beyond any real handbook, and its check over the source text.

The byte limits are applied as files are read (press/sources.py), the others here, on the
loaded text, before Markdown sees it: Python-Markdown recurses once per level of nesting
and the layout engine's cost grows with every long word and every rating.
"""

from __future__ import annotations

import re

from .findings import Finding
from .folder import size  # noqa: F401  (the limits' unit, for their messages)
from .model import Book, Chapter

MAX_BOOK_YAML_BYTES = 64 * 1024
MAX_CHAPTER_BYTES = 128 * 1024
MAX_HANDBOOK_BYTES = 256 * 1024  # every chapter together: some 300 pages
MAX_CHAPTERS = 200
MAX_DEPTH = 20  # lists, quotes and callouts inside each other
MAX_ELEMENTS_DEEP = 100  # elements inside each other once rendered (emphasis, HTML too)
MAX_WORD = 1000  # characters without a space or line break between them
MAX_RATINGS = 1000  # in the whole handbook
MAX_PICTURE_BYTES = 16 * 1024 * 1024
MAX_PICTURES_BYTES = 32 * 1024 * 1024  # every picture and the cover together
MAX_PICTURE_PIXELS = 25_000_000  # a 6000 x 4000 photograph
MAX_SVG_BYTES = 1024 * 1024  # a drawing: a diagram takes tens of kilobytes
MAX_SVG_ELEMENTS = 10_000
# The codes of a file, or files, past a limit and left unread: nothing more is checked.
UNREAD = ("E230", "E231", "E232")

# What opens a level of nesting at the start of a line: a quote mark, a list marker or a
# callout's opening; indentation opens one level per four columns.
NESTING_MARK = re.compile(r"(>|[-*+](?=\s)|\d{1,9}[.)](?=\s)|!!!)\s*")
RATING = re.compile(r"(?i)\[stars:")
LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD + 1))


def check_limits(book: Book) -> list[Finding]:
    """Every chapter's nesting and words, and the handbook's ratings, against the limits:
    the first line in each chapter that passes each limit."""
    findings, ratings = [], 0
    for chapter in book.chapters:
        found, ratings = check_chapter_limits(chapter, ratings)
        findings += found
    return findings


def check_chapter_limits(chapter: Chapter, ratings: int = 0) -> tuple[list[Finding], int]:
    """A chapter's findings, and the count of ratings with the ``ratings`` before it."""
    found: dict[str, Finding] = {}  # one finding a limit a chapter: the first line past it
    for offset, line in enumerate(chapter.body.split("\n")):
        number = chapter.body_line + offset
        depth = nesting_depth(line)
        if depth > MAX_DEPTH and "E233" not in found:
            found["E233"] = Finding(
                "E233", chapter.display_path, number,
                f"this line is nested {depth} levels deep: at most {MAX_DEPTH} levels of "
                "lists, quotes and callouts inside each other are built",
                "bring the text out to fewer levels")
        word = LONG_WORD.search(line)
        if word and "E234" not in found:
            found["E234"] = Finding(
                "E234", chapter.display_path, number,
                f"a word of {len(word.group(0))} characters without a space: at most "
                f"{MAX_WORD} are built", "break it with spaces, or make a long address a link "
                "with words: [the guide](https://...)")
        before, ratings = ratings, ratings + len(RATING.findall(line))
        if before <= MAX_RATINGS < ratings:
            found["E235"] = Finding(
                "E235", chapter.display_path, number,
                f"with this line the handbook has more than {MAX_RATINGS} star ratings, "
                "which is as many as a handbook may hold", "rate fewer things, or make it "
                "several handbooks")
    return list(found.values()), ratings


def too_deep(path: str, line: int | None, depth: int | None) -> Finding:
    """The finding for text nested deeper than the editions' layout can follow (``depth``
    None: so deep that Markdown itself could not follow it)."""
    where = f"this text stands {depth} elements deep" if depth else \
        "this chapter's text stands too many elements deep to be read"
    return Finding("E233", path, line, f"{where} (emphasis, links and HTML inside each other): "
                   f"at most {MAX_ELEMENTS_DEEP} are built",
                   "take some of the emphasis or HTML away around it")


def nesting_depth(line: str) -> int:
    """How many levels of lists, quotes and callouts a line opens or stands in."""
    expanded = line.expandtabs(4)
    text = expanded.lstrip(" ")
    depth = (len(expanded) - len(text)) // 4
    position = 0
    while match := NESTING_MARK.match(text, position):
        if not match.group(0):
            break
        depth += 1
        position = match.end()
    return depth
