"""Bare ``http://`` and ``https://`` addresses become links; trailing punctuation stays text."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

PATTERN = r"(?<![\w/<\"'=(\[])https?://[^\s<>\"]+"
TRAILING = ".,;:!?'\"’”»"


def split_address(candidate: str) -> str:
    """The address without sentence punctuation or an unbalanced closing bracket."""
    while candidate:
        last = candidate[-1]
        if last in TRAILING:
            candidate = candidate[:-1]
        elif last == ")" and candidate.count(")") > candidate.count("("):
            candidate = candidate[:-1]
        elif last == "]" and candidate.count("]") > candidate.count("["):
            candidate = candidate[:-1]
        else:
            break
    return candidate


class BareLinkInlineProcessor(InlineProcessor):
    def handleMatch(self, m, data):
        address = split_address(m.group(0))
        if "://" not in address or address.endswith("://"):
            return None, None, None
        link = etree.Element("a", {"href": address, "class": "bare-link"})
        link.text = AtomicString(address)
        return link, m.start(0), m.start(0) + len(address)


class BareLinkExtension(Extension):
    def extendMarkdown(self, md):
        # After links (160) and <autolinks> (120), which consume their addresses first.
        md.inlinePatterns.register(BareLinkInlineProcessor(PATTERN, md), "bare-link", 115)
