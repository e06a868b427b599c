"""Callout boxes: admonition syntax (``!!! pros "Title"``) limited to the handbook's kinds."""

from __future__ import annotations

from xml.etree import ElementTree as etree

from markdown import Extension
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.treeprocessors import Treeprocessor

KINDS = {
    "note": "Note",
    "tip": "Tip",
    "warning": "Warning",
    "pros": "Pros",
    "cons": "Cons",
    "myth": "Myth",
}


class CalloutProcessor(AdmonitionProcessor):
    """Admonitions as ``aside.callout.callout-KIND`` (see CalloutAsides), always with a title to read aloud."""

    CLASSNAME = "callout"
    CLASSNAME_TITLE = "callout-title"

    def get_class_and_title(self, match):
        kind = match.group(1).split()[0].lower()
        title = match.group(2)
        if title is None or not title.strip():
            title = KINDS.get(kind, kind.capitalize())
        return f"callout-{kind}", title


class CalloutAsides(Treeprocessor):
    """Each callout an ``aside`` (set apart from the text it stands beside) in the role of a
    note (not a landmark of the page, as an aside alone would be), its kind in its
    title as words, not only as an icon a style sheet draws: ``<span class="callout-kind">``
    before a title of the author's own. The style sheets show it as the myth's label and
    keep it out of sight for the kinds an icon marks, as a rating's words are."""

    def run(self, root):
        for box in root.iter("div"):
            classes = (box.get("class") or "").split()
            if not classes or classes[0] != CalloutProcessor.CLASSNAME:
                continue
            box.tag = "aside"
            box.set("role", "note")
            kind = next(name[len("callout-"):] for name in classes[1:]
                        if name.startswith("callout-"))
            label = KINDS.get(kind, kind.capitalize())
            title = box.find("p")
            if title is None or title.get("class") != CalloutProcessor.CLASSNAME_TITLE:
                continue
            if "".join(title.itertext()).strip().casefold() == label.casefold():
                continue  # titled with its kind already
            words = etree.Element("span", {"class": "callout-kind"})
            words.text = label if kind == "myth" else f"{label}:"
            words.tail = " " + (title.text or "")
            title.text = None
            title.insert(0, words)


class CalloutExtension(Extension):
    def extendMarkdown(self, md):
        md.registerExtension(self)
        md.parser.blockprocessors.register(CalloutProcessor(md.parser), "callout", 105)
        # After the inline patterns (priority 20), which would read the title's text again.
        md.treeprocessors.register(CalloutAsides(md), "callout-asides", 19)
