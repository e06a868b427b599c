"""Python-Markdown configured with one extension per feature of the handbook format."""

from __future__ import annotations

import re

import markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor

from .barelinks import BareLinkExtension
from .callouts import CalloutExtension
from .captions import TableCaptionExtension
from .ratings import RatingExtension
from .rawhtml import RawHtmlExtension
from .testimonials import TestimonialExtension
from .xrefs import ChapterLinkExtension
from ..model import chapter_anchors
from ..words import ENGLISH_WORDS, Words

# Typographic punctuation as the characters themselves, never named entities; the quotes
# are the language's (see punctuation).
PUNCTUATION = {
    "apostrophe": "’",
    "left-angle-quote": "«",
    "right-angle-quote": "»",
    "mdash": "—",
    "ndash": "–",
    "ellipsis": "…",
}


def punctuation(words: Words) -> dict[str, str]:
    """What smarty makes of straight quotes, dashes and dots, in the language's quotes
    ("x" is “x” in English, « x » in French, „x“ in German). Single quotes are
    English's here, as smarty takes an apostrophe for a closing one: InnerQuotes makes
    them the language's."""
    opening, closing, _, _ = words.quotes
    return {**PUNCTUATION, "left-double-quote": opening, "right-double-quote": closing,
            "left-single-quote": "‘", "right-single-quote": "’"}


# A pair of single quotes within one block, not in code (kept as written): the closing one
# is no apostrophe (no letter follows it), an apostrophe may stand between (‘l’école’), and
# no block's tag comes between them.
SINGLE_QUOTED = re.compile(
    r"(<(pre|code)\b.*?</\2>)|‘((?:[^‘’<]|’(?=\w)|<(?!/?(?:p|li|td|th|h[1-6]|div|aside|"
    r"blockquote|figure|figcaption|caption|dd|dt)\b)[^>]*>)*?)’(?![\w’])", re.S)


class InnerQuotes(Postprocessor):
    """Single quotes, as smarty makes them (‘x’), in the language's inner quotes (‚x‘ in
    German, “x” in French); an apostrophe (it’s) stays one."""

    def __init__(self, md, quotes: tuple[str, str]):
        super().__init__(md)
        self.quotes = quotes

    def run(self, text: str) -> str:
        opening, closing = self.quotes
        return SINGLE_QUOTED.sub(lambda match: match.group(1) or (
            opening + match.group(3) + closing), text)


class InnerQuoteExtension(Extension):
    def __init__(self, words: Words):
        super().__init__()
        self.quotes = tuple(words.quotes[2:])

    def extendMarkdown(self, md):
        if self.quotes != ("‘", "’"):
            md.postprocessors.register(InnerQuotes(md, self.quotes), "inner-quotes", 5)


def make_markdown(current: str = "chapter.md", chapters=frozenset(),
                  words: Words = ENGLISH_WORDS) -> markdown.Markdown:
    """A Markdown converter for one chapter of a handbook, in its language's ``words``.

    ``chapters`` maps every chapter file to its anchor (a set of files gets the
    anchors the loader would give them).
    """
    anchors = chapters if isinstance(chapters, dict) else chapter_anchors(sorted(chapters))
    converter = markdown.Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "sane_lists",
            "toc",
            "smarty",
            "footnotes",
            RatingExtension(),
            CalloutExtension(),
            TestimonialExtension(),
            TableCaptionExtension(),
            BareLinkExtension(),
            ChapterLinkExtension(current=current, anchors=anchors),
            InnerQuoteExtension(words),
            RawHtmlExtension(),  # last: after smarty and all that stash HTML
        ],
        extension_configs={
            "smarty": {"substitutions": punctuation(words)},
            "footnotes": {"SEPARATOR": "-", "BACKLINK_TEXT": "↩",
                          "BACKLINK_TITLE": words("back_to_text"),
                          "USE_DEFINITION_ORDER": False},  # numbered as they are called
            "toc": {"permalink": False},
        },
        output_format="html",
    )
    converter.words = words  # the extensions' words: callouts' titles, ratings'
    return converter
