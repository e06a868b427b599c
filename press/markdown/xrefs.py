"""Links between chapters, and ids kept unique where all chapters share one document."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

from ..model import chapter_anchor

ID_SEPARATOR = "--"


def target_anchor(source: str, fragment: str = "") -> str:
    """The id that a link to ``source#fragment`` leads to."""
    anchor = chapter_anchor(source)
    return f"{anchor}{ID_SEPARATOR}{fragment}" if fragment else anchor


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
    """Prefix the chapter's ids with its anchor; point chapter links at those ids."""

    def __init__(self, md, current: str, chapters: frozenset[str]):
        super().__init__(md)
        self.current = current
        self.chapters = chapters

    def run(self, root):
        prefix = chapter_anchor(self.current) + ID_SEPARATOR
        for element in root.iter():
            if element.get("id"):
                element.set("id", prefix + element.get("id"))
            if element.tag != "a" or not element.get("href"):
                continue
            local = split_local_link(element.get("href"), self.current)
            if local is None or (local[0] != self.current and local[0] not in self.chapters):
                continue
            source, fragment = local
            element.set("href", "#" + target_anchor(source, fragment))
            if source != self.current:  # print follows these with the target's page number
                element.set("class", (element.get("class", "") + " xref").strip())


class ChapterLinkExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "current": ["", "the chapter file being rendered"],
            "chapters": [frozenset(), "every chapter file of the handbook"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        processor = ChapterLinkTreeprocessor(
            md, self.getConfig("current"), frozenset(self.getConfig("chapters")))
        # Last of all: after toc (5) has given headings their ids.
        md.treeprocessors.register(processor, "chapter-links", 1)
