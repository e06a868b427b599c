"""Callout boxes: admonition syntax limited to the handbook's kinds."""

from __future__ import annotations

import pytest

from press.markdown.callouts import ICONS
from tests.helpers import assert_renders, parse, render

# The kinds FORMAT.md lists, with the title a box gets when the author gives none.
KINDS = [
    ("note", "Note"),
    ("tip", "Tip"),
    ("warning", "Warning"),
    ("pros", "Pros"),
    ("cons", "Cons"),
    ("myth", "Myth"),
]


def icon(kind: str) -> str:
    """The icon a callout's title opens with (the myth's has its label instead): a drawing
    hidden from assistive technology, in the title's colour."""
    if kind == "myth":
        return ""
    return (f'<svg aria-hidden="true" class="callout-icon callout-icon-{kind}" focusable="false" '
            'height="1em" width="1em" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
            f'<path d="{ICONS[kind]}" fill="currentColor" fill-rule="evenodd"></path></svg>')


@pytest.mark.parametrize(("kind", "default_title"), KINDS)
def test_callout_with_a_title_is_an_aside_whose_title_says_its_kind(kind, default_title):
    """The kind in words, not only as its icon: a screen reader, and any reader that shows
    no style, hears "Pros: In short"."""
    words = default_title if kind == "myth" else f"{default_title}:"
    assert_renders(
        f"""
        !!! {kind} "In short"
            Body text.
        """,
        f"""
        <aside class="callout callout-{kind}" role="note">
        <p class="callout-title">{icon(kind)}<span class="callout-kind">{words}</span> In short</p>
        <p>Body text.</p>
        </aside>
        """,
    )


@pytest.mark.parametrize(("kind", "default_title"), KINDS)
def test_callout_without_a_title_is_titled_with_its_kind(kind, default_title):
    assert_renders(
        f"""
        !!! {kind}
            Body text.
        """,
        f"""
        <aside class="callout callout-{kind}" role="note">
        <p class="callout-title">{icon(kind)}{"" if kind == "myth" else " "}{default_title}</p>
        <p>Body text.</p>
        </aside>
        """,
    )


def test_callout_kind_is_case_insensitive():
    (box,) = parse(render("""
        !!! Tip
            Body text.
        """)).findall("aside")
    assert box.get("class") == "callout callout-tip"


def test_callout_body_holds_block_markdown():
    assert_renders(
        """
        !!! pros "Advantages"
            - Among the best-paid roles in tech
            - Exploding demand
        """,
        f"""
        <aside class="callout callout-pros" role="note">
        <p class="callout-title">{icon("pros")}<span class="callout-kind">Pros:</span> Advantages</p>
        <ul>
        <li>Among the best-paid roles in tech</li>
        <li>Exploding demand</li>
        </ul>
        </aside>
        """,
    )


def test_callout_title_renders_inline_markdown():
    (title,) = parse(render("""
        !!! myth "You *must* have a PhD"
            False.
        """)).xpath('//p[@class="callout-title"]')
    assert [(child.tag, child.text, child.tail) for child in title] == [
        ("span", "Myth", " You "), ("em", "must", " have a PhD")]


def test_callout_title_gets_typographic_quotes():
    (title,) = parse(render("""
        !!! myth "It's all maths"
            False.
        """)).xpath('//p[@class="callout-title"]')
    assert title[0].tail == " It’s all maths"


def test_callout_body_can_hold_a_rating():
    html = render("""
        !!! note "Demand"
            [stars: 5/5]
        """)
    assert parse(html).xpath('//aside[@class="callout callout-note"]//span[@class="rating"]')


def test_two_callouts_in_a_row_stay_separate_boxes():
    html = render("""
        !!! pros
            Good pay.

        !!! cons
            Long hours.
        """)
    boxes = [aside.get("class") for aside in parse(html).findall("aside")]
    assert boxes == ["callout callout-pros", "callout callout-cons"]


def test_callout_ends_where_the_indentation_ends():
    html = render("""
        !!! tip
            Inside.

        Outside.
        """)
    tree = parse(html)
    assert [child.tag for child in tree] == ["aside", "p"]
    assert tree[1].text == "Outside."


def test_a_callout_titled_with_its_kind_says_it_once():
    (title,) = parse(render("""
        !!! warning "warning"
            Mind the gap.
        """)).xpath('//p[@class="callout-title"]')
    assert [child.get("class") for child in title] == ["callout-icon callout-icon-warning"]
    assert "".join(title.itertext()).strip() == "warning"
