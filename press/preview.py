"""`preview`: the handbook served on 127.0.0.1 while it is written.

One page shows the print edition's pages (as pictures of the PDF, laid out by the
WeasyPrint this process keeps loaded) and the web edition's chapters, with each chapter's
words and pages. When a chapter, book.yaml, a picture, the theme or a template is saved
(watchfiles watches them), the handbook is checked and laid out again and the page is told
(server-sent events): it shows the new pages at the first that changed, or, where the
sources hold an error, the error with its path, line and hint over the last good pages,
until it is fixed. Nothing is written in the output folder: what the page shows lives in
memory and in a temporary folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import STYLES, TEMPLATES

PAGE_WIDTH = 900  # pixels: a page as the preview draws it
_LAYOUT = threading.local()  # what stops the builder thread's layout of the whole book


class Superseded(Exception):
    """A newer save came while the whole book was laid out: that one is laid out instead."""


def _make_layout_stoppable() -> bool:
    """Let a save stop the layout of the whole book between two pages (WeasyPrint 70.0 lays
    out each page with ``weasyprint.layout.page.make_page``); returns whether it could."""
    from weasyprint.layout import page

    make = getattr(page, "make_page", None)
    if make is None:
        return False
    if not getattr(page, "_press_stoppable", False):
        def make_page(*args, **kwargs):
            stop = getattr(_LAYOUT, "stop", None)
            if stop is not None and stop.is_set():
                raise Superseded
            return make(*args, **kwargs)

        page.make_page = make_page
        page._press_stoppable = True
    return True


@dataclass
class Layout:
    """The last layout of the whole print edition, into which a chapter laid out alone is
    set, and what it was laid out from."""

    draft: object  # press.pdf.Draft
    texts: list[str]  # each page's text
    keys: list[str]  # each page's look (see _Book.key)
    chapters: list[dict]  # each chapter's title, words, first page, pages, web page
    sources: tuple  # the frame, the chapters' bodies, the files' and the theme's digest


@dataclass
class Shown:
    """What the page shows: the last good build, and the error since, if any."""

    version: int = 0
    pdfs: tuple[bytes, ...] = ()  # the PDFs the pages come from
    order: list[tuple[int, int]] = field(default_factory=list)  # each page: PDF, its page
    texts: list[str] = field(default_factory=list)  # each page's text
    keys: list[str] = field(default_factory=list)  # each page's look: the page fetches a
    # picture again only where it changed
    chapters: list[dict] = field(default_factory=list)  # title, words, pages, web page
    web: dict[str, str] = field(default_factory=dict)  # the web edition's pages by name
    error: str = ""
    changed: int = 1  # the first page that changed
    seconds: float = 0.0
    built: int = 0  # the version whose print pages these are
    web_built: int = 0  # and whose web chapters
    pending: bool = False  # a chapter laid out alone: the whole book's layout follows
    moves: bool = False  # whether the page brings the reader to the page that changed

    @property
    def pages(self) -> int:
        return len(self.order)


class Preview:
    """A handbook kept built in memory, made again when its inputs are saved.

    A thread watches the files; another builds. When only one chapter's text changed since
    the whole book was last laid out, that chapter is laid out alone first and its pages
    shown in place of its old ones (a few tenths of a second); then the whole book is laid
    out again, for the contents, the page numbers after it and the references to its
    pages. A save in the meantime stops that layout and starts again from the new text.
    """

    def __init__(self, folder: Path, as_given: str):
        self.folder, self.as_given = folder, as_given
        self.root = folder.resolve()
        self.shown = Shown()
        self.lock = threading.Lock()
        self.pictures: dict[str, bytes] = {}  # by the page's look
        self.scratch = tempfile.TemporaryDirectory(prefix="preview-")
        self.stop = threading.Event()
        self.waiting = threading.Event()  # saved files not yet built
        self.saved: set[Path] = set()
        self.theme = 0  # counts the saves of the project's styles and templates
        self.layout: Layout | None = None
        self.sources: tuple = ()  # what the pages shown were laid out from
        self.characters: tuple = ("", set())  # the web style sheet's theme, text
        self.stoppable = _make_layout_stoppable()

    def web_pages(self, checked) -> dict[str, str]:
        """The web chapters; their style sheet (fonts cut down to the characters shown)
        made again only when the theme changes or characters it lacks appear."""
        pages, media, bodies = _web_bodies(checked)
        theme = (checked.book.metadata.theme, self.theme)
        wanted = set("".join(bodies.values()))
        if self.characters[0] != theme or not wanted <= self.characters[1]:
            from .site import stylesheet

            # Room to write in: the letters, digits and punctuation of the whole Latin-1 set.
            kept = wanted | {chr(code) for code in range(32, 256)}
            css = stylesheet(theme[0], "".join(sorted(kept)), checked.book,
                             Path(self.scratch.name))
            (Path(self.scratch.name) / "style.css").write_text(css, encoding="utf-8")
            self.characters = (theme, kept)
        return _web_pages(checked, Path(self.scratch.name), pages, media, bodies)

    def build(self, saved: set[Path] = frozenset()) -> None:
        """Check the handbook; show its pages laid out again (a chapter alone first where
        that is all that changed), or the error that stops it."""
        from .build import load_and_check
        from .findings import SourceError

        started = time.perf_counter()
        if any(not path.resolve().is_relative_to(self.root) for path in saved):
            self.theme += 1  # a style sheet or a template: every page may look different
        try:
            checked = load_and_check(self.folder, self.as_given)
            book = _Book(checked, self.theme)
            whole = self.layout.sources if self.layout else None
            if book.sources == whole == self.sources:
                with self.lock:  # saved as it was: nothing to lay out again
                    if self.shown.error:
                        self.shown.error = ""
                        self.shown.version += 1
                return
            new = book.sources != self.sources  # not yet on the page
            alone = new and self._chapter_alone(book, started)
            web = self.web_pages(checked)
            with self.lock:
                self.shown.web, self.shown.web_built = web, self.shown.version + 1
                self.shown.version += 1
            with _stopped_by(self.waiting):
                self._whole_book(book, started, moves=new and not alone and whole is not None)
        except Superseded:
            return
        except SourceError as error:
            with self.lock:
                self.shown.error = "\n".join(str(finding) for finding in error.findings)
                self.shown.pending = False
                self.shown.version += 1

    def _chapter_alone(self, book: "_Book", started: float) -> bool:
        """Where only one chapter's text changed since the whole book was laid out, lay it
        out alone and show its pages in place of its old ones; whether it could."""
        from .pdf import draft_pdf

        layout = self.layout
        if layout is None or layout.sources[0::2] != book.sources[0::2]:
            return False
        old, new = layout.sources[1], book.sources[1]
        changed = [anchor for anchor in new if new[anchor] != old.get(anchor)]
        if len(changed) != 1 or new.keys() != old.keys():
            return False
        anchor = changed[0]
        starts = layout.draft.starts
        first = layout.draft.anchors[anchor]
        following = next((start for start in starts[first - 1:]
                          if start.part not in (anchor, None)), None)
        after = following.number if following else layout.draft.count + 1
        draft = draft_pdf(book.checked.book, book.alone(anchor, first, following and following.part,
                                                        layout.draft.anchors),
                          book.checked.files, kept=slice(1 - first % 2, -1))
        texts = _texts(draft.data)
        keys = [book.key(text, start.part) for text, start in zip(texts, draft.starts)]
        order = ([(0, index) for index in range(first - 1)]
                 + [(1, index) for index in range(draft.count)]
                 + [(0, index) for index in range(after - 1, layout.draft.count)])
        before, behind = slice(0, first - 1), slice(after - 1, None)
        chapters = [dict(chapter) for chapter in layout.chapters]
        shift = draft.count - (after - first)
        for chapter, rendered in zip(chapters, book.checked.chapters):
            if rendered.chapter.anchor == anchor:
                chapter.update(words=_words(rendered), pages=sum(bool(t.strip()) for t in texts))
            elif chapter["first"] > first:
                chapter["first"] += shift
        self._show((layout.draft.data, draft.data), order,
                   layout.texts[before] + texts + layout.texts[behind],
                   layout.keys[before] + keys + layout.keys[behind],
                   chapters, started, pending=True, moves=True, first=first)
        self.sources = book.sources
        return True

    def _whole_book(self, book: "_Book", started: float, moves: bool) -> None:
        """Lay out the whole print edition again, and show it."""
        from .pdf import draft_pdf

        draft = draft_pdf(book.checked.book, book.html, book.checked.files)
        texts = _texts(draft.data)
        keys = [book.key(text, start.part) for text, start in zip(texts, draft.starts)]
        chapters = _chapters(texts, draft.starts, book.checked)
        self.layout = Layout(draft, texts, keys, chapters, book.sources)
        self._show((draft.data,), [(0, index) for index in range(draft.count)], texts, keys,
                   chapters, started, pending=False, moves=moves)
        self.sources = book.sources

    def _show(self, pdfs, order, texts, keys, chapters, started, pending, moves, first=1):
        with self.lock:
            previous = self.shown.keys
            changed = next((number for number, (old, new) in
                            enumerate(zip(previous, keys), start=1) if old != new),
                           min(len(previous), len(keys)) + 1
                           if len(previous) != len(keys) else first)
            version = self.shown.version + 1
            self.shown = Shown(version, pdfs, order, texts, keys, chapters, self.shown.web, "",
                               min(changed, len(order)), time.perf_counter() - started,
                               version, self.shown.web_built, pending, moves)
            self.pictures = {key: data for key, data in self.pictures.items() if key in keys}

    def picture(self, number: int) -> bytes | None:
        """Page ``number`` of the last good build as a PNG."""
        import io

        import pypdfium2

        with self.lock:
            shown = self.shown
            if not 1 <= number <= shown.pages:
                return None
            key = shown.keys[number - 1]
            if key in self.pictures:
                return self.pictures[key]
        which, index = shown.order[number - 1]
        page = pypdfium2.PdfDocument(shown.pdfs[which])[index]
        image = page.render(scale=PAGE_WIDTH / page.get_width()).to_pil()
        output = io.BytesIO()
        image.save(output, format="PNG")
        with self.lock:
            if key in self.shown.keys:
                self.pictures[key] = output.getvalue()
        return output.getvalue()

    def watch(self) -> None:
        """Note each save for the builder, until told to stop."""
        import watchfiles

        for changes in watchfiles.watch(self.folder, STYLES, TEMPLATES, stop_event=self.stop,
                                        debounce=50, step=20, raise_interrupt=False,
                                        force_polling=needs_polling(self.folder)):
            with self.lock:
                self.saved.update(Path(path) for _, path in changes)
            self.waiting.set()

    def work(self) -> None:
        """Build, then build again after each save, until told to stop."""
        self.build_or_say()
        while not self.stop.is_set():
            if self.waiting.wait(0.1):
                self.waiting.clear()
                with self.lock:
                    saved, self.saved = self.saved, set()
                self.build_or_say(saved)

    def build_or_say(self, saved: set[Path] = frozenset()) -> None:
        """Build; a fault of the pipeline is shown in the page (and the watch goes on)."""
        import traceback

        try:
            self.build(saved)
        except Exception:  # noqa: BLE001 (the page says it; the next save tries again)
            with self.lock:
                self.shown.error = ("internal error: this is a bug in the publishing pipeline, "
                                    "not in your handbook\n" + traceback.format_exc(limit=3))
                self.shown.pending = False
                self.shown.version += 1


class _Book:
    """A checked handbook as the preview lays it out: the print document, and what each
    part of it is made from."""

    def __init__(self, checked, theme: int):
        import hashlib

        from .build import print_form, print_html
        from .editions import EDITIONS
        from .pdf import stylesheet_urls

        self.checked = checked
        self.stylesheets = stylesheet_urls(checked.book, EDITIONS["pdf"].sheets)
        self.chapters = {rendered.chapter.anchor: print_form(rendered)
                         for rendered in checked.chapters}
        self.html = print_html(checked.book, self.stylesheets, checked.chapters)
        frame = print_html(checked.book, self.stylesheets,
                           tuple(replace(rendered, html="") for rendered in checked.chapters))
        files = hashlib.blake2b(str(theme).encode())
        for name in sorted(checked.files):
            files.update(name.encode() + b"\0" + checked.files[name])
        # The frame (all but the chapters' bodies), the bodies, the pictures and the theme.
        self.sources = (frame, {anchor: rendered.html for anchor, rendered
                                in self.chapters.items()}, files.hexdigest())

    def key(self, text: str, part: str | None) -> str:
        """A page's look: its text, the part of the book it is in, and all it shares."""
        import hashlib

        look = hashlib.blake2b(text.encode())
        for piece in (self.sources[0], self.sources[1].get(part, ""), self.sources[2]):
            look.update(b"\0" + piece.encode())
        return look.hexdigest()

    def alone(self, anchor: str, first: int, following: str | None, pages: dict[str, int]
              ) -> str:
        """The document of chapter ``anchor`` laid out alone, from page ``first``, before
        the part ``following`` (a chapter's anchor, or ``back-cover``; ``pages``: where each
        element began in the last layout of the whole book)."""
        from . import __version__
        from .build import finished
        from .render import environment

        rendered = self.chapters[anchor]
        notes = 0
        for other in self.chapters.values():
            if other is rendered:
                break
            notes += other.html.count('<span class="footnote" id="')
        own = {anchor} | {html.unescape(name) for name in ID.findall(rendered.html)}

        def paged(link: re.Match) -> str:  # a link out of the chapter: its page, as printed
            target = HREF.search(link.group())
            if target is None or html.unescape(target.group(1)) in own:
                return link.group()
            page = pages.get(html.unescape(target.group(1)), "?")
            return f'{link.group()[:target.start()]} data-page="{page}"{link.group()[target.end():]}'

        body = replace(rendered, html=LINK.sub(paged, rendered.html))
        return finished(environment().get_template("chapter-alone.html.j2").render(
            book=self.checked.book, rendered=body, stylesheets=self.stylesheets,
            version=__version__, press=False, first=first, notes=notes,
            following="chapter" if following in self.chapters else following or "back-cover"),
            self.checked.book)


LINK = re.compile(r"<a\b[^>]*>")
HREF = re.compile(r'\shref="#([^"]*)"')
ID = re.compile(r'\sid="([^"]*)"')


@contextlib.contextmanager
def _stopped_by(event: threading.Event):
    """While inside, a layout of this thread stops (Superseded) once ``event`` is set."""
    _LAYOUT.stop = event
    try:
        yield
    finally:
        _LAYOUT.stop = None


def _texts(data: bytes) -> list[str]:
    """Each page's text."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return [document[index].get_textpage().get_text_range() for index in range(len(document))]


def _words(rendered) -> int:
    return len(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", html.unescape(rendered.html))))


# File systems that tell no one when a file changes: the preview looks at the files itself.
NO_EVENTS = ("nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "vboxsf", "fuse.sshfs",
             "fuse.vmhgfs-fuse", "virtiofs", "drvfs")


def needs_polling(folder: Path, mounts: str | None = None) -> bool | None:
    """Whether the folder lies on a file system that gives no change events (a network
    share, a virtual machine's shared folder), where watching must poll; None leaves it to
    watchfiles."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8")
        except OSError:
            return None
    where = str(folder.resolve())
    found = ("", "")
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) >= 3 and (where == fields[1] or where.startswith(
                fields[1].rstrip("/") + "/")) and len(fields[1]) > len(found[0]):
            found = (fields[1], fields[2])
    return True if found[1] in NO_EVENTS else None


def _chapters(texts: list[str], starts, checked) -> list[dict]:
    """Each chapter's title, words and pages (from where each page begins: see
    press.pages)."""
    from .site import chapter_page

    chapters = []
    for rendered in checked.chapters:
        anchor = rendered.chapter.anchor
        first = next((start.number for start in starts if start.part == anchor), 1)
        # Its pages: up to where the next part begins, but for the blank pages (those with
        # no text at all, not even a folio: a page of a picture has its folio).
        count = 0
        for start in starts[first - 1:]:
            if start.part not in (anchor, None):
                break
            count += bool(start.part == anchor or texts[start.number - 1].strip())
        chapters.append({"title": rendered.chapter.title, "words": _words(rendered),
                         "first": first, "pages": count,
                         "web": chapter_page(rendered.chapter)})
    return chapters


def _web_bodies(checked) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Each chapter's web page (by anchor), the pictures' places (by path in the handbook),
    and each chapter's HTML as the web edition has it (by anchor)."""
    from .epub import picture_files
    from .site import chapter_page, web_body

    pages = {rendered.chapter.anchor: chapter_page(rendered.chapter) for rendered in checked.chapters}
    media = {name: "read/" + path for name, path in picture_files(checked.files).items()}
    return pages, media, {rendered.chapter.anchor: web_body(
        rendered, pages[rendered.chapter.anchor], pages, media, checked.book.words)[0]
        for rendered in checked.chapters}


def _web_pages(checked, scratch: Path, pages: dict[str, str], media: dict[str, str],
               bodies: dict[str, str]) -> dict[str, str]:
    """The web edition's chapters, each a page of its own with the site's style sheet (in
    ``scratch``, with the pictures)."""
    from .render import environment

    book = checked.book
    for name, path in media.items():
        target = scratch / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(checked.files[name])
    template = environment().from_string(
        '<!DOCTYPE html><html lang="{{ language }}" dir="{{ words.direction }}">'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>{{ title }}</title><link rel="stylesheet" href="../style.css"></head>'
        '<body><main class="reading"><article class="chapter"><header class="chapter-header">'
        '<p class="chapter-number">{{ words("chapter", number=number) }}</p>'
        '<h1 class="chapter-title">{{ title }}'
        '</h1></header>{{ body | safe }}</article></main></body></html>')
    return {pages[rendered.chapter.anchor]: template.render(
        language=book.metadata.language, words=book.words, title=rendered.chapter.title,
        number=rendered.chapter.number, body=bodies[rendered.chapter.anchor])
        for rendered in checked.chapters}


def application(preview: Preview, leaving=lambda: False):
    """The preview's web application (Starlette); ``leaving()`` says the server is stopping,
    which ends the event streams of the pages still open (else it would wait for them)."""
    from starlette.applications import Starlette
    from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
    from starlette.routing import Route

    async def index(request):
        page = (TEMPLATES / "preview.html").read_text(encoding="utf-8")
        return HTMLResponse(page.replace("{{ handbook }}", html.escape(preview.as_given)))

    async def state(request):
        with preview.lock:
            shown = preview.shown
        return Response(json.dumps(_state(shown)), media_type="application/json")

    async def events(request):
        async def stream():
            seen = -1
            while True:
                if leaving() or await request.is_disconnected():
                    return
                with preview.lock:
                    shown = preview.shown
                if shown.version != seen:
                    seen = shown.version
                    yield f"data: {json.dumps(_state(shown))}\n\n"
                await asyncio.sleep(0.05)
        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    async def picture(request):
        data = await asyncio.to_thread(preview.picture, int(request.path_params["number"]))
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def web(request):
        name = "read/" + request.path_params["name"]
        with preview.lock:
            page = preview.shown.web.get(name)
        if page is not None:
            return HTMLResponse(page)
        path = (Path(preview.scratch.name) / name).resolve()
        if path.is_relative_to(Path(preview.scratch.name).resolve()) and path.is_file():
            return FileResponse(path)
        return Response(status_code=404)

    async def shared(request):  # the style sheet and fonts, beside the chapters
        path = (Path(preview.scratch.name) / request.path_params["name"]).resolve()
        if path.is_relative_to(Path(preview.scratch.name).resolve()) and path.is_file():
            return FileResponse(path)
        return Response(status_code=404)

    return Starlette(routes=[
        Route("/", index), Route("/state", state), Route("/events", events),
        Route("/page/{number:int}.png", picture), Route("/web/read/{name:path}", web),
        Route("/web/{name:path}", shared)])


def _state(shown: Shown) -> dict:
    return {"version": shown.version, "built": shown.built, "web": shown.web_built,
            "pages": shown.pages, "keys": shown.keys, "pending": shown.pending,
            "moves": shown.moves, "chapters": shown.chapters, "error": shown.error, "changed": shown.changed,
            "seconds": round(shown.seconds, 2)}


def serve(folder: Path, as_given: str, port: int) -> int:
    """Serve the preview until Ctrl-C; the exit status."""
    import uvicorn

    from . import pdf

    assert pdf.weasyprint  # loaded once, before the first build: the process stays warm

    import socket

    listening = socket.socket()
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:  # bound before the address is said: a browser may connect at once
        listening.bind(("127.0.0.1", port))
        listening.listen(64)
    except OSError as error:
        listening.close()
        print(f"publish.py: error: --port {port}: {error.strerror.lower()}; choose another "
              "with --port N", file=sys.stderr)
        return 2
    preview = Preview(folder, as_given)
    watcher = threading.Thread(target=preview.watch, daemon=True)
    builder = threading.Thread(target=preview.work, daemon=True)
    watcher.start()
    builder.start()
    config = uvicorn.Config(application(preview, lambda: server.should_exit),
                            log_level="warning", lifespan="off", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    print(f"Previewing {as_given} at http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.run(sockets=[listening])
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop.set()
        watcher.join(timeout=5)
        builder.join(timeout=5)
        preview.scratch.cleanup()
    print("Preview stopped", flush=True)
    return 0
