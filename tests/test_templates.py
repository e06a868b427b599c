"""The Jinja2 templates: the book's structure, escaping, and failing loudly."""

from __future__ import annotations

import uuid

import jinja2
import lxml.html
import pytest

from press.build import print_html
from press.render import environment, footnotes_at_calls
from press.sources import load_book

from .helpers import MINIMAL_CHAPTER, write_handbook


@pytest.fixture
def two_chapter_book(tmp_path):
    folder = write_handbook(tmp_path / "two", {
        "book.yaml": """\
            title: Fish & <Chips>
            subtitle: A guide
            series: Careers Handbooks
            language: en-GB
            authors: [Ann Author, Bob Writer]
            edition: 2027 edition
            date: 2026-05-04
            rights: © 2026 Somebody
            description: A blurb for the back cover.
        """,
        "01-one.md": MINIMAL_CHAPTER,
        "02-two.md": """\
            ---
            title: The second chapter has a long title
            short_title: Second
            summary: What the second chapter says.
            ---

            ## A section

            Text with a note.[^n]

            [^n]: The note.
        """})
    return load_book(folder)


def parsed(book):
    return lxml.html.document_fromstring(print_html(book))


def test_document_language_and_title(two_chapter_book):
    root = parsed(two_chapter_book)
    assert root.get("lang") == "en-GB"
    assert root.findtext(".//title") == "Fish & <Chips>"


def test_metadata_is_escaped_not_injected(two_chapter_book):
    html = print_html(two_chapter_book)
    assert "Fish &amp; &lt;Chips&gt;" in html
    assert "<Chips>" not in html


def test_book_parts_in_reading_order(two_chapter_book):
    root = parsed(two_chapter_book)
    classes = [element.get("class").split()[0] for element in root.body
               if element.get("class")]
    assert classes == ["cover", "title-page", "imprint", "contents", "chapter", "chapter",
                       "back-cover"]


def test_contents_links_to_every_chapter_with_its_summary(two_chapter_book):
    root = parsed(two_chapter_book)
    links = root.xpath('//nav[@class="contents"]//a/@href')
    assert links == ["#ch-01-one", "#ch-02-two"]
    assert [a.get("id") for a in root.xpath("//article")] == ["ch-01-one", "ch-02-two"]
    assert "What the second chapter says." in root.xpath("string(//nav)")


def test_chapters_carry_their_running_title(two_chapter_book):
    root = parsed(two_chapter_book)
    assert [a.get("data-running-title") for a in root.xpath("//article")] == [
        "The only chapter", "Second"]


def test_imprint_holds_edition_date_rights_and_identifier(two_chapter_book):
    imprint = parsed(two_chapter_book).xpath('string(//section[@class="imprint"])')
    for fact in ("2027 edition", "4 May 2026", "© 2026 Somebody",
                 two_chapter_book.identifier):
        assert fact in imprint


def test_identifier_is_derived_from_slug_and_edition_and_stable(two_chapter_book):
    expected = uuid.uuid5(uuid.NAMESPACE_URL, "careers-handbook:two:2027 edition")
    assert two_chapter_book.identifier == f"urn:uuid:{expected}"
    assert two_chapter_book.identifier == load_book(two_chapter_book.folder).identifier


def test_generated_cover_shows_title_series_and_edition(two_chapter_book):
    cover = parsed(two_chapter_book).xpath('string(//section[contains(@class, "cover")])')
    for text in ("Fish & <Chips>", "Careers Handbooks", "A guide", "2027 edition"):
        assert text in cover


def test_print_form_moves_footnotes_to_their_calls():
    body = ('<p>Text<sup id="ch-a--fnref-n"><a class="footnote-ref" href="#ch-a--fn-n">1</a>'
            '</sup> more.</p>\n<div class="footnote">\n<hr>\n<ol>\n<li id="ch-a--fn-n">\n'
            '<p>The <em>note</em>.&#160;<a class="footnote-backref" href="#ch-a--fnref-n">↩</a>'
            '</p>\n</li>\n</ol>\n</div>')
    assert footnotes_at_calls(body) == (
        '<p>Text<span class="footnote" id="ch-a--fn-n">The <em>note</em>.</span> more.</p>\n')


def test_templates_fail_loudly_on_undefined_names():
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ missing }}").render()


def test_print_form_keeps_the_case_of_svg_attributes():
    body = ('<p>Rated <span class="rating"><svg viewBox="0 0 120 24" preserveAspectRatio="none">'
            '</svg></span>.<sup id="fnref-n"><a class="footnote-ref" href="#fn-n">1</a></sup></p>'
            '<div class="footnote"><ol><li id="fn-n"><p>Note.</p></li></ol></div>')
    printed = footnotes_at_calls(body)
    assert 'viewBox="0 0 120 24"' in printed
    assert 'preserveAspectRatio="none"' in printed
