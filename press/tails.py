"""A chapter's last page that holds a line or a lone box, laid out again as a typesetter
would: never a page turned for a few lines at a chapter's end.

Each chapter starts on a page of its own, so its last page may hold little: the last
line after a long table, a tip that did not fit under the pros and the cons. Where it
holds less than a fifth of the type area, the chapter is set again in one of two ways:

- its pros and cons, one above the other, set side by side, which may bring the
  chapter's end back onto the page before (the boxes stay whole and together);
- else its last two pages balanced: the page before the last breaks earlier, at a
  paragraph, a list item, a table row or a heading (never after a heading or a lead-in,
  never inside a box), so that the last page holds a fifth of the type area and a line
  at least, and the page before it half.

A chapter's new setting is kept only where it is better by those measures; chapters
are laid out independently of each other (each starts on a new page), so each keeps or
drops its own.
"""

from __future__ import annotations

from dataclasses import dataclass

SHORT = 0.2  # of the type area's height: a last page that holds less is short
KEPT = 0.5  # of it: what the page before keeps, at least, when the two are balanced
LINE = 14.0  # points: about a line of text, the margin the balancing aims beyond SHORT
BREAKABLE = {"p", "li", "tr", "h2", "h3", "h4", "aside", "figure", "table", "ul", "ol",
             "blockquote", "div", "pre"}
WHOLE = {"aside", "figure", "blockquote", "td", "th", "thead", "h2", "h3", "h4", "caption"}
HEADINGS = {"h2", "h3", "h4"}


@dataclass(frozen=True)
class Tail:
    """A chapter's last page and what it holds."""

    chapter: str  # the chapter's id
    pages: int  # how many it takes
    filled: float  # the share of the type area its last page holds


def page_of_chapters(document) -> dict[str, list[int]]:
    """Each chapter's id, and the indices of the pages it has boxes on."""
    found: dict[str, list[int]] = {}
    for index, page in enumerate(document.pages):
        for box in _root(page).children if _root(page) is not None else ():
            for child in getattr(box, "children", ()):
                element = getattr(child, "element", None)
                if (child.element_tag == "article" and element is not None
                        and "chapter" in (element.get("class") or "").split()):
                    found.setdefault(element.get("id"), []).append(index)
    return found


def tails(document) -> dict[str, Tail]:
    """Every chapter, with its pages and its last page's share of the type area."""
    result = {}
    for chapter, pages in page_of_chapters(document).items():
        page = document.pages[pages[-1]]
        result[chapter] = Tail(chapter, len(pages), _filled(page) / _area(page))
    return result


def short(document) -> dict[str, Tail]:
    return {chapter: tail for chapter, tail in tails(document).items()
            if tail.pages > 1 and tail.filled < SHORT}


def remedies(document, chapters: dict[str, Tail]) -> dict[str, str]:
    """For each chapter in ``chapters`` with a remedy, a style rule that applies it."""
    found, pages_of, parents = {}, page_of_chapters(document), _parents(document)
    for chapter in chapters:
        pages = pages_of[chapter]
        rule = _side_by_side(document, pages, parents) or _balanced(document, pages, parents)
        if rule:
            found[chapter] = rule
    return found


def better(before: Tail, after: Tail | None) -> bool:
    """Whether a chapter set again ends better: on fewer pages without a short last one,
    or on as many with its last page no longer short."""
    if after is None or after.pages > before.pages:
        return False
    return after.filled >= SHORT or (after.pages < before.pages and after.pages == 1)


def kept(rules: dict[str, str], before: dict[str, Tail], after: dict[str, Tail]) -> dict[str, str]:
    """Of the chapters set again by ``rules``, those that end ``better``."""
    return {chapter: rule for chapter, rule in rules.items()
            if better(before[chapter], after.get(chapter))}


def _side_by_side(document, pages: list[int], parents) -> str | None:
    """A rule setting the chapter's stacked pros and cons side by side, as print.css sets
    them on A4 and Letter."""
    groups = []
    for index in pages:
        for box in _descendants(_root(document.pages[index])):
            element = getattr(box, "element", None)
            if (box.element_tag == "div" and element is not None
                    and "pros-cons" in (element.get("class") or "").split()
                    and len(box.children) == 2
                    and box.children[1].position_y > box.children[0].position_y + 1):
                groups.append(_selector(element, parents))
    if not groups:
        return None
    return (", ".join(dict.fromkeys(groups)) +
            " { display: grid; grid-template-columns: 1fr 1fr; column-gap: 5mm; }")


def _balanced(document, pages: list[int], parents) -> str | None:
    """A rule breaking the chapter's last page but one earlier, so that both hold enough."""
    before, last = document.pages[pages[-2]], document.pages[pages[-1]]
    area, top = _area(before), _top(before)
    needed = SHORT * _area(last) - _filled(last) + LINE
    bottom = top + _filled(before)
    best = None
    for box in _descendants(_root(before)):
        element = getattr(box, "element", None)
        if box.element_tag not in BREAKABLE or element is None:
            continue
        y = box.position_y
        if y - top < KEPT * area or bottom - y < needed:
            continue
        if not _may_break_before(element, parents):
            continue
        if best is None or y > best[0]:
            best = (y, element)
    if best is None:
        return None
    return _selector(best[1], parents) + " { break-before: page; }"


def _may_break_before(element, parents) -> bool:
    """Whether a page may turn before ``element`` and leave nothing astray: not the first
    of its parent's children (break before the parent instead), not after a heading or a
    lead-in, and not inside a box kept whole or a table's cell."""
    parent = parents.get(element)
    if parent is None:
        return False
    siblings = [child for child in parent if isinstance(child.tag, str)]
    position = siblings.index(element)
    if position == 0 and element.tag != "tr":
        return False
    if element.tag == "tr" and (position == 0 or parent.tag == "thead"):
        return False
    if position:
        previous = siblings[position - 1]
        if previous.tag in HEADINGS or "lead-in" in (previous.get("class") or "").split():
            return False
    ancestor = parent
    while ancestor is not None:
        classes = (ancestor.get("class") or "").split()
        if ancestor.tag in WHOLE or "pros-cons" in classes or "callout" in classes:
            return False
        if ancestor.tag == "article":
            return True
        ancestor = parents.get(ancestor)
    return False


def _selector(element, parents) -> str:
    """A CSS selector for ``element`` alone: its path from the root, child by child."""
    steps = []
    while element is not None:
        parent = parents.get(element)
        if parent is None:
            steps.append(element.tag)
            break
        siblings = [child for child in parent if isinstance(child.tag, str)]
        steps.append(f"{element.tag}:nth-child({siblings.index(element) + 1})")
        element = parent
    return " > ".join(reversed(steps))


def _parents(document) -> dict:
    root = _root(document.pages[0]).element
    return {child: parent for parent in root.iter() for child in parent}


def _root(page):
    children = page._page_box.children
    return children[0] if children else None


def _descendants(box):
    stack = [box] if box is not None else []
    while stack:
        box = stack.pop()
        yield box
        stack.extend(reversed(getattr(box, "children", ())))


def _top(page) -> float:
    return page._page_box.content_box_y()


def _area(page) -> float:
    """The type area's height on ``page``."""
    return page._page_box.height


def _filled(page) -> float:
    """How far down its type area ``page``'s content reaches (lines, pictures, rows)."""
    from weasyprint.formatting_structure import boxes

    top, bottom = _top(page), _top(page)
    for box in _descendants(_root(page)):
        if isinstance(box, (boxes.LineBox, boxes.ReplacedBox, boxes.TableRowBox)):
            bottom = max(bottom, box.position_y + box.margin_height())
    return bottom - top
