"""Star ratings: ``[stars: N/M]`` drawn as vector stars with their meaning as text."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from ..words import ENGLISH_WORDS, Words

PATTERN = r"(?i)\[stars:\s*([^\]\n]*?)\s*\]"
VALUE = re.compile(r"^(\d+(?:\.\d+)?)(?:\s*/\s*(\d+))?$")


@dataclass(frozen=True)
class Rating:
    """N filled stars out of M, N a whole or half number."""

    value: float
    scale: int

    @property
    def text(self) -> str:
        return self.said(ENGLISH_WORDS)

    def said(self, words: Words) -> str:
        """The rating in words, in the handbook's language: 4.5 out of 5 stars."""
        return words("rating", count=self.scale, value=self.value, scale=self.scale)


def parse_rating(inner: str) -> Rating:
    """Read what stands inside ``[stars: ...]``; ValueError says what is wrong."""
    match = VALUE.match(inner.strip())
    if not match:
        raise ValueError("write a rating as N/M (e.g. 4.5/5) or N (out of 5)")
    value = float(match.group(1))
    scale = int(match.group(2)) if match.group(2) else 5
    if not 1 <= scale <= 10:
        raise ValueError("the scale must be from 1 to 10 stars")
    if value * 2 != int(value * 2):
        raise ValueError("a rating must be a whole or half number, such as 3 or 3.5")
    if value > scale:
        raise ValueError("a rating cannot exceed its scale")
    return Rating(value, scale)


# A five-pointed star in a 24-unit cell, and its left half (the star is symmetric).
_OUTER, _INNER, _CENTRE = 11.0, 4.6, 12.0


def _point(angle_degrees: float, radius: float) -> tuple[float, float]:
    angle = math.radians(angle_degrees)
    return _CENTRE + radius * math.cos(angle), _CENTRE + 0.6 + radius * math.sin(angle)


def _star_points() -> list[tuple[float, float]]:
    return [_point(-90 + 36 * i, _OUTER if i % 2 == 0 else _INNER) for i in range(10)]


def _path(points) -> str:
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"


STAR = _star_points()
HALF_STAR = [STAR[i] for i in (0, 9, 8, 7, 6, 5)]  # top, round the left side, bottom centre
STAR_PATH = _path(STAR)
HALF_STAR_PATH = _path(HALF_STAR)


def rating_element(rating: Rating, words: Words = ENGLISH_WORDS) -> etree.Element:
    """A span holding an SVG of the stars and the rating as text for every reader."""
    said = rating.said(words)
    span = etree.Element("span", {"class": "rating", "role": "img", "aria-label": said})
    label = etree.SubElement(span, "span", {"class": "rating-text"})
    label.text = said
    svg = etree.SubElement(span, "svg", {
        "xmlns": "http://www.w3.org/2000/svg",
        "class": "rating-stars",
        "viewBox": f"0 0 {24 * rating.scale} 24",
        "width": f"{rating.scale}em",
        "height": "1em",
        "aria-hidden": "true",
        "focusable": "false",
    })
    for index in range(rating.scale):
        place = {"transform": f"translate({24 * index})"} if index else {}
        filled = rating.value - index
        if filled >= 1:
            shape = "filled"
        elif filled > 0:
            shape = "half"
            etree.SubElement(svg, "path", {"d": HALF_STAR_PATH, "class": "star-fill",
                                           "fill": "currentColor", **place})
        else:
            shape = "empty"
        etree.SubElement(svg, "path", {
            "d": STAR_PATH,
            "class": f"star-{shape}",
            "fill": "currentColor" if shape == "filled" else "none",
            "stroke": "currentColor",
            "stroke-width": "2",
            "stroke-linejoin": "round",
            **place,
        })
    return span


class RatingInlineProcessor(InlineProcessor):
    """``[stars: 4.5/5]`` -> the rating's span; anything unreadable is left as written."""

    def handleMatch(self, m, data):
        try:
            rating = parse_rating(m.group(1))
        except ValueError:
            return None, None, None
        return rating_element(rating, self.md.words), m.start(0), m.end(0)


class RatingLineTreeprocessor(Treeprocessor):
    """Mark paragraphs with ratings: alone on a line, or set in the running text."""

    def run(self, root):
        for paragraph in root.iter("p"):
            children = list(paragraph)
            if (len(children) == 1 and children[0].get("class") == "rating"
                    and not (paragraph.text or "").strip()
                    and not (children[0].tail or "").strip()):
                paragraph.set("class", "rating-line")
            elif any(child.get("class") == "rating" for child in paragraph.iter("span")):
                paragraph.set("class", "with-rating")


class RatingExtension(Extension):
    def extendMarkdown(self, md):
        md.inlinePatterns.register(RatingInlineProcessor(PATTERN, md), "rating", 175)
        md.treeprocessors.register(RatingLineTreeprocessor(md), "rating-line", 4)
