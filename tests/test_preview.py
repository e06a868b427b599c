"""`preview`: the handbook served on 127.0.0.1 while it is written, in a real Chromium."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from press import PROJECT

from .conftest import violations

pytestmark = pytest.mark.slow  # a server, a browser and layouts


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def written(folder: Path) -> set:
    """The files of the output folder and of the handbook folder, and their times."""
    return {(path, path.stat().st_mtime_ns) for root in (PROJECT / "output", folder)
            if root.exists() for path in root.rglob("*")
            if path.is_file() and path.name != "01-welcome.md"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A new handbook and its preview, running until the module's tests are done."""
    folder = tmp_path_factory.mktemp("preview") / "nursing"
    subprocess.run([sys.executable, "publish.py", "new", str(folder)], cwd=PROJECT, check=True,
                   capture_output=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "publish.py", "preview", str(folder),
                               "--port", str(port)], cwd=PROJECT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    address = f"http://127.0.0.1:{port}/"
    before = written(folder)
    assert server.stdout.readline() == f"Previewing {folder} at {address} (Ctrl-C stops)\n"
    yield folder, address, server
    if server.poll() is None:
        server.kill()
    # Nothing written in the output folder, nor in the handbook's (but what the tests wrote).
    assert written(folder) == before


def test_the_page_shows_the_print_pages_the_chapters_and_their_counts(served, browser):
    folder, address, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(address)
    page.wait_for_selector("#page-12", state="attached", timeout=30000)
    assert page.locator("#print img").count() == 12
    rows = page.locator("#chapters tbody tr")
    assert rows.nth(0).inner_text().split("\t") == ["Welcome to the job", "96", "1"]
    assert "12 pages, built in" in page.locator("#status").inner_text()
    page.locator("#tab-web").click()
    frame = page.frame_locator("#web iframe").first
    assert "Start each chapter" in frame.locator("article").inner_text()
    assert violations(page) == []
    page.close()


def test_a_saved_change_and_an_error_show_by_themselves(served, browser):
    folder, address, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(address)
    page.wait_for_selector("#page-12", state="attached", timeout=30000)
    chapter = folder / "01-welcome.md"
    text = chapter.read_text()
    first = page.locator("#page-1").get_attribute("src")
    chapter.write_text(text.replace("Start each chapter", "Open every chapter"))
    page.locator("#tab-web").click()
    started = time.monotonic()
    page.frame_locator("#web iframe").first.get_by_text("Open every chapter").wait_for(
        timeout=10000)
    assert time.monotonic() - started < 2.0  # the new words on the page within 2 s
    page.wait_for_function("!document.getElementById('status').textContent.includes('follow')")
    assert page.locator("#page-1").get_attribute("src") == first  # the cover not fetched again
    chapter.write_text(text.replace("## Where people work", "# Where people work"))
    error = page.locator("#error")
    error.wait_for(state="visible", timeout=10000)
    assert f"{chapter}:18: error: a '#' heading in a chapter's body" in error.inner_text()
    assert page.locator("#print img").count() == 12  # the last good pages stay
    chapter.write_text(text)
    error.wait_for(state="hidden", timeout=10000)
    page.close()


@pytest.fixture
def preview(tmp_path):
    """A new handbook, built once as the preview builds it (in this process)."""
    from press.cli import main
    from press.preview import Preview

    folder = tmp_path / "nursing"
    assert main(["new", str(folder)]) == 0
    preview = Preview(folder, str(folder))
    preview.build()
    assert preview.shown.pages == 12 and not preview.shown.pending
    yield preview
    preview.scratch.cleanup()


def saved_during_the_whole_book(preview, path: Path, old: str, new: str):
    """Save ``path`` with ``new`` for ``old``; a second save comes as soon as the pages are
    first shown, which stops the layout of the whole book: what was shown first stays."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    preview.waiting.set()
    preview.build({path})
    preview.waiting.clear()
    return preview.shown


@pytest.mark.parametrize(("chapter", "old", "new", "seen"), [
    # A chapter with a footnote and a reference to a later chapter's page.
    ("01-welcome.md", "Start each chapter", "Open every chapter", "Open every chapter"),
    # A footnote in the last chapter, numbered on from the first chapter's.
    ("03-is-it-for-you.md", "## How to get in",
     "A late claim.[^late]\n\n[^late]: The third chapter's note.\n\n## How to get in",
     "2\u2002The third chapter\u2019s note."),
])
def test_a_chapter_laid_out_alone_shows_the_pages_the_whole_book_has(preview, chapter, old,
                                                                     new, seen):
    """Where only a chapter's text changed, it is laid out alone and shown in place of its
    old pages at once (page numbers, footnote numbers, references to other chapters' pages
    as the whole book has them); the whole book's layout then finds the same pages."""
    before = preview.shown
    path = preview.folder / chapter
    alone = saved_during_the_whole_book(preview, path, old, new)
    assert alone.pending and alone.built > before.built and alone.moves
    assert any(seen in text for text in alone.texts[alone.changed - 1:])
    assert alone.keys[:alone.changed - 1] == before.keys[:alone.changed - 1]  # not fetched again
    assert preview.picture(alone.changed).startswith(b"\x89PNG")
    preview.build({path})
    whole = preview.shown
    assert not whole.pending and whole.built > alone.built and not whole.moves
    assert whole.texts == alone.texts and whole.keys == alone.keys
    for number in range(alone.changed, alone.changed + 2):  # each letter in the same place
        letters, others = placed_letters(alone, number), placed_letters(whole, number)
        assert [letter for letter, _ in letters] == [letter for letter, _ in others]
        assert all(abs(side - other) < 0.1  # points: a tenth of a pixel as the preview draws
                   for (_, box), (_, boxed) in zip(letters, others)
                   for side, other in zip(box, boxed))


def placed_letters(shown, number: int) -> list:
    """Each character of page ``number`` as shown, with its box."""
    import pypdfium2

    which, index = shown.order[number - 1]
    text = pypdfium2.PdfDocument(shown.pdfs[which])[index].get_textpage()
    return [(text.get_text_range(at, 1), text.get_charbox(at)) for at in range(text.count_chars())]


def test_a_change_beyond_one_chapter_lays_out_the_whole_book(preview):
    """A change to book.yaml, to two chapters at once or to the theme shows nothing before
    the whole book is laid out again; a file saved as it was lays out nothing."""
    before = preview.shown
    book = preview.folder / "book.yaml"
    shown = saved_during_the_whole_book(preview, book, 'title: "Nursing"', 'title: "Nursing care"')
    assert shown.built == before.built and shown.pages == 12
    preview.build({book})
    assert preview.shown.built > before.built and "Nursing care" in preview.shown.texts[0]
    before = preview.shown
    for name in ("01-welcome.md", "02-the-work.md"):
        path = preview.folder / name
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    preview.waiting.set()
    preview.build({path})
    assert preview.shown.built == before.built
    preview.waiting.clear()
    preview.build({PROJECT / "styles" / "print.css"})
    assert not preview.shown.pending and preview.shown.built > before.built
    assert not set(preview.shown.keys) & set(before.keys)  # every page may look different
    before = preview.shown
    preview.build({path})
    assert preview.shown.version == before.version


def test_ctrl_c_stops_the_preview_with_exit_0_and_no_traceback(served):
    import urllib.request

    _, address, server = served
    with urllib.request.urlopen(address + "events") as stream:  # a page still open
        assert stream.readline().startswith(b"data: ")
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=20)
    assert server.returncode == 0
    assert "Traceback" not in err and out.endswith("Preview stopped\n")


def test_wrong_arguments_say_what_is_wrong(tmp_path):
    run = subprocess.run([sys.executable, "publish.py", "preview", str(tmp_path / "none")],
                         cwd=PROJECT, capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.startswith("publish.py: error:")
    assert "Traceback" not in run.stderr


def test_a_network_share_is_watched_by_polling(tmp_path):
    """Where the file system gives no change events (a network share, a virtual machine's
    shared folder), the preview polls; elsewhere watchfiles uses the system's events."""
    from press.preview import needs_polling

    mounts = ("/dev/sda1 / ext4 rw 0 0\n"
              "server:/careers /mnt/careers nfs4 rw 0 0\n"
              "share /mnt/share 9p rw 0 0\n")
    assert needs_polling(Path("/mnt/careers/nursing"), mounts) is True
    assert needs_polling(Path("/mnt/share"), mounts) is True
    assert needs_polling(Path("/mnt/careersx/nursing"), mounts) is None
    assert needs_polling(Path("/home/adviser/nursing"), mounts) is None


def test_a_save_is_seen_where_the_preview_polls(tmp_path, monkeypatch):
    """Where it must poll (as on a network share), the preview still sees a save."""
    import threading

    from press import preview as module

    monkeypatch.setattr(module, "needs_polling", lambda folder: True)
    preview = module.Preview(tmp_path, str(tmp_path))
    watching = threading.Thread(target=preview.watch, daemon=True)
    watching.start()
    chapter = tmp_path / "01-welcome.md"
    try:
        for number in range(50):  # until the watch has looked at the files once, and again
            chapter.write_text(f"Saved {number} times.\n", encoding="utf-8")
            if preview.waiting.wait(0.2):
                break
        assert preview.waiting.is_set() and chapter.resolve() in {
            path.resolve() for path in preview.saved}
    finally:
        preview.stop.set()
        watching.join(timeout=5)
        preview.scratch.cleanup()
    assert not watching.is_alive()
