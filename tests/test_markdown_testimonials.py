"""Testimonials: a block quote whose last paragraph starts with an em dash."""

from __future__ import annotations

from tests.helpers import assert_renders, parse, render


def test_quote_ending_in_an_em_dash_paragraph_is_a_testimonial():
    assert_renders(
        """
        > I thought it would be elegant maths and breakthroughs.
        >
        > — ML engineer · 4 years in, applied AI
        """,
        """
        <figure class="testimonial">
        <blockquote>
        <p>I thought it would be elegant maths and breakthroughs.</p>
        </blockquote>
        <figcaption>— ML engineer · 4 years in, applied AI</figcaption>
        </figure>
        """,
    )


def test_three_hyphens_make_an_attribution_written_as_an_em_dash():
    assert_renders(
        """
        > Best job I have had.
        >
        > --- Data scientist
        """,
        """
        <figure class="testimonial">
        <blockquote>
        <p>Best job I have had.</p>
        </blockquote>
        <figcaption>— Data scientist</figcaption>
        </figure>
        """,
    )


def test_two_hyphens_are_an_en_dash_not_an_attribution():
    assert_renders(
        """
        > Best job I have had.
        >
        > -- Data scientist
        """,
        """
        <blockquote>
        <p>Best job I have had.</p>
        <p>– Data scientist</p>
        </blockquote>
        """,
    )


def test_plain_quote_stays_a_block_quote():
    assert_renders(
        """
        > Machine learning is mostly data cleaning.
        """,
        """
        <blockquote>
        <p>Machine learning is mostly data cleaning.</p>
        </blockquote>
        """,
    )


def test_testimonial_keeps_every_paragraph_of_the_quote():
    assert_renders(
        """
        > First paragraph.
        >
        > Second paragraph.
        >
        > — Engineer
        """,
        """
        <figure class="testimonial">
        <blockquote>
        <p>First paragraph.</p>
        <p>Second paragraph.</p>
        </blockquote>
        <figcaption>— Engineer</figcaption>
        </figure>
        """,
    )


def test_two_testimonials_separated_by_a_blank_line_are_two_figures():
    assert_renders(
        """
        > The pay is good.
        >
        > — Engineer

        > The hours are long.
        >
        > --- Researcher
        """,
        """
        <figure class="testimonial">
        <blockquote>
        <p>The pay is good.</p>
        </blockquote>
        <figcaption>— Engineer</figcaption>
        </figure>
        <figure class="testimonial">
        <blockquote>
        <p>The hours are long.</p>
        </blockquote>
        <figcaption>— Researcher</figcaption>
        </figure>
        """,
    )


def test_plain_quote_after_a_testimonial_stays_a_block_quote():
    html = render("""
        > The pay is good.
        >
        > — Engineer

        > A quote with no attribution.
        """)
    tree = parse(html)
    assert [child.tag for child in tree] == ["figure", "blockquote"]
    assert tree[1].findtext("p") == "A quote with no attribution."


def test_attribution_renders_inline_markdown():
    (caption,) = parse(render("""
        > Worth it.
        >
        > — *Ana*, data scientist
        """)).findall(".//figcaption")
    assert (caption.text, caption[0].tag, caption[0].text, caption[0].tail) == (
        "— ", "em", "Ana", ", data scientist")


def test_quote_whose_last_paragraph_is_not_an_attribution_stays_a_block_quote():
    # FORMAT.md: only a quote whose *last* paragraph starts with an em dash is a testimonial.
    assert_renders(
        """
        > — Said nobody who has cleaned a data set.
        >
        > That is the myth.
        """,
        """
        <blockquote>
        <p>— Said nobody who has cleaned a data set.</p>
        <p>That is the myth.</p>
        </blockquote>
        """,
    )


def test_testimonial_inside_a_callout():
    html = render("""
        !!! note "In their words"
            > Worth it.
            >
            > — Engineer
        """)
    assert parse(html).xpath(
        '//aside[@class="callout callout-note"]/figure[@class="testimonial"]/figcaption')
