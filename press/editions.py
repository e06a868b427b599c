"""What an edition is, in one place: its command, its help, the file it writes, the style
sheets it is laid out with, and what it takes from other editions.

The command line, the cache, the build and the Makefile (``python3 -m press.editions``)
all read these records. This module imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SITE = "site"  # the folder, in the output folder, that holds the site
CATALOGUE, SEARCH = "_catalogue", "_search"  # the catalogue's own folders in the site
# Names in the site that are not handbooks' folders: no handbook may take one.
RESERVED = frozenset({CATALOGUE, SEARCH, "index.html", "opds.xml"})


@dataclass(frozen=True)
class Edition:
    """One edition of a handbook."""

    name: str  # the command's word, e.g. ``pdf``
    help: str
    file: str  # where it is written in the output folder, ``{slug}`` standing for the slug
    sheets: tuple[str, ...] = ()  # style sheets in cascade order ({theme}, {size} filled in)
    press: bool = False  # laid out in CMYK ink for a print shop
    shares: str | None = None  # an edition made in the same process, whose work it reuses
    needs: tuple[str, ...] = ()  # editions whose finished files it reads
    unit: str = "pages"  # what its count counts
    page_map: bool = False  # records where each page begins, for the others' page numbers
    # The site offers it for download by the words <name>_label and <name>_purpose
    # (press.words), with the paper its file is laid out on.

    def path(self, output: Path, slug: str) -> Path:
        return output / self.file.format(slug=slug)


PRINT_SHEETS = ("fonts.css", "{theme}/theme.css", "base.css", "print.css", "sizes/{size}.css")

# In the order `all` builds them.
EDITIONS: dict[str, Edition] = {edition.name: edition for edition in (
    Edition("pdf", "the PDF for screens and office printers (<slug>.pdf)", "{slug}.pdf",
            PRINT_SHEETS, page_map=True),
    # The EPUB and the site read the print pages' numbers from the finished PDF.
    Edition("epub", "the EPUB 3 e-book (<slug>.epub)", "{slug}.epub", needs=("pdf",), unit=""),
    Edition("print", "the press PDF with bleed, crop marks and CMYK (<slug>-print.pdf)",
            "{slug}-print.pdf", PRINT_SHEETS + ("press.css",), press=True),
    Edition("booklet", "A5 pages two-up for a duplex office printer (<slug>-booklet.pdf)",
            "{slug}-booklet.pdf", shares="pdf", unit="sheets"),
    Edition("flyer", "a one-sheet fact sheet for a careers fair stand (<slug>-flyer.pdf)",
            "{slug}-flyer.pdf", ("fonts.css", "{theme}/theme.css", "base.css", "flyer.css")),
    Edition(SITE, "the web edition, the handbook's page with its downloads, and the "
            f"catalogue of every handbook ({SITE}/)", f"{SITE}/{{slug}}",
            needs=("pdf", "epub", "booklet", "flyer"), unit="pages"),
)}

COMMANDS = {**{name: edition.help for name, edition in EDITIONS.items()},
            "all": "every edition", "check": "check the sources without building anything",
            "validate": "build the PDF, EPUB, fact sheet and site, and run EPUBCheck, a PDF/UA-1 "
                        "checker and axe-core on them"}


def wanted(names: list[str]) -> list[str]:
    """The editions to build for ``names``: those named, in their order, then those whose
    files they need."""
    needed = [need for name in names for need in EDITIONS[name].needs]
    return list(dict.fromkeys([*names, *needed]))


def groups(names: list[str]) -> list[list[str]]:
    """The editions split into jobs, one a process: an edition stays with the one whose work
    it shares; one that needs finished files comes in a later round (see ``rounds``)."""
    jobs: dict[str, list[str]] = {}
    for name in names:
        shares = EDITIONS[name].shares
        key = shares if shares in names else name
        jobs.setdefault(key, []).append(name)
    return list(jobs.values())


def rounds(names: list[str]) -> list[list[str]]:
    """The editions in rounds: each round needs only the files of rounds before it."""
    done: set[str] = set()
    result = []
    left = list(names)
    while left:
        ready = [name for name in left
                 if all(need in done or need not in names for need in EDITIONS[name].needs)]
        result.append(ready)
        done.update(ready)
        left = [name for name in left if name not in done]
    return result


if __name__ == "__main__":  # for the Makefile: one target an edition
    print(" ".join(EDITIONS))
