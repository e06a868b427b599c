"""The site: a handbook's page with its downloads, its web edition, and the catalogue of
every handbook in the site, with an OPDS feed and a search index.

Each handbook has a folder of its own (``site/<slug>/``), made from the same rendered
chapters as the PDF and the EPUB and put in place whole; the catalogue is made afterwards
from the records those folders hold (``handbook.json``), so that it lists every handbook
in the site, whichever were built in this run. Plain files only: every page works opened
from disk, and nothing is loaded from another site.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import html
import io
import json
import posixpath
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import lxml.etree
import lxml.html

from . import STYLES
from .editions import CATALOGUE, EDITIONS, SEARCH, SITE
from .fonts import subset_faces
from .model import ANCHOR_PREFIX, Book, RenderedChapter
from .cache import project_digest
from .pages import PageStart, mark, not_counted, placed
from .output import fault, prepare, replace, temporary_folder, write, write_atomically
from .palette import colour_rules
from .render import environment, parse_fragment, quote_rules, split_into_files
from .sources import picture_type
from .styles import custom_properties
from .words import ENGLISH_WORDS, Words

RECORD = "handbook.json"  # what the catalogue reads of each handbook's folder
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
COVER_WIDTH = 600  # pixels: twice the width the page shows it at
DEFAULT_THEME = "default"  # the catalogue's
# Page sizes by their width and height in points, to name a PDF's paper.
PAPER = {(420, 595): "A5", (595, 842): "A4", (842, 1191): "A3", (612, 792): "letter_paper",
         (792, 1224): "tabloid_paper"}  # a name, or the name of its word (press.words)
LANGUAGES = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español",
             "cy": "Cymraeg", "it": "Italiano", "pt": "Português", "nl": "Nederlands",
             "pl": "Polski", "th": "ไทย", "ar": "العربية", "he": "עברית", "ur": "اردو"}


@dataclass(frozen=True)
class Download:
    """A file offered on the handbook's page, described for a student."""

    file: str
    label: str
    purpose: str
    details: str  # its paper, pages and size, read from the file


def chapter_page(chapter) -> str:
    return "read/" + chapter.anchor.removeprefix(ANCHOR_PREFIX) + ".html"


def write_handbook_site(book: Book, chapters: tuple[RenderedChapter, ...], cover: bytes,
                        folder: Path, files: Mapping[str, bytes], output: Path,
                        print_pages: list[PageStart] = ()) -> int:
    """Write the handbook's folder of the site into ``folder`` (a new empty one): its page,
    its web edition (marked where each of ``print_pages`` begins), its downloads (copied
    from the editions built in ``output``), cover, style sheet and fonts. Returns the
    number of web pages."""
    from .epub import picture_files

    pages = {rendered.chapter.anchor: chapter_page(rendered.chapter) for rendered in chapters}
    media = {name: "read/" + path for name, path in picture_files(files).items()}
    cover_name = "cover.png" if picture_type(cover) == "image/png" else "cover.jpg"
    cover_data, cover_size = small_cover(cover)
    downloads = _downloads(book, output)
    documents: dict[str, str] = {}
    shown: set[str] = set()
    template = environment().get_template("site/chapter.html.j2")
    starts = placed(list(print_pages), list(pages))
    marker = functools.partial(_page_marker, words=book.words)
    for index, rendered in enumerate(chapters):
        own = pages[rendered.chapter.anchor]
        body, pictures = web_body(rendered, own, pages, media, book.words)
        shown |= pictures
        documents[own] = page_breaks(starts[rendered.chapter.anchor], marker, template.render(
            book=book, words=book.words, chapter=rendered.chapter, body=body, root="../",
            contents=[(other.chapter, posixpath.relpath(pages[other.chapter.anchor], "read"))
                      for other in chapters],
            previous=_neighbour(chapters, index - 1, pages),
            following=_neighbour(chapters, index + 1, pages)))
    documents["index.html"] = environment().get_template("site/handbook.html.j2").render(
        book=book, words=book.words, root="", chapters=chapters, pages=pages,
        downloads=downloads,
        statement=accessibility_statement(book, output),
        cover=cover_name, cover_size=cover_size,
        language_label=language_name(book.metadata.language))
    text = "".join(documents.values())  # tags and attributes are ASCII, which is kept anyway
    for name, document in documents.items():
        _write(folder / name, document.encode())
    _write(folder / cover_name, cover_data)
    for name in sorted(shown):
        _write(folder / media[name], files[name])
    _write(folder / "style.css", stylesheet(book.metadata.theme, text, book, folder).encode())
    for download in downloads:
        _copy(output / download.file, folder / download.file)
    record = {"slug": book.slug, "title": book.metadata.title,
              "subtitle": book.metadata.subtitle, "series": book.metadata.series,
              "summary": book.metadata.description, "edition": book.metadata.edition,
              "date": book.publication_date.isoformat(),
              "date_text": book.words.date(book.publication_date),
              "language": book.metadata.language,
              "authors": list(book.metadata.authors), "identifier": book.identifier,
              "cover": cover_name, "cover_type": picture_type(cover),
              "downloads": [asdict(download) for download in downloads]}
    _write(folder / RECORD, json.dumps(record, ensure_ascii=False, indent=1,
                                      sort_keys=True).encode())
    return len(documents)




def accessibility_statement(book: Book, output: Path) -> list[str]:
    """The handbook page's accessibility statement, sentence by sentence: what each edition
    conforms to as the checkers found it on the very file offered, what is known not to,
    and what every edition does for a reader."""
    from .cache import stamp_path
    from .verdicts import CLAIMING, claiming_digest, read

    found = read(output, book.slug)
    words = book.words
    said = []
    for edition in CLAIMING:  # the words say of each: not checked, meets, or fails
        verdict = found.get(edition)
        try:
            offered = stamp_path(output, book.slug, edition).read_text()
        except OSError:
            offered = ""
        # The file checked: the one offered, or (where the checkers did not pass it) the
        # same inputs' file that claimed its conformance.
        if verdict is None or verdict.digest not in (offered, claiming_digest(offered)):
            said.append(words(f"{edition}_unchecked"))
            continue
        day = words.date(datetime.date.fromisoformat(verdict.checked))
        checkers = words.join(verdict.checkers)
        if verdict.passed:
            said.append(words(f"{edition}_meets", checkers=checkers, date=day))
        else:
            said.append(words(f"{edition}_fails", count=verdict.findings, checkers=checkers,
                              date=day))
    said.append(words("booklet_statement"))
    said.append(words("every_edition_statement"))
    return said


ARTICLE = re.compile(r"<article\b.*</article>", re.S)  # a chapter page has one


def page_breaks(starts: list[PageStart], marker, document: str) -> str:
    """A chapter's web page marked where each print page in ``starts`` begins, as the EPUB
    is: the page's number in the margin (or in the line, on a narrow screen), and a
    page break for screen readers."""
    if not starts:
        return document
    found = ARTICLE.search(document)
    article = lxml.html.fragment_fromstring(found.group())
    mark(article, starts, marker, not_counted)
    return (document[:found.start()] + lxml.html.tostring(article, encoding="unicode")
            + document[found.end():])


def _page_marker(start: PageStart, words: Words = ENGLISH_WORDS):
    return lxml.html.Element("span", {"class": "page-break", "role": "doc-pagebreak",
                                      "id": f"page-{start.number}",
                                      "title": words("page_number", number=start.number),
                                      "data-page": str(start.number)})


def _neighbour(chapters, index: int, pages: dict[str, str]):
    if not 0 <= index < len(chapters):
        return None
    chapter = chapters[index].chapter
    return chapter, posixpath.relpath(pages[chapter.anchor], "read")


def web_body(rendered: RenderedChapter, own: str, pages: dict[str, str],
             media: dict[str, str], words: Words = ENGLISH_WORDS) -> tuple[str, set[str]]:
    """A chapter's HTML for its web page, and the pictures it shows.

    Links between chapters lead to the other chapter's page; a wide table scrolls inside
    a region of its own, named by its caption, that the keyboard can reach; the notes
    close the chapter as a section named "Notes"."""
    fragment = parse_fragment(rendered.html)
    pictures = split_into_files(fragment, own, pages, media)
    for number, table in enumerate(fragment.iter("table"), start=1):
        region = lxml.etree.Element("div", {"class": "table-region", "role": "region",
                                            "tabindex": "0"})
        caption = table.find("caption")
        if caption is not None:
            caption.set("id", caption.get("id") or f"table-{number}-caption")
            region.set("aria-labelledby", caption.get("id"))
        else:
            region.set("aria-label", words("table_number", number=number))
        table.addprevious(region)
        region.tail, table.tail = table.tail, None
        region.append(table)
    for notes in fragment.find_class("footnote"):
        notes.tag = "section"
        notes.set("aria-label", words("notes"))
        for rule in notes.findall("hr"):
            notes.remove(rule)
    for link in fragment.find_class("footnote-backref"):
        link.set("aria-label", words("back_to_text"))
        link.attrib.pop("title", None)
    html = (fragment.text or "") + "".join(
        lxml.etree.tostring(child, method="html", encoding="unicode") for child in fragment)
    return html, pictures


def small_cover(cover: bytes) -> tuple[bytes, tuple[int, int]]:
    """The cover at the width the page needs (PNG stays PNG, a photograph JPEG), and its
    size in pixels."""
    from PIL import Image

    with Image.open(io.BytesIO(cover)) as picture:
        kind = picture.format
        if picture.width > COVER_WIDTH:
            height = round(picture.height * COVER_WIDTH / picture.width)
            mode = "RGBA" if kind == "PNG" else "RGB"  # a PNG keeps its transparency
            picture = picture.convert(mode).resize((COVER_WIDTH, height), Image.LANCZOS)
        size = picture.size
        data = io.BytesIO()
        if kind == "PNG":
            picture.save(data, format="PNG", optimize=True)
        else:
            picture.convert("RGB").save(data, format="JPEG", quality=85, optimize=True)
    return data.getvalue(), size


def stylesheet(theme: str, text: str, book: Book | None, folder: Path) -> str:
    """The site's style sheet for pages of ``theme`` holding ``text``: the shipped fonts cut
    down to its characters, as WOFF2 files in ``folder``/fonts, the theme's type and its
    colours made legible by day and by night, then the shared base and the web's own."""
    import datetime

    date = book.publication_date if book else datetime.date(2000, 1, 1)
    words = book.words if book else ENGLISH_WORDS
    faces = []
    for face, data in subset_faces(theme, html.unescape(text) + "".join(words.quotes), date,
                                   woff2=True):
        name = "fonts/" + Path(face.source).with_suffix(".woff2").name
        _write(folder / name, data)
        faces.append(face.rule.replace(face.source, name)
                     .replace("}", " font-display: swap; }"))
    properties = custom_properties(theme)
    other = "".join(f"  {name}: {value};\n" for name, value in properties.items()
                    if not name.startswith("--colour-"))
    return ("\n".join(faces) + "\n:root {\n" + other + "}\n" + colour_rules(properties)
            + (STYLES / "base.css").read_text(encoding="utf-8")
            + (STYLES / "web.css").read_text(encoding="utf-8")
            + quote_rules(words))


def language_name(tag: str) -> str:
    return LANGUAGES.get(tag.split("-")[0].lower(), tag)


def _downloads(book: Book, output: Path) -> list[Download]:
    """What the handbook's page offers (the editions the site needs, as their records name
    them), each described from its file as built: paper, pages or sheets, size."""
    from pypdf import PdfReader

    words = book.words
    found = []
    for name in EDITIONS[SITE].needs:
        edition = EDITIONS[name]
        path = edition.path(output, book.slug)
        size = readable_size(path.stat().st_size, words)
        label, purpose = words(f"{name}_label"), words(f"{name}_purpose")
        if path.suffix != ".pdf":
            found.append(Download(path.name, label, purpose,
                                  f"{path.suffix[1:].upper()}, {size}"))
            continue
        reader = PdfReader(path)
        paper = paper_name(reader.pages[0].mediabox, words)
        sides = len(reader.pages)
        count = sides // 2 if edition.unit == "sheets" else sides  # a sheet: two sides
        found.append(Download(path.name, label, words(f"{name}_purpose", paper=paper),
                              f"PDF, {paper}, {words(edition.unit, count=count)}, {size}"))
    return found


def paper_name(box, words: Words = ENGLISH_WORDS) -> str:
    width, height = sorted((round(float(box.width)), round(float(box.height))))
    for (known_width, known_height), name in PAPER.items():
        if abs(width - known_width) <= 2 and abs(height - known_height) <= 2:
            return words(name) if name in words.table else name
    return f"{width / 72 * 25.4:.0f} × {height / 72 * 25.4:.0f} mm"


def readable_size(count: int, words: Words = ENGLISH_WORDS) -> str:
    """A file's size as a student reads it: 170 KB, 1.2 MB (decimal units), in the
    language's way (1,2 Mo)."""
    if count < 1_000_000:
        return words("kilobytes", size=max(1, round(count / 1000)))
    return words("megabytes", size=words.number(count / 1_000_000, decimals=1))


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise fault(path.parent, error) from None
    write(path, data)


def _copy(source: Path, target: Path) -> None:
    try:
        shutil.copyfile(source, target)
    except OSError as error:
        raise fault(target, error) from None


def write_catalogue(output: Path) -> str:
    """Write the site's catalogue (index.html), its OPDS feed, its style sheet and fonts
    (in _catalogue/) and its search index (in _search/), from every handbook folder in the
    site; the line to report."""
    site = output / SITE
    records = []
    for path in sorted(site.glob(f"*/{RECORD}")):
        try:
            records.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a folder not ours, or half gone: not listed
    records.sort(key=lambda record: (record["series"] or "", record["title"].casefold()))
    series = sorted({record["series"] or "" for record in records})
    language = _common_language(records)
    words = Words(language)
    heading = series[0] if len(series) == 1 and series[0] else words("handbooks")
    groups = [(name, [record for record in records if (record["series"] or "") == name])
              for name in series]
    page = environment().get_template("site/catalogue.html.j2").render(
        records=records, groups=groups, heading=heading, root=CATALOGUE + "/",
        search=SEARCH + "/", language=language, words=words)
    newest = max((record["date"] for record in records), default="2000-01-01")
    identifiers = [atom_id(record["identifier"]) for record in records]
    feed = environment().get_template("site/opds.xml.j2").render(
        records=records, heading=heading, updated=newest, ids=identifiers,
        feed_id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ' '.join(sorted(identifiers)))}")
    lxml.etree.fromstring(feed.encode())  # a feed that does not parse is the pipeline's bug
    prepare(site)
    assets = temporary_folder(site / CATALOGUE)
    index = temporary_folder(site / SEARCH)
    try:
        css = stylesheet(DEFAULT_THEME, page, None, assets)
        _write(assets / "style.css", css.encode())
        _search_index(site, index)
        replace(assets, site / CATALOGUE)
        replace(index, site / SEARCH)
    finally:
        shutil.rmtree(assets, ignore_errors=True)
        shutil.rmtree(index, ignore_errors=True)
    write_atomically(site / "opds.xml", feed.encode())
    write_atomically(site / "index.html", page.encode())
    count = len(records)
    return f"{site / 'index.html'} (catalogue of {count} handbook{'s' if count != 1 else ''})"


def catalogue_digest(output: Path) -> str:
    """What the catalogue is made from: the pipeline, and every handbook folder's record."""
    digest = hashlib.sha256(project_digest())
    for path in sorted((output / SITE).glob(f"*/{RECORD}")):
        digest.update(path.parent.name.encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"unreadable\0")
    return digest.hexdigest()


def atom_id(identifier: str) -> str:
    """A handbook's identifier as Atom's absolute IRI: an ISBN as a urn:isbn."""
    return identifier if URI.match(identifier) else "urn:isbn:" + identifier


def _common_language(records) -> str:
    languages = {record["language"] for record in records}
    return languages.pop() if len(languages) == 1 else "en"


def _search_index(site: Path, target: Path) -> None:
    """The Pagefind index of every handbook's pages (it serves search when the site is
    served; a page opened from disk goes without)."""
    done = subprocess.run(
        # Only the handbooks' folders: not a hidden one (another build's, still being written)
        [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(target),
         "--glob", "[!._]*/**/*.html", "--quiet"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Pagefind: {done.stderr.strip() or done.stdout.strip()}")
    # Pagefind lists the index's languages in no fixed order where there are several: in
    # their names' order, so that the same sources give the same site.
    entry = target / "pagefind-entry.json"
    found = json.loads(entry.read_text(encoding="utf-8"))
    found["languages"] = dict(sorted(found.get("languages", {}).items()))
    entry.write_text(json.dumps(found, ensure_ascii=False, separators=(",", ":")),
                     encoding="utf-8")
