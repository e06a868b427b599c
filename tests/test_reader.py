"""One reader for every file a build uses: links that lead out of the handbook are refused
before anything is read, by `check` and every edition alike, and a traced build opens
nothing outside the handbook, the theme and the libraries."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from press.cli import main

from .conftest import EVERY_FEATURE, ROOT
from .helpers import (MINIMAL_BOOK, MINIMAL_CHAPTER, copy_handbook, minimal_book, picture,
                      write_handbook)

SECRET = "Text of another handbook that must not be printed"


@pytest.fixture
def outside(tmp_path):
    """Files outside the handbook: another handbook's chapter and book.yaml, a picture."""
    folder = write_handbook(tmp_path / "other", {
        "book.yaml": "title: Other\nlanguage: en-GB\n",
        "01-secret.md": f"---\ntitle: Secret\nsummary: S.\n---\n\n{SECRET}.\n",
        "images/p.png": picture(), "images/p.svg": picture("svg")})
    return folder


def handbook(tmp_path, chapter: str = "Text.\n", **files) -> Path:
    return write_handbook(tmp_path / "guide", {
        "book.yaml": MINIMAL_BOOK, "01-a.md": f"---\ntitle: A\nsummary: S.\n---\n\n{chapter}",
        **files})


def link(path: Path, target: Path | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def run(command: str, folder: Path, output: Path, capsys) -> tuple[int, list[str]]:
    status = main([command, str(folder), "--output", str(output)])
    return status, capsys.readouterr().err.splitlines()


# Each case: a handbook with a link somewhere, and the first line of the error it must give.
def chapter_into_another_handbook(tmp_path, outside):
    folder = handbook(tmp_path)
    link(folder / "02-b.md", outside / "01-secret.md")
    return folder, (f"{folder}/02-b.md: error: this file leads outside the handbook folder "
                    f"(it is a link to '{outside}/01-secret.md')")


def book_yaml_into_another_handbook(tmp_path, outside):
    folder = handbook(tmp_path)
    link(folder / "book.yaml", outside / "book.yaml")
    return folder, (f"{folder}/book.yaml: error: this file leads outside the handbook folder "
                    f"(it is a link to '{outside}/book.yaml')")


def chapter_to_the_system(tmp_path, outside):
    folder = handbook(tmp_path)
    link(folder / "02-passwd.md", "/etc/passwd")
    return folder, (f"{folder}/02-passwd.md: error: this file leads outside the handbook "
                    "folder (it is a link to '/etc/passwd')")


def listed_chapter_by_a_relative_link(tmp_path, outside):
    folder = handbook(tmp_path, **{"book.yaml": minimal_book("chapters: [01-a.md, 02-b.md]")})
    link(folder / "02-b.md", os.path.relpath(outside / "01-secret.md", folder))
    return folder, (f"{folder}/book.yaml:4: error: chapters: '02-b.md' leads outside the "
                    f"handbook folder (it is a link to '../other/01-secret.md')")


def png_outside(tmp_path, outside):
    folder = handbook(tmp_path, "![A picture](images/p.png)\n")
    link(folder / "images" / "p.png", outside / "images" / "p.png")
    return folder, (f"{folder}/01-a.md:6: error: the image 'images/p.png' is outside the "
                    f"handbook folder (it is a link to '{outside}/images/p.png')")


def svg_outside(tmp_path, outside):
    folder = handbook(tmp_path, "![A picture](images/p.svg)\n")
    link(folder / "images" / "p.svg", outside / "images" / "p.svg")
    return folder, (f"{folder}/01-a.md:6: error: the image 'images/p.svg' is outside the "
                    f"handbook folder (it is a link to '{outside}/images/p.svg')")


def folder_of_pictures_outside(tmp_path, outside):
    folder = handbook(tmp_path, "![A picture](images/p.png)\n")
    link(folder / "images", outside / "images")
    return folder, (f"{folder}/01-a.md:6: error: the image 'images/p.png' is outside the "
                    "handbook folder")


def cover_outside(tmp_path, outside):
    folder = handbook(tmp_path, **{"book.yaml": minimal_book("cover: cover.png")})
    link(folder / "cover.png", outside / "images" / "p.png")
    return folder, (f"{folder}/book.yaml:4: error: cover: 'cover.png' leads outside the "
                    f"handbook folder (it is a link to '{outside}/images/p.png')")


def chapter_that_leads_nowhere(tmp_path, outside):
    folder = handbook(tmp_path)
    link(folder / "02-gone.md", "02-renamed.md")
    return folder, (f"{folder}/02-gone.md: error: this file is a link that leads nowhere "
                    "('02-renamed.md')")


CASES = [chapter_into_another_handbook, book_yaml_into_another_handbook, chapter_to_the_system,
         listed_chapter_by_a_relative_link, png_outside, svg_outside, folder_of_pictures_outside,
         cover_outside, chapter_that_leads_nowhere]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_a_link_out_of_the_handbook_is_refused_by_check_and_by_every_edition(
        tmp_path, outside, capsys, case):
    folder, message = case(tmp_path, outside)
    checked = run("check", folder, tmp_path / "out", capsys)
    built = run("all", folder, tmp_path / "out", capsys)
    assert checked == built  # the same findings, word for word, and exit 2
    status, lines = built
    assert status == 2 and lines[0] == message and lines[-1] == "1 error; nothing was written"
    assert not (tmp_path / "out").exists()


def test_a_link_that_stays_inside_the_handbook_is_followed(tmp_path, capsys):
    folder = handbook(tmp_path, "![A picture](images/p.png)\n", **{
        "pictures/shared.png": picture(), "chapters/b.md": "---\ntitle: B\nsummary: S.\n---\n\nB.\n"})
    link(folder / "images" / "p.png", "../pictures/shared.png")
    link(folder / "02-b.md", "chapters/b.md")
    status, _ = run("pdf", folder, tmp_path / "out", capsys)
    assert status == 0 and (tmp_path / "out" / "guide.pdf").is_file()


@pytest.mark.slow
def test_a_picture_named_with_a_space_is_found_written_either_way(tmp_path, capsys):
    folder = handbook(tmp_path, "![One](images/a%20b.png)\n\n![Two](<images/a b.png>)\n",
                      **{"images/a b.png": picture()})
    status, lines = run("all", folder, tmp_path / "out", capsys)
    assert (status, lines) == (0, [])


@pytest.mark.parametrize("svg", [
    '<style>@import url(theme.css);</style><rect width="4" height="4"/>',
    '<style>@import "theme.css";</style><rect width="4" height="4"/>',
    '<rect width="4" height="4" style="fill: url(other.svg#paint)"/>',
], ids=["import-url", "import-string", "paint-from-another-file"])
def test_an_svg_that_imports_or_paints_from_another_file_is_refused(tmp_path, capsys, svg):
    picture_file = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">{svg}</svg>'
    folder = handbook(tmp_path, "![A picture](images/p.svg)\n",
                      **{"images/p.svg": picture_file, "images/theme.css": "rect { fill: red }",
                         "images/other.svg": picture("svg")})
    status, lines = run("all", folder, tmp_path / "out", capsys)
    assert status == 2 and lines[0].startswith(
        f"{folder}/01-a.md:6: error: the picture 'images/p.svg' refers to '")
    assert "outside itself" in lines[0] and not (tmp_path / "out").exists()


TRACE = textwrap.dedent("""
    import os, sys
    log = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def trace(event, arguments):  # every process of the build, helpers too (they are forked)
        if event == "open" and isinstance(arguments[0], (str, bytes, os.PathLike)):
            os.write(log, os.fsencode(os.path.abspath(arguments[0])) + b"\\n")

    sys.addaudithook(trace)
    from press.cli import main
    raise SystemExit(main(sys.argv[2:]))
""")


@pytest.mark.slow
def test_a_build_opens_no_file_outside_the_handbook_the_theme_and_the_libraries(tmp_path):
    """Every file opened while `all` builds a handbook with pictures, traced in Python's
    audit hook: the handbook, the project's theme and code, the libraries and the output
    folder; the layout engine's own scratch copies of the theme's fonts in the temporary
    folder it is given; nothing else, though another handbook lies beside this one."""
    folder = copy_handbook(EVERY_FEATURE, tmp_path / "every-feature")
    write_handbook(tmp_path / "neighbour", {"book.yaml": MINIMAL_BOOK, "01-a.md": MINIMAL_CHAPTER})
    scratch, log, output = tmp_path / "scratch", tmp_path / "opened.txt", tmp_path / "out"
    scratch.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", TRACE, str(log), "all", str(folder), "--output", str(output)],
        cwd=ROOT, env={**os.environ, "TMPDIR": str(scratch)}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # The date library (Babel) reads the machine's time zone as it is imported; no date is
    # written in it (a publication date has none).
    zone = [Path("/usr/share/zoneinfo"), Path("/etc/localtime")]
    allowed = [folder, output, scratch, ROOT / "press", ROOT / "styles", ROOT / "templates",
               ROOT / "words", ROOT / "requirements.txt", Path(sys.prefix),
               Path(sys.base_prefix), Path(os.devnull), *zone]
    opened = set(log.read_text().splitlines())
    assert any(Path(path).is_relative_to(folder / "images") for path in opened)
    outside = sorted(path for path in opened if not any(
        Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root)) for root in allowed))
    assert outside == []


@pytest.mark.slow
def test_odd_names_build_rather_than_crash(tmp_path, capsys):
    """A footnote label with a quote and a space, a cover named './cover.png', and a file
    whose name is not UTF-8 lying in the folder: each builds."""
    folder = handbook(tmp_path, 'A note[^a "b].\n\n[^a "b]: The note.\n', **{
        "book.yaml": minimal_book("cover: ./cover.png"), "cover.png": picture()})
    (folder / os.fsdecode(b"draft-\xff.txt")).write_bytes(b"notes")
    status, lines = run("all", folder, tmp_path / "out", capsys)
    assert (status, lines) == (0, [])


@pytest.mark.slow
def test_an_output_folder_among_the_pictures_still_sees_them_change(tmp_path, capsys):
    folder = handbook(tmp_path, "![A picture](images/p.png)\n", **{"images/p.png": picture()})
    output = folder / "images"
    assert run("pdf", folder, output, capsys)[0] == 0
    (folder / "images" / "p.png").write_bytes(picture("png", size=8))
    assert main(["pdf", str(folder), "--output", str(output)]) == 0
    assert "up to date" not in capsys.readouterr().out


@pytest.mark.slow
def test_sources_saved_while_a_build_runs_leave_no_stamp(tmp_path, capsys, monkeypatch):
    """Saved between the check and the end of the build: the book holds the sources as
    they were read, and the next build makes it again from the sources as they are."""
    import press.publishing

    folder = handbook(tmp_path, "First words.\n")
    real_commit = press.publishing.commit

    def save_then_commit(output, built, report):
        (folder / "01-a.md").write_text("---\ntitle: A\nsummary: S.\n---\n\nSecond words.\n")
        real_commit(output, built, report)

    monkeypatch.setattr(press.publishing, "commit", save_then_commit)
    assert main(["pdf", str(folder), "--output", str(tmp_path / "out")]) == 0
    monkeypatch.setattr(press.publishing, "commit", real_commit)
    capsys.readouterr()
    assert main(["pdf", str(folder), "--output", str(tmp_path / "out")]) == 0
    assert "up to date" not in capsys.readouterr().out
