"""Repairs to the structure tree WeasyPrint writes, so that the office PDF and the fact
sheet are PDF/UA-1 as a Matterhorn Protocol checker reads them.

WeasyPrint tags an inline SVG as a Figure, and takes its alternative text only from a
<title> inside it; our own drawings (the stars of a rating, the cover's pattern) carry
none, being decoration: a rating's words are in the text beside its stars. A link whose
box holds inline boxes (an entry of the contents) becomes a Span that holds the link's
annotation. Each repair below is made with pikepdf after the PDF is written, and each has
its test in tests/test_tagging.py.
"""

from __future__ import annotations

import io

import pikepdf

STRUCT_ELEM = pikepdf.Name("/StructElem")


def repair(data: bytes, starts=None, when=None) -> bytes:
    """The PDF ``data`` with decorative figures made artifacts and every link annotation
    inside a Link structure element, and each page's start recorded where ``starts`` are
    given (see press.pages; ``when``: the date they are stamped with); the same bytes for
    the same input."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None and starts is None:
            return data
        if root is not None:
            links_in_links(pdf)
            decoration_as_artifacts(pdf, root)
        if starts is not None:
            from .pages import record

            record(pdf, starts, when)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return output.getvalue()


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


def links_in_links(pdf: pikepdf.Pdf) -> None:
    """An element that holds a link annotation (an OBJR of one) is a Link."""
    for element in _elements(pdf.Root.StructTreeRoot):
        for kid in _kids(element):
            if (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
                    and kid.Obj.get("/Subtype") == "/Link" and element.S != "/Link"):
                element.S = pikepdf.Name("/Link")


def decoration_as_artifacts(pdf: pikepdf.Pdf, root) -> None:
    """A Figure with neither /Alt nor /ActualText is decoration: its marked content becomes
    an Artifact, and the element leaves the tree."""
    marks: dict[tuple, set[int]] = {}  # a page's object number: the MCIDs to unmark
    for element in list(_elements(root)):
        if element.S != "/Figure" or "/Alt" in element or "/ActualText" in element:
            continue
        for kid in _kids(element):
            if isinstance(kid, int):
                marks.setdefault(element.Pg.objgen, set()).add(int(kid))
            elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
                page = kid.get("/Pg", element.Pg)
                marks.setdefault(page.objgen, set()).add(int(kid.MCID))
        parent = element.P
        parent.K = pikepdf.Array([kid for kid in _kids(parent)
                                  if not (isinstance(kid, pikepdf.Dictionary)
                                          and kid.objgen == element.objgen)])
    if not marks:
        return
    numbers = root.ParentTree.Nums
    for page in pdf.pages:
        unmarked = marks.get(page.obj.objgen)
        if not unmarked:
            continue
        instructions = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if (str(operator) == "BDC" and len(operands) == 2
                    and isinstance(operands[1], pikepdf.Dictionary)
                    and int(operands[1].get("/MCID", -1)) in unmarked):
                instructions.append(([pikepdf.Name("/Artifact")], pikepdf.Operator("BMC")))
            else:
                instructions.append((operands, operator))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        entry = page.obj.get("/StructParents")
        if entry is not None:
            for index in range(0, len(numbers), 2):
                if int(numbers[index]) == int(entry):
                    marked = numbers[index + 1]
                    for mcid in unmarked:
                        if mcid < len(marked):
                            marked[mcid] = None  # no element holds it now
