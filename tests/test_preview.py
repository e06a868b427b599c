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
    page.wait_for_selector("#page-14", state="attached", timeout=30000)
    assert page.locator("#print img").count() == 14
    rows = page.locator("#chapters tbody tr")
    assert rows.nth(0).inner_text().split("\t") == ["Welcome to the job", "96", "1"]
    assert "14 pages, built in" in page.locator("#status").inner_text()
    page.locator("#tab-web").click()
    frame = page.frame_locator("#web iframe").first
    assert "Start each chapter" in frame.locator("article").inner_text()
    assert violations(page) == []
    page.close()


def test_a_saved_change_and_an_error_show_by_themselves(served, browser):
    folder, address, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(address)
    page.wait_for_selector("#page-14", state="attached", timeout=30000)
    chapter = folder / "01-welcome.md"
    text = chapter.read_text()
    chapter.write_text(text.replace("Start each chapter", "Open every chapter"))
    page.locator("#tab-web").click()
    started = time.monotonic()
    page.frame_locator("#web iframe").first.get_by_text("Open every chapter").wait_for(
        timeout=10000)
    assert time.monotonic() - started < 2.0  # the new words on the page within 2 s
    chapter.write_text(text.replace("## Where people work", "# Where people work"))
    error = page.locator("#error")
    error.wait_for(state="visible", timeout=10000)
    assert f"{chapter}:18: error: a '#' heading in a chapter's body" in error.inner_text()
    assert page.locator("#print img").count() == 14  # the last good pages stay
    chapter.write_text(text)
    error.wait_for(state="hidden", timeout=10000)
    page.close()


def test_ctrl_c_stops_the_preview_with_exit_0_and_no_traceback(served):
    _, _, server = served
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
