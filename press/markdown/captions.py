"""Table captions: a paragraph starting ``Table:`` right after a table becomes its caption."""

from __future__ import annotations

import re

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

CAPTION = re.compile(r"^\s*Table:\s*")


class TableCaptionTreeprocessor(Treeprocessor):
    def run(self, root):
        for parent in root.iter():
            children = list(parent)
            for before, paragraph in zip(children, children[1:]):
                if (before.tag == "table" and paragraph.tag == "p" and paragraph.text
                        and CAPTION.match(paragraph.text)):
                    paragraph.tag = "caption"
                    paragraph.text = CAPTION.sub("", paragraph.text, count=1)
                    before.tail = paragraph.tail
                    paragraph.tail = None
                    parent.remove(paragraph)
                    before.insert(0, paragraph)


class TableCaptionExtension(Extension):
    def extendMarkdown(self, md):
        # Before inline processing (20), so the caption's Markdown is still rendered.
        md.treeprocessors.register(TableCaptionTreeprocessor(md), "table-caption", 26)
