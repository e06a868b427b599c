"""The office PDF laid out in parts side by side, one process a part, and merged into one
tagged PDF that reads as the book laid out whole.

Every chapter starts on a page of its own, so a book cut before a chapter lays out in
parts independently, but for what crosses the cut:

- the page numbers: each part's folios and page references start where the parts before
  it end, and the side of its first page (left or right, and so its margins) follows;
- the references into other parts: the contents' page numbers, a cross-reference's
  "(page 17)", a link's words ("2 Skills and education, page 9");
- the footnotes' numbers, which run through the book;
- ``vh``, which WeasyPrint takes from the first page laid out (the cover's: no margin).

So each part is laid out by WeasyPrint as usual, in a process of its own, and pauses
after each pass over its pages (WeasyPrint lays pages out again where a page number they
show has changed): the parts tell this process how many pages they have and on which
page each of their anchors lies, and hear in return where they start and where the
anchors of the others lie. A part whose start moved shifts its page counters, turns its
pages' sides if the start's parity changed (the content is moved to the other side's
margins, and a page that must begin on a given side is laid out again), and lays out
again, as WeasyPrint would, the pages whose references changed. Once no part changes,
each checks what the whole book's layout checks (a table wider than its page, a chapter
ending on a short page: press.pdf.Settings), and lays its part out again if it must;
the others keep theirs. Then each writes its PDF, and this process merges them
(``merge``): the pages, the structure trees and their parent trees, the named
destinations, the outline and the decorations' marks, before press.tagging repairs the
whole as it repairs a book laid out whole.

These hooks are of WeasyPrint 70.0's own functions; they apply only with press.patches,
to the version it was written for (else the book is laid out whole).
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import io
import math
import multiprocessing
import os
import re
import traceback
import warnings
from collections.abc import Mapping

PART_BYTES = 100_000  # of a part's HTML, at most, where the book is long: memory stays flat
SMALLEST = 12_000  # of a part's HTML, at least: a smaller one costs more than it saves
MAX_ROUNDS = 24  # passes over the pages, at most, before the parts are taken as they are
CHAPTER = re.compile(r'<article class="chapter"')
ANCHOR = re.compile(r'\sid="([^"]+)"')
FOOTNOTE = re.compile(r'<span class="footnote"')

_PART = None  # in a part's process: its Part
WHOLE = False  # True: every book laid out whole (for comparing the two)
COUNT: int | None = None  # how many parts, where set (for comparing them)


def part():
    return _PART


class _Restart(Exception):
    """Raised out of WeasyPrint's layout when a part must be laid out again afresh."""


@dataclasses.dataclass
class Piece:
    """One part of the book's HTML and what it needs to know of the parts before it."""

    html: str  # a document of its own, its footnotes numbered on from the parts before it
    anchors: set  # the ids of its elements


def split(html: str, count: int) -> list[Piece]:
    """``html`` cut before chapters into ``count`` parts (fewer where it has fewer
    chapters) of about equal length; the front matter goes with the first, the back cover
    with the last."""
    if "<body" not in html or "</body>" not in html:
        return []
    body = html.index(">", html.index("<body")) + 1
    end = html.rindex("</body>")
    starts = [found.start() for found in CHAPTER.finditer(html, body, end)]
    count = min(count, len(starts))
    if count < 2:
        return []
    head, tail = html[:body], html[end:]
    cuts = [body]
    for index in range(1, count):
        aim = body + (end - body) * index / count
        candidates = [start for start in starts if start > cuts[-1]]
        if not candidates:
            break
        cuts.append(min(candidates, key=lambda start: abs(start - aim)))
    cuts.append(end)
    pieces, footnotes = [], 0
    for begin, finish in zip(cuts, cuts[1:]):
        text = html[begin:finish]
        first = not pieces
        style = "" if first else f"<style>body {{ counter-reset: footnote {footnotes}; }}</style>"
        document = (head.replace("</head>", style + "</head>", 1) if style else head) + text + tail
        pieces.append(Piece(document, set(ANCHOR.findall(text))))
        footnotes += len(FOOTNOTE.findall(text))
    return pieces


def how_many(html: str) -> int:
    """How many parts the book is laid out in: one a core, more where it is long, fewer
    where it is short (a book of a few pages is laid out whole)."""
    if COUNT is not None:
        return COUNT
    from .helpers import cores

    return min(max(cores(), math.ceil(len(html) / PART_BYTES)), len(html) // SMALLEST)


class Part:
    """A part being laid out, in its own process: what it has been told, and its
    exchange with the process that merges the parts."""

    def __init__(self, index: int, others: set, connection):
        self.index = index
        self.others = others  # the anchors of the other parts
        self.connection = connection
        self.offset = 0  # the pages before it
        self.total = 0
        self.foreign: dict[str, int] = {}  # the other parts' anchors: their pages, from 1
        self.check = None  # called once no part changes: whether to lay out afresh

    # While WeasyPrint lays out: the hooks below call these.

    def right_first(self) -> bool:
        return self.offset % 2 == 0

    def seed(self, collector) -> None:
        """The other parts' anchors, known to the target collector as anchors whose page
        is not yet known (as a forward reference's is, on the first pass)."""
        from weasyprint.css.targets import TargetLookupItem

        for name in self.others:
            item = TargetLookupItem("up-to-date")
            item.target_box = _Foreign()
            collector.target_lookup_items[name] = item

    def paginated(self, context, pages, again: bool, html, root_box) -> bool:
        """After a pass over the pages: whether WeasyPrint passes over them again."""
        collector = context.target_collector
        own = {name: item.page_maker_index for name, item in collector.target_lookup_items.items()
               if name not in self.others and item.page_maker_index is not None}
        self.connection.send(("paginated", len(pages), own, not again))
        while True:
            message = self.connection.recv()
            if message[0] == "go":
                _, offset, total, foreign = message
                self._apply(context, pages, html, root_box, offset, total, foreign)
                return True
            if message[0] == "check":
                redo = bool(self.check and self.check(pages))
                self.connection.send(("checked", redo))
                if redo:
                    raise _Restart()
                continue
            return False  # "finish"

    def _apply(self, context, pages, html, root_box, offset, total, foreign) -> None:
        collector, maker = context.target_collector, context.page_maker
        delta = offset - self.offset
        if delta:
            for entry in maker:
                values = entry[3][1]
                values["page"] = [value + delta for value in values.get("page", [0])]
            looked_up = set()
            for lookup in collector.counter_lookup_items.values():
                looked_up.update(lookup.missing_target_counters)
                if "page" in lookup.missing_counters and lookup.page_maker_index is not None \
                        and lookup.page_maker_index < len(maker):
                    maker[lookup.page_maker_index][-1]["content_changed"] = True
            for name, item in collector.target_lookup_items.items():
                if name in self.others or not item.cached_page_counter_values:
                    continue
                shifted = copy.deepcopy(item.cached_page_counter_values)
                if "page" in shifted:
                    shifted["page"] = [value + delta for value in shifted["page"]]
                if name in looked_up:
                    collector.cache_target_page_counters(name, shifted, item.page_maker_index,
                                                         maker)
                else:
                    item.cached_page_counter_values = shifted
            if delta % 2:
                _turn(context, pages, html, root_box)
        self.offset = offset
        if total != self.total:
            self.total = total
            for entry in maker:
                entry[3][1]["pages"] = [total]
        for name, page in foreign.items():
            if self.foreign.get(name) != page:
                collector.cache_target_page_counters(name, {"page": [page], "pages": [total]},
                                                     -1, maker)
        self.foreign = dict(foreign)


class _Foreign:
    """The target box of an anchor in another part: it has no counters of its own."""

    cached_counter_values: dict = {}


def _turn(context, pages, html, root_box) -> None:
    """The part's pages turned to the other side: each page's style (its margins) that of
    the other side, its content moved by the difference, and each page that must begin on
    a given side (and so may need a blank page before it, or no longer) laid out again."""
    from weasyprint.layout import page as paging
    from weasyprint.layout.percent import resolve_percentages

    maker = context.page_maker
    for index, entry in enumerate(maker):
        resume_at, next_page, right_page, page_state, remake_state = entry
        maker[index] = (resume_at, next_page, not right_page, page_state, remake_state)
        if next_page["break"] in ("left", "right", "recto", "verso"):
            remake_state["content_changed"] = True
    for page in pages:
        before = page.content_box_x(), page.content_box_y()
        page_type = page.page_type._replace(side="left" if page.page_type.side == "right"
                                            else "right")
        paging.set_page_type_computed_styles(page_type, html, context.style_for)
        style = context.style_for(page_type)
        style["overflow"] = root_box.viewport_overflow
        page.page_type, page.style = page_type, style
        device_size = style["size"]
        resolve_percentages(page, device_size)
        paging.page_width(page, context, device_size[0])
        paging.page_height(page, context, device_size[1])
        dx, dy = page.content_box_x() - before[0], page.content_box_y() - before[1]
        for child in page.children:
            child.translate(dx, dy)


def install(weasyprint) -> bool:
    """Teach WeasyPrint's layout to pause for the exchange between parts (a no-op where no
    part is being laid out). Whether it could be taught."""
    from weasyprint import layout
    from weasyprint.css import targets
    from weasyprint.layout import page as paging
    from weasyprint import document as document_module
    from weasyprint import pdf as pdf_package
    from weasyprint.pdf import anchors

    from .patches import DoesNotApply, _edited

    if getattr(layout, "_press_parts", False):
        return True
    try:
        layout_document = _edited(layout.layout_document, (
            "    for loop in range(max_loops):",
            "    for loop in range(_press_passes if _press_part() else max_loops):"), (
            """        if not reloop_content and not reloop_pages:
            break""",
            """        if _press_part() is not None:
            if not _press_part().paginated(
                    context, pages, reloop_content or reloop_pages, html, root_box):
                break
        elif not reloop_content and not reloop_pages:
            break"""), _press_part=part,
            # A part passes over its pages until the process that merges the parts says it
            # is done (after MAX_ROUNDS passes at most since the parts last started afresh).
            _press_passes=1 << 30,
            initialize_page_maker=lambda context, root_box: initialize_page_maker(context,
                                                                                  root_box))
        resolve_links = _edited(anchors.resolve_links, (
            "    anchors = set()",
            "    anchors = set(_press_part().others if _press_part() else ())"),
            _press_part=part)
    except DoesNotApply:
        return False
    initialize = layout.initialize_page_maker
    make_page = paging.make_page
    collector_init = targets.TargetCollector.__init__

    def initialize_page_maker(context, root_box):
        initialize(context, root_box)
        current = part()
        if current is not None:
            resume_at, next_page, _, page_state, remake_state = context.page_maker[0]
            page_state[1]["page"] = [current.offset]
            page_state[2][0].add("page")
            context.page_maker[0] = (resume_at, next_page, current.right_first(), page_state,
                                     remake_state)

    def make_page_keeping_viewport(context, root_box, page_type, resume_at, page_number,
                                   page_state):
        made = make_page(context, root_box, page_type, resume_at, page_number, page_state)
        current = part()
        if current is not None and current.index and page_number == 1:
            # vh as the book's first page has it: the cover's, which has no margin.
            sizes = context.style_for.initial_page_sizes
            sizes["area"] = sizes["box"]
        return made

    def collector(self, *arguments, **keywords):
        collector_init(self, *arguments, **keywords)
        if part() is not None:
            part().seed(self)

    layout.layout_document = layout_document
    layout.initialize_page_maker = initialize_page_maker
    paging.make_page = make_page_keeping_viewport
    targets.TargetCollector.__init__ = collector
    anchors.resolve_links = resolve_links
    document_module.layout_document = layout_document
    pdf_package.resolve_links = resolve_links
    layout._press_parts = True
    return True


@dataclasses.dataclass
class _Page:
    _page_box: object


class _Pages:
    """Page boxes not yet finished (no running heads, no folios) as press.pdf.Settings
    reads a laid-out document's pages."""

    def __init__(self, pages):
        self.pages = [_Page(page) for page in pages]


def _work(index: int, pieces: list[Piece], book, files, page_map: bool, connection,
          parent: int) -> None:
    """A part's process: lay the part out, exchanging with the others, and write its PDF.
    It ends the moment the process that merges the parts (``parent``) ends."""
    global _PART
    from . import pdf
    from .helpers import _end_with_parent

    _end_with_parent(parent)

    # The fonts' folders of the process this one is forked from are its own to remove; this
    # one removes those of its layouts when it is done (a forked process runs no finalizer).
    pdf._FONT_CONFIGURATIONS.clear()
    piece = pieces[index]
    others = set().union(*(other.anchors for number, other in enumerate(pieces)
                           if number != index)) - piece.anchors
    current = _PART = Part(index, others, connection)
    settings = pdf.Settings(piece.html)
    current.check = lambda pages: settings.again(_Pages(pages))
    try:
        while True:
            try:
                rendered = pdf._render(book, settings.source(), files, press=False, tags=True)
                break
            except _Restart:
                current.foreign, current.total = {}, 0  # a fresh layout knows nothing yet
                gc.collect()
        starts = None
        if page_map:
            from .pages import page_starts

            starts = [dataclasses.replace(start, number=start.number + current.offset)
                      for start in page_starts(rendered)]
        with pdf.source_date(book):
            data = rendered.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True,
                                      pdf_identifier=book.slug.encode())
        connection.send(("done", data, len(rendered.pages), starts))
    except (EOFError, BrokenPipeError):
        pass  # the process that waits for the part has stopped waiting
    except BaseException as error:  # to the process that waits for the part
        try:
            connection.send(("error", error))
        except (EOFError, BrokenPipeError):
            pass
        except Exception:
            connection.send(("error", RuntimeError(traceback.format_exc())))
    finally:
        connection.close()
        pdf._remove_font_folders()


class PartFailed(RuntimeError):
    """A part's process ended without a word (killed, out of memory)."""


def _receive(connection, process):
    try:
        message = connection.recv()
    except EOFError:
        raise PartFailed(f"the process laying out a part ended ({process.exitcode})") from None
    if message[0] == "error":
        raise message[1]
    return message


def lay_out(book, html: str, files: Mapping[str, bytes], page_map: bool) -> tuple | None:
    """The parts' PDFs (each written by WeasyPrint, tagged), their page counts and pages'
    starts, for the book's HTML cut into parts; None where it is not cut (one chapter)."""
    pieces = [] if WHOLE else split(html, how_many(html))
    if not pieces:
        return None
    context = multiprocessing.get_context("fork")
    connections, processes, finished = [], [], False
    try:
        for index in range(len(pieces)):
            here, there = context.Pipe()
            process = context.Process(target=_work, daemon=True, args=(
                index, pieces, book, files, page_map, there, os.getpid()))
            process.start()
            there.close()
            connections.append(here)
            processes.append(process)
        made = _coordinate(pieces, connections, processes)
        finished = True
        return made
    finally:
        for process in processes:  # done: each removes its fonts' folder as it ends
            if not finished and process.is_alive():
                process.kill()
            process.join()
        for connection in connections:
            connection.close()


def _coordinate(pieces: list[Piece], connections, processes) -> list:
    count = len(pieces)
    sent: list = [None] * count
    passes = 0
    while True:
        reports = [_receive(connection, process)
                   for connection, process in zip(connections, processes)]
        counts = [report[1] for report in reports]
        offsets = [sum(counts[:index]) for index in range(count)]
        total = sum(counts)
        pages: dict[str, int] = {}
        for offset, report in zip(offsets, reports):
            for name, index in report[2].items():
                pages.setdefault(name, offset + index + 1)
        inputs = [(offsets[index], total,
                   {name: page for name, page in pages.items() if name not in piece.anchors})
                  for index, piece in enumerate(pieces)]
        passes += 1
        settled = all(report[3] for report in reports) and inputs == sent
        if settled or passes >= MAX_ROUNDS:
            for connection in connections:
                connection.send(("check",))
            again = [_receive(connection, process)[1]
                     for connection, process in zip(connections, processes)]
            if not any(again):
                for connection in connections:
                    connection.send(("finish",))
                return [_receive(connection, process)[1:]
                        for connection, process in zip(connections, processes)]
            passes = 0
            for index, redo in enumerate(again):
                if redo:
                    sent[index] = None
                else:
                    connections[index].send(("go", *inputs[index]))
                    sent[index] = inputs[index]
            continue
        for index, connection in enumerate(connections):
            connection.send(("go", *inputs[index]))
            sent[index] = inputs[index]


def merge(parts: list[bytes]) -> bytes:
    """The parts' PDFs as one: the pages in order, one structure tree (the parts' page
    elements under one Document, one parent tree numbered again: pages first, then the
    annotations), the named destinations in one sorted tree, the outlines one after
    another, and the decorations' marks page by page (see press.pdf)."""
    import pikepdf

    from .tagging import DECORATIONS

    merged = pikepdf.open(io.BytesIO(parts[0]))
    sources = [merged] + [pikepdf.open(io.BytesIO(data)) for data in parts[1:]]
    firsts, counts = [], [len(source.pages) for source in sources]
    for source in sources:
        firsts.append(len(merged.pages) if source is not merged else 0)
        if source is not merged:
            with warnings.catch_warnings():  # the named destinations are merged below
                warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
                merged.pages.extend(source.pages)
    total = len(merged.pages)
    root = merged.Root.StructTreeRoot
    document = _document(root)
    pages, annotations, destinations = [], [], []
    decorations = pikepdf.Array()
    outline = merged.Root.get("/Outlines")
    for source, first, count in zip(sources, firsts, counts):
        own = source is merged
        copy = (lambda value: value) if own else _copier(merged)
        tree = source.Root.StructTreeRoot
        renumbered = {}
        entries = list(tree.ParentTree.Nums)
        for key, value in zip(entries[::2], entries[1::2]):
            if int(key) < count:
                pages.append((first + int(key), copy(value)))
            else:
                renumbered[int(key)] = total + len(annotations)
                annotations.append(copy(value))
        for number in range(first, first + count):
            page = merged.pages[number].obj
            page.StructParents = number
            for annotation in page.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = renumbered[int(annotation.StructParent)]
        if not own:
            for kid in copy(_document(tree).K):
                if isinstance(kid, pikepdf.Dictionary):
                    kid.P = document
                document.K.append(kid)
            other = source.Root.get("/Outlines")
            if other is not None and "/First" in other:
                outline = _append_outline(merged, outline, copy(other))
        for value in tree.get(DECORATIONS, []):
            decorations.append(copy(value))
        names = list(source.Root.get("/Names", {}).get("/Dests", {}).get("/Names", []))
        destinations += [(str(name), copy(target))
                         for name, target in zip(names[::2], names[1::2])]
    nums = pikepdf.Array()
    for key, value in sorted(pages, key=lambda entry: entry[0]) + list(
            enumerate(annotations, start=total)):
        nums.append(key)
        nums.append(value)
    root.ParentTree = merged.make_indirect(pikepdf.Dictionary(Nums=nums))
    root[DECORATIONS] = decorations
    if destinations:
        flat = pikepdf.Array()
        for name, target in sorted(destinations, key=lambda entry: entry[0]):
            flat.append(pikepdf.String(name))
            flat.append(target)
        if "/Names" not in merged.Root:
            merged.Root.Names = pikepdf.Dictionary()
        merged.Root.Names.Dests = pikepdf.Dictionary(Names=flat)
    output = io.BytesIO()
    merged.save(output)
    for source in sources:
        source.close()
    return output.getvalue()


def _copier(pdf):
    """A copy into ``pdf`` of a value from another PDF: its indirect objects copied once
    (a page copied before keeps its copy), its direct arrays and dictionaries item by item."""
    import pikepdf

    def copy(value):
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            return pdf.copy_foreign(value)
        if isinstance(value, pikepdf.Array):
            return pikepdf.Array([copy(item) for item in value])
        if isinstance(value, pikepdf.Dictionary):
            return pikepdf.Dictionary({key: copy(item) for key, item in value.items()})
        return value

    return copy


def _document(tree):
    """The Document element under a structure tree's root."""
    import pikepdf

    return tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K


def _append_outline(merged, outline, other):
    """``other``'s outline items after ``outline``'s (or as the outline, where it has none)."""
    if outline is None or "/First" not in outline:
        merged.Root.Outlines = other
        return other
    item = other.First
    outline.Last.Next = item
    item.Prev = outline.Last
    while True:
        item.Parent = outline
        if "/Next" not in item:
            break
        item = item.Next
    outline.Last = item
    outline.Count = int(outline.Count) + int(other.Count)
    del other.First
    return outline
