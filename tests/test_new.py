"""`new`: a handbook to start from, showing every feature once, that builds with --strict."""

from __future__ import annotations

import zipfile

import pypdf
import pytest

from press.cli import main


def test_new_makes_a_handbook_that_checks_strictly_with_no_finding(tmp_path, capsys):
    folder = tmp_path / "nursing"
    assert main(["new", str(folder)]) == 0
    said = capsys.readouterr().out
    assert f"{folder}: a new handbook" in said and f"make pdf BOOK={folder}" in said
    assert (folder / "book.yaml").read_text().splitlines()[2:4] == [
        'title: "Nursing"', 'subtitle: "A careers handbook"']
    assert sorted(path.name for path in folder.iterdir()) == [
        "01-welcome.md", "02-the-work.md", "03-is-it-for-you.md", "book.yaml", "images"]
    assert main(["check", str(folder), "--strict"]) == 0
    assert capsys.readouterr().out.strip() == f"{folder}: no problems found"


def test_title_and_language_as_given(tmp_path):
    folder = tmp_path / "paramedic-science"
    assert main(["new", str(folder), "--title", 'Paramedic "Science"', "--language", "en-US"]) == 0
    lines = (folder / "book.yaml").read_text().splitlines()
    assert 'title: "Paramedic \\"Science\\""' in lines and "language: en-US" in lines
    assert main(["check", str(folder), "--strict"]) == 0
    untitled = tmp_path / "social_care-worker"
    assert main(["new", str(untitled)]) == 0
    assert 'title: "Social Care Worker"' in (untitled / "book.yaml").read_text()


def test_new_never_writes_over_a_folder(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "01-notes.md").write_text("My own words.\n")
    assert main(["new", str(folder)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert [path.name for path in folder.iterdir()] == ["01-notes.md"]
    assert (folder / "01-notes.md").read_text() == "My own words.\n"


@pytest.mark.parametrize("arguments", [["{folder}", "--language", "English"],  # no BCP 47 tag
                                       [],  # no folder
                                       ["{folder}", "another"]])  # two folders
def test_wrong_arguments_write_nothing(tmp_path, capsys, arguments):
    given = [argument.format(folder=tmp_path / "new-one") for argument in arguments]
    assert main(["new", *given]) == 2
    assert "publish.py: error:" in capsys.readouterr().err
    assert not (tmp_path / "new-one").exists()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


@pytest.mark.slow
def test_every_edition_of_a_new_handbook_builds_strictly(tmp_path):
    """The skeleton shows each feature in the editions: a table with its caption, ratings,
    each kind of callout, a testimonial, a footnote, a link with its page, two pictures."""
    folder = tmp_path / "nursing"
    assert main(["new", str(folder)]) == 0
    assert main(["all", str(folder), "--output", str(tmp_path / "out"), "--strict"]) == 0
    pages = [page.extract_text() for page in pypdf.PdfReader(tmp_path / "out" /
                                                             "nursing.pdf").pages]
    text = "\n".join(pages)
    linked = next(number for number, page in enumerate(pages, start=1)
                  if "\nHow to get in\n" in page)
    for words in ("The skills employers ask for most.", "4 out of 5 stars", "Why people love it",
                  "MYTH", "A note adds something", "Start small", "Check the entry rules",
                  "A practitioner", "Where a figure comes from", f"(page\xa0{linked})"):
        assert words in text, words
    epub = zipfile.ZipFile(tmp_path / "out" / "nursing.epub")
    pictures = [name for name in epub.namelist() if name.startswith("EPUB/media/")]
    assert sorted(pictures) == ["EPUB/media/images/pathway.svg", "EPUB/media/images/workplace.png"]
