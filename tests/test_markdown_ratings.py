"""Star ratings: ``[stars: N/M]`` as vector stars with their meaning as text."""

from __future__ import annotations

import re

import pytest

from press.markdown.ratings import Rating, parse_rating
from tests.helpers import parse, render

STAR_SHAPES = ("star-filled", "star-half", "star-empty")


def ratings(html: str):
    return parse(html).xpath('//span[@class="rating"]')


def outline_classes(rating) -> list[str]:
    """The class of each star's outline, in order (the half star's fill is a separate shape)."""
    return [path.get("class") for path in rating.iter("path") if path.get("class") in STAR_SHAPES]


def coordinates(path_data: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path_data)]


# parse_rating


def test_parse_rating_reads_value_and_scale():
    assert parse_rating("4.5/5") == Rating(4.5, 5)


def test_parse_rating_without_scale_means_out_of_five():
    assert parse_rating("3") == Rating(3, 5)


def test_parse_rating_accepts_spaces_around_the_slash():
    assert parse_rating(" 9 / 10 ") == Rating(9, 10)


def test_parse_rating_accepts_zero_stars():
    assert parse_rating("0/5") == Rating(0, 5)


def test_parse_rating_accepts_a_scale_of_ten():
    assert parse_rating("10/10") == Rating(10, 10)


@pytest.mark.parametrize(("written", "message"), [
    ("11/10", "a rating cannot exceed its scale"),
    ("6", "a rating cannot exceed its scale"),  # the default scale is five
    ("-1", "write a rating as N/M"),
    ("3.3/5", "whole or half"),
    ("four", "write a rating as N/M"),
    ("0/0", "scale must be from 1 to 10"),
    ("3/11", "scale must be from 1 to 10"),
])
def test_parse_rating_refuses(written, message):
    with pytest.raises(ValueError, match=message):
        parse_rating(written)


def test_rating_text_is_what_a_screen_reader_says():
    assert Rating(4.5, 5).text == "4.5 out of 5 stars"


def test_rating_text_writes_whole_numbers_without_a_decimal_point():
    assert Rating(4.0, 5).text == "4 out of 5 stars"


# rendering


def test_rating_with_scale_draws_as_many_stars_as_the_scale():
    (rating,) = ratings(render("[stars: 9/10]"))
    assert len(outline_classes(rating)) == 10


def test_rating_without_scale_draws_five_stars():
    (rating,) = ratings(render("[stars: 3]"))
    assert outline_classes(rating) == ["star-filled"] * 3 + ["star-empty"] * 2


@pytest.mark.parametrize(("source", "filled", "half", "empty"), [
    ("[stars: 4.5/5]", 4, 1, 0),
    ("[stars: 0.5/5]", 0, 1, 4),
    ("[stars: 3/5]", 3, 0, 2),
    ("[stars: 9/10]", 9, 0, 1),
    ("[stars: 0/5]", 0, 0, 5),
    ("[stars: 2.5/3]", 2, 1, 0),
])
def test_rating_draws_filled_half_and_empty_stars_in_order(source, filled, half, empty):
    (rating,) = ratings(render(source))
    expected = ["star-filled"] * filled + ["star-half"] * half + ["star-empty"] * empty
    assert outline_classes(rating) == expected


def test_filled_stars_are_solid_shapes():
    (rating,) = ratings(render("[stars: 1/1]"))
    (star,) = rating.xpath('.//path[@class="star-filled"]')
    assert (star.get("fill"), star.get("stroke")) == ("currentColor", "currentColor")


def test_empty_stars_are_outlines_only():
    (rating,) = ratings(render("[stars: 0/1]"))
    (star,) = rating.xpath('.//path[@class="star-empty"]')
    assert (star.get("fill"), star.get("stroke")) == ("none", "currentColor")


def test_half_star_is_an_outline_with_a_filled_left_half():
    (rating,) = ratings(render("[stars: 0.5/1]"))
    (fill,) = rating.xpath('.//path[@class="star-fill"]')
    (outline,) = rating.xpath('.//path[@class="star-half"]')
    outline_xs = [x for x, _ in coordinates(outline.get("d"))]
    centre = (min(outline_xs) + max(outline_xs)) / 2
    fill_xs = [x for x, _ in coordinates(fill.get("d"))]
    assert fill.get("fill") == "currentColor"
    assert outline.get("fill") == "none"
    assert max(fill_xs) == pytest.approx(centre, abs=0.05)  # reaches the middle, no further
    assert min(fill_xs) == pytest.approx(min(outline_xs), abs=0.05)  # from the left tip


def test_half_star_fill_sits_in_the_same_cell_as_its_outline():
    (rating,) = ratings(render("[stars: 2.5/5]"))
    (fill,) = rating.xpath('.//path[@class="star-fill"]')
    (outline,) = rating.xpath('.//path[@class="star-half"]')
    assert fill.get("transform") == outline.get("transform") == "translate(48)"


def test_stars_are_drawn_as_vector_shapes_not_glyphs():
    (rating,) = ratings(render("[stars: 4/5]"))
    svg = rating.find("svg")
    assert svg is not None
    assert "★" not in rating.text_content() and "☆" not in rating.text_content()


def test_rating_carries_its_meaning_as_text():
    (rating,) = ratings(render("[stars: 4.5/5]"))
    (label,) = rating.xpath('.//span[@class="rating-text"]')
    assert label.text == "4.5 out of 5 stars"


def test_rating_has_its_meaning_as_accessible_label():
    (rating,) = ratings(render("[stars: 4.5/5]"))
    assert (rating.get("role"), rating.get("aria-label")) == ("img", "4.5 out of 5 stars")


def test_rating_drawing_is_hidden_from_screen_readers():
    (rating,) = ratings(render("[stars: 4.5/5]"))
    assert rating.find("svg").get("aria-hidden") == "true"


def test_rating_inline_stays_inside_its_paragraph():
    tree = parse(render("Pay: [stars: 4.5/5] among the best."))
    (paragraph,) = tree.findall("p")
    assert paragraph.text == "Pay: "
    assert paragraph[0].get("class") == "rating"
    assert paragraph[0].tail == " among the best."


def classes(element) -> list[str]:
    return (element.get("class") or "").split()


def test_rating_inline_does_not_make_a_rating_line():
    (paragraph,) = parse(render("Pay: [stars: 4.5/5] among the best.")).findall("p")
    assert "rating-line" not in classes(paragraph)


def test_rating_alone_on_a_line_is_a_rating_line():
    (paragraph,) = parse(render("[stars: 4/5]")).findall("p")
    assert paragraph.get("class") == "rating-line"


def test_rating_alone_between_paragraphs_is_a_rating_line():
    html = render("""
        Demand for the role:

        [stars: 5/5]

        And it keeps growing.
        """)
    lines = ["rating-line" in classes(p) for p in parse(html).findall("p")]
    assert lines == [False, True, False]


def test_rating_followed_by_text_in_the_same_paragraph_is_not_a_rating_line():
    (paragraph,) = parse(render("""
        [stars: 4/5]
        Well paid.
        """)).findall("p")
    assert "rating-line" not in classes(paragraph)


def test_rating_in_a_table_cell():
    html = render("""
        | Aspect | Rating |
        |---|---|
        | Pay | [stars: 4.5/5] |
        """)
    cells = parse(html).xpath("//tbody/tr/*")
    assert (cells[0].tag, cells[0].get("scope"), cells[0].text) == ("th", "row", "Pay")
    assert [child.get("class") for child in cells[1]] == ["rating"]
    assert cells[1].xpath('.//span[@class="rating-text"]')[0].text == "4.5 out of 5 stars"


def test_several_ratings_in_one_table():
    html = render("""
        | Aspect | Rating |
        |---|---|
        | Pay | [stars: 5] |
        | Hours | [stars: 2.5] |
        """)
    texts = [span.text for span in parse(html).xpath('//td//span[@class="rating-text"]')]
    assert texts == ["5 out of 5 stars", "2.5 out of 5 stars"]


def test_rating_in_a_code_span_is_left_as_written():
    assert render("Write `[stars: 4/5]` for four stars.") == (
        "<p>Write <code>[stars: 4/5]</code> for four stars.</p>")


def test_unreadable_rating_is_left_as_written_for_the_checks_to_report():
    assert render("[stars: 11/10]") == "<p>[stars: 11/10]</p>"
