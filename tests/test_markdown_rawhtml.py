"""Raw HTML: read as the HTML parser reads it, recorded for the checks, and written out with
only the allowed tags and attributes."""

from __future__ import annotations

from textwrap import dedent

import lxml.html
import markdown
import pytest

from press.markdown import make_markdown
from press.markdown.rawhtml import ALLOWED, RawHtml, RawHtmlExtension, Tag, read_html
from tests.helpers import assert_renders, parse, render


def records(source: str) -> list[RawHtml]:
    """What the extension alone records of a dedented source."""
    md = markdown.Markdown(extensions=[RawHtmlExtension()], output_format="html")
    md.convert(dedent(source))
    return md.raw_html


def converted(source: str) -> tuple[str, list[RawHtml]]:
    """The handbook converter's HTML of a dedented source, and its records."""
    md = make_markdown()
    return md.convert(dedent(source)), md.raw_html


def elements(html: str) -> list[str]:
    """The names of the elements in rendered HTML (without the <div> that ``parse`` adds)."""
    return [element.tag for element in parse(html).iterdescendants()
            if isinstance(element.tag, str)]


def attributes(html: str) -> set[str]:
    return {name for element in parse(html).iterdescendants() for name in element.attrib}


@pytest.mark.parametrize("source", [
    "H<sub>2</sub>O",
    "E = mc<sup>2</sup>",
    '<abbr title="Machine learning">ML</abbr>',
    '<span class="highlight">span</span>',
    "one<br>two",
    "press <kbd>Ctrl</kbd>",
])
def test_allowed_html_passes_through_unchanged(source):
    assert_renders(source, f"<p>{source}</p>")


def test_allowed_html_is_recorded_tag_by_tag():
    assert records('H<sub>2</sub>O, <abbr title="Machine learning">ML</abbr>') == [
        RawHtml("<sub>", (Tag("sub", (), False, 0),), False),
        RawHtml("</sub>", (Tag("sub", (), True, 0),), False),
        RawHtml('<abbr title="Machine learning">', (Tag("abbr", ("title",), False, 0),), False),
        RawHtml("</abbr>", (Tag("abbr", (), True, 0),), False),
    ]


def test_the_handbook_converter_records_raw_html():
    html, found = converted("Water is H<sub>2</sub>O.")
    assert html == "<p>Water is H<sub>2</sub>O.</p>"
    assert [tag.name for raw in found for tag in raw.tags] == ["sub", "sub"]


def test_allow_list_is_the_format_s():
    assert ALLOWED == {"br": (), "sup": (), "sub": (), "abbr": ("title",), "kbd": (),
                       "span": ("class",)}


def test_script_is_recorded_and_dropped():
    assert records("<script>alert(1)</script>") == [RawHtml(
        "<script>alert(1)</script>\n",
        (Tag("script", (), False, 0), Tag("script", (), True, 16)), False)]
    html = render("<script>alert(1)</script>")
    assert "script" not in elements(html)
    assert parse(html).text_content().strip() == "alert(1)"  # the text stays, as text


def test_inline_script_is_recorded_and_dropped():
    found = records("Text <script>alert(1)</script> more")
    assert [(tag.name, tag.closing) for raw in found for tag in raw.tags] == [
        ("script", False), ("script", True)]
    assert "script" not in elements(render("Text <script>alert(1)</script> more"))


def test_iframe_over_two_lines_is_recorded_and_dropped():
    source = '<iframe\nsrc="x">'
    [found] = records(source)
    assert found.text.startswith(source)
    assert found.tags == (Tag("iframe", ("src",), False, 0),)
    html = render(source)
    assert "iframe" not in elements(html) and "src" not in attributes(html)


def test_upper_case_tag_and_attributes_are_read_in_lower_case():
    source = 'A <SPAN CLASS="x" ONCLICK="y">b</SPAN>'
    assert records(source) == [
        RawHtml('<SPAN CLASS="x" ONCLICK="y">',
                (Tag("span", ("class", "onclick"), False, 0, ("x",)),), False),
        RawHtml("</SPAN>", (Tag("span", (), True, 0),), False),
    ]
    assert_renders(source, '<p>A <span class="x">b</span></p>')


def test_attribute_on_the_next_line_is_recorded_and_dropped():
    source = 'A <span class="x"\nonclick="y">b</span>'
    assert records(source)[0] == RawHtml(
        '<span class="x"\nonclick="y">', (Tag("span", ("class", "onclick"), False, 0, ("x",)),),
        False)
    html = render(source)
    assert [(span.get("class"), span.get("onclick")) for span in parse(html).iter("span")] == [
        ("x", None)]


def test_quoted_greater_than_sign_does_not_end_the_tag():
    source = '<span title=">" onclick="x">t</span>'
    assert records(source)[0] == RawHtml(
        '<span title=">" onclick="x">', (Tag("span", ("title", "onclick"), False, 0),), False)
    html = render(source)
    assert attributes(html) == set()
    assert [span.text for span in parse(html).iter("span")] == ["t"]


def test_block_of_html_is_recorded_with_each_tag_s_offset():
    source = "<div>\n<script>x</script>\n</div>"
    [found] = records(source)
    assert found == RawHtml(source + "\n", (
        Tag("div", (), False, 0), Tag("script", (), False, 6), Tag("script", (), True, 15),
        Tag("div", (), True, 25)), False)
    assert [found.text[tag.offset:].lower().startswith(("<" + tag.name, "</" + tag.name))
            for tag in found.tags] == [True] * 4
    html = render(source)
    assert not {"div", "script"} & set(elements(html))


def test_tag_like_text_in_an_attribute_value_is_not_taken_for_a_tag():
    [found] = records('<div><span title="<sup>"><sup>x</sup></span></div>')
    assert [(tag.name, tag.closing, tag.offset) for tag in found.tags] == [
        ("div", False, 0), ("span", False, 5), ("sup", False, 25), ("sup", True, 31),
        ("span", True, 37), ("div", True, 44)]


def test_offsets_hold_in_a_long_block():
    source = "<div>\n" + "word " * 4000 + "<SUP>2</sup>\n</div>"
    [found] = records(source)
    assert [found.text[tag.offset:tag.offset + 5] for tag in found.tags] == [
        "<div>", "<SUP>", "</sup", "</div"]


def test_script_in_an_attribute_value_stays_text():
    source = '<abbr title="<script>">x</abbr>'
    assert records(source)[0].tags == (Tag("abbr", ("title",), False, 0),)
    html = render(source)
    assert "script" not in elements(html)
    assert [abbr.get("title") for abbr in parse(html).iter("abbr")] == ["<script>"]


def test_markup_in_rawtext_elements_is_text():
    record, canonical = read_html('<script><span class="a">x</span></script><sup>2</sup>')
    assert [tag.name for tag in record.tags] == ["script", "script", "sup", "sup"]
    assert canonical == '&lt;span class="a"&gt;x&lt;/span&gt;<sup>2</sup>'


def test_entities_become_characters_and_escaped_markup_stays_text():
    assert_renders("&copy; 2026", "<p>© 2026</p>")
    assert_renders("&lt;b&gt;bold&lt;/b&gt;", "<p>&lt;b&gt;bold&lt;/b&gt;</p>")
    assert "b" not in elements(render("&lt;b&gt;bold&lt;/b&gt;"))
    assert records("&copy; &lt;b&gt;") == [RawHtml("&copy;", (), False),
                                           RawHtml("&lt;", (), False), RawHtml("&gt;", (), False)]


def test_comment_is_dropped():
    html = render("Before\n\n<!-- note -->\n\nAfter, <!-- inline --> too")
    tree = parse(html)
    assert not any(isinstance(node, lxml.html.HtmlComment) for node in tree.iter())
    assert [p.text_content() for p in tree.iter("p")] == ["Before", "After,  too"]  # no <p></p>
    assert "note" not in html and "inline" not in html
    assert [raw.text.strip() for raw in records("<!-- note -->")] == ["<!-- note -->"]


def test_html_in_code_is_neither_recorded_nor_markup():
    source = """\
        Write `<span onclick="x">` so.

        ```
        <script>alert(1)</script>
        ```
    """
    html, found = converted(source)
    assert found == []
    tree = parse(html)
    assert [code.text for code in tree.iter("code")] == [
        '<span onclick="x">', "<script>alert(1)</script>\n"]
    assert not {"span", "script"} & set(elements(html))


def test_smarty_quotes_and_fenced_code_are_not_the_author_s_html():
    md = make_markdown()
    md.convert("\"Quoted\" and 'single' text\n\n```\ncode\n```\n")
    assert md.htmlStash.rawHtmlBlocks  # both are stashed...
    assert md.raw_html == []  # ...but neither was written by the author as HTML


def test_html_in_a_heading_is_recorded_once():
    # toc runs every postprocessor on each heading before the document's turn comes
    html, found = converted("## Title <sup>2</sup> <script>x</script>\n\nText <kbd>K</kbd>")
    assert [tag.name for raw in found for tag in raw.tags] == [
        "sup", "sup", "script", "script", "kbd", "kbd"]
    assert "script" not in elements(html)
    assert [h2.text_content() for h2 in parse(html).iter("h2")] == ["Title 2 x"]


def test_records_start_again_with_each_conversion():
    md = markdown.Markdown(extensions=[RawHtmlExtension()])
    md.convert("a <sup>1</sup>")
    assert [raw.text for raw in md.raw_html] == ["<sup>", "</sup>"]
    md.convert("b <sub>2</sub>")  # without reset(), as make_markdown's callers may
    assert [raw.text for raw in md.raw_html] == ["<sub>", "</sub>"]
    md.reset()
    assert md.raw_html == []
    assert md.convert("c <kbd>3</kbd>") == "<p>c <kbd>3</kbd></p>"
    assert [raw.text for raw in md.raw_html] == ["<kbd>", "</kbd>"]


@pytest.mark.parametrize("source, expected", [
    ("a<br/>b", "<p>a<br>b</p>"),
    ("a</br>b", "<p>a<br>b</p>"),  # an end tag </br> is a <br>
    ("<span/>x</span>", "<p><span>x</span></p>"),  # the self-closing flag means nothing
    ("<span class='a\"b'>x</span>", '<p><span class="a&quot;b">x</span></p>'),
])
def test_allowed_html_is_written_in_one_canonical_way(source, expected):
    assert converted(source)[0] == expected


def test_unfinished_tag_is_recorded_as_cut_off():
    [found] = records('<div>\n<span title="x')
    assert found.unfinished
    assert found.tags[-1] == Tag("span", ("title",), False, 6)
    assert "span" not in elements(render('<div>\n<span title="x'))


@pytest.mark.parametrize("text", ["<!-- open", "<!x", "<?php", '<span title="x', "<span"])
def test_text_ending_inside_a_tag_or_comment_is_unfinished(text):
    assert read_html(text)[0].unfinished


@pytest.mark.parametrize("text", ["<span>", "a < b", "</", "<!-- c -->", "&copy;"])
def test_finished_text_is_not_unfinished(text):
    assert not read_html(text)[0].unfinished


def test_html_is_never_taken_for_a_file_name(tmp_path, monkeypatch):
    (tmp_path / "&copy;").write_text("<script>x</script>")
    monkeypatch.chdir(tmp_path)
    assert read_html("&copy;") == (RawHtml("&copy;", (), False), "©")


def test_an_extension_that_replaces_the_html_processors_after_it_is_refused():
    md = markdown.Markdown(extensions=[RawHtmlExtension(), "smarty"],
                           extension_configs={"smarty": {"smart_angled_quotes": True}})
    with pytest.raises(RuntimeError, match="'html' processor"):
        md.convert("<<x>> <script>y</script>")


def test_smarty_s_stricter_tag_pattern_is_kept():
    md = markdown.Markdown(extensions=["smarty", RawHtmlExtension()], output_format="html",
                           extension_configs={"smarty": {"smart_angled_quotes": True}})
    assert md.convert("<<x>> <sup>1</sup>") == "<p>&laquo;x&raquo; <sup>1</sup></p>"
