"""Callout boxes: admonition syntax (``!!! pros "Title"``) limited to the handbook's kinds."""

from __future__ import annotations

from markdown import Extension
from markdown.extensions.admonition import AdmonitionProcessor

KINDS = {
    "note": "Note",
    "tip": "Tip",
    "warning": "Warning",
    "pros": "Pros",
    "cons": "Cons",
    "myth": "Myth",
}


class CalloutProcessor(AdmonitionProcessor):
    """Admonitions as ``div.callout.callout-KIND``, always with a title to read aloud."""

    CLASSNAME = "callout"
    CLASSNAME_TITLE = "callout-title"

    def get_class_and_title(self, match):
        kind = match.group(1).split()[0].lower()
        title = match.group(2)
        if title is None or not title.strip():
            title = KINDS.get(kind, kind.capitalize())
        return f"callout-{kind}", title


class CalloutExtension(Extension):
    def extendMarkdown(self, md):
        md.registerExtension(self)
        md.parser.blockprocessors.register(CalloutProcessor(md.parser), "callout", 105)
