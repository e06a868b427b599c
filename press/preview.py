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
import html
import json
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import STYLES, TEMPLATES

PAGE_WIDTH = 900  # pixels: a page as the preview draws it


@dataclass
class Shown:
    """What the page shows: the last good build, and the error since, if any."""

    version: int = 0
    pdf: bytes = b""
    pages: int = 0
    texts: list[str] = field(default_factory=list)  # each page's text, to find what changed
    chapters: list[dict] = field(default_factory=list)  # title, words, pages, web page
    web: dict[str, str] = field(default_factory=dict)  # the web edition's pages by name
    error: str = ""
    changed: int = 1  # the first page that changed
    seconds: float = 0.0
    built: int = 0  # the version whose print pages these are
    web_built: int = 0  # and whose web chapters


class Preview:
    """A handbook kept built in memory, made again when its inputs are saved."""

    def __init__(self, folder: Path, as_given: str):
        self.folder, self.as_given = folder, as_given
        self.shown = Shown()
        self.lock = threading.Lock()
        self.pictures: dict[tuple[int, int], bytes] = {}
        self.scratch = tempfile.TemporaryDirectory(prefix="preview-")
        self.stop = threading.Event()
        self.characters: tuple[str, set[str]] = ("", set())  # the style sheet's theme, text

    def web_pages(self, checked) -> dict[str, str]:
        """The web chapters; their style sheet (fonts cut down to the characters shown)
        made again only when the theme changes or characters it lacks appear."""
        pages, media, bodies = _web_bodies(checked)
        theme = checked.book.metadata.theme
        wanted = set("".join(bodies.values()))
        if self.characters[0] != theme or not wanted <= self.characters[1]:
            from .site import stylesheet

            # Room to write in: the letters, digits and punctuation of the whole Latin-1 set.
            kept = wanted | {chr(code) for code in range(32, 256)}
            css = stylesheet(theme, "".join(sorted(kept)), checked.book, Path(self.scratch.name))
            (Path(self.scratch.name) / "style.css").write_text(css, encoding="utf-8")
            self.characters = (theme, kept)
        return _web_pages(checked, Path(self.scratch.name), pages, media, bodies)

    def build(self) -> None:
        """Check and lay out the handbook; show it, or the error that stops it."""
        from .build import load_and_check, print_html
        from .editions import EDITIONS
        from .findings import SourceError
        from .pdf import draft_pdf, stylesheet_urls

        started = time.perf_counter()
        try:
            checked = load_and_check(self.folder, self.as_given)
            book = checked.book
            page = print_html(book, stylesheet_urls(book, EDITIONS["pdf"].sheets),
                              checked.chapters)
            data, count, starts = draft_pdf(book, page, checked.files)
            texts, chapters = _pages_and_chapters(data, starts, checked)
        except SourceError as error:
            with self.lock:
                self.shown.error = "\n".join(str(finding) for finding in error.findings)
                self.shown.version += 1
            return
        previous = self.shown.texts
        changed = next((number for number, (old, new) in
                        enumerate(zip(previous, texts), start=1) if old != new),
                       min(len(previous), len(texts)) + 1 if len(previous) != len(texts) else 1)
        with self.lock:  # the print pages first; the web chapters follow
            self.pictures = {}
            version = self.shown.version + 1
            self.shown = Shown(version, data, count, texts, chapters, self.shown.web, "",
                               min(changed, count), time.perf_counter() - started, version,
                               self.shown.web_built)
        web = self.web_pages(checked)
        with self.lock:
            self.shown.web, self.shown.web_built = web, version
            self.shown.version += 1

    def picture(self, number: int) -> bytes | None:
        """Page ``number`` of the last good build as a PNG."""
        import io

        import pypdfium2

        with self.lock:
            shown = self.shown
            key = (shown.version, number)
            if key in self.pictures:
                return self.pictures[key]
        if not 1 <= number <= shown.pages:
            return None
        document = pypdfium2.PdfDocument(shown.pdf)
        page = document[number - 1]
        image = page.render(scale=PAGE_WIDTH / page.get_width()).to_pil()
        output = io.BytesIO()
        image.save(output, format="PNG")
        with self.lock:
            self.pictures[key] = output.getvalue()
        return output.getvalue()

    def watch(self) -> None:
        """Build, then build again each time an input is saved, until told to stop."""
        import watchfiles

        self.build_or_say()
        for _ in watchfiles.watch(self.folder, STYLES, TEMPLATES, stop_event=self.stop,
                                  debounce=50, step=20, raise_interrupt=False,
                                  force_polling=needs_polling(self.folder)):
            self.build_or_say()

    def build_or_say(self) -> None:
        """Build; a fault of the pipeline is shown in the page (and the watch goes on)."""
        import traceback

        try:
            self.build()
        except Exception:  # noqa: BLE001 (the page says it; the next save tries again)
            with self.lock:
                self.shown.error = ("internal error: this is a bug in the publishing pipeline, "
                                    "not in your handbook\n" + traceback.format_exc(limit=3))
                self.shown.version += 1


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


def _pages_and_chapters(data: bytes, starts, checked) -> tuple[list[str], list[dict]]:
    """Each page's text, and each chapter's title, words and pages (from where each page
    begins: see press.pages)."""
    import pypdfium2

    from .site import chapter_page

    document = pypdfium2.PdfDocument(data)
    texts = [document[index].get_textpage().get_text_range() for index in range(len(document))]
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
        words = len(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", html.unescape(rendered.html))))
        chapters.append({"title": rendered.chapter.title, "words": words,
                         "first": first, "pages": count,
                         "web": chapter_page(rendered.chapter)})
    return texts, chapters


def _web_bodies(checked) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Each chapter's web page (by anchor), the pictures' places (by path in the handbook),
    and each chapter's HTML as the web edition has it (by anchor)."""
    from .epub import picture_files
    from .site import chapter_page, web_body

    pages = {rendered.chapter.anchor: chapter_page(rendered.chapter) for rendered in checked.chapters}
    media = {name: "read/" + path for name, path in picture_files(checked.files).items()}
    return pages, media, {rendered.chapter.anchor: web_body(
        rendered, pages[rendered.chapter.anchor], pages, media)[0] for rendered in checked.chapters}


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
        '<!DOCTYPE html><html lang="{{ language }}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>{{ title }}</title><link rel="stylesheet" href="../style.css"></head>'
        '<body><main class="reading"><article class="chapter"><header class="chapter-header">'
        '<p class="chapter-number">Chapter {{ number }}</p><h1 class="chapter-title">{{ title }}'
        '</h1></header>{{ body | safe }}</article></main></body></html>')
    return {pages[rendered.chapter.anchor]: template.render(
        language=book.metadata.language, title=rendered.chapter.title,
        number=rendered.chapter.number, body=bodies[rendered.chapter.anchor])
        for rendered in checked.chapters}


def application(preview: Preview):
    """The preview's web application (Starlette)."""
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
                if await request.is_disconnected():
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
            "pages": shown.pages,
            "chapters": shown.chapters, "error": shown.error, "changed": shown.changed,
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
    watcher.start()
    config = uvicorn.Config(application(preview), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    print(f"Previewing {as_given} at http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.run(sockets=[listening])
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop.set()
        watcher.join(timeout=5)
        preview.scratch.cleanup()
    print("Preview stopped", flush=True)
    return 0
