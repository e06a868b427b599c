"""Typographic punctuation written as characters, and footnotes."""

from __future__ import annotations

import re

from tests.helpers import assert_renders, parse, render

NAMED_ENTITY = re.compile(r"&[A-Za-z][A-Za-z0-9]*;")


def test_straight_double_quotes_become_curly_quotes():
    assert_renders('He said "it depends".', "<p>He said “it depends”.</p>")


def test_straight_single_quotes_become_curly_quotes():
    assert_renders("The word 'model' again.", "<p>The word ‘model’ again.</p>")


def test_apostrophe_becomes_a_right_single_quote():
    assert_renders("It's the engineer's job.", "<p>It’s the engineer’s job.</p>")


def test_two_hyphens_become_an_en_dash():
    assert_renders("Ages 18--25.", "<p>Ages 18–25.</p>")


def test_three_hyphens_become_an_em_dash():
    assert_renders("Pay---and hours---vary.", "<p>Pay—and hours—vary.</p>")


def test_three_dots_become_an_ellipsis():
    assert_renders("And then...", "<p>And then…</p>")


def test_punctuation_is_written_as_characters_not_named_entities():
    html = render("""'Single', "double", 18--25, pay---hours, and... it's done.""")
    assert html == "<p>‘Single’, “double”, 18–25, pay—hours, and… it’s done.</p>"
    assert NAMED_ENTITY.findall(html) == []


def test_em_dash_is_never_written_as_an_entity():
    html = render("A --- B")
    assert ("—" in html, "&mdash;" in html, "&#8212;" in html) == (True, False, False)


def test_punctuation_in_headings_is_typographic():
    assert parse(render('## "Real" work -- day to day')).findtext("h2") == (
        "“Real” work – day to day")


def test_punctuation_in_code_spans_stays_as_typed():
    assert_renders(
        "Run `train --epochs 3 \"fast\"...` now.",
        '<p>Run <code>train --epochs 3 "fast"...</code> now.</p>',
    )


def test_punctuation_in_fenced_code_stays_as_typed():
    html = render("""
        ```
        print("it's --done...")
        ```
        """)
    assert parse(html).findtext("pre/code") == 'print("it\'s --done...")\n'


def test_horizontal_rule_of_three_hyphens_stays_a_rule():
    tree = parse(render("""
        Above.

        ---

        Below.
        """))
    assert [child.tag for child in tree] == ["p", "hr", "p"]


# Footnotes


def test_footnote_call_is_a_numbered_superscript_link():
    (sup,) = parse(render("""
        Pay is high.[^pay]

        [^pay]: In London, before tax.
        """)).iter("sup")
    assert (sup[0].get("class"), sup[0].text) == ("footnote-ref", "1")


def test_footnote_text_is_collected_at_the_end_of_the_chapter():
    tree = parse(render("""
        Pay is high.[^pay]

        More text.

        [^pay]: In London, before tax.
        """))
    assert [child.tag for child in tree] == ["p", "p", "div"]
    assert tree[-1].get("class") == "footnote"
    assert tree[-1].findtext("ol/li/p").startswith("In London, before tax.")


def test_footnotes_are_numbered_in_the_order_they_are_called():
    tree = parse(render("""
        First.[^zeta] Second.[^alpha]

        [^alpha]: Alpha note.
        [^zeta]: Zeta note.
        """))
    calls = [a.text for a in tree.xpath('//a[@class="footnote-ref"]')]
    notes = [li.findtext("p").split("\xa0")[0] for li in tree.xpath('//div[@class="footnote"]//li')]
    assert (calls, notes) == (["1", "2"], ["Zeta note.", "Alpha note."])


def test_footnote_back_link_is_an_arrow_titled_for_the_reader():
    (backref,) = parse(render("""
        Text.[^n]

        [^n]: A note.
        """)).xpath('//a[@class="footnote-backref"]')
    assert (backref.text, backref.get("title")) == ("↩", "Back to the text")


def test_footnote_text_renders_inline_markdown_and_punctuation():
    (paragraph,) = parse(render("""
        Text.[^n]

        [^n]: It's *really* high -- honestly.
        """)).xpath('//div[@class="footnote"]//li/p')
    assert (paragraph.text, paragraph[0].tag, paragraph[0].tail.split("\xa0")[0]) == (
        "It’s ", "em", " high – honestly.")


def test_footnote_output_has_no_named_entities():
    html = render("""
        Text.[^n]

        [^n]: A note.
        """)
    assert NAMED_ENTITY.findall(html) == []
