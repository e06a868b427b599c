"""Shared fixtures: handbooks built once per test session, and small handbooks made on disk."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import lxml.etree
import pypdf
import pytest

from .helpers import MINIMAL_BOOK, MINIMAL_CHAPTER, build_edition, write_handbook

ROOT = Path(__file__).resolve().parent.parent
FIRST_HANDBOOK = ROOT / "chapters" / "ai-ml-engineer"
EVERY_FEATURE = ROOT / "tests" / "fixtures" / "every-feature"
CHROMIUM = shutil.which("chromium")

# The test files that take longest (pytest --durations=0), longest first: `make test` hands
# files to its processes in collection order (--no-loadscope-reorder), so that the long
# ones start first and the short ones fill in at the end. The others follow in name order.
LONGEST = ("test_site", "test_validate", "test_pdf", "test_sandbox", "test_epub",
           "test_output", "test_print_editions", "test_parts", "test_preview", "test_reader",
           "test_tagging", "test_cache", "test_fuzz", "test_limits", "test_patches")


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.stem
        return LONGEST.index(name) if name in LONGEST else len(LONGEST)

    items.sort(key=rank)  # stable: each file's tests keep their order


@dataclass
class BuiltPdf:
    """A built PDF and its text, page by page."""

    path: Path
    reader: pypdf.PdfReader
    pages: list[str]

    def page_of(self, needle: str) -> int:
        """The 1-based number of the first page whose text holds ``needle``."""
        for number, text in enumerate(self.pages, start=1):
            if needle in text:
                return number
        raise AssertionError(f"{needle!r} is on no page")


def build_pdf(handbook: Path, output: Path) -> BuiltPdf:
    path = build_edition(handbook, "pdf", output)
    reader = pypdf.PdfReader(path)
    return BuiltPdf(path, reader, [page.extract_text() for page in reader.pages])


@pytest.fixture(scope="session", autouse=True)
def no_font_folders_left(tmp_path_factory):
    """The layouts' font folders removed when the session ends, as press.pdf removes them
    when a build ends; and the session's temporary files (its own, its helpers' and its
    commands') kept in the session's folder, which pytest removes in time, for what a
    process that ends without its finalizers (pytest-xdist's, a killed one) leaves."""
    import os
    import sys
    import tempfile

    folder = str(tmp_path_factory.mktemp("temporary"))
    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir, os.environ["TMPDIR"] = folder, folder
    yield
    if "press.pdf" in sys.modules:
        sys.modules["press.pdf"]._remove_font_folders()
    tempfile.tempdir = saved[0]
    if saved[1] is None:
        del os.environ["TMPDIR"]
    else:
        os.environ["TMPDIR"] = saved[1]


@pytest.fixture(scope="session")
def first_pdf(tmp_path_factory) -> BuiltPdf:
    return build_pdf(FIRST_HANDBOOK, tmp_path_factory.mktemp("first"))


@pytest.fixture(scope="session")
def feature_pdf(tmp_path_factory) -> BuiltPdf:
    return build_pdf(EVERY_FEATURE, tmp_path_factory.mktemp("features"))


OPF = {"opf": "http://www.idpf.org/2007/opf"}


@dataclass
class BuiltEpub:
    path: Path
    archive: zipfile.ZipFile

    def xml(self, name: str):
        return lxml.etree.fromstring(self.archive.read(name))

    @property
    def opf(self):
        return self.xml("EPUB/content.opf")

    def manifest(self) -> dict[str, dict]:
        return {item.get("href"): dict(item.attrib)
                for item in self.opf.findall("opf:manifest/opf:item", OPF)}

    def spine(self) -> list[str]:
        ids = {item["id"]: href for href, item in self.manifest().items()}
        return [ids[ref.get("idref")] for ref in self.opf.findall("opf:spine/opf:itemref", OPF)]

    def documents(self) -> list[str]:
        return [href for href, item in self.manifest().items()
                if item["media-type"] == "application/xhtml+xml"]


def build_epub(handbook: Path, output: Path) -> BuiltEpub:
    path = build_edition(handbook, "epub", output)
    return BuiltEpub(path, zipfile.ZipFile(path))


@pytest.fixture(scope="session")
def first_epub(tmp_path_factory) -> BuiltEpub:
    return build_epub(FIRST_HANDBOOK, tmp_path_factory.mktemp("first-epub"))


@pytest.fixture(scope="session")
def feature_epub(tmp_path_factory) -> BuiltEpub:
    return build_epub(EVERY_FEATURE, tmp_path_factory.mktemp("features-epub"))


@pytest.fixture
def small_handbook(tmp_path):
    """A valid one-chapter handbook; a test overwrites files to break it."""
    return write_handbook(tmp_path / "small", {"book.yaml": MINIMAL_BOOK,
                                                "01-only.md": MINIMAL_CHAPTER})


@pytest.fixture(scope="module")
def browser():
    """A real Chromium (Debian's: no browser can be downloaded), one a test module."""
    if CHROMIUM is None:
        pytest.fail("the browser tests need Debian's chromium: run 'apt-get install chromium' "
                    "(make test installs it where it may)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [f"{violation['id']}: {node['target']}" for violation in result.response["violations"]
            for node in violation["nodes"]]
