"""Publishing: which editions of which handbooks to make, the helpers that make them side by
side, and putting the files in place with their stamps. The command line parses and
prints; this is what it runs."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

from .cache import STAMPS, edition_digest, forget, handbook_digest, outputs, remember, up_to_date
from . import verdicts
from .editions import EDITIONS, SITE, groups, rounds, wanted
from .findings import SourceError
from .output import locked, prepare, remove, remove_temporaries, replace, write_atomically


def say(line: str) -> None:
    print(line)


def warn(line: str) -> None:
    print(line, file=sys.stderr)


class Bar:
    """On a terminal, a catalogue's progress under its lines: the editions made of those
    to make. Each line is printed above the bar, which is drawn again below it."""

    WIDTH = 30

    def __init__(self, total: int, stream=None):
        self.total, self.done = total, 0
        self.stream = stream or sys.stdout

    def __call__(self, line: str) -> None:
        if " -> " in line and self.done < self.total:
            self.done += 1
        filled = self.WIDTH * self.done // max(self.total, 1)
        self.stream.write(f"\r\033[K{line}\n[{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                          f"{self.done} of {self.total} editions")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()


def inputs(handbook: bytes, edition: str, output: Path, slug: str, claiming: bool = False
           ) -> tuple[str, bool]:
    """The digest of what an edition is made from (``handbook``: the handbook's digest),
    and whether it claims its conformance: where ``claiming`` (``validate`` makes the files
    it checks so), or where the checkers passed the file these very inputs make (see
    press.verdicts). The site's statement is made from the verdicts, and its digest covers
    them."""
    digest = edition_digest(handbook, edition)
    if edition == SITE:
        return hashlib.sha256(digest.encode() + verdicts.fingerprint(output, slug)).hexdigest(), False
    if edition in verdicts.CLAIMING and (claiming or verdicts.claims(output, slug, edition,
                                                                      digest)):
        return verdicts.claiming_digest(digest), True
    return digest, False


def publish(editions: list[str], folders: list[tuple[Path, str]], output: Path,
            strict: bool = False, parallel: bool = True,
            report: Callable[[str], None] = say, claiming: bool = False) -> int:
    """Build ``editions`` (with those they need) of each (folder, folder as given), or only
    check them if none; ``report`` gets a line for each handbook done. With ``claiming``,
    the editions that can claim a conformance do (for ``validate`` to check them).

    Returns the exit status; raises SourceError with every problem of every handbook,
    OutputError where the machine would not let a file be written.
    """
    editions = wanted(editions)
    stale_books = []
    for folder, as_given in folders:  # what is already built from these very inputs is skipped
        slug = folder.resolve().name
        handbook = handbook_digest(folder, output) if editions else b""
        made = {edition: inputs(handbook, edition, output, slug, claiming)
                for edition in editions}
        digests = {edition: digest for edition, (digest, _) in made.items()}
        # --strict always checks again: an earlier build may have let warnings through.
        stale = {edition: digest for edition, digest in digests.items()
                 if strict or not up_to_date(slug, output, edition, digest)}
        if editions and not stale:
            report(f"{as_given}: up to date")
            continue
        stale_books.append((folder, as_given, stale,
                            frozenset(edition for edition, (_, claims) in made.items() if claims)))
    if not stale_books:
        if SITE in editions:
            refresh_catalogue(output, report)
        return 0
    jobs = sum(len(groups(rounds(list(digests))[0])) for _, _, digests, _ in stale_books
               if digests)
    bar = None
    if report is say and len(stale_books) > 1 and editions and sys.stdout.isatty():
        bar = report = Bar(sum(len(digests) for _, _, digests, _ in stale_books))
    # Helper processes, one a core, start before the sources are checked, so that each loads
    # the layout engine while this process reads and checks the handbooks.
    from .helpers import Helpers, cores  # a build with nothing to do needs no helpers

    helpers = Helpers(min(jobs, cores())) if parallel and jobs else None
    try:
        status = _check_and_build(editions, stale_books, output, strict, helpers, report)
        if SITE in editions and status == 0:
            refresh_catalogue(output, report)
    except BaseException:
        if helpers is not None:
            helpers.stop()
        if editions:  # what they, or this process, left half-written
            for folder in (output, output / STAMPS, output / SITE):
                remove_temporaries(folder, own=True)
        raise
    finally:
        if bar is not None:
            bar.close()
    if helpers is not None:
        helpers.close()
    return status


def _check_and_build(editions: list[str], stale_books: list, output: Path, strict: bool,
                     helpers, report) -> int:
    from .build import load_and_check  # the pipeline loads only when there is work to do

    checked, findings = [], []
    for folder, as_given, _, _ in stale_books:  # gather and check everything before writing
        try:
            checked.append(load_and_check(folder, as_given, strict,
                                          exclude=outputs(output, folder.resolve().name)))
        except SourceError as error:
            findings += error.findings
    if findings:
        raise SourceError(findings)
    for handbook in checked:
        for warning in handbook.warnings:
            warn(str(warning))
    if not editions:
        for handbook in checked:
            count = len(handbook.warnings)
            verdict = f"{count} warning{'s' if count != 1 else ''}" if count else "no problems found"
            report(f"{handbook.book.display_folder}: {verdict}")
        return 0
    prepare(output)  # before any layout: can the files be written at all?
    prepare(output / STAMPS)
    books = list(zip(checked, stale_books))
    # Round by round (an edition that reads another's finished file waits for it), one job a
    # group of editions that share work (the booklet is imposed from the PDF), run by the
    # helpers in parallel, one process a core.
    for index in range(max(len(rounds(list(digests))) for _, (_, _, digests, _) in books)):
        jobs = [(handbook, group, output, claims)
                for handbook, (_, _, digests, claims) in books
                for group in groups(_round(digests, index))]
        if any(EDITIONS[name].file.startswith(SITE + "/") for _, group, _, _ in jobs
               for name in group):
            prepare(output / SITE)
        for handbook, group, _, _ in jobs:  # each edition as it starts (the helpers take them)
            for name in group:
                report(f"{handbook.book.display_folder}: making {name}")
        results = helpers.map(_build, jobs) if helpers is not None else map(_build, jobs)
        built = {(handbook.book.slug, edition): made for (handbook, group, _, _), files in
                 zip(jobs, results) for edition, made in zip(group, files)}
        made = []
        for handbook, (folder, _, digests, claims) in books:
            # Sources saved while the build ran: the files are put in place, but no stamp
            # says they were made from the sources as they are now.
            now = handbook_digest(folder, output)
            slug = handbook.book.slug
            made += [(built[(slug, edition)],
                      digest if inputs(now, edition, output, slug, edition in claims)[0] == digest
                      else None)
                     for edition, digest in digests.items() if edition in _round(digests, index)]
        commit(output, made, report)
    return 0


def refresh_catalogue(output: Path, report: Callable[[str], None] = say) -> None:
    """Make the site's catalogue again unless it was made from the handbook folders as they
    are now (a build stopped after a handbook's folder took its place makes it at the next
    run). Builds into one folder take their turns."""
    from .site import catalogue_digest, write_catalogue

    prepare(output / STAMPS)
    stamp = output / STAMPS / "site.digest"  # a handbook's is site-<slug>.digest
    with locked(output / STAMPS / ".lock"):
        digest = catalogue_digest(output)
        try:
            if (output / SITE / "index.html").is_file() and stamp.read_text() == digest:
                return
        except (OSError, UnicodeDecodeError):
            pass
        remove(stamp)
        line = write_catalogue(output)
        write_atomically(stamp, digest.encode())
    report(line)


def _round(digests: dict[str, str], index: int) -> list[str]:
    chosen = rounds(list(digests))
    return chosen[index] if index < len(chosen) else []


def commit(output: Path, built: list, report: Callable[[str], None] = say) -> None:
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
        facts = ([f"{made.count} {unit}"] if made.count else []) + [f"{made.seconds:.1f} s"]
        report(f"{made.book.display_folder} -> {made.path} ({', '.join(facts)})")


def _build(job):
    from .build import build

    handbook, editions, output, claims = job
    return build(handbook, editions, output, claims)
