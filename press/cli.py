"""The command line: python publish.py COMMAND [HANDBOOK ...] [--output DIR] [--strict]."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

from . import PROJECT
from .cache import (OUTPUT_NAMES, STAMPS, edition_digest, forget, handbook_digest, outputs,
                    remember, up_to_date)
from .findings import SourceError
from .output import (MACHINE_FAULTS, HelperDied, OutputError, fault, locked, prepare,
                     remove_temporaries, replace)

COMMANDS = {
    "pdf": "the PDF for screens and office printers (<slug>.pdf)",
    "epub": "the EPUB 3 e-book (<slug>.epub)",
    "print": "the press PDF with bleed, crop marks and CMYK (<slug>-print.pdf)",
    "booklet": "A5 pages two-up for a duplex office printer (<slug>-booklet.pdf)",
    "flyer": "a one-sheet fact sheet for a careers fair stand (<slug>-flyer.pdf)",
    "all": "every edition",
    "check": "check the sources without building anything",
}


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
    try:
        with stopped_by_signals():
            return _main(argv)
    except Stopped as stop:
        print(f"publish.py: stopped ({stop.cause}); no file was changed half-way",
              file=sys.stderr)
        return stop.status


def _main(argv: list[str] | None) -> int:
    try:
        arguments = make_parser().parse_args(argv)
        folders = _folders(arguments.handbooks)
        output = _output(arguments.output)
    except ArgumentError as error:
        print(f"publish.py: error: {error}", file=sys.stderr)
        return 2
    try:
        return _run(arguments.command, folders, output, arguments.strict)
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


def _output(given: str) -> Path:
    output = Path(given)
    if output.exists() and not output.is_dir():
        raise ArgumentError(f"--output {given}: this is a file, not a folder")
    return output


def command(word: str) -> list[str]:
    """The editions a command's first word names (none for ``check``): ``pdf,epub``, ``all``."""
    if word in ("check", "all"):
        return [] if word == "check" else list(OUTPUT_NAMES)
    parts = word.split(",")
    for part in parts:
        if part not in OUTPUT_NAMES:
            raise argparse.ArgumentTypeError(
                f"invalid choice: '{part}' (choose from {', '.join(COMMANDS)}, or editions "
                "joined by commas)")
    return list(dict.fromkeys(parts))


def _run(editions: list[str], folders: list[tuple[Path, str]], output: Path,
         strict: bool) -> int:
    return publish(editions, folders, output, strict)


def publish(editions: list[str], folders: list[tuple[Path, str]], output: Path,
            strict: bool = False, parallel: bool = True) -> int:
    """Build ``editions`` of each (folder, folder as given), or only check them if none.

    Returns the exit status; raises SourceError with every problem of every handbook,
    OutputError where the machine would not let a file be written.
    """
    wanted = []
    for folder, as_given in folders:  # what is already built from these very inputs is skipped
        slug = folder.resolve().name
        handbook = handbook_digest(folder, output) if editions else b""
        digests = {edition: edition_digest(handbook, edition) for edition in editions}
        # --strict always checks again: an earlier build may have let warnings through.
        stale = {edition: digest for edition, digest in digests.items()
                 if strict or not up_to_date(slug, output, edition, digest)}
        if editions and not stale:
            print(f"{as_given}: up to date")
            continue
        wanted.append((folder, as_given, stale))
    if not wanted:
        return 0
    groups = sum(len(edition_groups(list(digests))) for _, _, digests in wanted)
    # Helper processes, one a core, start before the sources are checked, so that each loads
    # the layout engine while this process reads and checks the handbooks.
    from .helpers import Helpers  # a build with nothing to do needs no helpers

    helpers = Helpers(min(groups, os.cpu_count() or 1)) if parallel and groups else None
    try:
        status = _check_and_build(editions, wanted, output, strict, helpers)
    except BaseException:
        if helpers is not None:
            helpers.stop()
        if editions:  # what they, or this process, left half-written
            remove_temporaries(output, own=True)
            remove_temporaries(output / STAMPS, own=True)
        raise
    if helpers is not None:
        helpers.close()
    return status


def _check_and_build(editions: list[str], wanted: list, output: Path, strict: bool,
                     helpers) -> int:
    from .build import load_and_check  # the pipeline loads only when there is work to do

    checked, findings = [], []
    for folder, as_given, _ in wanted:  # gather and check everything before writing anything
        try:
            checked.append(load_and_check(folder, as_given, strict,
                                          exclude=outputs(output, folder.resolve().name)))
        except SourceError as error:
            findings += error.findings
    if findings:
        raise SourceError(findings)
    for handbook in checked:
        for warning in handbook.warnings:
            print(warning, file=sys.stderr)
    if not editions:
        for handbook in checked:
            count = len(handbook.warnings)
            verdict = f"{count} warning{'s' if count != 1 else ''}" if count else "no problems found"
            print(f"{handbook.book.display_folder}: {verdict}")
        return 0
    prepare(output)  # before any layout: can the files be written at all?
    prepare(output / STAMPS)
    # One job a group of editions that share work (the booklet is imposed from the PDF),
    # run by the helpers, in parallel, one process a core.
    jobs = [(handbook, group, output)
            for handbook, (_, _, digests) in zip(checked, wanted)
            for group in edition_groups(list(digests))]
    if helpers is not None:
        results = helpers.map(_build, jobs)
    else:
        results = [_build(job) for job in jobs]
    built = {(handbook.book.slug, edition): made for (handbook, group, _), files in
             zip(jobs, results) for edition, made in zip(group, files)}
    made = []
    for handbook, (folder, _, digests) in zip(checked, wanted):
        # Sources saved while the build ran: the files are put in place, but no stamp says
        # they were made from the sources as they are now.
        now = handbook_digest(folder, output)
        made += [(built[(handbook.book.slug, edition)],
                  digest if edition_digest(now, edition) == digest else None)
                 for edition, digest in digests.items()]
    commit(output, made)
    return 0


def commit(output: Path, built: list) -> None:
    """Put every edition made into place, and report it, in the order of the editions, book
    by book: first every stamp that would describe an old file is dropped, then the files
    take their names, then their stamps (where there is a digest) are written. A build
    stopped anywhere leaves no stamp that describes a file wrongly: at worst an edition is
    built again. Builds into one folder at once take their turns here."""
    with locked(output / STAMPS / ".lock"):
        for made, _ in built:
            forget(output, made.book.slug, made.edition)
        for made, _ in built:
            replace(made.temporary, made.path)
        for made, digest in built:
            if digest is not None:
                remember(output, made.book.slug, made.edition, digest)
    for made, _ in built:
        unit = made.unit if made.count != 1 else made.unit.rstrip("s")
        count = f" ({made.count} {unit})" if made.count else ""
        print(f"{made.book.display_folder} -> {made.path}{count}")


SHARED_WORK = (("pdf", "booklet"),)  # editions built best in one process


def edition_groups(editions: list[str]) -> list[list[str]]:
    """The editions split into jobs; those that share work stay together."""
    groups = [[edition for edition in shared if edition in editions] for shared in SHARED_WORK]
    together = {edition for group in groups for edition in group}
    groups += [[edition] for edition in editions if edition not in together]
    return [group for group in groups if group]


def _build(job):
    from .build import build

    handbook, editions, output = job
    return build(handbook, editions, output)


def _report(error: SourceError) -> None:
    for finding in error.findings:
        print(finding, file=sys.stderr)
    count = len(error.findings)
    print(f"{count} error{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
