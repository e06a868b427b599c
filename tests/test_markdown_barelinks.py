"""Bare http(s) addresses become links; trailing punctuation stays text."""

from __future__ import annotations

import pytest

from tests.helpers import assert_renders, parse, render


def links(html: str) -> list[tuple[str, str]]:
    return [(a.get("href"), a.text_content()) for a in parse(html).iter("a")]


def test_bare_https_address_becomes_a_link():
    assert_renders(
        "Visit https://example.org for more",
        '<p>Visit <a class="bare-link" href="https://example.org">https://example.org</a>'
        " for more</p>",
    )


def test_bare_http_address_becomes_a_link():
    assert links(render("See http://example.org/page now")) == [
        ("http://example.org/page", "http://example.org/page")]


def test_full_stop_after_an_address_is_not_part_of_it():
    assert_renders(
        "Visit https://example.org.",
        '<p>Visit <a class="bare-link" href="https://example.org">https://example.org</a>.</p>',
    )


@pytest.mark.parametrize("punctuation", [",", ";", ":", "!", "?", "...", "'", "!)"])
def test_trailing_punctuation_is_not_part_of_the_address(punctuation):
    html = render(f"Visit https://example.org/path{punctuation} then")
    assert links(html) == [("https://example.org/path", "https://example.org/path")]


def test_punctuation_inside_an_address_is_part_of_it():
    assert links(render("Read https://example.org/a.b/c?d=1,2 today")) == [
        ("https://example.org/a.b/c?d=1,2", "https://example.org/a.b/c?d=1,2")]


def test_balanced_parentheses_stay_in_the_address():
    assert_renders(
        "(see https://example.org/a_(b))",
        '<p>(see <a class="bare-link" href="https://example.org/a_(b)">'
        "https://example.org/a_(b)</a>)</p>",
    )


def test_address_in_parentheses_is_a_link_without_the_closing_parenthesis():
    assert_renders(
        "Read the guide (https://example.org).",
        '<p>Read the guide (<a class="bare-link" href="https://example.org">'
        "https://example.org</a>).</p>",
    )


def test_emphasised_address_is_a_link_inside_the_emphasis():
    assert_renders(
        "Bookmark *https://example.org* today.",
        '<p>Bookmark <em><a class="bare-link" href="https://example.org">'
        "https://example.org</a></em> today.</p>",
    )


def test_underscores_inside_an_address_are_not_emphasis():
    assert links(render("See https://example.org/a_b_c and more_words_here")) == [
        ("https://example.org/a_b_c", "https://example.org/a_b_c")]


def test_address_written_as_a_markdown_link_is_not_linked_twice():
    assert_renders(
        "[the site](https://example.org) and [https://example.org](https://example.org)",
        '<p><a href="https://example.org">the site</a> and '
        '<a href="https://example.org">https://example.org</a></p>',
    )


def test_angle_bracket_autolink_is_not_linked_twice():
    assert_renders(
        "<https://example.org>",
        '<p><a href="https://example.org">https://example.org</a></p>',
    )


def test_address_in_a_code_span_is_left_alone():
    assert_renders(
        "Run `curl https://example.org/api` now.",
        "<p>Run <code>curl https://example.org/api</code> now.</p>",
    )


def test_address_in_a_fenced_code_block_is_left_alone():
    assert_renders(
        """
        ```
        curl https://example.org/api
        ```
        """,
        """
        <pre><code>curl https://example.org/api
        </code></pre>
        """,
    )


def test_scheme_alone_is_not_a_link():
    assert links(render("Addresses start with https:// always.")) == []


def test_two_addresses_in_one_paragraph_are_two_links():
    assert [href for href, _ in links(render("https://a.example and https://b.example."))] == [
        "https://a.example", "https://b.example"]


def test_ampersand_in_an_address_is_kept():
    (link,) = parse(render("See https://example.org/?q=1&r=2 now")).iter("a")
    assert link.get("href") == "https://example.org/?q=1&r=2"


def test_address_text_gets_no_typographic_punctuation():
    assert links(render("See https://example.org/a--b...c now")) == [
        ("https://example.org/a--b...c", "https://example.org/a--b...c")]
