"""`validate`: the standard checkers on the editions built, each finding one line.

Apart from the site's tests: the checkers drive a browser of their own, which Playwright
will not start while another (the site tests' fixture) is running in the same process."""

from __future__ import annotations

from pathlib import Path

import pytest

from press.cli import main

from .conftest import ROOT

pytestmark = pytest.mark.slow  # each builds whole editions and starts a browser

HANDBOOKS = sorted((ROOT / "chapters").glob("*/book.yaml"))
SLUGS = [path.parent.name for path in HANDBOOKS]


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("validated")


def test_validate_runs_the_checkers_on_both_handbooks_and_finds_nothing(output, capsys):
    """EPUBCheck on each EPUB, page-validation on each PDF and fact sheet, axe-core on
    every page of the EPUBs and the site (the editions are up to date: none is rebuilt)."""
    capsys.readouterr()
    assert main(["validate", *(str(path.parent) for path in HANDBOOKS),
                 "--output", str(output)]) == 0
    said = capsys.readouterr()
    assert said.err == ""
    assert said.out.splitlines()[-1] == ("validate: EPUBCheck, PDF/UA-1 (page-validation) and "
                                         "axe-core found nothing")


def test_each_checker_reports_a_finding_as_path_error_message(output, tmp_path, monkeypatch):
    from press.validate import accessibility, epubcheck, pdf_ua

    assert main(["booklet", str(HANDBOOKS[0].parent), "--output", str(output)]) == 0
    booklet = output / f"{SLUGS[0]}-booklet.pdf"  # imposed: two pages a side, not tagged
    assert all(line.startswith(f"{booklet}: error: PDF/UA-1 ") for line in pdf_ua(booklet))
    assert pdf_ua(booklet)
    broken = tmp_path / "broken.epub"
    broken.write_bytes(b"PK\x03\x04 not an EPUB")
    assert epubcheck(broken) and all(line.startswith(f"{broken}: error: EPUBCheck ")
                                     for line in epubcheck(broken))
    page = tmp_path / "out" / "site" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>T</title></head><body><main>'
                    '<h1>T</h1><p style="color:#999;background:#aaa">faint</p></main></body>'
                    '</html>')
    monkeypatch.chdir(tmp_path)  # an --output given as a relative path, as make gives it
    found = accessibility(Path("out"), [])
    assert found and all(line.startswith("out/site/index.html: error: axe color-contrast")
                         for line in found)
