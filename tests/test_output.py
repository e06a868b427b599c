"""Outputs and their stamps as one step: a build killed, stopped or refused by the machine
leaves every earlier output as it was, no temporary file, and nothing a later build takes
for up to date; its faults are one line each, never a traceback."""

from __future__ import annotations

import io
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from press.cli import main
from press.output import HOST

from .conftest import FIRST_HANDBOOK, ROOT
from .helpers import MINIMAL_BOOK, copy_handbook, write_handbook

# Each builds whole editions: the slow tier (make test runs every tier).
pytestmark = pytest.mark.slow

CHAPTER = "---\ntitle: The only chapter\nsummary: S.\n---\n\n{words}\n"


def text_of(pdf: Path) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)


def leftovers(output: Path) -> list[str]:
    """Temporary files in the output folder and its stamps' folder."""
    return sorted(path.name for folder in (output, output / ".press-built") if folder.is_dir()
                  for path in folder.iterdir() if path.name.endswith(".tmp"))


def publish(*arguments: str, **options) -> subprocess.Popen:
    """The command line in a process of its own, in a session of its own (as a terminal
    would run it), its output captured."""
    return subprocess.Popen([sys.executable, "publish.py", *arguments], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **options)


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as file:
        return [int(child) for child in file.read().split()]


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting to be reaped does not)."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for_helpers(process: subprocess.Popen) -> list[int]:
    """The helper processes of a build, once it has started them and they are at work."""
    for _ in range(300):
        helpers = children(process.pid)
        if helpers:
            time.sleep(1.5)  # the sources are checked and the layout has begun
            return children(process.pid)
        time.sleep(0.02)
    raise AssertionError("the build started no helper")


def test_a_build_killed_between_its_file_and_its_stamp_is_built_again(small_handbook, tmp_path):
    """Built from the first words, then killed just after putting in place a PDF of the
    second words; back at the first words, the next build must not take that PDF for one
    of the first words."""
    output = tmp_path / "out"
    chapter = small_handbook / "01-only.md"
    chapter.write_text(CHAPTER.format(words="First words."))
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    chapter.write_text(CHAPTER.format(words="Second words."))
    killed = subprocess.run([sys.executable, "-c", (
        "import os, signal, sys, press.cli as cli, press.publishing as publishing\n"
        "publishing.remember = lambda *arguments: os.kill(os.getpid(), signal.SIGKILL)\n"
        "sys.exit(cli.main(sys.argv[1:]))"), "pdf", str(small_handbook), "--output", str(output)],
        cwd=ROOT)
    assert killed.returncode == -signal.SIGKILL
    assert "Second words" in text_of(output / "small.pdf")
    chapter.write_text(CHAPTER.format(words="First words."))
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    assert "First words" in text_of(output / "small.pdf")


def test_helpers_end_with_the_command_line_and_write_nothing_after_it(tmp_path):
    output = tmp_path / "out"
    build = publish("all", str(FIRST_HANDBOOK), "--output", str(output))
    helpers = wait_for_helpers(build)
    build.kill()  # the command line's process alone, as a crash or `kill -9` would
    build.wait()
    deadline = time.monotonic() + 3
    while any(map(alive, helpers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(alive, helpers))
    assert sorted(path.name for path in output.glob("*") if not path.name.startswith(".")) == []
    # What the killed build left half-written, the next build clears away.
    assert main(["pdf", str(FIRST_HANDBOOK), "--output", str(output)]) == 0
    assert leftovers(output) == []


def test_a_helper_that_dies_is_one_line_and_exit_1_not_a_build_that_waits(tmp_path):
    """A helper ended by the machine (the kernel's out-of-memory killer, say) ends the
    build with a message, nothing changed."""
    output = tmp_path / "out"
    build = publish("all", str(FIRST_HANDBOOK), "--output", str(output))
    os.kill(wait_for_helpers(build)[0], signal.SIGKILL)
    out, err = build.communicate(timeout=60)
    assert build.returncode == 1
    assert err.splitlines() == [
        "publish.py: error: a build process ended before its work was done (it was stopped, "
        "or the machine ran out of memory); no file was changed"]
    assert sorted(path.name for path in output.glob("*") if not path.name.startswith(".")) == []
    assert leftovers(output) == []


def test_the_leftovers_of_a_killed_build_are_removed_and_others_kept(
        small_handbook, tmp_path):
    output = tmp_path / "out"
    (output / ".press-built").mkdir(parents=True)
    ended = subprocess.Popen(["true"])
    ended.wait()  # a process that no longer runs, as a killed build's
    stale = [output / f".small.pdf.{HOST}.{ended.pid}.k3j2h1.tmp",
             output / ".press-built" / f".small.pdf.digest.{HOST}.{ended.pid}.x8c7v6.tmp"]
    kept = [output / f".small.epub.{HOST}.{os.getpid()}.q1w2e3.tmp",  # a build still at work
            output / f".small.epub.elsewhere.{ended.pid}.q1w2e3.tmp",  # another machine's
            output / f".notes.txt.{HOST}.{ended.pid}.q1w2e3.tmp"]  # not a file of ours
    for path in stale + kept:
        path.write_bytes(b"half a file")
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 0
    assert leftovers(output) == sorted(path.name for path in kept)


@pytest.mark.parametrize("sent, status, cause", [(signal.SIGINT, 130, "Ctrl-C"),
                                                 (signal.SIGTERM, 143, "asked to end")])
def test_a_stopped_build_says_so_in_one_line_and_changes_nothing(tmp_path, sent, status, cause):
    folder = copy_handbook(FIRST_HANDBOOK, tmp_path / "ai-ml-engineer")
    output = tmp_path / "out"
    assert main(["pdf", str(folder), "--output", str(output)]) == 0
    before = {path.name: path.read_bytes() for path in output.iterdir() if path.is_file()}
    (folder / "01-welcome.md").write_text((folder / "01-welcome.md").read_text() + "\nMore.\n")
    build = publish("all", str(folder), "--output", str(output))
    wait_for_helpers(build)
    os.killpg(build.pid, sent)  # to the whole process group, as a terminal sends Ctrl-C
    out, err = build.communicate(timeout=30)
    assert build.returncode == status
    assert err.splitlines() == [f"publish.py: stopped ({cause}); no file was changed half-way"]
    assert {path.name: path.read_bytes() for path in output.iterdir() if path.is_file()} == before
    assert leftovers(output) == []


def test_an_output_that_is_a_file_is_a_wrong_argument(small_handbook, tmp_path, capsys):
    output = tmp_path / "out.pdf"
    output.write_bytes(b"a file of the author's")
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"publish.py: error: --output {output}: this is a file, not a folder"]
    assert output.read_bytes() == b"a file of the author's"


@pytest.fixture
def read_only(tmp_path):
    """A folder that no build may write to (for root too: immutable)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    yield folder
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(0o755)


@pytest.mark.parametrize("inside", [False, True], ids=["the-folder", "a-folder-inside-it"])
def test_a_read_only_output_folder_is_one_line_and_exit_1(small_handbook, read_only, capsys,
                                                          inside):
    output = read_only / "out" if inside else read_only
    assert main(["all", str(small_handbook), "--output", str(output)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"publish.py: error: cannot write {output}: permission denied (a folder the build "
        "may not write to)"]
    assert list(read_only.iterdir()) == []


def test_a_blocked_stamp_folder_is_one_line_and_exit_1(small_handbook, tmp_path, capsys):
    output = tmp_path / "out"
    output.mkdir()
    (output / ".press-built").write_text("not a folder")
    assert main(["pdf", str(small_handbook), "--output", str(output)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"publish.py: error: cannot write {output}/.press-built: a file stands where a folder "
        "must be"]
    assert sorted(path.name for path in output.iterdir()) == [".press-built"]


def test_a_disk_that_takes_no_more_is_one_line_and_exit_1(tmp_path):
    """Files may grow to 1 MB only (as on a disk with 1 MB left): the PDF of a handbook with
    a 1.5 MB photograph cannot be written."""
    noise = Image.frombytes("RGB", (800, 640), os.urandom(800 * 640 * 3))
    photograph = io.BytesIO()
    noise.save(photograph, format="PNG")
    folder = write_handbook(tmp_path / "photo", {
        "book.yaml": MINIMAL_BOOK, "images/photo.png": photograph.getvalue(),
        "01-a.md": CHAPTER.format(words="![A photograph](images/photo.png)")})
    output = tmp_path / "out"

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    build = publish("pdf", str(folder), "--output", str(output), preexec_fn=small_files)
    out, err = build.communicate(timeout=120)
    assert build.returncode == 1
    assert err.splitlines() == [f"publish.py: error: cannot write {output}/photo.pdf: "
                                "File too large"]
    assert sorted(path.name for path in output.iterdir()) == [".press-built"]
    assert leftovers(output) == []


def test_two_handbooks_of_one_name_are_a_wrong_argument(tmp_path, capsys):
    first = write_handbook(tmp_path / "a" / "guide", {"book.yaml": MINIMAL_BOOK,
                                                      "01-a.md": CHAPTER.format(words="A.")})
    second = write_handbook(tmp_path / "b" / "guide", {"book.yaml": MINIMAL_BOOK,
                                                       "01-a.md": CHAPTER.format(words="B.")})
    assert main(["pdf", str(first), str(second), "--output", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"publish.py: error: {first} and {second} are both handbooks named 'guide': their "
        "files would overwrite each other; rename one folder"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("inside", ["output", "."], ids=["a-folder-in-it", "the-handbook-itself"])
def test_an_output_folder_inside_the_handbook_is_up_to_date_when_nothing_changed(
        small_handbook, capsys, inside):
    output = small_handbook / inside
    assert main(["all", str(small_handbook), "--output", str(output)]) == 0
    capsys.readouterr()
    assert main(["all", str(small_handbook), "--output", str(output)]) == 0
    assert capsys.readouterr().out == f"{small_handbook}: up to date\n"
