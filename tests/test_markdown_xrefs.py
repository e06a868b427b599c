"""Links between chapters, and ids kept unique where all chapters share one document.

The chapter rendered is 03-the-work.md; the handbook also has 01-welcome.md
and 06-pros-and-cons.md (see tests/helpers.py).
"""

from __future__ import annotations

from tests.helpers import assert_renders, parse, render


def link(html: str):
    (anchor,) = parse(html).iter("a")
    return anchor


def test_link_to_another_chapter_leads_to_its_opening():
    assert_renders(
        "[Pros and cons](06-pros-and-cons.md)",
        '<p><a href="#ch-06-pros-and-cons" class="xref">Pros and cons</a></p>',
    )


def test_link_to_a_heading_in_another_chapter():
    assert_renders(
        "[the downsides](06-pros-and-cons.md#disadvantages)",
        '<p><a href="#ch-06-pros-and-cons--disadvantages" class="xref">the downsides</a></p>',
    )


def test_link_to_a_heading_in_the_same_chapter():
    assert link(render("[below](#the-morning)")).get("href") == "#ch-03-the-work--the-morning"


def test_link_to_the_same_chapter_by_file_name_and_heading():
    assert link(render("[below](03-the-work.md#the-morning)")).get("href") == (
        "#ch-03-the-work--the-morning")


def test_link_to_the_current_chapters_file_leads_to_its_opening():
    assert link(render("[this chapter](03-the-work.md)")).get("href") == "#ch-03-the-work"


def test_link_with_a_leading_dot_slash_is_a_chapter_link():
    assert link(render("[welcome](./01-welcome.md#hello)")).get("href") == (
        "#ch-01-welcome--hello")


def test_link_title_is_kept_on_a_chapter_link():
    anchor = link(render('[welcome](01-welcome.md "Start here")'))
    assert (anchor.get("href"), anchor.get("title")) == ("#ch-01-welcome", "Start here")


def test_link_to_a_file_that_is_not_a_chapter_is_left_alone():
    # The checks refuse it; the converter does not invent a target for it.
    assert link(render("[notes](notes.txt)")).get("href") == "notes.txt"


def test_link_to_a_web_address_ending_in_md_is_left_alone():
    anchor = link(render("[readme](https://example.org/06-pros-and-cons.md)"))
    assert (anchor.get("href"), anchor.get("class")) == (
        "https://example.org/06-pros-and-cons.md", None)


def test_footnote_links_are_not_cross_references():
    tree = parse(render("""
        Text.[^pay]

        [^pay]: Before tax.
        """))
    assert sorted(a.get("class") for a in tree.iter("a")) == ["footnote-backref", "footnote-ref"]


def test_mailto_link_is_left_alone():
    assert link(render("[write](mailto:careers@example.org)")).get("href") == (
        "mailto:careers@example.org")


def test_heading_id_is_prefixed_with_the_chapter_anchor():
    assert_renders(
        "## The morning",
        '<h2 id="ch-03-the-work--the-morning">The morning</h2>',
    )


def test_heading_id_drops_punctuation_and_lower_cases():
    (heading,) = parse(render("## Pros & cons: the *real* story!")).findall("h2")
    assert heading.get("id") == "ch-03-the-work--pros-cons-the-real-story"


def test_repeated_heading_slug_is_numbered_as_toc_numbers_it():
    ids = [h.get("id") for h in parse(render("""
        ## Skills

        ## Skills
        """)).findall("h2")]
    assert ids == ["ch-03-the-work--skills", "ch-03-the-work--skills_1"]


def test_same_heading_in_two_chapters_gets_two_ids():
    first = parse(render("## Summary", current="01-welcome.md")).find("h2").get("id")
    second = parse(render("## Summary", current="06-pros-and-cons.md")).find("h2").get("id")
    assert (first, second) == ("ch-01-welcome--summary", "ch-06-pros-and-cons--summary")


def test_link_to_another_chapters_heading_matches_that_headings_id():
    target = parse(render("## Disadvantages", current="06-pros-and-cons.md")).find("h2")
    anchor = link(render("[see](06-pros-and-cons.md#disadvantages)"))
    assert anchor.get("href") == "#" + target.get("id")


def test_footnote_ids_are_prefixed_with_the_chapter_anchor():
    tree = parse(render("""
        Text.[^pay]

        [^pay]: Before tax.
        """))
    ids = sorted(element.get("id") for element in tree.iter() if element.get("id"))
    assert ids == ["ch-03-the-work--fn-pay", "ch-03-the-work--fnref-pay"]


def test_footnote_links_lead_to_the_prefixed_ids():
    tree = parse(render("""
        Text.[^pay]

        [^pay]: Before tax.
        """))
    hrefs = {a.get("class"): a.get("href") for a in tree.iter("a")}
    assert hrefs == {"footnote-ref": "#ch-03-the-work--fn-pay",
                     "footnote-backref": "#ch-03-the-work--fnref-pay"}


def test_same_footnote_name_in_two_chapters_gets_two_ids():
    source = """
        Text.[^1]

        [^1]: A note.
        """
    first = parse(render(source, current="01-welcome.md")).xpath("//li/@id")
    second = parse(render(source, current="06-pros-and-cons.md")).xpath("//li/@id")
    assert (first, second) == (["ch-01-welcome--fn-1"], ["ch-06-pros-and-cons--fn-1"])


def test_every_link_within_the_chapter_leads_to_an_id_in_it():
    tree = parse(render("""
        See [the morning](#the-morning) and [again](03-the-work.md#the-morning).[^a]

        ## The morning

        Stand-up.[^b]

        [^a]: First.
        [^b]: Second.
        """))
    ids = {element.get("id") for element in tree.iter() if element.get("id")}
    targets = {a.get("href")[1:] for a in tree.iter("a")}
    assert targets <= ids


def test_ids_an_author_gives_stay_in_the_chapter_and_apart():
    """A code block's id (``{ #... }``) is put under the chapter's prefix and kept apart
    from a heading's; a footnote label's space does not make an id with a space."""
    html = render("## Intro\n\n``` { #intro }\ncode\n```\n\n``` { #ch-01-welcome--hello }\n"
                  "x\n```\n\nA note[^a b].\n\n[^a b]: The note.\n")
    ids = [element.get("id") for element in parse(html).iter() if element.get("id")]
    assert len(ids) == len(set(ids)) and all(
        id.startswith("ch-03-the-work--") and " " not in id for id in ids)
    targets = {link.get("href")[1:] for link in parse(html).iter("a")}
    assert targets <= set(ids)
