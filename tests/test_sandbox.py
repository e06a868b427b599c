"""The build never reaches the network and reads no file outside the handbook and the theme."""

from __future__ import annotations

import base64
import os
import socket

import pypdf
import pytest

from press.cli import main
from press.findings import SourceError
from press.pdf import SandboxedFetcher, render_pdf
from press.sources import load_book

from .conftest import EVERY_FEATURE
from .helpers import (MINIMAL_BOOK, MINIMAL_CHAPTER, build_edition, copy_handbook, minimal_book,
                      picture, write_handbook)

# Each builds whole editions: the slow tier (make test runs every tier).
pytestmark = pytest.mark.slow


@pytest.fixture
def listener():
    """A local listening socket; the test asserts that nothing ever connects to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    yield f"127.0.0.1:{server.getsockname()[1]}", server
    server.close()


def assert_no_connection(server):
    with pytest.raises(socket.timeout):
        connection, _ = server.accept()
        connection.close()


def test_a_remote_picture_is_refused_with_its_line_and_never_fetched(tmp_path, listener, capsys):
    address, server = listener
    folder = write_handbook(tmp_path / "remote", {
        "book.yaml": MINIMAL_BOOK,
        "01-a.md": f"---\ntitle: A\nsummary: S.\n---\n\n![A chart](http://{address}/chart.png)\n"})
    assert main(["all", str(folder), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{folder}/01-a.md:6: error: the image 'http://{address}/chart.png' is a remote " \
           "address" in err
    assert not (tmp_path / "out").exists()
    assert_no_connection(server)


def svg_handbook(tmp_path, reference: str):
    """A handbook whose one picture is an SVG that shows ``reference`` (an <image> in it)."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           f'viewBox="0 0 4 4"><image xlink:href="{reference}" width="4" height="4"/></svg>')
    return write_handbook(tmp_path / "svg", {
        "book.yaml": MINIMAL_BOOK, "images/p.svg": svg,
        "01-a.md": "---\ntitle: A\nsummary: S.\n---\n\nText.\n\n![A picture](images/p.svg)\n"})


@pytest.mark.parametrize("reference", ["http://{address}/x.png", "file:///etc/hostname",
                                       "../../secret.png", "/etc/hostname"])
def test_an_svg_that_refers_outside_itself_is_refused(tmp_path, listener, capsys, reference):
    address, server = listener
    reference = reference.format(address=address)
    folder = svg_handbook(tmp_path, reference)
    assert main(["pdf", str(folder), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{folder}/01-a.md:8: error: the picture 'images/p.svg' refers to '{reference}'" in err
    assert_no_connection(server)


def test_an_svg_with_a_small_picture_inside_builds(tmp_path):
    folder = svg_handbook(tmp_path, "data:image/png;base64," + base64.b64encode(picture()).decode())
    assert build_edition(folder, "pdf", tmp_path / "out").read_bytes().startswith(b"%PDF-")


def test_an_svg_with_a_large_picture_inside_is_refused(tmp_path, capsys):
    large = base64.b64encode(b"\x89PNG" + bytes(40_000)).decode()
    folder = svg_handbook(tmp_path, "data:image/png;base64," + large)
    assert main(["pdf", str(folder), "--output", str(tmp_path / "out")]) == 2
    assert "refers to 'data:image/png;base64," in capsys.readouterr().err


@pytest.mark.parametrize("url", [
    "http://{address}/x.png", "https://{address}/x.png", "file:///etc/hostname",
    "file:///handbook/../../etc/hostname", "file:///theme/styles/../../../etc/hostname",
    "file:///handbook/images/other.png", "file:///handbook/book.yaml",
    "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64," + "A" * 60_000,
])
def test_the_fetcher_serves_only_the_handbook_and_the_theme(tmp_path, listener, url):
    address, server = listener
    fetcher = SandboxedFetcher({"images/p.png": picture()})
    with pytest.raises(ValueError):
        fetcher.fetch(url.format(address=address))
    assert fetcher.refused == [url.format(address=address)]
    assert_no_connection(server)


def test_the_fetcher_serves_the_handbooks_files_as_read_and_the_theme(tmp_path):
    fetcher = SandboxedFetcher({"images/p.png": picture(), "images/a b.png": picture("jpg")})
    assert fetcher.fetch("file:///handbook/images/p.png").read() == picture()
    assert fetcher.fetch("file:///handbook/images/a%20b.png").read() == picture("jpg")
    assert b"@font-face" in fetcher.fetch("file:///theme/styles/fonts.css").read()
    small = "data:image/png;base64," + base64.b64encode(picture()).decode()
    assert fetcher.fetch(small).read() == picture()
    assert fetcher.refused == []


def test_raw_html_that_runs_code_is_an_error(tmp_path, capsys):
    folder = write_handbook(tmp_path / "html", {
        "book.yaml": MINIMAL_BOOK,
        "01-a.md": ("---\ntitle: A\nsummary: S.\n---\n\n"
                    "<script>alert(1)</script>\n\n"
                    "<iframe src=\"x\"></iframe>\n\n"
                    "<style>p { color: red }</style>\n\n"
                    "<span class=\"x\" onclick=\"alert(1)\">x</span>\n\n"
                    "[click](javascript:alert(1))\n")})
    assert main(["check", str(folder)]) == 2
    err = capsys.readouterr().err
    for line, message in ((6, "the HTML tag <script> is not allowed"),
                          (8, "the HTML tag <iframe> is not allowed"),
                          (10, "the HTML tag <style> is not allowed"),
                          (12, "the attribute 'onclick' is not allowed on <span>"),
                          (14, "the link 'javascript:alert(1)' uses 'javascript:'")):
        assert f"{folder}/01-a.md:{line}: error: {message}" in err


# Reproducible builds: no clock, no random ids


def build_all(folder, output, editions="all"):
    """Each edition's file name and bytes, as ``editions`` (``all``: every one) writes them."""
    assert main([editions, str(folder), "--output", str(output)]) == 0
    return {path.name: path.read_bytes() for path in sorted(output.iterdir()) if path.is_file()}


@pytest.mark.parametrize("dated", [True, False],
                         ids=["date-in-book-yaml", "date-from-source-date-epoch"])
def test_same_bytes_on_another_day_and_in_another_folder(tmp_path, monkeypatch, dated):
    """Every edition of a copy in another folder, its files touched on another day, has the
    same bytes: with book.yaml's date, and with none there but SOURCE_DATE_EPOCH (then the
    office PDF and the EPUB: the print PDF and the fact sheet are written as the office PDF
    is, with the same date, and the booklet is imposed from the print PDF)."""
    if dated:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    builds = []
    for name, day in (("a", 1_600_000_000), ("b", 1_700_000_000)):
        folder = copy_handbook(EVERY_FEATURE, tmp_path / name / "every-feature",
                               replace=() if dated else (("date: 2026-01-15\n", ""),))
        for path in folder.rglob("*"):
            os.utime(path, (day, day))
        builds.append(build_all(folder, tmp_path / f"out-{name}",
                                "all" if dated else "pdf,epub"))
    editions = ["every-feature-booklet.pdf", "every-feature-flyer.pdf",
                "every-feature-print.pdf", "every-feature.epub", "every-feature.pdf"]
    if not dated:
        editions = ["every-feature.epub", "every-feature.pdf"]
    assert list(builds[0]) == list(builds[1]) == editions
    for name in editions:
        assert builds[0][name] == builds[1][name], name


def test_the_date_comes_from_source_date_epoch_when_book_yaml_has_none(tmp_path, monkeypatch):
    folder = write_handbook(tmp_path / "undated", {"book.yaml": minimal_book(dated=False),
                                                   "01-a.md": MINIMAL_CHAPTER})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    reader = pypdf.PdfReader(build_edition(folder, "pdf", tmp_path / "out"))
    assert reader.metadata["/CreationDate"].startswith("D:20260101")
    assert "1 January 2026" in " ".join(page.extract_text() for page in reader.pages)


def test_a_file_the_build_may_not_read_is_a_source_error(tmp_path):
    folder = write_handbook(tmp_path / "h", {"book.yaml": MINIMAL_BOOK,
                                             "01-a.md": "---\ntitle: A\n---\nText.\n"})
    book = load_book(folder, "h")
    with pytest.raises(SourceError) as raised:
        render_pdf(book, '<img src="file:///etc/hostname" alt="x"><p>x</p>')
    assert [str(f).splitlines()[0] for f in raised.value.findings] == [
        "h: error: the build may not read file:///etc/hostname"]
