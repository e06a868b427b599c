"""Table captions: a ``Table:`` paragraph right after a table becomes its <caption>."""

from __future__ import annotations

import pytest

from tests.helpers import assert_renders, parse, render

TABLE = "| Level | Salary |\n|---|---|\n| Junior | £45k |\n"


def test_caption_paragraph_becomes_the_tables_caption():
    assert_renders(
        """
        | Level | Salary |
        |---|---|
        | Junior | £45k |

        Table: Salaries in London
        """,
        """
        <table><caption>Salaries in London</caption><thead>
        <tr>
        <th scope="col">Level</th>
        <th scope="col">Salary</th>
        </tr>
        </thead>
        <tbody>
        <tr>
        <th scope="row">Junior</th>
        <td>£45k</td>
        </tr>
        </tbody>
        </table>
        """,
    )


def test_caption_is_the_first_child_of_the_table():
    (table,) = parse(render(TABLE + "\nTable: Salaries\n")).findall("table")
    assert table[0].tag == "caption"


def test_caption_leaves_no_paragraph_behind():
    tree = parse(render(TABLE + "\nTable: Salaries\n"))
    assert [child.tag for child in tree] == ["table"]


def test_caption_renders_inline_markdown():
    (caption,) = parse(render(TABLE + "\nTable: Salaries *before* tax, see [pay](#pay)\n")
                       ).findall(".//caption")
    assert (caption.text, caption[0].tag, caption[0].text) == ("Salaries ", "em", "before")
    assert caption[1].tag == "a"


def test_caption_gets_typographic_punctuation():
    (caption,) = parse(render(TABLE + '\nTable: "Typical" pay -- 2026\n')).findall(".//caption")
    assert caption.text == "“Typical” pay – 2026"


def test_content_after_the_caption_follows_the_table():
    tree = parse(render(TABLE + "\nTable: Salaries\n\nAfter the table.\n"))
    assert [child.tag for child in tree] == ["table", "p"]
    assert tree[1].text == "After the table."


def test_table_paragraph_not_after_a_table_stays_a_paragraph():
    assert_renders(
        """
        Table: this paragraph has no table.
        """,
        """
        <p>Table: this paragraph has no table.</p>
        """,
    )


def test_table_paragraph_after_a_paragraph_after_a_table_stays_a_paragraph():
    tree = parse(render(TABLE + "\nSome words.\n\nTable: Too late\n"))
    assert [child.tag for child in tree] == ["table", "p", "p"]
    assert tree.find("table").find("caption") is None


def test_each_table_gets_its_own_caption():
    html = render(TABLE + "\nTable: First\n\n" + TABLE + "\nTable: Second\n")
    captions = [table.findtext("caption") for table in parse(html).findall("table")]
    assert captions == ["First", "Second"]


def test_table_without_caption_has_none():
    (table,) = parse(render(TABLE)).findall("table")
    assert table.find("caption") is None


def test_caption_of_a_table_inside_a_callout():
    html = render("""
        !!! note "Pay"
            | Level | Salary |
            |---|---|
            | Junior | £45k |

            Table: Salaries
        """)
    assert parse(html).xpath('//aside[@class="callout callout-note"]/table/caption')[0].text == (
        "Salaries")


def test_head_cells_head_their_columns_and_the_first_column_names_the_rows():
    (table,) = parse(render(TABLE)).findall("table")
    assert [cell.get("scope") for cell in table.iter("th")] == ["col", "col", "row"]


@pytest.mark.parametrize("first_column", [
    ["2024", "2025"],                  # figures name no row
    ["£45k–£60k", "£60k+"],
    ["Junior", "Junior"],              # the same words twice
    ["Junior", ""],                    # an empty cell
    ["[stars: 3/5]", "[stars: 4/5]"],  # ratings
])
def test_a_first_column_that_does_not_name_its_rows_stays_data(first_column):
    rows = "".join(f"| {cell} | x |\n" for cell in first_column)
    (table,) = parse(render("| A | B |\n|---|---|\n" + rows)).findall("table")
    assert [cell.get("scope") for cell in table.iter("th")] == ["col", "col"]
