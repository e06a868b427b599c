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

import pikepdf

STRUCT_ELEM = pikepdf.Name("/StructElem")


def repair(data: bytes, starts=None, when=None) -> bytes:
    """The PDF ``data`` with decorative figures made artifacts, running heads and folios
    pagination artifacts, every link annotation inside a Link structure element, and each
    page's start recorded where ``starts`` are
    given (see press.pages; ``when``: the date they are stamped with); the same bytes for
    the same input."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None and starts is None:
            return data
        if root is not None:
            links_in_links(pdf)
            artifacts(pdf, root, decoration(root))
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


def artifacts(pdf: pikepdf.Pdf, root, decorative: set[tuple]) -> None:
    """Marked content that no element of the tree holds becomes an Artifact, and leaves the
    ParentTree: ``decorative`` content (by page and MCID) a plain one, the rest a pagination
    artifact. The rest is the running heads and folios, which WeasyPrint draws in the page
    margins and tags without putting them in the tree."""
    held = {element.objgen for element in _elements(root)}
    numbers = root.ParentTree.Nums
    entries = {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers), 2)}
    pagination = pikepdf.Dictionary(Type=pikepdf.Name("/Pagination"))
    for page in pdf.pages:
        entry = page.obj.get("/StructParents")
        marked = entries.get(int(entry)) if entry is not None else None
        if not isinstance(marked, pikepdf.Array):
            continue
        unheld = {mcid for mcid, holder in enumerate(marked)
                  if isinstance(holder, pikepdf.Dictionary) and holder.objgen not in held}
        if not unheld:
            continue
        instructions = []
        for operands, command in pikepdf.parse_content_stream(page):
            mcid = (int(operands[1].get("/MCID", -1)) if str(command) == "BDC"
                    and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary)
                    else -1)
            if mcid not in unheld:
                instructions.append((operands, command))
            elif (page.obj.objgen, mcid) in decorative:
                instructions.append(([pikepdf.Name("/Artifact")], pikepdf.Operator("BMC")))
            else:
                instructions.append(([pikepdf.Name("/Artifact"), pagination],
                                     pikepdf.Operator("BDC")))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        for mcid in unheld:
            marked[mcid] = None  # no element holds it now
