"""Callout boxes: admonition syntax (``!!! pros "Title"``) limited to the handbook's kinds."""

from __future__ import annotations

from xml.etree import ElementTree as etree

from markdown import Extension
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.treeprocessors import Treeprocessor

DISC = "M12 1a11 11 0 1 0 0 22a11 11 0 1 0 0-22z"
# Each kind's icon, drawn for this format as one family: solid shapes of one weight on a
# 24-unit square, the symbol cut out of the shape (even-odd filling). Fonts' symbols
# mixed a solid tick with an outline bulb. The myth has its label instead.
ICONS = {
    "note": DISC + "M12 5.1a1.75 1.75 0 1 0 0 3.5a1.75 1.75 0 1 0 0-3.5zM10.45 10.2h3.1v8.1h-3.1z",
    "tip": "M12 0.8a8.4 8.4 0 0 0-4.9 15.2v2.3h9.8v-2.3A8.4 8.4 0 0 0 12 0.8zM8.5 19.4h7v1.3a1.8"
           " 1.8 0 0 1-1.8 1.8h-3.4a1.8 1.8 0 0 1-1.8-1.8z",
    "warning": "M12 1.6L23.2 21.8H0.8zM10.75 8.6h2.5v6.6h-2.5zM12 16.7a1.5 1.5 0 1 0 0 3a1.5 1.5 0 1"
               " 0 0-3z",
    "pros": DISC + "M6.1 12.3l2.2-2.2 2.5 2.5 4.9-4.9 2.2 2.2-7.1 7.1z",
    "cons": DISC + "M9.35 16.84 12 14.19 14.65 16.84 16.84 14.65 14.19 12 16.84 9.35 14.65 7.16 12"
                   " 9.81 9.35 7.16 7.16 9.35 9.81 12 7.16 14.65z",
}

# The kinds an author writes (in English, whatever the language): each is also the name of
# its title's word in the language's words (press.words).
KINDS = ("note", "tip", "warning", "pros", "cons", "myth")


class CalloutProcessor(AdmonitionProcessor):
    """Admonitions as ``aside.callout.callout-KIND`` (see CalloutAsides), always with a title to read aloud."""

    CLASSNAME = "callout"
    CLASSNAME_TITLE = "callout-title"

    def get_class_and_title(self, match):
        kind = match.group(1).split()[0].lower()
        title = match.group(2)
        if title is None or not title.strip():
            title = self.parser.md.words(kind) if kind in KINDS else kind.capitalize()
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
            label = self.md.words(kind) if kind in KINDS else kind.capitalize()
            title = box.find("p")
            if title is None or title.get("class") != CalloutProcessor.CLASSNAME_TITLE:
                continue
            if "".join(title.itertext()).strip().casefold() != label.casefold():
                words = etree.Element("span", {"class": "callout-kind"})
                words.text = label if kind == "myth" else f"{label}:"
                words.tail = " " + (title.text or "")
                title.text = None
                title.insert(0, words)
            if kind in ICONS:  # a space after it, as after the kind's words (kept out of sight)
                title.insert(0, icon(kind))
                title[0].tail = None if title.text is None else " " + title.text
                title.text = None


def icon(kind: str) -> etree.Element:
    """The kind's icon: an SVG hidden from assistive technology (the title says the kind),
    in the title's colour (``currentColor``; build.inked_svg names it for print)."""
    svg = etree.Element("svg", {"xmlns": "http://www.w3.org/2000/svg",
                                "class": f"callout-icon callout-icon-{kind}",
                                "viewBox": "0 0 24 24", "width": "1em", "height": "1em",
                                "aria-hidden": "true", "focusable": "false"})
    etree.SubElement(svg, "path", {"d": ICONS[kind], "fill": "currentColor",
                                   "fill-rule": "evenodd"})
    return svg


class CalloutExtension(Extension):
    def extendMarkdown(self, md):
        md.registerExtension(self)
        md.parser.blockprocessors.register(CalloutProcessor(md.parser), "callout", 105)
        # After the inline patterns (priority 20), which would read the title's text again.
        md.treeprocessors.register(CalloutAsides(md), "callout-asides", 19)
