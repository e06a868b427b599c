"""The only reader of handbook folders: book.yaml, chapter files and what lies beside them."""

from __future__ import annotations

import datetime
import functools
import io
import os
import re
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from pathlib import Path

import lxml.etree
import PIL.Image

from . import STYLES, config
from .findings import Finding, SourceError
from .model import Book, Chapter, Metadata, chapter_anchors

FRONT_MATTER_FENCE = re.compile(r"^---[ \t]*$")
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def themes() -> list[str]:
    """The names of the themes in styles/ (folders holding a theme.css)."""
    return sorted(p.parent.name for p in STYLES.glob("*/theme.css"))


def display(folder_as_given: str, name: str) -> str:
    """A file's path as the author would type it."""
    return f"{folder_as_given.rstrip('/')}/{name}"


def read_text(path: Path, shown: str) -> tuple[str | None, list[Finding]]:
    """A source file's text, or a finding naming the line of its first bad byte."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [Finding("E010", shown, line,
                              f"this file is not UTF-8 text (byte 0x{data[error.start]:02x})",
                              "save the file as UTF-8 in your editor")]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def load_book(folder: Path, folder_as_given: str | None = None) -> Book:
    """Load and validate a handbook folder, or raise SourceError with every finding."""
    book, findings = read_book(folder, folder_as_given)
    if findings:
        raise SourceError(findings)
    return book


def read_book(folder: Path, folder_as_given: str | None = None
              ) -> tuple[Book | None, list[Finding]]:
    """A handbook folder as far as it can be read, and every problem found on the way.

    Where book.yaml has errors the book is still returned (with fallbacks for the
    keys in error), so that the chapters can be checked in the same run.
    """
    shown_folder = folder_as_given or str(folder)
    folder = folder.resolve()
    book_yaml = folder / "book.yaml"
    shown_yaml = display(shown_folder, "book.yaml")
    if not book_yaml.is_file():
        return None, [Finding("E001", shown_folder, None, "this folder has no book.yaml",
                              "a handbook folder needs a book.yaml with at least "
                              "'title' and 'language'")]
    findings: list[Finding] = []
    text, problems = read_text(book_yaml, shown_yaml)
    findings += problems
    values: dict = {}
    if text is not None:
        values, problems = config.parse_mapping(text, shown_yaml, config.BOOK_FIELDS)
        findings += problems
    files = _files(folder)
    findings += _check_metadata_files(values, folder, files, shown_yaml, text or "")
    chapter_names = values.get("chapters") or sorted(
        name for name in files if "/" not in name and name.endswith(".md"))
    if not chapter_names and text is not None:
        findings.append(Finding("E002", shown_folder, None, "this handbook has no chapters",
                                "add Markdown files such as 01-welcome.md"))
    chapters = []
    anchors = chapter_anchors(chapter_names)
    for number, name in enumerate(dict.fromkeys(chapter_names), start=1):
        if name not in files or not name.endswith(".md"):
            continue  # reported above, as an error in book.yaml
        chapter, problems = load_chapter(folder / name, name, display(shown_folder, name), number,
                                         anchors[name])
        findings += problems
        if chapter:
            chapters.append(chapter)
    known = {f.name for f in dataclass_fields(Metadata)}
    fallbacks = {"title": folder.name, "language": "und"}
    metadata = Metadata(**{**fallbacks, **{k: v for k, v in values.items() if k in known}})
    if metadata.theme not in themes():
        metadata = replace(metadata, theme="default")
    return Book(
        slug=folder.name,
        folder=folder,
        display_folder=shown_folder,
        metadata=metadata,
        chapters=tuple(chapters),
        publication_date=publication_date(metadata, folder, files),
        files=frozenset(files),
        fact_sheet_lines=config.item_lines(text or "", "fact_sheet"),
    ), findings


def _files(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def _key_line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return number
    return None


def _check_metadata_files(values: dict, folder: Path, files: set[str], shown: str,
                          text: str) -> list[Finding]:
    """The keys of book.yaml that name files or themes: do those exist?"""
    findings = []
    cover = values.get("cover")
    if cover:
        line = _key_line(text, "cover")
        if cover not in files:
            findings.append(Finding("E106", shown, line, f"cover: '{cover}' is not a file in "
                                    "the handbook folder"))
        else:
            head = (folder / cover).read_bytes()[:8]
            if not any(head.startswith(sig) for sig in IMAGE_SIGNATURES):
                findings.append(Finding("E106", shown, line,
                                        f"cover: '{cover}' is not a PNG or JPEG image"))
    seen = set()
    names = values.get("chapters") or ()
    lines = config.item_lines(text, "chapters") or (_key_line(text, "chapters"),) * len(names)
    for name, line in zip(names, lines):
        if name in seen:
            findings.append(Finding("E106", shown, line, f"chapters: '{name}' is listed twice"))
        seen.add(name)
        if name not in files:
            findings.append(Finding("E106", shown, line,
                                    f"chapters: '{name}' is not a file in the handbook folder"))
        elif not name.endswith(".md"):
            findings.append(Finding("E106", shown, line,
                                    f"chapters: '{name}' is not a Markdown (.md) file"))
    theme = values.get("theme")
    if theme and theme not in themes():
        findings.append(Finding("E106", shown, _key_line(text, "theme"),
                                f"theme: '{theme}' is not a theme in styles/",
                                "known themes: " + ", ".join(themes())))
    return findings


def load_chapter(path: Path, name: str, shown: str, number: int, anchor: str
                 ) -> tuple[Chapter | None, list[Finding]]:
    """Split a chapter file into front matter and body, and validate the front matter."""
    text, findings = read_text(path, shown)
    if text is None:
        return None, findings
    lines = text.split("\n")
    if not lines or not FRONT_MATTER_FENCE.match(lines[0]):
        return None, [Finding("E020", shown, 1, "a chapter must open with front matter",
                              "start the file with '---', a line 'title: ...', and '---'")]
    end = next((i for i in range(1, len(lines)) if FRONT_MATTER_FENCE.match(lines[i])), None)
    if end is None:
        return None, [Finding("E021", shown, 1, "the front matter is not closed",
                              "end it with a line '---'")]
    values, findings = config.parse_mapping("\n".join(lines[1:end]), shown,
                                            config.CHAPTER_FIELDS, first_line=2,
                                            what="front matter")
    # Even with errors in its front matter the chapter is returned, so that its body is
    # checked in the same run; the findings keep anything from being written.
    return Chapter(
        source=name,
        display_path=shown,
        anchor=anchor,
        number=number,
        title=values.get("title", Path(name).stem),
        short_title=values.get("short_title"),
        summary=values.get("summary"),
        body="\n".join(lines[end + 1:]),
        body_line=end + 2,
    ), findings


def read_file(book: Book, name: str) -> bytes:
    """A file of the handbook folder (a picture, the cover), by its path inside the folder."""
    path = (book.folder / name).resolve()
    if not path.is_relative_to(book.folder):
        raise ValueError(f"{name} is outside the handbook folder")
    return path.read_bytes()


def picture_type(data: bytes) -> str | None:
    """The media type a picture's bytes show it to be (PNG, JPEG or SVG), else None."""
    for signature, kind in IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            return {"PNG": "image/png", "JPEG": "image/jpeg"}[kind]
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<svg", b"<?xml", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in data[:4096]:
        return "image/svg+xml"
    return None


@functools.lru_cache(maxsize=256)
def _picture_is_sound(path: Path, size: int, modified: float) -> bool:
    data = path.read_bytes()
    kind = picture_type(data)
    if kind == "image/svg+xml":
        try:
            return lxml.etree.fromstring(data).tag.endswith("svg")
        except lxml.etree.XMLSyntaxError:
            return False
    if kind is None:
        return False
    try:
        with PIL.Image.open(io.BytesIO(data)) as picture:
            picture.load()  # decodes every pixel: a damaged file fails here
        return True
    except (OSError, SyntaxError, ValueError):
        return False


def picture_is_sound(book: Book, name: str) -> bool:
    """Whether a picture of the handbook opens as the PNG, JPEG or SVG it claims to be."""
    path = (book.folder / name).resolve()
    stat = path.stat()
    return _picture_is_sound(path, stat.st_size, stat.st_mtime)


SMALL_INLINE_PICTURE = 32 * 1024  # bytes: a data: picture inside an SVG up to this size


def is_small_inline_picture(url: str) -> bool:
    """A data: picture no larger than SMALL_INLINE_PICTURE (its base64 text, with the header)."""
    return url.startswith("data:image/") and len(url) <= SMALL_INLINE_PICTURE * 4 // 3 + 64

SVG_REFERENCE = re.compile(r"""(?:href\s*=\s*["']|url\(\s*["']?)([^"')\s]+)""")


def svg_references(book: Book, name: str) -> list[str]:
    """What an SVG picture of the handbook would fetch from outside itself: other files,
    addresses, or data: pictures larger than a small inline one."""
    if not name.lower().endswith(".svg"):
        return []
    text = read_file(book, name).decode("utf-8", errors="replace")
    outside = []
    for reference in SVG_REFERENCE.findall(text):
        if not reference.startswith("#") and not is_small_inline_picture(reference):
            outside.append(reference)
    return outside


def publication_date(metadata: Metadata, folder: Path, files: set[str]) -> datetime.date:
    """book.yaml's date, else SOURCE_DATE_EPOCH, else the newest file's date: never the clock."""
    if metadata.date:
        return metadata.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    newest = max((folder / name).stat().st_mtime for name in files)
    return datetime.datetime.fromtimestamp(newest, datetime.timezone.utc).date()
