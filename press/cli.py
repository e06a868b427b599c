"""The command line: python publish.py COMMAND [HANDBOOK ...] [--output DIR] [--strict]."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import traceback
from pathlib import Path

from . import PROJECT
from .editions import COMMANDS, EDITIONS, RESERVED, SITE
from .findings import SourceError
from .output import MACHINE_FAULTS, HelperDied, OutputError, fault
from .publishing import publish


class ArgumentError(Exception):
    """The command line itself is wrong."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ArgumentError(message)


def make_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="publish.py", description="Publish careers handbooks from Markdown.")
    parser.add_argument("command", type=command, metavar="COMMAND",
                        help="; ".join(f"{name}: {text}" for name, text in COMMANDS.items())
                        + "; several editions joined by commas (pdf,epub) build in one run")
    parser.add_argument("handbooks", nargs="*", metavar="HANDBOOK",
                        help="handbook folders (default: every folder in chapters/ with a "
                             "book.yaml)")
    parser.add_argument("--output", default="output", metavar="DIR",
                        help="where to write the files (default: output/)")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings as errors: nothing is built while any remains")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 built, 2 bad sources or arguments,
    1 a fault of the machine or the pipeline, 130 stopped by Ctrl-C)."""
    given = sys.argv[1:] if argv is None else argv
    if given[:1] == ["preview"]:  # it runs until Ctrl-C, which ends it as it should (exit 0)
        return _preview(given[1:])
    try:
        with stopped_by_signals():
            return _main(argv)
    except Stopped as stop:
        print(f"publish.py: stopped ({stop.cause}); no file was changed half-way",
              file=sys.stderr)
        return stop.status


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["new"]:
        return _new(argv[1:])
    try:
        # Options may stand before or after the handbooks, as an author copies them.
        arguments = make_parser().parse_intermixed_args(argv)
        folders = _folders(arguments.handbooks)
        editions, validating = arguments.command
        if SITE in editions:
            _site_names(folders)
        output = _output(arguments.output)
    except ArgumentError as error:
        print(f"publish.py: error: {error}", file=sys.stderr)
        return 2
    try:
        if validating:
            return _validate(folders, output, arguments.strict)
        return publish(editions, folders, output, arguments.strict)
    except SourceError as error:
        _report(error)
        return 2
    except HelperDied:
        print("publish.py: error: a build process ended before its work was done (it was "
              "stopped, or the machine ran out of memory); no file was changed",
              file=sys.stderr)
        return 1
    except OSError as error:
        if not isinstance(error, OutputError) and error.errno not in MACHINE_FAULTS:
            return _internal_error()
        if not isinstance(error, OutputError):  # a library's own file: a font's scratch copy
            error = fault(error.filename or "a temporary file", error)
        print(f"publish.py: error: cannot write {error.path}: {error.cause}", file=sys.stderr)
        return 1
    except Exception:  # noqa: BLE001 - a fault of the pipeline, not of the sources
        return _internal_error()


def _internal_error() -> int:
    traceback.print_exc()
    print("publish.py: internal error: this is a bug in the publishing pipeline, "
          "not in your handbook", file=sys.stderr)
    return 1


class Stopped(BaseException):
    """The build was asked to stop (Ctrl-C, or a signal to end)."""

    def __init__(self, cause: str, status: int):
        super().__init__(cause)
        self.cause, self.status = cause, status


@contextlib.contextmanager
def stopped_by_signals():
    """Ctrl-C and SIGTERM stop the build as an exception, so that every temporary file is
    removed on the way out; the helpers end with it."""
    def stop(number, frame):
        raise Stopped("Ctrl-C" if number == signal.SIGINT else "asked to end",
                      128 + number)

    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only: whoever runs this there handles them
        return
    previous = {number: signal.signal(number, stop)
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _folders(given: list[str]) -> list[tuple[Path, str]]:
    if not given:
        found = sorted(path.parent for path in (PROJECT / "chapters").glob("*/book.yaml"))
        for folder in sorted((PROJECT / "chapters").iterdir()):
            if (folder.is_dir() and not folder.name.startswith(".")
                    and not (folder / "book.yaml").is_file()):
                print(f"publish.py: notice: {folder.relative_to(PROJECT)} has no book.yaml, so "
                      "it is not built (a handbook's folder needs one)", file=sys.stderr)
        if not found:
            raise ArgumentError("no handbook folders in chapters/")
        folders = [(folder, str(folder.relative_to(PROJECT))) for folder in found]
    else:
        folders = []
        for name in given:
            folder = Path(name)
            if not folder.is_dir():
                raise ArgumentError(f"{name}: no such handbook folder")
            folders.append((folder, name))
    by_slug: dict[str, tuple[Path, str]] = {}
    unique = []
    for folder, name in folders:
        slug = folder.resolve().name
        if slug in by_slug:
            if by_slug[slug][0].resolve() == folder.resolve():
                continue  # the same handbook named twice
            raise ArgumentError(f"{by_slug[slug][1]} and {name} are both handbooks named "
                                f"'{slug}': their files would overwrite each other; rename "
                                "one folder")
        by_slug[slug] = (folder, name)
        unique.append((folder, name))
    return unique


def _new(argv: list[str]) -> int:
    """`new FOLDER [--title TITLE] [--language TAG]`: a handbook to start from."""
    from .new import NewError, new_handbook

    parser = Parser(prog="publish.py new",
                    description="Make a new handbook that shows every feature once.")
    parser.add_argument("folder", metavar="FOLDER", help="the new handbook's folder")
    parser.add_argument("--title", help="its title (default: from the folder's name)")
    parser.add_argument("--language", default="en-GB", metavar="TAG",
                        help="its language, a BCP 47 tag (default: en-GB)")
    try:
        arguments = parser.parse_intermixed_args(argv)
        made = new_handbook(Path(arguments.folder), arguments.title, arguments.language)
    except (ArgumentError, NewError) as error:
        print(f"publish.py: error: {error}", file=sys.stderr)
        return 2
    folder = arguments.folder
    chapters = sum(path.suffix == ".md" for path in made)
    pictures = sum(path.parent.name == "images" for path in made)
    print(f"{folder}: a new handbook, with book.yaml, {chapters} chapters and {pictures} "
          "pictures that show every feature once")
    print(f"Next: edit them, then 'make check BOOK={folder}' and 'make pdf BOOK={folder}'")
    return 0


def _preview(argv: list[str]) -> int:
    """`preview [HANDBOOK] [--port N]`: the handbook served while it is written."""
    parser = Parser(prog="publish.py preview",
                    description="Show the handbook's pages, updated as its files are saved.")
    parser.add_argument("handbook", nargs="?", metavar="HANDBOOK",
                        help="the handbook's folder (default: the one folder in chapters/)")
    parser.add_argument("--port", type=int, default=8000, metavar="N",
                        help="the port on 127.0.0.1 (default: 8000)")
    try:
        arguments = parser.parse_intermixed_args(argv)
        folders = _folders([arguments.handbook] if arguments.handbook else [])
        if len(folders) != 1:
            raise ArgumentError("say which handbook to preview: " + ", ".join(
                name for _, name in folders))
        if not 0 < arguments.port < 65536:
            raise ArgumentError(f"--port {arguments.port}: a port is a number from 1 to 65535")
    except ArgumentError as error:
        print(f"publish.py: error: {error}", file=sys.stderr)
        return 2
    from .preview import serve

    folder, name = folders[0]
    return serve(folder, name, arguments.port)


def _site_names(folders: list[tuple[Path, str]]) -> None:
    """A handbook's folder in the site is named by its slug: none may take a name the site
    keeps for itself."""
    for folder, name in folders:
        if folder.resolve().name in RESERVED:
            raise ArgumentError(f"{name}: the site keeps the name '{folder.resolve().name}' "
                                f"for itself ({', '.join(sorted(RESERVED))}); rename the "
                                "handbook's folder")


def _output(given: str) -> Path:
    output = Path(given)
    if output.exists() and not output.is_dir():
        raise ArgumentError(f"--output {given}: this is a file, not a folder")
    return output


def command(word: str) -> tuple[list[str], bool]:
    """The editions a command's first word names (none for ``check``): ``pdf,epub``, ``all``;
    and whether the checkers then run on them (``validate``)."""
    if word == "validate":
        from .validate import EDITIONS_CHECKED

        return list(EDITIONS_CHECKED), True
    if word in ("check", "all"):
        return ([] if word == "check" else list(EDITIONS)), False
    parts = word.split(",")
    for part in parts:
        if part not in EDITIONS:
            raise argparse.ArgumentTypeError(
                f"invalid choice: '{part}' (choose from {', '.join(COMMANDS)}, or editions "
                "joined by commas)")
    return list(dict.fromkeys(parts)), False


def _validate(folders: list[tuple[Path, str]], output: Path, strict: bool) -> int:
    """Build the editions that can claim a conformance with their claims and run the
    checkers on them; record what they found (press.verdicts), and make again without its
    claim each edition they did not pass; then build the site, whose accessibility
    statement says what they found, and check its pages. Print each finding; exit 1 if
    any."""
    from . import verdicts
    from .cache import stamp_path
    from .validate import edition_findings, site_findings

    status = publish(list(verdicts.CLAIMING), folders, output, strict, claiming=True)
    if status:
        return status
    slugs = [folder.resolve().name for folder, _ in folders]
    found: list[str] = []
    failed = []
    for (folder, name), slug in zip(folders, slugs):
        by_edition = edition_findings(output, slug)
        checked = {}
        for edition, lines in by_edition.items():
            try:  # the digest of the file checked (none if its sources changed meanwhile)
                digest = stamp_path(output, slug, edition).read_text()
            except OSError:
                digest = ""
            checked[edition] = (digest, len(lines) if digest else max(len(lines), 1))
            found += lines
        verdicts.record(output, slug, checked)
        if any(count for _, count in checked.values()):
            failed.append((folder, name))
    if failed:  # no file may claim what the checkers did not find
        publish(list(verdicts.CLAIMING), failed, output, strict)
    status = publish([SITE], folders, output, strict)
    if status:
        return status
    found += site_findings(output, slugs)
    for line in found:
        print(line, file=sys.stderr)
    count = len(found)
    print(f"validate: {count} finding{'s' if count != 1 else ''}" if count else
          "validate: EPUBCheck, PDF/UA-1 (page-validation) and axe-core found nothing")
    return 1 if found else 0


def _report(error: SourceError) -> None:
    for finding in error.findings:
        print(finding, file=sys.stderr)
    count = len(error.findings)
    print(f"{count} error{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
