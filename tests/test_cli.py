"""The command line: exit statuses, messages as path:line, and nothing written for bad sources."""

from __future__ import annotations

import os
import re
import stat

import pytest

from press.cli import main

from .helpers import MINIMAL_BOOK, MINIMAL_CHAPTER, write_handbook

BAD_SOURCES = [
    pytest.param({"book.yaml": "titel: A Handbook\nlanguage: en-GB\n"},
                 "book.yaml:1: error: unknown key 'titel'", "did you mean 'title'?",
                 id="unknown-key"),
    pytest.param({"book.yaml": "title: A\nlanguage: en-GB\ndate: 2026-13-01\n"},
                 "book.yaml:3: error: date: '2026-13-01' is not a date: write it as YYYY-MM-DD",
                 None, id="bad-date"),
    pytest.param({"book.yaml": "title: A\nlanguage: en-GB\npage_size: A3\n"},
                 "book.yaml:3: error: page_size: 'A3' is not a page size: use one of A5, A4, "
                 "Letter", None, id="bad-page-size"),
    pytest.param({"book.yaml": "title: A\nlanguage: english please\n"},
                 "book.yaml:2: error: language: 'english please' is not a BCP 47 language tag "
                 "such as en-GB", None, id="bad-language"),
    pytest.param({"book.yaml": "title: A\nlanguage: en-GB\nurl: example.org\n"},
                 "book.yaml:3: error: url: 'example.org' is not an absolute http(s):// address",
                 None, id="bad-url"),
    pytest.param({"01-only.md": "---\ntitle: T\n---\n\nRated [stars: 11/10].\n"},
                 "01-only.md:5: error: [stars: 11/10]: a rating cannot exceed its scale", None,
                 id="rating-over-scale"),
    pytest.param({"01-only.md": "---\ntitle: T\n---\n\n!!! danger\n    Careful.\n"},
                 "01-only.md:5: error: unknown callout kind 'danger'",
                 "known kinds: note, tip, warning, pros, cons, myth", id="unknown-callout"),
    pytest.param({"01-only.md": "---\ntitle: T\n---\n\n# Title again\n"},
                 "01-only.md:5: error: a '#' heading in a chapter's body",
                 "the chapter's title comes from its front matter: start sections at '##'",
                 id="level-one-heading"),
    pytest.param({"01-only.md": "---\ntitle: T\n---\n\nSee [this](02-missing.md).\n"},
                 "01-only.md:5: error: the link '02-missing.md' leads to a chapter that does "
                 "not exist", "chapters: 01-only.md", id="missing-chapter-link"),
    pytest.param({"01-only.md": "---\ntitle: T\n---\n\n![](images/x.png)\n"},
                 "01-only.md:5: error: the image 'images/x.png' has no alt text",
                 "describe the picture between the brackets: ![what it shows](...)",
                 id="image-without-alt"),
    pytest.param({"01-only.md": "---\ntitle: T\n---\n\nHi <script>alert(1)</script>\n"},
                 "01-only.md:5: error: the HTML tag <script> is not allowed",
                 "allowed: <br>, <sup>, <sub>, <abbr>, <kbd>, <span>", id="script"),
    pytest.param({"01-only.md": "---\nsummary: no title\n---\n\nText.\n"},
                 "01-only.md:1: error: the required key 'title' is missing",
                 "add a line 'title: ...' (the chapter's title)", id="no-title"),
    pytest.param({"01-only.md": "---\ntitle: T\n---\n\nAn em dash gone wrong â€” here.\n"},
                 "01-only.md:5: error: 'â€' looks like damaged text (mojibake)",
                 "retype the character that was meant, such as a dash, a quote or an accented "
                 "letter", id="mojibake"),
]


@pytest.mark.parametrize("files, message, hint", BAD_SOURCES)
def test_bad_source_reports_its_place_and_exits_2_writing_nothing(
        tmp_path, capsys, files, message, hint):
    """The message's whole line, and under it its hint, or no hint where there is none."""
    folder = write_handbook(tmp_path / "bad", {"book.yaml": MINIMAL_BOOK,
                                               "01-only.md": MINIMAL_CHAPTER, **files})
    output = tmp_path / "out"
    status = main(["pdf", str(folder), "--output", str(output)])
    captured = capsys.readouterr()
    assert status == 2
    lines = captured.err.splitlines()
    assert f"{folder}/{message}" in lines
    after = lines[lines.index(f"{folder}/{message}") + 1]
    if hint is None:
        assert not after.lstrip().startswith("hint:"), after
    else:
        assert after == f"    hint: {hint}"
    assert "Traceback" not in captured.err
    assert not output.exists() or not any(output.iterdir())


def test_all_errors_of_a_run_are_reported_together(tmp_path, capsys):
    folder = write_handbook(tmp_path / "bad", {
        "book.yaml": "titel: A\nlanguage: en-GB\n",
        "01-a.md": "---\ntitle: A\n---\n\n[stars: 6/5] and [stars: words]\n",
        "02-b.md": "---\ntitle: B\n---\n\n!!! danger\n    x\n"})
    assert main(["check", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "book.yaml:1: error: unknown key 'titel'" in err
    assert "01-a.md:5: error: [stars: 6/5]" in err
    assert "01-a.md:5: error: [stars: words]" in err
    assert "02-b.md:5: error: unknown callout kind 'danger'" in err
    assert "5 errors; nothing was written" in err


def test_paths_in_messages_are_as_the_author_typed_them(tmp_path, capsys, monkeypatch):
    write_handbook(tmp_path / "handbooks" / "mine", {
        "book.yaml": MINIMAL_BOOK, "01-a.md": "---\ntitle: A\n---\n\n[stars: 9/5]\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "handbooks/mine"]) == 2
    assert "handbooks/mine/01-a.md:5: error:" in capsys.readouterr().err


def test_a_good_handbook_builds_and_says_where(small_handbook, tmp_path, capsys):
    output = tmp_path / "out"
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    assert (output / "small.pdf").read_bytes().startswith(b"%PDF-")
    out = capsys.readouterr().out
    assert str(output / "small.pdf") in out


def test_a_failed_build_leaves_the_earlier_file_untouched(small_handbook, tmp_path):
    output = tmp_path / "out"
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    before = (output / "small.pdf").read_bytes()
    (small_handbook / "01-only.md").write_text("---\ntitle: T\n---\n\n[stars: 12/10]\n")
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 2
    assert (output / "small.pdf").read_bytes() == before
    assert sorted(p.name for p in output.iterdir() if not p.name.startswith(".")) == ["small.pdf"]


def test_check_reports_a_clean_handbook(small_handbook, capsys):
    assert main(["check", str(small_handbook)]) == 0
    assert "no problems found" in capsys.readouterr().out


def test_unknown_command_and_missing_folder_exit_2(tmp_path, capsys):
    assert main(["poster"]) == 2
    assert main(["pdf", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'poster'" in err
    assert "nowhere: no such handbook folder" in err


def test_folder_without_book_yaml_is_a_source_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["pdf", str(tmp_path / "empty")]) == 2
    assert f"{tmp_path / 'empty'}: error: this folder has no book.yaml" in capsys.readouterr().err


def test_shipped_handbooks_are_clean():
    assert main(["check"]) == 0


def test_written_files_are_readable_by_others_as_usual(small_handbook, tmp_path):
    output = tmp_path / "out"
    mask = os.umask(0o022)
    try:
        assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    finally:
        os.umask(mask)
    assert stat.S_IMODE((output / "small.pdf").stat().st_mode) == 0o644


def test_warnings_are_printed_and_the_build_goes_on(small_handbook, tmp_path, capsys):
    (small_handbook / "01-only.md").write_text("---\ntitle: T\n---\n\n## A\n\n#### B\n")
    assert main(["pdf", str(small_handbook), "--output", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert f"{small_handbook}/01-only.md:7: warning: a level-4 heading follows a level-2 one" in err
    assert f"{small_handbook}/01-only.md:1: warning: this chapter has no summary" in err
    assert (tmp_path / "out" / "small.pdf").exists()


def test_strict_makes_warnings_errors_and_writes_nothing(small_handbook, tmp_path, capsys):
    (small_handbook / "01-only.md").write_text("---\ntitle: T\nsummary: S.\n---\n\n## A\n\n#### B\n")
    assert main(["pdf", str(small_handbook), "--strict", "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{small_handbook}/01-only.md:8: error: a level-4 heading follows a level-2 one" in err
    assert not (tmp_path / "out").exists()


def test_editions_joined_by_commas_build_in_one_run(small_handbook, tmp_path, capsys):
    assert main(["epub,flyer", str(small_handbook), "--output", str(tmp_path / "out")]) == 0
    # Each edition as it starts and as it ends, with its pages and seconds: the EPUB reads
    # the print pages' numbers from the PDF, which is made first.
    lines = capsys.readouterr().out.splitlines()
    ends = [re.fullmatch(r"(\S+) \((?:(.+), )?\d+\.\d s\)", line.split(" -> ")[1]).groups()
            for line in lines if " -> " in line]
    assert ends == [(f"{tmp_path}/out/small-flyer.pdf", "1 page"),
                    (f"{tmp_path}/out/small.pdf", "8 pages"), (f"{tmp_path}/out/small.epub", None)]
    assert [line for line in lines if " -> " not in line] == [
        f"{small_handbook}: making {name}" for name in ("flyer", "pdf", "epub")]


def test_a_command_of_editions_names_only_editions(capsys):
    assert main(["pdf,poster"]) == 2
    assert "invalid choice: 'poster'" in capsys.readouterr().err


def test_options_stand_before_or_after_the_handbooks(small_handbook, tmp_path, capsys):
    """As an author copies a command: `--strict` or `--output` first, last or between."""
    assert main(["check", "--strict", str(small_handbook)]) == 0
    assert main(["check", str(small_handbook), "--strict"]) == 0
    other = write_handbook(tmp_path / "other", {"book.yaml": MINIMAL_BOOK,
                                                "01-only.md": MINIMAL_CHAPTER})
    assert main(["check", str(small_handbook), "--strict", str(other)]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[-2:] == [f"{small_handbook}: no problems found", f"{other}: no problems found"]


def test_a_folder_in_chapters_without_book_yaml_is_named(tmp_path, monkeypatch, capsys):
    import press.cli

    write_handbook(tmp_path / "chapters" / "nursing", {"book.yaml": MINIMAL_BOOK,
                                                       "01-only.md": MINIMAL_CHAPTER})
    (tmp_path / "chapters" / "drafts").mkdir()
    (tmp_path / "chapters" / "drafts" / "01-idea.md").write_text("An idea.\n")
    monkeypatch.setattr(press.cli, "PROJECT", tmp_path)
    assert main(["check"]) == 0
    said = capsys.readouterr()
    assert said.err == ("publish.py: notice: chapters/drafts has no book.yaml, so it is not "
                        "built (a handbook's folder needs one)\n")
    assert said.out == "chapters/nursing: no problems found\n"


def test_a_python_without_the_dependencies_is_told_which_to_use():
    """Run by a Python that lacks the pipeline's libraries (here the project's own, told to
    ignore its site-packages), publish.py says to use make or .venv/bin/python."""
    import subprocess
    import sys

    from press import PROJECT

    run = subprocess.run([sys.executable, "-S", "publish.py", "check"], cwd=PROJECT,
                         capture_output=True, text=True)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.startswith("publish.py: error: this Python (")
    assert "'make pdf'" in run.stderr and ".venv/bin/python publish.py" in run.stderr
    assert "Traceback" not in run.stderr


def test_on_a_terminal_a_catalogue_shows_a_progress_bar(tmp_path):
    """Printed to a terminal, the lines of several handbooks come with a bar below them of
    the editions made; printed to a file or a pipe, plain lines (the tests above)."""
    import pty
    import subprocess
    import sys

    from press import PROJECT

    folders = [write_handbook(tmp_path / name, {"book.yaml": MINIMAL_BOOK,
                                                "01-a.md": MINIMAL_CHAPTER})
               for name in ("first", "second")]
    main_end, terminal = pty.openpty()
    run = subprocess.Popen([sys.executable, "publish.py", "flyer", *map(str, folders),
                            "--output", str(tmp_path / "out")], cwd=PROJECT, stdout=terminal,
                           stderr=subprocess.PIPE)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main_end, 4096)
        except OSError:  # the program ended and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert run.wait(timeout=60) == 0
    text = shown.decode()
    assert "] 1 of 2 editions" in text and "[" + "#" * 30 + "] 2 of 2 editions" in text
    assert f"{folders[1]} -> {tmp_path}/out/second-flyer.pdf (1 page" in text
    assert text.endswith("\r\x1b[K")  # the bar cleared at the end
