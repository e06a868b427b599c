"""Testimonials: a block quote closed by an em-dash paragraph, that paragraph its attribution."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

# The raw paragraph text, before typographic punctuation: "—" or "---", never "--".
ATTRIBUTION = re.compile(r"^\s*(?:—|---(?!-))\s*")


class TestimonialTreeprocessor(Treeprocessor):
    """Turn quotes with attributions into figures; split runs of them into one each.

    Python-Markdown joins block quotes separated only by a blank line, so a run
    of testimonials arrives as one quote: every attribution paragraph closes one.
    """

    def run(self, root):
        for parent in list(root.iter()):
            for index, quote in reversed(list(enumerate(parent))):
                if quote.tag == "blockquote":
                    self._convert(parent, index, quote)

    def _convert(self, parent, index, quote):
        groups, current = [], []
        for child in list(quote):
            is_attribution = child.tag == "p" and child.text and ATTRIBUTION.match(child.text)
            current.append(child)
            if is_attribution and len(current) > 1:  # a quote, then the words that close it
                groups.append(current)
                current = []
        if not groups:
            return
        replacements = [self._figure(group) for group in groups]
        if current:
            rest = etree.Element("blockquote")
            rest.extend(current)
            replacements.append(rest)
        replacements[-1].tail = quote.tail
        parent.remove(quote)
        for offset, element in enumerate(replacements):
            parent.insert(index + offset, element)

    @staticmethod
    def _figure(group):
        figure = etree.Element("figure", {"class": "testimonial"})
        quote = etree.SubElement(figure, "blockquote")
        quote.extend(group[:-1])
        attribution = group[-1]
        attribution.tag = "figcaption"
        attribution.text = "— " + ATTRIBUTION.sub("", attribution.text, count=1)
        figure.append(attribution)
        return figure


class TestimonialExtension(Extension):
    def extendMarkdown(self, md):
        # Before inline processing (20), while the raw "---" is still there to see.
        md.treeprocessors.register(TestimonialTreeprocessor(md), "testimonial", 25)
