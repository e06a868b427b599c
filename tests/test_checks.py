"""The checks over loaded handbooks: each problem with its file and its exact line.

Each test writes a small handbook "guide" whose chapter 01-start.md holds the
text under test (front matter on lines 1-3, so the body starts on line 4) and
whose chapter 02-next.md has two headings to link to.
"""

from __future__ import annotations

import base64

import pytest

from press.checks import check_book, font_coverage
from press.sources import load_book
from tests.helpers import parse, picture, render, write_handbook

NEXT = """
    ---
    title: Next
    summary: The next chapter.
    ---
    ## Disadvantages

    ## The morning
    """

PNG = picture("png")


def check(tmp_path, start: str, language: str = "en-GB", files: dict | None = None,
          severity: str = "error") -> list:
    """The findings (of one severity) of a handbook whose first chapter is ``start``."""
    folder = write_handbook(tmp_path / "guide", {
        "book.yaml": f"title: Guide\nlanguage: {language}\n",
        "01-start.md": start,
        "02-next.md": NEXT,
        **(files or {}),
    })
    return [finding for finding in check_book(load_book(folder, "guide"))
            if finding.severity == severity]


def errors(tmp_path, start: str, **options) -> list[str]:
    """Each finding's ``path:line: error: message`` line."""
    return [str(finding).splitlines()[0] for finding in check(tmp_path, start, **options)]


def test_clean_chapter_has_no_findings(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ## Pay

        Pay is [stars: 4.5/5], see [the downsides](02-next.md#disadvantages) and
        https://example.org. A table:

        | Level | Salary |
        |---|---|
        | Junior | £45k |

        Table: Salaries

        !!! pros "Advantages"
            - Good pay<br>and <span class="note">hours</span> <sup>1</sup> <kbd>Ctrl</kbd>

        ![A chart of salaries](images/chart.png)
        """, files={"images/chart.png": PNG}) == []


# Headings


def test_hash_heading_in_the_body(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        ---
        Intro.

        # A second title
        """)
    assert str(finding) == (
        "guide/01-start.md:6: error: a '#' heading in a chapter's body\n"
        "    hint: the chapter's title comes from its front matter: start sections at '##'")


def test_hash_heading_without_a_space_in_the_body(tmp_path):
    # Python-Markdown makes "#Title" an <h1>, just as "# Title".
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        #Title
        """) == ["guide/01-start.md:4: error: a '#' heading in a chapter's body"]


def test_underlined_top_level_heading_in_the_body(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        Intro.

        A second title
        ==============
        """) == ["guide/01-start.md:6: error: an '===' underlined heading is a top-level heading"]


def test_second_level_headings_are_allowed(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ## Section

        ### Subsection
        """) == []


# Ratings


def test_rating_above_its_scale(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        Pay:

        Demand [stars: 11/10] and more.
        """) == ["guide/01-start.md:6: error: [stars: 11/10]: a rating cannot exceed its scale"]


@pytest.mark.parametrize("rating", ["[stars: -1]", "[stars: 3.3/5]", "[stars: lots]",
                                    "[stars: 3/0]"])
def test_unreadable_rating_is_an_error_on_its_line(tmp_path, rating):
    findings = check(tmp_path, f"""
        ---
        title: Start
        ---
        Intro.
        Demand {rating}
        """)
    assert [(f.code, f.line, f.message.startswith(rating + ": ")) for f in findings] == [
        ("E202", 5, True)]


# Callouts


def test_unknown_callout_kind(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        ---
        Intro.

        !!! danger "Careful"
            Text.
        """)
    assert str(finding).splitlines()[0] == (
        "guide/01-start.md:6: error: unknown callout kind 'danger'")


def test_unknown_callout_kind_hint_lists_the_known_kinds(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        ---
        !!! danger
            Text.
        """)
    assert finding.hint.startswith("known kinds: ")
    assert sorted(finding.hint.removeprefix("known kinds: ").split(", ")) == sorted(
        ["note", "tip", "warning", "pros", "cons", "myth"])


@pytest.mark.parametrize("kind", ["note", "tip", "warning", "pros", "cons", "myth", "Pros"])
def test_known_callout_kinds_are_allowed(tmp_path, kind):
    assert errors(tmp_path, f"""
        ---
        title: Start
        ---
        !!! {kind}
            Text.
        """) == []


# Links


def test_link_to_a_missing_chapter(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        ---
        Intro.
        See [later](09-missing.md).
        """)
    assert str(finding) == (
        "guide/01-start.md:5: error: the link '09-missing.md' leads to a chapter that does not "
        "exist\n    hint: chapters: 01-start.md, 02-next.md")


def test_link_to_a_missing_heading_in_another_chapter(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        ---
        See [the cons](02-next.md#disadvantage).
        """)
    assert str(finding) == (
        "guide/01-start.md:4: error: the link '02-next.md#disadvantage' leads to a heading that "
        "does not exist in 02-next.md\n    hint: did you mean '#disadvantages'?")


def test_link_to_a_missing_heading_in_the_same_chapter(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ## Pay

        See [above](#salary).
        """) == ["guide/01-start.md:6: error: the link '#salary' leads to a heading that does not "
                 "exist in 01-start.md"]


def test_links_to_existing_chapters_and_headings_are_allowed(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ## Pay

        See [next](02-next.md), [the morning](02-next.md#the-morning), [pay](#pay),
        [pay again](01-start.md#pay) and [next again](./02-next.md).
        """) == []


def test_link_to_a_repeated_heading_uses_its_numbered_slug(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ## Pay

        ## Pay

        See [the second](#pay_1) and [no third](#pay_2).
        """) == ["guide/01-start.md:8: error: the link '#pay_2' leads to a heading that does not "
                 "exist in 01-start.md"]


def test_link_to_a_heading_holding_a_code_span(tmp_path):
    # Python-Markdown gives "## Install `pip`" the id "install-pip".
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ## Install `pip`

        See [installing](#install-pip).
        """) == []


def test_link_to_an_underlined_second_level_heading(tmp_path):
    # Python-Markdown gives the "---" underlined heading the id "the-basics".
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        The basics
        ----------

        See [the basics](#the-basics).
        """) == []


def test_link_to_a_file_that_is_not_a_chapter(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        ---
        Intro.

        Read [my notes](notes.txt).
        """, files={"notes.txt": "notes"})
    assert str(finding).splitlines()[0] == (
        "guide/01-start.md:6: error: the link 'notes.txt' leads to a file that is not a chapter")


def test_link_to_a_chapter_given_by_reference_definition_is_checked(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        See [later][later].

        [later]: 09-missing.md
        """) == ["guide/01-start.md:6: error: the link '09-missing.md' leads to a chapter that "
                 "does not exist"]


def test_javascript_link_is_an_error_on_its_line(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        ---
        Intro.
        [Click me](javascript:alert(1)) now.
        """)
    assert (finding.code, finding.path, finding.line) == ("E210", "guide/01-start.md", 5)


def test_javascript_link_message_quotes_the_whole_link(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        ---
        [Click me](javascript:alert(1)) now.
        """)
    assert str(finding).splitlines()[0] == (
        "guide/01-start.md:4: error: the link 'javascript:alert(1)' uses 'javascript:'")


def test_web_and_mail_links_are_allowed(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        [site](https://example.org), [plain](http://example.org), [mail](mailto:a@example.org).
        """) == []


# Images


def test_image_without_alt_text(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        ---
        Intro.

        ![](images/chart.png)
        """, files={"images/chart.png": PNG})
    assert str(finding) == (
        "guide/01-start.md:6: error: the image 'images/chart.png' has no alt text\n"
        "    hint: describe the picture between the brackets: ![what it shows](...)")


def test_missing_image(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        Intro.

        ![A chart](images/chart.png)
        """) == ["guide/01-start.md:6: error: the image 'images/chart.png' does not exist"]


def test_remote_image(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ![A chart](https://example.org/chart.png)
        """) == ["guide/01-start.md:4: error: the image 'https://example.org/chart.png' is a "
                 "remote address"]


def test_image_outside_the_handbook_folder(tmp_path):
    (tmp_path / "chart.png").write_bytes(PNG)
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        Intro.
        ![A chart](../chart.png)
        """) == ["guide/01-start.md:5: error: the image '../chart.png' is outside the handbook "
                 "folder"]


def test_image_with_an_absolute_path(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ![A chart](/etc/chart.png)
        """) == ["guide/01-start.md:4: error: the image '/etc/chart.png' is outside the handbook "
                 "folder"]


def test_image_that_is_not_png_jpeg_or_svg(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ![A chart](images/chart.gif)
        """, files={"images/chart.gif": b"GIF89a"}) == [
        "guide/01-start.md:4: error: the image 'images/chart.gif' is not a PNG, JPEG or SVG file"]


@pytest.mark.parametrize("name", ["chart.png", "chart.jpg", "chart.jpeg", "chart.svg"])
def test_png_jpeg_and_svg_images_in_the_folder_are_allowed(tmp_path, name):
    assert errors(tmp_path, f"""
        ---
        title: Start
        ---
        ![A chart](images/{name})
        """, files={f"images/{name}": picture({"jpeg": "jpg"}.get(name[6:], name[6:]))}) == []


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, b"not a picture",
                                     b"<svg><unclosed></svg>"])
def test_damaged_picture_is_an_error(tmp_path, content):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ![A chart](images/chart.png)
        """, files={"images/chart.png": content}) == [
        "guide/01-start.md:4: error: the image 'images/chart.png' cannot be read: it is "
        "damaged, or not the kind of picture its name says"]


# Raw HTML


def test_script_tag(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        Intro.

        <script>alert(1)</script>
        """) == ["guide/01-start.md:6: error: the HTML tag <script> is not allowed"]


def test_iframe_tag(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        <iframe src="https://example.org/video"></iframe>
        """) == ["guide/01-start.md:4: error: the HTML tag <iframe> is not allowed"]


def test_style_tag(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        <style>p { color: red }</style>
        """) == ["guide/01-start.md:4: error: the HTML tag <style> is not allowed"]


def test_event_handler_attribute_on_an_allowed_tag(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        Intro.
        A <span class="x" onclick="steal()">button</span>.
        """) == ["guide/01-start.md:5: error: the attribute 'onclick' is not allowed on <span>"]


def test_allowed_html_tags_and_attributes(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        Line<br>break, x<sup>2</sup>, H<sub>2</sub>O, <abbr title="machine learning">ML</abbr>,
        <kbd>Ctrl</kbd> and <span class="highlight">this</span>. Also <br/>.
        """) == []


def test_angle_bracket_autolink_is_not_html(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        See <https://example.org>.
        """) == []


@pytest.mark.parametrize(("body", "expected"), [
    ('A <span class="x"\nonclick="alert(1)">button</span>.',
     ["guide/01-start.md:4: error: the attribute 'onclick' is not allowed on <span>"]),
    ('Intro.\n\n<iframe\n  src="https://example.org/video"></iframe>',
     ["guide/01-start.md:6: error: the HTML tag <iframe> is not allowed"]),
    ('<SCRIPT>alert(1)</SCRIPT> and <Span Class="x" OnClick="y">z</Span>',
     ["guide/01-start.md:4: error: the HTML tag <script> is not allowed",
      "guide/01-start.md:4: error: the attribute 'onclick' is not allowed on <span>"]),
    ('A <span class="x" title=">" onmouseover="steal()">z</span>.',
     ["guide/01-start.md:4: error: the attribute 'title' is not allowed on <span>",
      "guide/01-start.md:4: error: the attribute 'onmouseover' is not allowed on <span>"]),
    ('<abbr title="<script>">not a script</abbr>', []),
    ('See [below].\n\n[below]: javascript:alert(1)',
     ["guide/01-start.md:6: error: the link 'javascript:alert(1)' uses 'javascript:'"]),
    ('[Click](jav&#97;script:alert(1)) now.',
     ["guide/01-start.md:4: error: the link 'javascript:alert(1)' uses 'javascript:'"]),
    ('[elsewhere](//example.org/page)',
     ["guide/01-start.md:4: error: the link '//example.org/page' has no scheme: it would "
      "lead to another site by the reader's own"]),
    ('Files: <ftp://example.org/file> and\n<file:///etc/passwd>.',
     ["guide/01-start.md:4: error: the link 'ftp://example.org/file' uses 'ftp:'",
      "guide/01-start.md:5: error: the link 'file:///etc/passwd' uses 'file:'"]),
    ("![A chart](https://example.org/chart.png 'a title')",
     ["guide/01-start.md:4: error: the image 'https://example.org/chart.png' is a remote "
      "address"]),
    ("![A chart of\nsalaries](https://example.org/chart.png)",
     ["guide/01-start.md:5: error: the image 'https://example.org/chart.png' is a remote "
      "address"]),
    ("![A chart][chart] and ![chart]\n\n[chart]: https://example.org/chart.png",
     ["guide/01-start.md:6: error: the image 'https://example.org/chart.png' is a remote "
      "address"]),
    ("![A chart](//example.org/chart.png)",
     ["guide/01-start.md:4: error: the image '//example.org/chart.png' is a remote address"]),
    ('<span class="a onclick=alert(1) x=">x</span> <abbr title="&#2;wzxhzdk:0&#3;">y</abbr>',
     ["guide/01-start.md:4: error: '&#2;' stands for a control character (U+0002) that no "
      "reader can show",
      "guide/01-start.md:4: error: '&#3;' stands for a control character (U+0003) that no "
      "reader can show"]),
    ("Odd &#xFFFE; and [odd](a&#1;b.md).",
     ["guide/01-start.md:4: error: '&#xFFFE;' stands for a control character (U+FFFE) that "
      "no reader can show",
      "guide/01-start.md:4: error: '&#1;' stands for a control character (U+0001) that no "
      "reader can show",
      "guide/01-start.md:4: error: the link 'ab.md' leads to a chapter that does not exist"]),
    ('Hello <span class="note footnote">important words</span>.',
     ["guide/01-start.md:4: error: the class 'footnote' is one of the handbook's own, which "
      "would give the text its look and place"]),
], ids=["attribute-on-the-next-line", "tag-over-two-lines", "upper-case",
        "quoted-angle-bracket", "tag-in-an-attribute-value", "reference-definition",
        "entity-in-the-scheme", "scheme-relative", "autolinks", "single-quoted-title",
        "alt-text-over-two-lines", "reference-pictures", "scheme-relative-picture",
        "forged-placeholder", "references-to-control-characters", "the-pipelines-own-class"])
def test_no_way_of_writing_html_links_or_pictures_gets_past_the_checks(tmp_path, body, expected):
    assert errors(tmp_path, f"---\ntitle: Start\n---\n{body}\n") == expected


def test_a_forged_placeholder_brings_no_markup_into_the_html():
    """Markdown marks its placeholders with STX and ETX: written as references, they are
    refused (above), and what is rendered holds them not, nor the markup they would fetch."""
    html = render('<span class="a onclick=alert(1) x=">x</span> '
                  '<abbr title="&#2;wzxhzdk:0&#3;">y</abbr>')
    assert [element.attrib for element in parse(html).iter("span", "abbr")] == [
        {"class": "a onclick=alert(1) x="}, {"title": "wzxhzdk:0"}]


@pytest.mark.parametrize(("svg", "what"), [
    ('<script>alert(1)</script><rect width="4" height="4"/>', "<script>"),
    ('<rect width="4" height="4" onload="alert(1)"/>', "the attribute 'onload'"),
    ('<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml"/></foreignObject>',
     "<foreignObject>"),
], ids=["script", "event-handler", "foreign-object"])
def test_a_picture_that_runs_code_or_shows_a_page(tmp_path, svg, what):
    picture_file = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">{svg}</svg>'
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ![A picture](images/p.svg)
        """, files={"images/p.svg": picture_file})[0] == (
        f"guide/01-start.md:4: error: the picture 'images/p.svg' holds {what}, which runs code "
        "or shows another page")


def test_a_drawing_inside_a_drawing_is_outside_it(tmp_path):
    inner = "data:image/svg+xml;base64," + base64.b64encode(picture("svg")).decode()
    picture_file = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
                    f'<image href="{inner}" width="4" height="4"/></svg>')
    assert errors(tmp_path, "---\ntitle: Start\n---\n![A picture](images/p.svg)\n",
                  files={"images/p.svg": picture_file}) == [
        f"guide/01-start.md:4: error: the picture 'images/p.svg' refers to '{inner[:60]}', "
        "outside itself"]


def test_a_picture_through_a_link_into_a_hidden_folder_is_not_the_handbooks(tmp_path):
    folder = write_handbook(tmp_path / "guide", {".assets/p.png": PNG})
    (folder / "images").symlink_to(".assets")
    assert errors(tmp_path, "---\ntitle: Start\n---\n![A chart](images/p.png)\n") == [
        "guide/01-start.md:4: error: the image 'images/p.png' does not exist"]


def test_a_picture_address_with_a_nul_is_one_that_does_not_exist(tmp_path):
    assert errors(tmp_path, "---\ntitle: Start\n---\n![A chart](images/x%00.png)\n") == [
        "guide/01-start.md:4: error: the image 'images/x%00.png' does not exist"]


# Damaged and undrawable characters


def test_mojibake_dash(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        ---
        Intro.
        The work â€” all of it.
        """)
    assert str(finding) == (
        "guide/01-start.md:5: error: 'â€' looks like damaged text (mojibake)\n"
        "    hint: retype the character that was meant, such as a dash, a quote or an accented "
        "letter")


def test_mojibake_accented_letter(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        A cafÃ© job.
        """) == ["guide/01-start.md:4: error: 'Ã©' looks like damaged text (mojibake)"]


def test_lone_thai_letter_in_an_english_handbook_is_mojibake(tmp_path):
    findings = check(tmp_path, """
        ---
        title: Start
        ---
        Intro.

        The work โ all of it.
        """)
    assert [(f.line, f.message) for f in findings if "mojibake" in f.message] == [
        (6, "'โ' looks like damaged text (mojibake)")]


def test_thai_letter_in_a_thai_handbook_is_not_mojibake(tmp_path):
    findings = check(tmp_path, """
        ---
        title: Start
        ---
        The work โ all of it.
        """, language="th")
    assert [f for f in findings if "mojibake" in f.message] == []


def test_character_no_shipped_font_can_draw(tmp_path):
    hieroglyph = "\U00013000"  # EGYPTIAN HIEROGLYPH A001
    assert ord(hieroglyph) not in font_coverage()
    (finding,) = check(tmp_path, f"""
        ---
        title: Start
        ---
        Intro.

        A scribe {hieroglyph} at work.
        """)
    assert str(finding).splitlines()[0] == (
        "guide/01-start.md:6: error: no font of the handbook can draw '\U00013000' (U+13000)")


def test_emoji_with_joiners_and_variation_selectors_can_be_drawn(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        Coder 👩\u200d💻 and heart ❤\ufe0f and “quotes” — dashes … £ €.
        """) == []


# Captions


def test_table_caption_not_after_a_table(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        ---
        Some words.

        Table: Salaries
        """)
    assert str(finding) == (
        "guide/01-start.md:6: error: a 'Table:' caption must follow its table\n"
        "    hint: put the caption paragraph right after the table's last row")


def test_table_caption_after_a_table_is_allowed(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        | Level | Salary |
        |---|---|
        | Junior | £45k |

        Table: Salaries
        """) == []


# Code is not checked


def test_code_spans_are_not_checked(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        Write `[stars: 11/10]`, `<script>`, `![](x.png)`, `[x](09-missing.md)`, `â€”`
        and ``!!! danger`` or `javascript:x()` as you like.
        """) == []


def test_fenced_code_blocks_are_not_checked(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ```markdown
        # A title
        [stars: 11/10] <script>alert(1)</script> ![](x.png) [x](09-missing.md) â€”
        !!! danger
        Table: not after a table
        ```

        ~~~
        <iframe src="x"></iframe>
        ~~~
        """) == []


def test_checking_resumes_after_a_fenced_code_block(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        ```
        [stars: 11/10]
        ```
        [stars: 12/10]
        """) == ["guide/01-start.md:7: error: [stars: 12/10]: a rating cannot exceed its scale"]


# Every finding at once


def test_every_finding_is_reported_in_line_order(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        # Title

        [stars: 6]

        ![](images/missing.png)
        """) == [
        "guide/01-start.md:4: error: a '#' heading in a chapter's body",
        "guide/01-start.md:6: error: [stars: 6]: a rating cannot exceed its scale",
        "guide/01-start.md:8: error: the image 'images/missing.png' has no alt text",
        "guide/01-start.md:8: error: the image 'images/missing.png' does not exist",
    ]


def test_findings_of_every_chapter_are_reported(tmp_path):
    findings = check(tmp_path, """
        ---
        title: Start
        ---
        [stars: 6]
        """, files={"02-next.md": "---\ntitle: Next\n---\n[stars: 7]\n"})
    assert [(f.path, f.line) for f in findings] == [
        ("guide/01-start.md", 4), ("guide/02-next.md", 4)]


# Warnings: reported, and errors only with --strict


def warnings(tmp_path, start: str) -> list[str]:
    return [str(finding).splitlines()[0]
            for finding in check(tmp_path, start, severity="warning")]


def test_heading_that_skips_a_level_is_a_warning(tmp_path):
    assert warnings(tmp_path, """
        ---
        title: Start
        summary: S.
        ---
        ## Pay

        #### Detail
        """) == ["guide/01-start.md:7: warning: a level-4 heading follows a level-2 one"]


def test_chapter_without_summary_is_a_warning(tmp_path):
    assert warnings(tmp_path, """
        ---
        title: Start
        ---
        Text.
        """) == ["guide/01-start.md:1: warning: this chapter has no summary"]


def test_text_that_ftfy_finds_damaged_is_a_warning(tmp_path):
    (finding,) = check(tmp_path, """
        ---
        title: Start
        summary: S.
        ---
        Die StraÃŸe ist lang.
        """, severity="warning")
    assert str(finding) == ("guide/01-start.md:5: warning: this line may hold damaged text "
                            "(mojibake)\n    hint: perhaps: Die Straße ist lang.")


def test_caption_right_under_the_table_without_a_blank_line(tmp_path):
    assert errors(tmp_path, """
        ---
        title: Start
        ---
        | A | B |
        |---|---|
        | 1 | 2 |
        Table: Too close.
        """) == ["guide/01-start.md:7: error: a 'Table:' caption needs a blank line above it"]
