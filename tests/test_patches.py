"""The patches of the pinned WeasyPrint and pydyf (press/patches.py): for those versions
only, and the faults of cost fixed without a byte of the PDF changing (the layout's wasted
pages, the page references rebuilt, each stream deflated twice)."""

from __future__ import annotations

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


def laid_out_pages(handbook) -> tuple[int, bytes]:
    """How many pages WeasyPrint lays out (counting each page laid out again) to make the
    office PDF of ``handbook``, and the PDF."""
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

    page.make_page = counted
    whole, parts.WHOLE = parts.WHOLE, True  # laid out here, not in parts (press.parts)
    try:
        data, _ = pdf.render_pdf(checked.book, html, checked.files)
    finally:
        page.make_page = made
        parts.WHOLE = whole
    return count[0], data


def test_the_fixed_faults_of_cost_leave_the_pdf_as_it_was():
    """The every-feature handbook's office PDF, made with the fixes and without them: the
    same bytes, from fewer pages laid out (its 18 pages are laid out twice, the end of its
    chapter of tables being set again: 44 page layouts, where WeasyPrint alone makes 48)."""
    fixed, ours = laid_out_pages(EVERY_FEATURE)
    with patches.without_speed_patches():
        plain, theirs = laid_out_pages(EVERY_FEATURE)
    assert ours == theirs
    assert (fixed, plain) == (44, 48)
