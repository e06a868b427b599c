"""Repairs to the structure tree WeasyPrint writes, so that the office PDF and the fact
sheet are PDF/UA-1 as a Matterhorn Protocol checker reads them.

WeasyPrint tags an inline SVG as a Figure, and takes its alternative text only from a
<title> inside it; our own drawings (the stars of a rating, the cover's pattern) carry
none, being decoration: a rating's words are in the text beside its stars. A link whose
box holds inline boxes (an entry of the contents) becomes a Span that holds the link's
annotation. The running heads and folios are tagged as content that no element of the
tree holds, where PDF/UA wants pagination artifacts. Each repair below is made with pikepdf after the PDF is written, and each has
its test in tests/test_tagging.py.
"""

from __future__ import annotations

import io
import re

import pikepdf

STRUCT_ELEM = pikepdf.Name("/StructElem")
ORIGIN = "/PressOrigin"  # see press.pdf: the HTML element a structure element was made for
DECORATIONS = "/PressDecorations"
# Elements that go when they hold nothing (an empty table cell or list item stays: it keeps
# its table's or list's shape).
EMPTY_GOES = frozenset({"/NonStruct", "/Div", "/Span", "/P", "/Sect", "/Art", "/Part",
                        "/BlockQuote", "/Caption"})


def repair(data: bytes, starts=None, when=None, claim: bool = True) -> bytes:
    """The PDF ``data`` with decorative figures made artifacts, running heads and folios
    pagination artifacts, every link annotation inside a Link structure element, and each
    page's start recorded where ``starts`` are
    given (see press.pages; ``when``: the date they are stamped with); without ``claim``,
    no PDF/UA identifier in its metadata. The same bytes for the same input."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None and starts is None and claim:
            return data
        if not claim:
            unclaimed(pdf)
        if root is not None:
            links_in_links(pdf)
            decorative = decoration(root) | generated_decoration(pdf, root)
            one_element_each(pdf, root)
            header_ids(root)
            artifacts(pdf, root, decorative)
        if starts is not None:
            from .pages import record

            record(pdf, starts, when)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return output.getvalue()


PDFUA_ID = "http://www.aiim.org/pdfua/ns/id/"


def unclaimed(pdf: pikepdf.Pdf) -> None:
    """The PDF without the PDF/UA identifier WeasyPrint writes into its XMP metadata (its
    part number): it claims no conformance that the checkers have not confirmed."""
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        return
    xmp = metadata.read_bytes()
    cut = re.sub(rb"\s*<pdfuaid:part>[^<]*</pdfuaid:part>", b"", xmp)
    cut = re.sub(rb'\s*pdfuaid:part="[^"]*"', b"", cut)
    if cut != xmp:
        metadata.write(cut)


# Marked content as WeasyPrint writes it: "/Span <</MCID 12>> BDC".
MARKED = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def _unmark(pdf: pikepdf.Pdf, page, unheld: set[int], decorative: set[int]) -> None:
    """The page's marked content ``unheld`` made Artifacts: ``decorative`` ones plain, the
    rest pagination artifacts. WeasyPrint's one content stream a page is rewritten as
    bytes (parsing every operator of every page would cost a second a hundred pages)."""
    def artifact(found: re.Match) -> bytes:
        mcid = int(found.group(1))
        if mcid not in unheld:
            return found.group()
        return b"/Artifact BMC" if mcid in decorative else b"/Artifact <</Type /Pagination>> BDC"

    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        contents.write(MARKED.sub(artifact, contents.read_bytes()))
        return
    instructions = []  # another writer's page: operator by operator
    for operands, command in pikepdf.parse_content_stream(page):
        mcid = (int(operands[1].get("/MCID", -1)) if str(command) == "BDC"
                and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary) else -1)
        if mcid not in unheld:
            instructions.append((operands, command))
        elif mcid in decorative:
            instructions.append(([pikepdf.Name("/Artifact")], pikepdf.Operator("BMC")))
        else:
            instructions.append(([pikepdf.Name("/Artifact"), pikepdf.Dictionary(
                Type=pikepdf.Name("/Pagination"))], pikepdf.Operator("BDC")))
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(root):
    """Every structure element under ``root``, parents before children."""
    stack = list(reversed(_kids(root)))
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Dictionary) and element.get("/Type") == STRUCT_ELEM:
            yield element
            stack.extend(reversed(_kids(element)))


def header_ids(root) -> None:
    """Each table's header cells named by the table's place in the book and the cell's in
    the table ("t3-2"), and its cells' Headers with them.

    WeasyPrint names a header cell after the number of its table's object in the file and
    its row and column there ("672-0-1"): a table cut across pages is one table object a
    page, so the cells after the first page name, as their headers, the header row repeated
    on their page, which is laid out again but is no element of the tree once the table is
    made one: such a name is read as the header cell in the same row and column of the
    table's first page. The numbers differ, too, from one part of a book laid out in parts
    (press.parts) to the next, and may be the same in two."""
    tables = 0
    for table in _elements(root):
        if table.S != "/Table":
            continue
        tables += 1
        names: dict[str, pikepdf.String] = {}
        places: dict[str, pikepdf.String] = {}  # by row and column: "0-1"
        cells = [element for element in _elements(table) if element.S in ("/TH", "/TD")]
        for cell in cells:
            if cell.S == "/TH" and "/ID" in cell:
                old = str(cell.ID)
                names.setdefault(old, pikepdf.String(f"t{tables}-{len(names) + 1}"))
                places.setdefault(old.partition("-")[2], names[old])
                cell.ID = names[old]
        for cell in cells:
            attributes = cell.get("/A")
            if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                attributes.Headers = pikepdf.Array(
                    [names.get(str(name)) or places.get(str(name).partition("-")[2], name)
                     for name in attributes.Headers])


def links_in_links(pdf: pikepdf.Pdf) -> None:
    """An element that holds a link annotation (an OBJR of one) is a Link."""
    for element in _elements(pdf.Root.StructTreeRoot):
        for kid in _kids(element):
            if (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
                    and kid.Obj.get("/Subtype") == "/Link" and element.S != "/Link"):
                element.S = pikepdf.Name("/Link")


def decoration(root) -> set[tuple]:
    """A Figure with neither /Alt nor /ActualText is decoration: the element leaves the tree,
    and its marked content (by page and MCID, returned) is to be an Artifact."""
    marks: set[tuple] = set()
    for element in list(_elements(root)):
        if element.S != "/Figure" or "/Alt" in element or "/ActualText" in element:
            continue
        for kid in _kids(element):
            if isinstance(kid, int):
                marks.add((element.Pg.objgen, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
                marks.add((kid.get("/Pg", element.Pg).objgen, int(kid.MCID)))
        parent = element.P
        parent.K = pikepdf.Array([kid for kid in _kids(parent)
                                  if not (isinstance(kid, pikepdf.Dictionary)
                                          and kid.objgen == element.objgen)])
    return marks


def generated_decoration(pdf: pikepdf.Pdf, root) -> set[tuple]:
    """The generated content that press.pdf found to be decoration (bullets, icons, quote
    marks, leaders' dots), by page and MCID: it leaves the elements that hold it, to be an
    Artifact."""
    listed = root.get(DECORATIONS)
    if listed is None:
        return set()
    del root[DECORATIONS]
    marks = {(page.obj.objgen, int(mcid)) for page, mcids in zip(pdf.pages, listed)
             for mcid in mcids}
    if not marks:
        return marks
    for element in _elements(root):  # an element left with nothing goes in one_element_each
        kids = _kids(element)
        kept = [kid for kid in kids if _mark(element, kid) not in marks]
        if len(kept) < len(kids):
            element.K = pikepdf.Array(kept)
    return marks


def _mark(element, kid) -> tuple | None:
    """A kid's marked content as (page, MCID), or None for an element or an annotation."""
    if isinstance(kid, int):
        return element.Pg.objgen, int(kid)
    if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
        return kid.get("/Pg", element.Pg).objgen, int(kid.MCID)
    return None


def one_element_each(pdf: pikepdf.Pdf, root) -> None:
    """One structure element for each element of the book, where WeasyPrint makes one a
    page: a chapter (Art), a paragraph or list cut by a page break, a table across pages
    (its header row, repeated on each page, made a pagination artifact after the first).
    A heading is not nested in a copy of itself, a link not in a link, and an element
    with no content leaves the tree. The footnotes of a page (Notes, which WeasyPrint puts
    between the pages' elements) stay where they are read, inside the element around them.
    """
    moved: dict[tuple, object] = {}  # an element merged away: the element that holds its kids
    _one_each(root, moved)
    if moved:
        numbers = root.ParentTree.Nums
        for index in range(1, len(numbers), 2):
            entry = numbers[index]
            if isinstance(entry, pikepdf.Array):
                for position, holder in enumerate(entry):
                    if isinstance(holder, pikepdf.Dictionary) and holder.objgen in moved:
                        entry[position] = _final(moved, holder)
            elif isinstance(entry, pikepdf.Dictionary) and entry.objgen in moved:
                numbers[index] = _final(moved, entry)
    _tidy(root)


def _tidy(element) -> bool:
    """Drop the private keys, and the elements that hold nothing (a box that held only
    decoration, or nothing), below ``element``; whether it holds nothing itself."""
    kids = _kids(element)
    kept = [kid for kid in kids
            if not (_is_element(kid) and _tidy(kid) and kid.S in EMPTY_GOES)]
    if len(kept) < len(kids):
        element.K = pikepdf.Array(kept)
    if ORIGIN in element:
        del element[ORIGIN]
    return not kept


def _final(moved: dict, element):
    while element.objgen in moved:
        element = moved[element.objgen]
    return element


def _origin(kid):
    if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == STRUCT_ELEM:
        origin = kid.get(ORIGIN)
        return None if origin is None else int(origin)
    return None


def _one_each(element, moved: dict) -> None:
    kids = _kids(element)
    if any(_is_element(kid) and kid.S == "/NonStruct" and _origin(kid) is None for kid in kids):
        # A box of no element of the book (the footnote area of a page): its kids in its place.
        unwrapped = []
        for kid in kids:
            if _is_element(kid) and kid.S == "/NonStruct" and _origin(kid) is None:
                unwrapped += _hoisted(element, kid, moved)
            else:
                unwrapped.append(kid)
        element.K = pikepdf.Array(unwrapped)
        kids = unwrapped
    # A head row repeated on a later page: a pagination artifact (no element holds it).
    seen, kept = set(), []
    for kid in kids:
        origin = _origin(kid)
        if origin is not None and origin in seen and kid.S == "/THead":
            continue
        seen.add(origin)
        kept.append(kid)
    merged: list = []
    for kid in kept:
        if _origin(kid) is not None:
            # The same element as an earlier kid, with only footnotes between: one element.
            back = len(merged) - 1
            while back >= 0 and _is_element(merged[back]) and merged[back].S == "/Note":
                back -= 1
            if back >= 0 and _origin(merged[back]) == _origin(kid):
                target = merged[back]
                for note in merged[back + 1:]:
                    _adopt(target, note, moved)
                del merged[back + 1:]
                _adopt_kids(target, kid, moved)
                moved[kid.objgen] = target
                continue
        merged.append(kid)
    flat, again = merged, True
    while again:  # until no element holds a copy of itself (a link in a link in a link)
        again, kids_now, flat = False, flat, []
        for kid in kids_now:
            if _is_element(kid) and _is_element(element) and kid.S == element.S and (
                    kid.S == "/Link" or (_origin(kid) is not None
                                         and _origin(kid) == _origin(element))):
                flat += _hoisted(element, kid, moved)
                again = True
            else:
                flat.append(kid)
    if len(flat) != len(kids) or any(a is not b for a, b in zip(flat, kids)):
        element.K = pikepdf.Array(flat)
    for kid in flat:
        if _is_element(kid):
            _one_each(kid, moved)


def _is_element(kid) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == STRUCT_ELEM


def _moved_kid(target, source, kid):
    """``kid`` of ``source`` as a kid of ``target``: marked content keeps its page."""
    if isinstance(kid, int) and source.Pg.objgen != target.Pg.objgen:
        return pikepdf.Dictionary(Type=pikepdf.Name("/MCR"), Pg=source.Pg, MCID=int(kid))
    if _is_element(kid):
        kid.P = target
    return kid


def _adopt(target, kid, moved) -> None:
    target.K = pikepdf.Array(_kids(target) + [kid])
    kid.P = target


def _adopt_kids(target, source, moved) -> None:
    target.K = pikepdf.Array(_kids(target) + [_moved_kid(target, source, kid)
                                              for kid in _kids(source)])


def _hoisted(parent, kid, moved) -> list:
    moved[kid.objgen] = parent
    return [_moved_kid(parent, kid, grandchild) for grandchild in _kids(kid)]


def artifacts(pdf: pikepdf.Pdf, root, decorative: set[tuple]) -> None:
    """Marked content that no element of the tree holds becomes an Artifact, and leaves the
    ParentTree: ``decorative`` content (by page and MCID) a plain one, the rest a pagination
    artifact. The rest is the running heads and folios, which WeasyPrint draws in the page
    margins and tags without putting them in the tree."""
    held = {element.objgen for element in _elements(root)}
    numbers = root.ParentTree.Nums
    entries = {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers), 2)}
    for page in pdf.pages:
        entry = page.obj.get("/StructParents")
        marked = entries.get(int(entry)) if entry is not None else None
        if not isinstance(marked, pikepdf.Array):
            continue
        unheld = {mcid for mcid, holder in enumerate(marked)
                  if isinstance(holder, pikepdf.Dictionary) and (
                      holder.objgen not in held or (page.obj.objgen, mcid) in decorative)}
        if not unheld:
            continue
        _unmark(pdf, page, unheld, {mcid for mcid in unheld
                                    if (page.obj.objgen, mcid) in decorative})
        for mcid in unheld:
            marked[mcid] = None  # no element holds it now
