"""Helpers shared by the tests: render Markdown as a chapter would be, and write handbooks to disk."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import lxml.html

from press.markdown import make_markdown

# The chapter being rendered and the chapters of its handbook, as render.py passes them.
CURRENT = "03-the-work.md"
CHAPTERS = frozenset({"01-welcome.md", "03-the-work.md", "06-pros-and-cons.md"})


def render(source: str, current: str = CURRENT, chapters: frozenset[str] = CHAPTERS) -> str:
    """The HTML of a dedented Markdown source, converted as a chapter of the handbook."""
    return make_markdown(current, chapters).convert(dedent(source))


def assert_renders(source: str, expected: str, current: str = CURRENT,
                   chapters: frozenset[str] = CHAPTERS) -> None:
    """Python-Markdown's assertMarkdownRenders, with the handbook's converter."""
    actual = render(source, current, chapters)
    expected = dedent(expected).strip("\n")
    assert actual == expected, f"\n--- rendered ---\n{actual}\n--- expected ---\n{expected}"


def parse(html: str):
    """Rendered HTML as an lxml tree under one <div>, for assertions on elements."""
    return lxml.html.fragment_fromstring(html, create_parent="div")


def write_handbook(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Create a handbook folder holding ``files``.

    Text is dedented, loses the newline right after its opening quotes (so the
    next line is line 1) and is written as UTF-8; bytes are written as they are.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(dedent(content).removeprefix("\n"), encoding="utf-8")
    return folder


def build_edition(handbook: Path, edition: str, output: Path) -> Path:
    """Build one edition through the command line (which must succeed); the file it wrote."""
    from press.cache import output_path
    from press.cli import main
    assert main([edition, str(handbook), "--output", str(output)]) == 0
    return output_path(output, handbook.name, edition)
