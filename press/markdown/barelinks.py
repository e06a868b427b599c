"""Bare ``http://`` and ``https://`` addresses become links; trailing punctuation stays text."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# Not inside a word or an HTML attribute (href="…"); Markdown links and <autolinks> are
# consumed before this pattern runs.
PATTERN = r"(?<![A-Za-z0-9/<=\[])(?<!=\")(?<!=')https?://[^\s<>\"]+"
TRAILING = ".,;:!?'\"’”»*_"


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


class NestedLinkTreeprocessor(Treeprocessor):
    """An address that is already a link's text (``[https://…](https://…)``) stays text."""

    def run(self, root):
        for link in root.iter("a"):
            for inner in list(link.iter("a"))[1:]:
                if inner.get("class") == "bare-link":
                    _unwrap(link, inner)


def _unwrap(ancestor, element) -> None:
    parent = next(p for p in ancestor.iter() if element in list(p))
    index = list(parent).index(element)
    text = (element.text or "") + (element.tail or "")
    if index:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(element)


class BareLinkExtension(Extension):
    def extendMarkdown(self, md):
        # After links (160) and <autolinks> (120), which consume their addresses first.
        md.inlinePatterns.register(BareLinkInlineProcessor(PATTERN, md), "bare-link", 115)
        # After inline processing (20).
        md.treeprocessors.register(NestedLinkTreeprocessor(md), "nested-links", 19)
