"""Everyday mistakes that would build in silence into a broken book: each is a finding with
its file, its line and a hint (an error where the book would print wrongly, a warning where
it may be meant), and what is written right gives none."""

from __future__ import annotations

import pytest

from press.cli import main
from tests.helpers import MINIMAL_CHAPTER, write_handbook

from .test_checks import check, errors

FRONT = "---\ntitle: Start\nsummary: A start.\n---\n"  # the body starts on line 5


@pytest.mark.parametrize(("body", "expected"), [
    # A callout's title in a word processor's curly quotes: the line prints as it is.
    ('!!! pros “Advantages”\n    - Good pay\n',
     "guide/01-start.md:5: error: this callout's title is in curly quotes: the line prints "
     "as it is, with an empty box"),
    # Its body indented by fewer than four spaces: an empty box, the text after it.
    ("!!! tip \"Start small\"\n  One project.\n",
     "guide/01-start.md:6: error: a callout's body is indented by four spaces; this line has "
     "2, so the box above is empty and the line prints after it"),
    ("!!! note\n\nNot indented at all.\n",
     "guide/01-start.md:7: error: a callout's body is indented by four spaces; this line has "
     "0, so the box above is empty and the line prints after it"),
    # Near misses of the rating syntax.
    ("Demand: [star: 4/5].\n", "guide/01-start.md:5: error: '[star: 4/5]' is not a rating: "
     "it prints as it is"),
    ("Demand: [ stars: 4/5 ].\n", "guide/01-start.md:5: error: '[ stars: 4/5 ]' is not a "
     "rating: it prints as it is"),
    ("Demand: [stars 4/5].\n", "guide/01-start.md:5: error: '[stars 4/5]' is not a rating: "
     "it prints as it is"),
    # A table whose divider does not match its head, or whose row has more cells.
    ("| Level | Salary |\n|---|\n| Junior | £45k |\n",
     "guide/01-start.md:6: error: this table's second line should divide its head of 2 cells "
     "from its rows ('|---|' for each): it prints as text, with its '|' marks"),
    ("| Level | Salary |\n| Junior | £45k |\n",
     "guide/01-start.md:6: error: this table's second line should divide its head of 2 cells "
     "from its rows ('|---|' for each): it prints as text, with its '|' marks"),
    ("| Level | Salary |\n|---|---|\n| Junior | £45k | London |\n",
     "guide/01-start.md:7: error: this row has 3 cells, its table's head 2: the cells beyond "
     "the head's are not printed"),
])
def test_a_silent_mistake_is_an_error_on_its_line(tmp_path, body, expected):
    assert errors(tmp_path, FRONT + body) == [expected]


@pytest.mark.parametrize("signature", ["- A nurse · 3 years in", "-- A nurse · 3 years in"])
def test_a_testimonial_signed_with_hyphens_is_a_warning(tmp_path, signature):
    (finding,) = check(tmp_path, FRONT + f"> I love the work.\n>\n> {signature}\n",
                       severity="warning")
    assert str(finding) == (
        "guide/01-start.md:7: warning: this quote's last paragraph starts with a hyphen: it "
        "prints as a list, not as the testimonial's attribution\n"
        "    hint: sign a testimonial with an em dash: '> — Name' or '> --- Name'")


@pytest.mark.parametrize("body", [
    '!!! pros "Advantages"\n    - Good pay\n',
    "!!! tip \"Start small\"\n\n    One project.\n",
    "- A list\n\n    !!! note\n        Inside the item.\n",
    "Demand: [stars: 4/5], [Stars: 3], [stars: 7.5/10].\n",
    "A [star](https://example.org/star) is a link, and [4 stars] is words.\n",
    "| Level | Salary |\n|:---|---:|\n| Junior | £45k |\n| Senior |\n",
    "| A \\| B | C |\n|---|---|\n| 1 | 2 |\n",
    "> I love the work.\n>\n> — A nurse\n\n> Or:\n>\n> --- A nurse\n",
    "> A list in a quote:\n>\n> - one\n> - two\n",
])
def test_what_is_written_right_gives_no_finding(tmp_path, body):
    assert check(tmp_path, FRONT + body) == []
    assert check(tmp_path, FRONT + body, severity="warning") == []


def test_word_processor_quotes_around_a_value_are_a_warning(tmp_path, capsys):
    folder = write_handbook(tmp_path / "nursing", {
        "book.yaml": "title: “Nursing”\nlanguage: en-GB\n",
        "01-only.md": "---\ntitle: ‘The work’\nsummary: What it is.\n---\n\nText.\n"})
    assert main(["check", str(folder)]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (f"{folder}/book.yaml:1: warning: title: the value is in curly quotes "
                        "(“Nursing”), which print as part of it")
    assert lines[2] == (f"{folder}/01-only.md:2: warning: title: the value is in curly quotes "
                        "(‘The work’), which print as part of it")
    assert main(["check", str(folder), "--strict"]) == 2


@pytest.mark.parametrize(("name", "severity"), [("02-more.markdown", "error"),
                                                ("02-more.MD", "error"),
                                                ("02-more.txt", "warning")])
def test_a_chapter_saved_under_another_ending_is_named(tmp_path, capsys, name, severity):
    folder = write_handbook(tmp_path / "nursing", {
        "book.yaml": "title: Nursing\nlanguage: en-GB\n", "01-only.md": MINIMAL_CHAPTER,
        name: MINIMAL_CHAPTER})
    assert main(["check", str(folder)]) == (2 if severity == "error" else 0)
    said = capsys.readouterr().err.splitlines()
    assert said[:2] == [f"{folder}/{name}: {severity}: '{name}' is not read as a chapter: a "
                        "chapter's file name ends in .md",
                        f"    hint: rename it '02-more.md' to make it one"
                        + (", or keep your notes elsewhere" if severity == "warning" else "")]


@pytest.mark.parametrize(("written", "saved"), [
    ("images/chart.png", "images/Chart.PNG"),       # another case
    ("images/pay chart.png", "images/pay-chart.png"),  # a space for a hyphen
    ("images/chrat.png", "images/chart.png"),       # a slip of the keys
])
def test_a_picture_named_nearly_right_is_found_for_the_author(tmp_path, written, saved):
    from .test_checks import PNG

    (finding,) = check(tmp_path, FRONT + f"![A chart of pay]({written.replace(' ', '%20')})\n",
                       files={saved: PNG})
    assert str(finding).splitlines() == [
        f"guide/01-start.md:5: error: the image '{written.replace(' ', '%20')}' does not exist",
        f"    hint: did you mean '{saved}'?"]
