"""The author's guide (docs/writing-a-handbook.md): its examples are right, as `check`
reads them, and the skeleton it points to is the one `new` makes."""

from __future__ import annotations

import re

from press import PROJECT
from press.cli import main
from tests.helpers import write_handbook

GUIDE = PROJECT / "docs" / "writing-a-handbook.md"


def examples(section: str) -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    part = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```[a-z]*\n(.*?)```", part, re.S)


def test_the_guides_examples_of_markdown_check_with_no_finding(tmp_path, capsys):
    blocks = examples("What a handbook can hold")
    assert len(blocks) == 3  # a table, a callout, a testimonial
    chapter = "---\ntitle: Examples\nsummary: The guide's examples.\n---\n\n" + "\n\n".join(
        blocks) + ("\n\nA rating [stars: 4/5], [stars: 7.5/10] and [stars: 3]. A sentence.[^source]"
                   "\n\n[^source]: Where the figure comes from.\n\nSee [how to get in]"
                   "(01-only.md#how-to-get-in).\n")
    folder = write_handbook(tmp_path / "guide", {
        "book.yaml": examples("book.yaml")[0],
        "01-only.md": "---\ntitle: Only\nsummary: The first.\n---\n\n## How to get in\n\nApply.\n",
        "02-examples.md": chapter})
    assert main(["check", str(folder), "--strict"]) == 0, capsys.readouterr().err


def test_the_guide_names_the_skeletons_files(tmp_path):
    folder = tmp_path / "nursing"
    assert main(["new", str(folder)]) == 0
    text = GUIDE.read_text(encoding="utf-8")
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".yaml"):
            assert path.name in text, path.name
    assert "docs/writing-a-handbook.md" in (PROJECT / "README.md").read_text(encoding="utf-8")
