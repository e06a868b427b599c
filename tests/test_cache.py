"""Outputs already built from the very same inputs are skipped; any change rebuilds them."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest

import press.cache
from press.cli import main

from .helpers import MINIMAL_BOOK, MINIMAL_CHAPTER, source_text, write_handbook

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_nothing_changed_nothing_rebuilt(small_handbook, tmp_path, capsys):
    output = tmp_path / "out"
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    before = (output / "small.pdf").stat().st_mtime_ns
    capsys.readouterr()
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    assert capsys.readouterr().out == f"{small_handbook}: up to date\n"
    assert (output / "small.pdf").stat().st_mtime_ns == before


@pytest.mark.slow
def test_a_changed_chapter_is_rebuilt(small_handbook, tmp_path):
    output = tmp_path / "out"
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    before = (output / "small.pdf").read_bytes()
    (small_handbook / "01-only.md").write_text(
        source_text(MINIMAL_CHAPTER).replace("Some text.", "Other words."))
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    assert (output / "small.pdf").read_bytes() != before


@pytest.mark.slow
def test_a_removed_output_is_rebuilt(small_handbook, tmp_path):
    output = tmp_path / "out"
    assert main(["epub", str(small_handbook), "--output", str(output)]) == 0
    (output / "small.epub").unlink()
    assert main(["epub", str(small_handbook), "--output", str(output)]) == 0
    assert (output / "small.epub").exists()


@pytest.mark.slow
def test_each_edition_remembers_its_own_inputs(small_handbook, tmp_path, capsys):
    output = tmp_path / "out"
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    capsys.readouterr()
    assert main(["epub", str(small_handbook), "--output", str(output)]) == 0
    assert "small.epub" in capsys.readouterr().out  # built, not taken for the PDF


@pytest.fixture
def project_copy(tmp_path, monkeypatch):
    """The project's theme, templates and code in a folder of their own, to change."""
    copy = tmp_path / "project"
    for name in press.cache.PROJECT_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            copy.mkdir(exist_ok=True)
            shutil.copy(source, copy / name)
    monkeypatch.setattr(press.cache, "PROJECT", copy)
    press.cache.project_digest.cache_clear()
    yield copy
    press.cache.project_digest.cache_clear()


def pdf_digest(folder):
    return press.cache.edition_digest(press.cache.handbook_digest(folder), "pdf")


@pytest.mark.parametrize("changed", ["styles/print.css", "styles/default/theme.css",
                                     "templates/book.html.j2",
                                     "styles/fonts/inter/Inter-Bold.otf", "press/render.py",
                                     "requirements.txt", "words/fr.yaml"])
def test_a_changed_style_template_font_or_code_changes_the_digest(project_copy, tmp_path,
                                                                 changed):
    folder = write_handbook(tmp_path / "h", {"book.yaml": MINIMAL_BOOK,
                                             "01-a.md": MINIMAL_CHAPTER})
    before = pdf_digest(folder)
    with open(project_copy / changed, "ab") as file:
        file.write(b"\n")
    press.cache.project_digest.cache_clear()
    assert pdf_digest(folder) != before


def test_source_date_epoch_changes_the_digest(small_handbook, monkeypatch):
    before = pdf_digest(small_handbook)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert pdf_digest(small_handbook) != before


def test_several_handbooks_build_in_parallel_and_report_in_order(tmp_path, capsys):
    folders = [write_handbook(tmp_path / name, {"book.yaml": MINIMAL_BOOK,
                                                "01-a.md": MINIMAL_CHAPTER})
               for name in ("first", "second", "third")]
    assert main(["pdf", *map(str, folders), "--output", str(tmp_path / "out")]) == 0
    lines = capsys.readouterr().out.splitlines()
    # Each edition as it starts, then as it ends, in the order of the handbooks.
    assert lines[:3] == [f"{folder}: making pdf" for folder in folders]
    assert [line.split(" -> ")[0] for line in lines[3:]] == [str(folder) for folder in folders]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "first.pdf", "second.pdf", "third.pdf"]


def test_a_source_error_in_one_handbook_writes_nothing_for_any(tmp_path, capsys):
    good = write_handbook(tmp_path / "good", {"book.yaml": MINIMAL_BOOK,
                                              "01-a.md": MINIMAL_CHAPTER})
    bad = write_handbook(tmp_path / "bad", {"book.yaml": "titel: B\nlanguage: en-GB\n",
                                            "01-a.md": MINIMAL_CHAPTER})
    assert main(["pdf", str(good), str(bad), "--output", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()
    assert multiprocessing.active_children() == []  # the helpers started early are stopped


@pytest.mark.slow
def test_a_build_leaves_no_helper_running(small_handbook, tmp_path):
    assert main(["all", str(small_handbook), "--output", str(tmp_path / "out")]) == 0
    assert sorted(path.name for path in (tmp_path / "out").glob("small*")) == [
        "small-booklet.pdf", "small-flyer.pdf", "small-print.pdf", "small.epub", "small.pdf"]
    assert multiprocessing.active_children() == []


@pytest.mark.slow
def test_a_build_leaves_nothing_in_the_temporary_folder(tmp_path):
    """WeasyPrint writes the theme's fonts to a temporary folder for each layout: none is
    left there once a build of two handbooks (in helper processes) has ended."""
    import os
    import subprocess
    import sys

    from press import PROJECT

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    run = subprocess.run([sys.executable, "publish.py", "pdf", "chapters/ai-ml-engineer",
                          "chapters/data-engineer", "--output", str(tmp_path / "out")],
                         cwd=PROJECT, env={**os.environ, "TMPDIR": str(temporary)},
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert sorted(path.name for path in (tmp_path / "out").glob("*.pdf")) == [
        "ai-ml-engineer.pdf", "data-engineer.pdf"]
    assert list(temporary.iterdir()) == []


def test_strict_checks_again_what_an_earlier_build_let_through(small_handbook, tmp_path):
    (small_handbook / "01-only.md").write_text("---\ntitle: T\nsummary: S.\n---\n\n## A\n\n#### B\n")
    output = tmp_path / "out"
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0  # a warning
    assert main(["pdf", str(small_handbook), "--strict", "--output", str(output)]) == 2
