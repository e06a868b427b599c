"""Python-Markdown configured with one extension per feature of the handbook format."""

from __future__ import annotations

import markdown

from .barelinks import BareLinkExtension
from .callouts import CalloutExtension
from .captions import TableCaptionExtension
from .ratings import RatingExtension
from .rawhtml import RawHtmlExtension
from .testimonials import TestimonialExtension
from .xrefs import ChapterLinkExtension
from ..model import chapter_anchors

# Typographic punctuation as the characters themselves, never named entities.
PUNCTUATION = {
    "left-single-quote": "‘",
    "right-single-quote": "’",
    "apostrophe": "’",
    "left-double-quote": "“",
    "right-double-quote": "”",
    "left-angle-quote": "«",
    "right-angle-quote": "»",
    "mdash": "—",
    "ndash": "–",
    "ellipsis": "…",
}


def make_markdown(current: str = "chapter.md", chapters=frozenset()) -> markdown.Markdown:
    """A Markdown converter for one chapter of a handbook.

    ``chapters`` maps every chapter file to its anchor (a set of files gets the
    anchors the loader would give them).
    """
    anchors = chapters if isinstance(chapters, dict) else chapter_anchors(sorted(chapters))
    return markdown.Markdown(
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
            RawHtmlExtension(),  # last: after smarty and all that stash HTML
        ],
        extension_configs={
            "smarty": {"substitutions": PUNCTUATION},
            "footnotes": {"SEPARATOR": "-", "BACKLINK_TEXT": "↩",
                          "BACKLINK_TITLE": "Back to the text",
                          "USE_DEFINITION_ORDER": False},  # numbered as they are called
            "toc": {"permalink": False},
        },
        output_format="html",
    )
