"""Changes to the pinned WeasyPrint's layout, each applied only to the version it was
written for (PATCHED_VERSION): a test fails the moment the pin moves, so that each is
looked at again against the new version's source before it applies.
"""

from __future__ import annotations

PATCHED_VERSION = "70.0"
SHORT_COLUMN = 0.15  # of the table's width: a column whose longest entry fits is short


def apply(weasyprint) -> bool:
    """Apply every patch to ``weasyprint``, once; whether its version is the one they are
    written for (else none applies, and the layout is WeasyPrint's own)."""
    if weasyprint.__version__ != PATCHED_VERSION:
        return False
    from weasyprint.layout import table

    if not getattr(table, "_press_patched", False):
        table.auto_table_layout = _short_columns_whole(table.auto_table_layout)
        table._press_patched = True
    return True


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
