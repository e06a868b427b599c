"""The command line: python publish.py FORMAT [HANDBOOK ...] [--output DIR]."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import traceback
from pathlib import Path

from multiprocessing import Pool

from . import PROJECT
from .cache import OUTPUT_NAMES, handbook_digest, inputs_digest, remember, up_to_date
from .findings import SourceError

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
    parser.add_argument("command", choices=list(COMMANDS), metavar="COMMAND",
                        help="; ".join(f"{name}: {text}" for name, text in COMMANDS.items()))
    parser.add_argument("handbooks", nargs="*", metavar="HANDBOOK",
                        help="handbook folders (default: every folder in chapters/ with a "
                             "book.yaml)")
    parser.add_argument("--output", default="output", metavar="DIR",
                        help="where to write the files (default: output/)")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings as errors: nothing is built while any remains")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 built, 2 bad sources, 1 other)."""
    try:
        arguments = make_parser().parse_args(argv)
        folders = _folders(arguments.handbooks)
    except ArgumentError as error:
        print(f"publish.py: error: {error}", file=sys.stderr)
        return 2
    try:
        return _run(arguments.command, folders, Path(arguments.output), arguments.strict)
    except SourceError as error:
        _report(error)
        return 2
    except Exception:  # noqa: BLE001 - a fault of the pipeline, not of the sources
        traceback.print_exc()
        print("publish.py: internal error: this is a bug in the publishing pipeline, "
              "not in your handbook", file=sys.stderr)
        return 1


def _folders(given: list[str]) -> list[tuple[Path, str]]:
    if not given:
        found = sorted(path.parent for path in (PROJECT / "chapters").glob("*/book.yaml"))
        if not found:
            raise ArgumentError("no handbook folders in chapters/")
        return [(folder, str(folder.relative_to(PROJECT))) for folder in found]
    folders = []
    for name in given:
        folder = Path(name)
        if not folder.is_dir():
            raise ArgumentError(f"{name}: no such handbook folder")
        folders.append((folder, name))
    return folders


def _run(command: str, folders: list[tuple[Path, str]], output: Path, strict: bool) -> int:
    editions = [] if command == "check" else list(OUTPUT_NAMES) if command == "all" else [command]
    return publish(editions, folders, output, strict)


def publish(editions: list[str], folders: list[tuple[Path, str]], output: Path,
            strict: bool = False, parallel: bool = True) -> int:
    """Build ``editions`` of each (folder, folder as given), or only check them if none.

    Returns the exit status; raises SourceError with every problem of every handbook.
    """
    wanted = []
    for folder, as_given in folders:  # what is already built from these very inputs is skipped
        handbook = handbook_digest(folder) if editions else b""
        digests = {edition: inputs_digest(folder, edition, handbook) for edition in editions}
        # --strict always checks again: an earlier build may have let warnings through.
        stale = {edition: digest for edition, digest in digests.items()
                 if strict or not up_to_date(folder, output, edition, digest)}
        if editions and not stale:
            print(f"{as_given}: up to date")
            continue
        wanted.append((folder, as_given, stale))
    if not wanted:
        return 0
    groups = sum(len(edition_groups(list(digests))) for _, _, digests in wanted)
    # Helper processes, one a core, start before the sources are checked, so that each loads
    # the layout engine while this process reads and checks the handbooks.
    helpers = None
    if parallel and groups:
        helpers = Pool(min(groups, os.cpu_count() or 1), initializer=prepare_builder)
    try:
        status = _check_and_build(editions, wanted, output, strict, helpers)
    except BaseException:
        if helpers is not None:
            helpers.terminate()  # nothing of theirs is wanted now
        raise
    if helpers is not None:
        helpers.close()
        helpers.join()
    return status


def prepare_builder() -> None:
    """Make this process ready to build: the pipeline loaded, garbage collected less often.

    Laying out a book makes millions of short-lived objects; Python's collector, run every
    700 of them over a heap of hundreds of thousands, took a fifth of the layout time.
    """
    from . import build, pdf  # noqa: F401  (loaded now, while the sources are checked)

    gc.freeze()  # what is loaded lives as long as the process: the collector skips it
    gc.set_threshold(20_000, 20, 100)


def _check_and_build(editions: list[str], wanted: list, output: Path, strict: bool,
                     helpers: Pool | None) -> int:
    from .build import load_and_check  # the pipeline loads only when there is work to do

    checked, findings = [], []
    for folder, as_given, _ in wanted:  # gather and check everything before writing anything
        try:
            checked.append(load_and_check(folder, as_given, strict))
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
    # One job a group of editions that share work (the booklet is imposed from the PDF),
    # run by the helpers, in parallel, one process a core.
    jobs = [(index, handbook, group, output)
            for index, (handbook, (_, _, digests)) in enumerate(zip(checked, wanted))
            for group in edition_groups(list(digests))]
    if helpers is not None:
        results = helpers.map(_build, jobs, chunksize=1)
    else:
        results = [_build(job) for job in jobs]
    built_by_book: dict[int, dict[str, object]] = {}
    for (index, _, group, _), built_files in zip(jobs, results):
        built_by_book.setdefault(index, {}).update(zip(group, built_files))
    for index, (folder, _, digests) in enumerate(wanted):
        for edition in digests:  # reported in the order of the editions, book by book
            built = built_by_book[index][edition]
            remember(folder, output, edition, digests[edition])
            unit = built.unit if built.count != 1 else built.unit.rstrip("s")
            count = f" ({built.count} {unit})" if built.count else ""
            print(f"{built.book.display_folder} -> {built.path}{count}")
    return 0


SHARED_WORK = (("pdf", "booklet"),)  # editions built best in one process


def edition_groups(editions: list[str]) -> list[list[str]]:
    """The editions split into jobs; those that share work stay together."""
    groups = [[edition for edition in shared if edition in editions] for shared in SHARED_WORK]
    together = {edition for group in groups for edition in group}
    groups += [[edition] for edition in editions if edition not in together]
    return [group for group in groups if group]


def _build(job):
    from .build import build

    _, handbook, editions, output = job
    return build(handbook.book, editions, output, handbook.chapters)


def _report(error: SourceError) -> None:
    for finding in error.findings:
        print(finding, file=sys.stderr)
    count = len(error.findings)
    print(f"{count} error{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
