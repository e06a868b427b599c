"""What one handbook may hold: a source too big or too deep to build in reasonable time and
memory is refused with its line and the limit, before any of it is rendered."""

from __future__ import annotations

import pytest

from press import limits
from press.cli import main

from .helpers import MINIMAL_BOOK, minimal_book, picture, png_of, write_handbook

FRONT = "---\ntitle: A\nsummary: S.\n---\n\n"  # the body starts on line 6


def handbook(tmp_path, body: str = "Text.\n", **files):
    return write_handbook(tmp_path / "big", {"book.yaml": MINIMAL_BOOK, "01-a.md": FRONT + body,
                                             **files})


def refusal(folder, capsys) -> list[str]:
    """The first line of each finding of `check`, which must refuse the handbook."""
    assert main(["check", str(folder)]) == 2
    lines = capsys.readouterr().err.splitlines()
    return [line for line in lines if ": error: " in line]


def test_a_word_of_100000_letters(tmp_path, capsys):
    folder = handbook(tmp_path, "Fine.\n\nA " + "x" * 100_000 + " word.\n")
    assert refusal(folder, capsys) == [
        f"{folder}/01-a.md:8: error: a word of 100000 characters without a space: at most "
        f"{limits.MAX_WORD} are built"]


DEEP = limits.MAX_DEPTH  # the lists and callouts below pass the limit on their line DEEP + 1


@pytest.mark.parametrize(("line", "number", "depth"), [
    ("".join(f"{'    ' * depth}- level {depth}\n" for depth in range(200)), 6 + DEEP, DEEP + 1),
    ("> " * 300 + "deep\n", 6, 300),
    ("- " * 500 + "deep\n", 6, 500),
    ("".join(f"{'    ' * depth}!!! note\n" for depth in range(60)) + "    " * 60 + "deep\n",
     6 + DEEP, DEEP + 1),
], ids=["lists-200-deep", "quotes-300-deep", "lists-500-deep-on-one-line", "callouts-60-deep"])
def test_nesting_hundreds_deep(tmp_path, capsys, line, number, depth):
    folder = handbook(tmp_path, line)
    assert refusal(folder, capsys) == [
        f"{folder}/01-a.md:{number}: error: this line is nested {depth} levels deep: at most "
        f"{limits.MAX_DEPTH} levels of lists, quotes and callouts inside each other are built"]


@pytest.mark.parametrize(("line", "depth"), [
    ('<span class="a"> ' * 300 + "deep", 254),  # as far as the HTML parser follows it
    ("*a " * 120 + "deep" + " a*" * 120, 121),  # in a paragraph
], ids=["html-300-deep", "emphasis-120-deep"])
def test_text_nested_hundreds_of_elements_deep(tmp_path, capsys, line, depth):
    folder = handbook(tmp_path, "Fine.\n\n" + line + "\n")
    assert refusal(folder, capsys) == [
        f"{folder}/01-a.md:8: error: this text stands {depth} elements deep (emphasis, "
        f"links and HTML inside each other): at most {limits.MAX_ELEMENTS_DEEP} are built"]


def test_emphasis_too_deep_for_markdown_itself(tmp_path, capsys):
    folder = handbook(tmp_path, "*a " * 2000 + "deep" + " a*" * 2000 + "\n")
    assert refusal(folder, capsys) == [
        f"{folder}/01-a.md: error: this chapter's text stands too many elements deep to be "
        f"read (emphasis, links and HTML inside each other): at most "
        f"{limits.MAX_ELEMENTS_DEEP} are built"]


@pytest.mark.slow
def test_nesting_as_deep_as_allowed_builds_every_edition(tmp_path):
    depth = limits.MAX_DEPTH
    half = depth // 2
    quotes = "> " * half
    lists = "".join(f"{quotes}{'    ' * level}- level {level}\n" for level in range(depth - half))
    callouts = "".join(f"{'    ' * level}!!! note\n" for level in range(depth)) + \
        "    " * depth + "inside\n"
    spans = '<span class="a"> ' * (limits.MAX_ELEMENTS_DEEP - 3) + "deep\n"  # in <div><p>
    folder = handbook(tmp_path, lists + "\n" + callouts + "\n" + spans)
    assert main(["all", str(folder), "--output", str(tmp_path / "out")]) == 0


def test_more_ratings_than_a_handbook_may_hold(tmp_path, capsys):
    body = "[stars:3] " * 10 + "\n"  # ten a line, as tersely as they can be written
    folder = handbook(tmp_path, body * (limits.MAX_RATINGS // 10 + 1))
    line = 6 + limits.MAX_RATINGS // 10  # the line of the first rating past the limit
    assert refusal(folder, capsys) == [
        f"{folder}/01-a.md:{line}: error: with this line the handbook has more than "
        f"{limits.MAX_RATINGS} star ratings, which is as many as a handbook may hold"]


def test_50000_ratings_in_one_chapter_are_refused_before_they_are_read(tmp_path, capsys):
    folder = handbook(tmp_path, ("[stars:3] " * 10 + "\n") * 5_000)
    (finding,) = refusal(folder, capsys)
    assert f"{folder}/01-a.md:" in finding and "a build reads" in finding  # too large a file


def test_ratings_are_counted_across_the_handbook(tmp_path, capsys):
    half = "[stars: 4/5]\n\n" * (limits.MAX_RATINGS // 2)
    folder = write_handbook(tmp_path / "big", {"book.yaml": MINIMAL_BOOK, "01-a.md": FRONT + half,
                                               "02-b.md": FRONT + half + "[stars: 1/5]\n"})
    line = 6 + 2 * (limits.MAX_RATINGS // 2)  # after the second chapter's own half
    assert refusal(folder, capsys) == [
        f"{folder}/02-b.md:{line}: error: with this line the handbook has more than "
        f"{limits.MAX_RATINGS} star ratings, which is as many as a handbook may hold"]


@pytest.mark.slow
def test_a_50_mb_chapter(tmp_path, capsys):
    folder = handbook(tmp_path, "Words and more words.\n" * (50 * 1024 * 1024 // 22))
    text = (folder / "01-a.md").read_bytes()
    line = text[:limits.MAX_CHAPTER_BYTES].count(b"\n") + 1  # where the limit falls
    assert refusal(folder, capsys) == [
        f"{folder}/01-a.md:{line}: error: this file is larger than the "
        f"{limits.size(limits.MAX_CHAPTER_BYTES)} a build reads"]


def test_chapters_that_together_pass_the_handbook_limit(tmp_path, capsys):
    each = limits.MAX_CHAPTER_BYTES - 1024
    count = limits.MAX_HANDBOOK_BYTES // each + 1
    files = {f"{number:02}-c.md": FRONT + "Words and more words.\n" * (each // 22)
             for number in range(1, count + 1)}
    folder = write_handbook(tmp_path / "big", {"book.yaml": MINIMAL_BOOK, **files})
    assert refusal(folder, capsys) == [
        f"{folder}/{count:02}-c.md: error: with this chapter the handbook's chapters pass the "
        f"{limits.size(limits.MAX_HANDBOOK_BYTES)} a build reads"]


@pytest.mark.slow
def test_10000_chapters(tmp_path, capsys):
    files = {f"{number:05}.md": FRONT + "Text.\n" for number in range(10_000)}
    folder = write_handbook(tmp_path / "big", {"book.yaml": MINIMAL_BOOK, **files})
    assert refusal(folder, capsys) == [
        f"{folder}/{limits.MAX_CHAPTERS:05}.md: error: this handbook has 10000 chapters: at "
        f"most {limits.MAX_CHAPTERS} are built"]


def test_a_book_yaml_too_large_to_read(tmp_path, capsys):
    folder = handbook(tmp_path, **{"book.yaml": minimal_book("description: " + "x" * 70_000)})
    assert refusal(folder, capsys) == [
        f"{folder}/book.yaml:4: error: this file is larger than the "
        f"{limits.size(limits.MAX_BOOK_YAML_BYTES)} a build reads"]


def test_a_decompression_bomb_is_a_source_error(tmp_path, capsys):
    bomb = png_of(30_000, 30_000)
    assert len(bomb) < 120_000
    folder = handbook(tmp_path, "![A bomb](images/bomb.png)\n", **{"images/bomb.png": bomb})
    assert refusal(folder, capsys) == [
        f"{folder}/01-a.md:6: error: the image 'images/bomb.png' has too many pixels: at most "
        f"{limits.MAX_PICTURE_PIXELS // 1_000_000} million pixels are built"]


def test_a_picture_of_more_pixels_than_a_page_needs(tmp_path, capsys):
    width = 10_000
    height = limits.MAX_PICTURE_PIXELS // width + 1
    folder = handbook(tmp_path, "![A poster](images/poster.png)\n",
                      **{"images/poster.png": png_of(width, height)})
    assert refusal(folder, capsys) == [
        f"{folder}/01-a.md:6: error: the image 'images/poster.png' has {width} x {height} "
        f"pixels: at most {limits.MAX_PICTURE_PIXELS // 1_000_000} million pixels are built"]


def test_a_cover_of_too_many_pixels(tmp_path, capsys):
    folder = handbook(tmp_path, **{"book.yaml": minimal_book("cover: cover.png"),
                                   "cover.png": png_of(30_000, 30_000)})
    assert refusal(folder, capsys) == [
        f"{folder}/book.yaml:4: error: cover: 'cover.png' has too many pixels: at most "
        f"{limits.MAX_PICTURE_PIXELS // 1_000_000} million pixels are built"]


def test_a_picture_file_too_large_to_read(tmp_path, capsys):
    huge = picture() + bytes(limits.MAX_PICTURE_BYTES)
    folder = handbook(tmp_path, "![A picture](images/huge.png)\n", **{"images/huge.png": huge})
    assert refusal(folder, capsys) == [
        f"{folder}/01-a.md:6: error: the image 'images/huge.png' is larger than the "
        f"{limits.size(limits.MAX_PICTURE_BYTES)} a build reads"]


def test_pictures_that_together_pass_the_limit(tmp_path, capsys):
    each = limits.MAX_PICTURE_BYTES - 1024
    count = limits.MAX_PICTURES_BYTES // each + 1
    pictures = {f"images/{number}.png": picture() + bytes(each - len(picture()))
                for number in range(count)}
    body = "".join(f"![Picture {number}](images/{number}.png)\n\n" for number in range(count))
    folder = handbook(tmp_path, body, **pictures)
    last = 6 + 2 * (count - 1)
    assert refusal(folder, capsys)[-1] == (
        f"{folder}/01-a.md:{last}: error: the image 'images/{count - 1}.png' takes the "
        f"handbook's pictures past the {limits.size(limits.MAX_PICTURES_BYTES)} a build reads")


def test_a_drawing_too_big_to_draw(tmp_path, capsys):
    shapes = "".join(f'<rect x="{n % 100}" y="{n // 100}" width="1" height="1"/>'
                     for n in range(limits.MAX_SVG_ELEMENTS))
    drawing = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">{shapes}</svg>'
    huge = drawing.replace("</svg>", "<!--" + "x" * limits.MAX_SVG_BYTES + "--></svg>")
    folder = handbook(tmp_path, "![Squares](images/many.svg)\n\n![Heavy](images/heavy.svg)\n",
                      **{"images/many.svg": drawing, "images/heavy.svg": huge})
    assert refusal(folder, capsys) == [
        f"{folder}/01-a.md:6: error: the image 'images/many.svg' has "
        f"{limits.MAX_SVG_ELEMENTS + 1} elements: at most {limits.MAX_SVG_ELEMENTS} are drawn",
        f"{folder}/01-a.md:8: error: the image 'images/heavy.svg' is larger than the "
        f"{limits.size(limits.MAX_SVG_BYTES)} a drawing may be"]


def test_the_shipped_handbooks_are_far_from_every_limit():
    """Every real handbook builds: the shipped ones use a small part of each limit."""
    from press.sources import load_book
    from press.render import render_book
    from .conftest import ROOT

    for folder in sorted((ROOT / "chapters").glob("*/book.yaml")):
        book = load_book(folder.parent)
        text = [chapter.body for chapter in book.chapters]
        assert len(book.chapters) * 10 <= limits.MAX_CHAPTERS
        assert sum(map(len, text)) * 10 <= limits.MAX_HANDBOOK_BYTES
        assert max(map(len, text)) * 10 <= limits.MAX_CHAPTER_BYTES
        assert max(limits.nesting_depth(line) for body in text for line in body.split("\n")) \
            * 4 <= limits.MAX_DEPTH
        assert max(len(word) for body in text for word in body.split()) * 4 <= limits.MAX_WORD
        assert sum(body.count("[stars:") for body in text) * 4 <= limits.MAX_RATINGS
        assert render_book(book)  # and they render
