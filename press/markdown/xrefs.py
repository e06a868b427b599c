"""Links between chapters, pictures' paths, and ids kept unique where all chapters share
one document."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from urllib.parse import quote, unquote, urlsplit

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

from ..model import ID_SEPARATOR, chapter_anchors, heading_id


def split_local_link(href: str, current: str) -> tuple[str, str] | None:
    """A link to a file of the handbook as (file, fragment), or None for other links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("//"):
        return None
    path = unquote(parts.path)
    if path:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(current), path))
    else:
        path = current
    return path, unquote(parts.fragment)


class ChapterLinkTreeprocessor(Treeprocessor):
    """Prefix the chapter's ids with its anchor; point chapter links at those ids; give
    pictures their path from the handbook folder, where every edition looks for them."""

    def __init__(self, md, current: str, anchors: Mapping[str, str]):
        super().__init__(md)
        self.current = current
        self.anchors = dict(anchors)
        self.anchors.setdefault(current, chapter_anchors([current])[current])

    def target(self, source: str, fragment: str) -> str:
        return heading_id(self.anchors[source], fragment)

    def run(self, root):
        prefix = self.anchors[self.current] + ID_SEPARATOR
        for element in root.iter():
            if element.get("id"):
                element.set("id", prefix + element.get("id"))
            if element.tag == "img" and element.get("src"):
                local = split_local_link(element.get("src"), self.current)
                if local is not None:
                    element.set("src", quote(local[0]))
            if element.tag != "a" or not element.get("href"):
                continue
            local = split_local_link(element.get("href"), self.current)
            if local is None or local[0] not in self.anchors:
                continue
            source, fragment = local
            element.set("href", "#" + self.target(source, fragment))
            if source != self.current:  # print follows these with the target's page number
                element.set("class", (element.get("class", "") + " xref").strip())


class ChapterLinkExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "current": ["", "the chapter file being rendered"],
            "anchors": [{}, "every chapter file of the handbook and its anchor"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        processor = ChapterLinkTreeprocessor(
            md, self.getConfig("current"), self.getConfig("anchors"))
        # Last of all: after toc (5) has given headings their ids.
        md.treeprocessors.register(processor, "chapter-links", 1)
