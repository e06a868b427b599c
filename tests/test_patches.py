"""The patches of the pinned WeasyPrint and pydyf (press/patches.py): for those versions
only, and the faults of cost fixed without a byte of the PDF changing (the layout's wasted
pages, the page references rebuilt, each stream deflated twice)."""

from __future__ import annotations

import collections
import re

import pytest

from press import patches

from .conftest import EVERY_FEATURE, ROOT

pytestmark = pytest.mark.slow


def test_the_patches_are_for_the_pinned_versions():
    """The patches apply to the versions pinned, and only to them: a moved pin fails here
    until they are looked at again against its source."""
    import pydyf
    import weasyprint

    from press import pdf  # applies them

    requirements = (ROOT / "requirements.txt").read_text()
    for package, version in (("weasyprint", patches.PATCHED_VERSION),
                             ("pydyf", patches.PATCHED_PYDYF)):
        pinned = re.search(rf"^{package}==(\S+)$", requirements, re.M)
        assert pinned and pinned.group(1) == version, package
    assert weasyprint.__version__ == patches.PATCHED_VERSION
    assert pydyf.__version__ == patches.PATCHED_PYDYF
    assert patches.apply(pdf.weasyprint) and len(patches._SAVED) == len(patches.SPEED)


def test_a_patch_whose_source_moved_does_not_apply():
    def function():
        return 1

    with pytest.raises(patches.DoesNotApply):
        patches._edited(function, ("return 2", "return 3"))


def laid_out_pages(handbook) -> tuple[int, bytes, collections.Counter, str]:
    """How many pages WeasyPrint lays out (counting each page laid out again) to make the
    office PDF of ``handbook``, the PDF, how many styles it computed for elements (None)
    and for each kind of pseudo-element, counted over its passes, and the HTML."""
    from weasyprint import css
    from weasyprint.layout import page

    from press import parts, pdf
    from press.build import load_and_check, print_html
    from press.editions import EDITIONS

    checked = load_and_check(handbook, str(handbook))
    html = print_html(checked.book, pdf.stylesheet_urls(checked.book, EDITIONS["pdf"].sheets),
                      checked.chapters)
    made, count = page.make_page, [0]

    def counted(*arguments, **keywords):
        count[0] += 1
        return made(*arguments, **keywords)

    styles, setup = collections.Counter(), css.StyleFor.__init__

    def styled(style_for, *arguments, **keywords):
        setup(style_for, *arguments, **keywords)
        styles.update(pseudo for _, pseudo in style_for._computed_styles)

    page.make_page, css.StyleFor.__init__ = counted, styled
    whole, parts.WHOLE = parts.WHOLE, True  # laid out here, not in parts (press.parts)
    try:
        data, _ = pdf.render_pdf(checked.book, html, checked.files)
    finally:
        page.make_page, css.StyleFor.__init__ = made, setup
        parts.WHOLE = whole
    return count[0], data, styles, html


def test_the_fixed_faults_of_cost_leave_the_pdf_as_it_was():
    """The every-feature handbook's office PDF, made with the fixes and without them: the
    same bytes, from fewer pages laid out (its 18 pages are laid out twice, the end of its
    chapter of tables being set again: 44 page layouts, where WeasyPrint alone makes 48),
    and a style computed for a pseudo-element only where a box is made of it: a marker's
    for each list item and a footnote call's and marker's for each footnote, where
    WeasyPrint alone computes each element's marker, footnote and note styles."""
    fixed, ours, styles, html = laid_out_pages(EVERY_FEATURE)
    with patches.without_speed_patches():
        plain, theirs, plain_styles, _ = laid_out_pages(EVERY_FEATURE)
    assert ours == theirs
    assert (fixed, plain) == (44, 48)
    passes = 2  # the chapter of tables set again with more hyphenation
    items, footnotes = len(re.findall(r"<li[ >]", html)), len(re.findall(r'class="footnote"', html))
    assert footnotes and styles["marker"] == passes * items > 0
    assert styles["footnote-call"] == styles["footnote-marker"] == passes * footnotes
    assert not any(styles[name] for name in ("note-call", "note-marker", "note-callback"))
    elements = plain_styles[None]
    assert all(plain_styles[name] == elements for name in (
        "marker", "footnote-call", "footnote-marker", "note-call", "note-marker"))
    assert styles[None] == elements and styles["before"] == plain_styles["before"]


def test_a_text_that_fits_its_line_but_for_its_last_space_stays_on_it():
    """Words before an inline element that fit the line without the space they end with
    (it collapses at the line's end) stay on the line: WeasyPrint alone broke this one
    after "Soigner," where the paragraph is 193 to 194 mm wide (in the project's serif),
    leaving the rest for the next line. Widths a quarter of a millimetre apart."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    from press import pdf  # the project's fonts, as the editions are laid out with

    assert patches.apply(pdf.weasyprint)
    text = ("Soigner, surveiller, accompagner\u00a0: la formation, le quotidien, le salaire "
            "et les vraies questions à ")
    for width in [quarter / 4 for quarter in range(4 * 188, 4 * 200)]:
        document = weasyprint.HTML(string=(
            f'<p style="font-family: serif; font-size: 13pt; width: {width}mm; margin: 0">'
            f'{text}<span style="white-space: nowrap">se poser</span></p>')).render()
        lines = []
        around = [document.pages[0]._page_box]
        while around:
            box = around.pop(0)
            if isinstance(box, boxes.LineBox):
                lines.append("".join(child.text for child in box.descendants()
                                     if isinstance(child, boxes.TextBox)))
            else:
                around[:0] = getattr(box, "children", [])
        assert len(lines[0].split()) >= 10, (width, lines)  # never "Soigner," alone
