"""Links between chapters, pictures' paths, and ids kept unique where all chapters share
one document.

Ids are prefixed as Markdown renders the chapter; links and pictures are resolved on the
rendered HTML (``resolve_targets``), where their addresses read as every edition reads them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from urllib.parse import quote, unquote, urlsplit

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

from ..model import ID_SEPARATOR, LINK, PICTURE, Target, chapter_anchors, heading_id


def split_local_link(href: str, current: str) -> tuple[str, str] | None:
    """A link to a file of the handbook as (file, fragment), or None for other links."""
    parts = urlsplit(href)  # which strips and drops what browsers strip and drop
    if parts.scheme or parts.netloc or href.lstrip().startswith("//"):
        return None
    path = unquote(parts.path)
    if path:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(current), path))
    else:
        path = current
    return path, unquote(parts.fragment)


def resolve_targets(fragment, current: str, anchors: Mapping[str, str]) -> tuple[Target, ...]:
    """Point a rendered chapter's links to chapters at their ids in the book, give its
    pictures their path from the handbook folder, where every edition looks for them, and
    return every link and picture as the author wrote it, in order.

    ``fragment`` is the chapter's HTML as an lxml tree: its addresses are what a
    browser reads (entities decoded), so that they are checked as every edition shows them.
    ``anchors`` holds every chapter file's anchor, the current one's too.
    """
    targets = []
    for element in fragment.iter("a", "img"):
        attribute = "src" if element.tag == "img" else "href"
        address = element.get(attribute)
        if address is None:
            continue
        local = split_local_link(address, current)
        if element.tag == "img":
            targets.append(Target(PICTURE, address, local and local[0], alt=element.get("alt", "")))
            if local is not None:
                element.set("src", quote(local[0]))
            continue
        ours = element.get("class", "") in FOOTNOTE_LINKS
        if not ours:
            targets.append(Target(LINK, address, local and local[0], local[1] if local else ""))
        if local is None or local[0] not in anchors:
            continue
        source, fragment_id = local
        element.set("href", "#" + heading_id(anchors[source], fragment_id))
        if source != current:  # print follows these with the target's page number
            element.set("class", (element.get("class", "") + " xref").strip())
    return tuple(targets)


FOOTNOTE_LINKS = ("footnote-ref", "footnote-backref")  # the footnotes' own links


class ChapterIdTreeprocessor(Treeprocessor):
    """Prefix the chapter's ids with its anchor, so that they stay unique where all
    chapters share one document."""

    def __init__(self, md, current: str, anchors: Mapping[str, str]):
        super().__init__(md)
        self.anchor = {**chapter_anchors([current]), **anchors}[current]

    def run(self, root):
        prefix = self.anchor + ID_SEPARATOR
        for element in root.iter():
            if element.get("id"):
                element.set("id", prefix + element.get("id"))


class ChapterLinkExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "current": ["", "the chapter file being rendered"],
            "anchors": [{}, "every chapter file of the handbook and its anchor"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        processor = ChapterIdTreeprocessor(
            md, self.getConfig("current"), self.getConfig("anchors"))
        # Last of all: after toc (5) has given headings their ids.
        md.treeprocessors.register(processor, "chapter-ids", 1)
