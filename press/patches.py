"""Changes to the pinned WeasyPrint and pydyf, each applied only to the versions it was
written for (PATCHED_VERSION, PATCHED_PYDYF): a test fails the moment a pin moves, so that
each is looked at again against the new version's source before it applies.

Two kinds:

- changes of layout, which a typesetter asks for (a table's short columns set whole; a
  text that fits its line but for its last space kept on it);
- faults of cost fixed where they are, each leaving the PDF byte for byte as it was (a
  test builds with and without them and compares): see SPEED.
"""

from __future__ import annotations

import contextlib
import inspect
import textwrap
import threading

PATCHED_VERSION = "70.0"
PATCHED_PYDYF = "0.13.0"
SHORT_COLUMN = 0.15  # of the table's width: a column whose longest entry fits is short


class DoesNotApply(Exception):
    """A patched function's source is not the one the patch was written for."""


def apply(weasyprint) -> bool:
    """Apply every patch, once; whether the versions are the ones they are written for
    (else none applies, and WeasyPrint works as its own)."""
    import pydyf

    if weasyprint.__version__ != PATCHED_VERSION or pydyf.__version__ != PATCHED_PYDYF:
        return False
    from weasyprint.layout import table

    if not getattr(table, "_press_patched", False):
        table.auto_table_layout = _short_columns_whole(table.auto_table_layout)
        table._press_patched = True
        from weasyprint.layout import inline, preferred
        from weasyprint.text import line_break

        fitted = _trailing_space_fits(line_break.split_first_line)
        for module in (line_break, inline, preferred):
            module.split_first_line = fitted
    if not _SAVED:
        for owner, name, make in SPEED:
            original = getattr(owner(), name)
            _SAVED.append((owner(), name, original))
            setattr(owner(), name, make(original))
    return True


@contextlib.contextmanager
def without_speed_patches():
    """WeasyPrint and pydyf as they are, within: for comparing their output with ours."""
    patched = [(owner, name, getattr(owner, name)) for owner, name, _ in _SAVED]
    for owner, name, original in _SAVED:
        setattr(owner, name, original)
    try:
        yield
    finally:
        for owner, name, value in patched:
            setattr(owner, name, value)


def _edited(function, *edits: tuple[str, str], **names):
    """``function`` compiled again from its source with each (old, new) edit made (each
    old text found exactly once, else DoesNotApply), in its module's namespace with
    ``names`` added."""
    source = textwrap.dedent(inspect.getsource(function))
    for old, new in edits:
        if source.count(old) != 1:
            raise DoesNotApply(f"{function.__module__}.{function.__qualname__}")
        source = source.replace(old, new)
    namespace = dict(function.__globals__, **names)
    exec(compile(source, inspect.getsourcefile(function), "exec"), namespace)
    return namespace[function.__name__]


def _target_counters_followed(compute_content_list):
    """``weasyprint.formatting_structure.build.compute_content_list``, with what a
    ``target-counter()`` lacks recorded under its target's name.

    Two faults made WeasyPrint lay pages out again for nothing (40 page layouts for the
    first handbook's 30 pages): the counters a ``target-counter(attr(href url), page)``
    still waits for were filed under ``anchor_name_from_token`` of the ``attr()`` token,
    which is None, so that the page of the target, once known, never reached them; and
    the list was bound to the name of the box's own missing counters, so that each
    such reference was taken for a ``counter(page)`` of its own and read again on every
    page. Here the target's name is read as ``TargetCollector.lookup_target`` reads it,
    and the list has a name of its own.
    """
    def anchor_name(anchor_token, box):
        from weasyprint.css import targets
        from weasyprint.urls import get_url_tuple

        if anchor_token[0] == "attr()":
            attr_name, kind, fallback = anchor_token[1]
            value = box.element.get(attr_name, fallback)
            anchor_token = (("string", value) if kind == "string" else
                            ("url", get_url_tuple(value, box.style.base_url)))
        return targets.anchor_name_from_token(anchor_token)

    return _edited(compute_content_list, (
        """                anchor_name = targets.anchor_name_from_token(anchor_token)
                missing_counters = missing_target_counters.setdefault(
                    anchor_name, [])
                if counter_name not in missing_counters:
                    missing_counters.append(counter_name)""",
        """                anchor_name = _press_anchor_name(anchor_token, parent_box)
                target_missing = missing_target_counters.setdefault(
                    anchor_name, [])
                if counter_name not in target_missing:
                    target_missing.append(counter_name)"""), _press_anchor_name=anchor_name)


def _page_references_kept(page_references):
    """``pydyf.PDF.page_references``, made once for as many pages: pydyf builds the list
    of every page's reference again on each reading, and WeasyPrint's tagging reads it
    for every marked piece of every page (16,000 times for the 10x book: 0.5 s)."""
    def references(pdf):
        kids = pdf.pages["Kids"]
        kept = pdf.__dict__.get("_press_page_references")
        if kept is None or kept[0] != len(kids):
            kept = (len(kids), page_references.fget(pdf))
            pdf.__dict__["_press_page_references"] = kept
        return kept[1]

    return property(references)


_WRITING = threading.local()  # each stream's bytes, while this thread writes a PDF


def _deflated_once(data):
    """``pydyf.Stream.data``, made once for each stream while a PDF is written: with an
    identifier, pydyf makes every object's bytes twice, once to write it and once more
    for the identifier's MD5, deflating each stream again at level 9 (0.6 s for the 10x
    book). Outside ``PDF.write`` it is made each time, as before (a stream may change)."""
    def once(stream):
        kept = getattr(_WRITING, "streams", None)
        if kept is None:
            return data.fget(stream)
        entry = kept.get(id(stream))
        if entry is None or entry[0] is not stream:
            entry = kept[id(stream)] = (stream, data.fget(stream))
        return entry[1]

    return property(once)


def _writing(write):
    """``pydyf.PDF.write``, keeping each stream's bytes while it writes (see
    _deflated_once)."""
    def written(pdf, *arguments, **keywords):
        _WRITING.streams = {}
        try:
            return write(pdf, *arguments, **keywords)
        finally:
            _WRITING.streams = None

    return written


def _pseudo_styles_used(init):
    """``weasyprint.css.StyleFor.__init__``, computing the style of a pseudo-element only
    where a box can be made of it.

    The user agent's sheet gives ``::marker``, ``::footnote-call``, ``::footnote-marker``
    and the ``::note-*`` pseudo-elements of every element a style (and ours gives every
    element's ``::footnote-call`` one), so that WeasyPrint computes and keeps five or six
    styles for each element of the book, where it reads a marker's only for a list item
    (or a list item's ``::before`` or ``::after``) and a footnote's only for an element
    floated to the footnotes (a note's, for one positioned as a note): three styles in four
    of the 10x book's 35,000, about 20 MB. Here the others are not computed, and a box
    that asks for one gets None, as WeasyPrint's own code expects for an element without
    them.
    """
    footnote = ("footnote-call", "footnote-marker")
    note = ("note-call", "note-marker", "note-callback")

    def used(computed, cascaded, element, pseudo_type):
        style = computed.get((element, None))
        if style is None:
            return True
        if pseudo_type == "marker":
            return "list-item" in style["display"] or any(
                "list-item" in _values(cascaded.get((element, kind), {}).get("display"))
                for kind in ("before", "after"))
        if pseudo_type in footnote:
            return style["float"] == "footnote"
        if pseudo_type in note:
            return style["position"][0] == "note()"
        return True

    def _values(declared):  # a cascaded (value, weight), or None
        if declared is None:
            return ()
        value = declared[0]
        return value if isinstance(value, tuple) else (value,)

    return _edited(init, (
        """    for element, pseudo_type in cascaded_styles:
        if pseudo_type:""",
        """    for element, pseudo_type in cascaded_styles:
        if pseudo_type and _press_used(
                computed_styles, cascaded_styles, element, pseudo_type):"""),
        _press_used=used)


def _style_for():
    from weasyprint import css

    return css.StyleFor


def _pydyf_stream():
    import pydyf

    return pydyf.Stream


def _build_module():
    from weasyprint.formatting_structure import build

    return build


def _pydyf_pdf():
    import pydyf

    return pydyf.PDF


# Each fault of cost fixed: where the function is, its name, and what makes its fix.
SPEED = ((_build_module, "compute_content_list", _target_counters_followed),
         (_pydyf_pdf, "page_references", _page_references_kept),
         (_pydyf_stream, "data", _deflated_once),
         (_pydyf_pdf, "write", _writing),
         (_style_for, "__init__", _pseudo_styles_used))
_SAVED: list = []  # each (owner, name, original) once applied


def _trailing_space_fits(split_first_line):
    """``weasyprint.text.line_break.split_first_line``, with a text that fits its line but
    for the space it ends with kept on that line.

    Where a text ends with a space (the words before an inline element, such as the span
    that keeps a title's last two words together) and fits the line only without that
    space, which collapses at a line's end, WeasyPrint took the line as too narrow for
    any of it and broke it after its first word: a fact sheet's subtitle came out as
    "Soigner," above the rest of its words. Here the width is measured without the space,
    as the line will be set.
    """
    return _edited(split_first_line, (
        """    first_line_width, _ = line_size(first_line, style)
    if resume_index is None and first_line_width <= max_width:""",
        """    first_line_width, _ = line_size(first_line, style)
    if (resume_index is None and first_line_width > max_width and space_collapse
            and text.endswith(' ')):
        kept = create_layout(
            text.rstrip(' '), style, context, max_width, justification_spacing)
        kept_line, kept_resume = kept.get_first_line()
        if kept_resume is None:
            first_line_width = min(first_line_width, line_size(kept_line, style)[0])
    if resume_index is None and first_line_width <= max_width:"""))


def _short_columns_whole(auto_table_layout):
    """``weasyprint.layout.table.auto_table_layout``, with a table's short columns set on
    one line where the table must wrap.

    Where a table is narrower than its content, WeasyPrint gives every column its
    min-content width and shares the rest in proportion to what each lacks of its
    max-content width (CSS Tables 3's width distribution): a column of short entries
    ("Row 43", "Level 3", a product's name) then breaks them over two lines while the
    column of long notes beside it, which wraps anyway, could have given the room. A
    typesetter sets the short columns whole first: each column whose longest entry takes
    no more than SHORT_COLUMN of the table's width, the shortest first, as long as the
    other columns keep their min-content widths, is marked constrained, which the
    distribution gives its max-content width before the others share the rest. A table
    that fits its content is laid out as before.
    """
    from weasyprint.layout.preferred import table_and_columns_preferred_widths

    def layout(context, box, containing_block):
        table = box.get_wrapped_table()
        (smallest, widest, least, most, percentages, constrained, spacing,
         grid) = table_and_columns_preferred_widths(context, box, outer=False)
        if grid and not any(constrained) and not any(percentages):
            width = table.width
            if width == "auto":  # as auto_table_layout works it out
                margins = sum(margin for margin in (box.margin_left, box.margin_right)
                              if margin != "auto")
                available = (containing_block[0] - margins - table.padding_left
                             - table.padding_right - table.border_left_width
                             - table.border_right_width)
                width = min(max(available, smallest), widest)
            assignable = width - spacing
            if assignable < sum(most):
                used = sum(least)
                for column in sorted(range(len(most)), key=lambda column: most[column]):
                    gain = most[column] - least[column]
                    if most[column] > SHORT_COLUMN * assignable or used + gain > assignable:
                        break
                    constrained[column] = True  # (the cached list: every page alike)
                    used += gain
        return auto_table_layout(context, box, containing_block)

    return layout
