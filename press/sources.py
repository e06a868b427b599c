"""The reader of handbook folders: book.yaml, chapter files and the pictures beside them,
each read through press.folder (which refuses what leads out of the folder), and what
they mean."""

from __future__ import annotations

import datetime
import io
import os
import re
import warnings
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from . import STYLES, config
from .config import CONTROL
from .findings import ERROR, WARNING, Finding, SourceError
from .folder import (BROKEN, MISSING, OUTSIDE, TOO_LARGE, TOO_MUCH, Unreadable, read, size,
                     walk)
from .limits import (MAX_BOOK_YAML_BYTES, MAX_CHAPTER_BYTES, MAX_CHAPTERS, MAX_HANDBOOK_BYTES,
                     MAX_PICTURE_BYTES, MAX_PICTURE_PIXELS, MAX_PICTURES_BYTES)
from .model import Book, Chapter, Metadata, chapter_anchors

FRONT_MATTER_FENCE = re.compile(r"^---[ \t]*$")
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def themes() -> list[str]:
    """The names of the themes in styles/ (folders holding a theme.css)."""
    return sorted(p.parent.name for p in STYLES.glob("*/theme.css"))


def display(folder_as_given: str, name: str) -> str:
    """A file's path as the author would type it."""
    return f"{folder_as_given.rstrip('/')}/{name}"


def problem(unreadable: Unreadable, shown: str) -> Finding:
    """The finding for a book.yaml or chapter file that cannot be read, at its own path."""
    code = {OUTSIDE: "E011", BROKEN: "E012", TOO_LARGE: "E230"}.get(unreadable.kind, "E013")
    hints = {
        OUTSIDE: "a handbook is self-contained: copy the file into the handbook folder",
        BROKEN: "make the link lead to a file, or put the file itself in its place",
        TOO_LARGE: "split it into several chapters",
    }
    return Finding(code, shown, unreadable.line, f"this file {unreadable.reason}",
                   hints.get(unreadable.kind))


def decode(data: bytes, shown: str) -> tuple[str | None, list[Finding]]:
    """A source file's text, or a finding naming the line of its first bad byte; control
    characters are reported at their lines and made harmless, so that the text can still
    be checked."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [Finding("E010", shown, line,
                              f"this file is not UTF-8 text (byte 0x{data[error.start]:02x})",
                              "save the file as UTF-8 in your editor")]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    findings = []
    for number, line in enumerate(text.split("\n"), start=1):
        for character in sorted(set(CONTROL.findall(line))):
            findings.append(Finding("E222", shown, number, "a control character "
                                    f"(U+{ord(character):04X}) that no reader can show",
                                    "delete it: it may have come with text pasted from "
                                    "another program"))
    return CONTROL.sub(" ", text), findings


def load_book(folder: Path, folder_as_given: str | None = None) -> Book:
    """Load and validate a handbook folder, or raise SourceError with every finding."""
    book, findings = read_book(folder, folder_as_given)
    if findings:
        raise SourceError(findings)
    return book


def read_book(folder: Path, folder_as_given: str | None = None, exclude: Iterable[Path] = ()
              ) -> tuple[Book | None, list[Finding]]:
    """A handbook folder as far as it can be read, and every problem found on the way.

    Where book.yaml has errors the book is still returned (with fallbacks for the
    keys in error), so that the chapters can be checked in the same run. ``exclude``
    names what builds write there, should the output folder lie inside the handbook.
    """
    shown_folder = folder_as_given or str(folder)
    folder = folder.resolve()
    shown_yaml = display(shown_folder, "book.yaml")
    try:
        data = read(folder, "book.yaml", MAX_BOOK_YAML_BYTES)
    except Unreadable as unreadable:
        if unreadable.kind == MISSING:
            return None, [Finding("E001", shown_folder, None, "this folder has no book.yaml",
                                  "a handbook folder needs a book.yaml with at least "
                                  "'title' and 'language'")]
        return None, [problem(unreadable, shown_yaml)]
    findings: list[Finding] = []
    text, problems = decode(data, shown_yaml)
    findings += problems
    values: dict = {}
    if text is not None:
        values, problems = config.parse_mapping(text, shown_yaml, config.BOOK_FIELDS)
        findings += problems
    findings += _check_metadata_files(values, folder, shown_yaml, text or "")
    listed = values.get("chapters")
    chapter_names = list(dict.fromkeys(listed or _markdown_files(folder)))
    if not listed:
        findings += _not_chapters(folder, shown_folder)
    listed_lines = dict(zip(listed or (), config.item_lines(text or "", "chapters")))
    if not chapter_names and text is not None:
        findings.append(Finding("E002", shown_folder, None, "this handbook has no chapters",
                                "add Markdown files such as 01-welcome.md"))
    if len(chapter_names) > MAX_CHAPTERS:
        findings.append(Finding("E232", display(shown_folder, chapter_names[MAX_CHAPTERS]),
                                None, f"this handbook has {len(chapter_names)} chapters: at "
                                f"most {MAX_CHAPTERS} are built",
                                "make it several handbooks, or join short chapters"))
        chapter_names = chapter_names[:MAX_CHAPTERS]
    chapters = []
    anchors = chapter_anchors(chapter_names)
    total = 0
    for number, name in enumerate(chapter_names, start=1):
        if not name.endswith(".md"):
            continue  # reported above, as an error in book.yaml
        shown = display(shown_folder, name)
        try:
            data = read(folder, name, MAX_CHAPTER_BYTES)
        except Unreadable as unreadable:
            if name in listed_lines and unreadable.kind in (MISSING, OUTSIDE, BROKEN):
                findings.append(Finding("E106", shown_yaml, listed_lines[name],
                                        f"chapters: '{name}' {_as_named(unreadable)}"))
            else:
                findings.append(problem(unreadable, shown))
            continue
        total += len(data)
        if total > MAX_HANDBOOK_BYTES:
            findings.append(Finding("E231", shown, None, "with this chapter the handbook's "
                                    f"chapters pass the {size(MAX_HANDBOOK_BYTES)} a build "
                                    "reads", "make it several handbooks"))
            break
        chapter, problems = load_chapter(data, name, shown, number, anchors[name])
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
        publication_date=publication_date(metadata, folder, exclude),
        fact_sheet_lines=config.item_lines(text or "", "fact_sheet"),
        cover_line=_key_line(text or "", "cover"),
        language_line=_key_line(text or "", "language"),
    ), findings


def _as_named(unreadable: Unreadable) -> str:
    """Why a file that book.yaml names is not read, after "chapters: 'x.md' "."""
    if unreadable.kind == MISSING:
        return "is not a file in the handbook folder"
    return unreadable.reason


def _markdown_files(folder: Path) -> list[str]:
    """The chapter files of a folder without a chapters list: its *.md files, links too."""
    return sorted(entry.name for entry in os.scandir(folder)
                  if entry.name.endswith(".md") and not entry.name.startswith(".")
                  and (entry.is_symlink() or entry.is_file(follow_symlinks=False)))


# Files an author meant as chapters that are not read as ones: saved as .markdown, .MD, .txt.
NEAR_CHAPTER = re.compile(r"(?i)\.(md|markdown|mdown|mkd|txt|text)$")


def _not_chapters(folder: Path, shown_folder: str) -> list[Finding]:
    """A chapter saved under another ending is left out of the book in silence: an error."""
    found = []
    for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
        if (NEAR_CHAPTER.search(entry.name) and not entry.name.endswith(".md")
                and not entry.name.startswith(".") and entry.is_file()):
            ending = NEAR_CHAPTER.search(entry.name)
            stem = entry.name[:ending.start()]
            text = ending.group(1).lower() in ("txt", "text")  # may be the author's notes
            if text and not re.match(r"\d+[-_ ]", entry.name):
                continue  # notes.txt is notes; 02-skills.txt was meant as a chapter
            found.append(Finding("W003" if text else "E003", display(shown_folder, entry.name),
                                 None, f"'{entry.name}' is not read as a chapter: a chapter's "
                                 "file name ends in .md", f"rename it '{stem}.md' to make it "
                                 "one" + (", or keep your notes elsewhere" if text else ""),
                                 WARNING if text else ERROR))
    return found


def _key_line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return number
    return None


def _check_metadata_files(values: dict, folder: Path, shown: str, text: str) -> list[Finding]:
    """The keys of book.yaml that name files or themes: do those exist?"""
    findings = []
    cover = values.get("cover")
    if cover:
        line = _key_line(text, "cover")
        try:
            head = read(folder, cover, MAX_PICTURE_BYTES)[:8]
        except Unreadable as unreadable:
            findings.append(Finding("E106", shown, line, f"cover: '{cover}' "
                                    f"{_as_named(unreadable)}"))
        else:
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
        if not name.endswith(".md"):
            findings.append(Finding("E106", shown, line,
                                    f"chapters: '{name}' is not a Markdown (.md) file"))
    theme = values.get("theme")
    if theme and theme not in themes():
        findings.append(Finding("E106", shown, _key_line(text, "theme"),
                                f"theme: '{theme}' is not a theme in styles/",
                                "known themes: " + ", ".join(themes())))
    return findings


def load_chapter(data: bytes, name: str, shown: str, number: int, anchor: str
                 ) -> tuple[Chapter | None, list[Finding]]:
    """Split a chapter file into front matter and body, and validate the front matter."""
    text, findings = decode(data, shown)
    if text is None:
        return None, findings
    lines = text.split("\n")
    if not lines or not FRONT_MATTER_FENCE.match(lines[0]):
        return None, findings + [Finding("E020", shown, 1, "a chapter must open with front "
                                         "matter", "start the file with '---', a line "
                                         "'title: ...', and '---'")]
    end = next((i for i in range(1, len(lines)) if FRONT_MATTER_FENCE.match(lines[i])), None)
    if end is None:
        return None, findings + [Finding("E021", shown, 1, "the front matter is not closed",
                                         "end it with a line '---'")]
    values, problems = config.parse_mapping("\n".join(lines[1:end]), shown,
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
    ), findings + problems


def picture_type(data: bytes) -> str | None:
    """The media type a picture's bytes show it to be (PNG, JPEG or SVG), else None."""
    for signature, kind in IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            return {"PNG": "image/png", "JPEG": "image/jpeg"}[kind]
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<svg", b"<?xml", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in data[:4096]:
        return "image/svg+xml"
    return None


def read_files(book: Book, names: Iterable[str]) -> dict[str, bytes | Unreadable]:
    """The files of the handbook that its editions show (pictures, the cover), each read
    once through ``read``: its bytes, or why it is not read."""
    files: dict[str, bytes | Unreadable] = {}
    total = 0
    for name in sorted(set(names)):
        try:
            files[name] = read(book.folder, name, MAX_PICTURE_BYTES)
        except Unreadable as unreadable:
            files[name] = unreadable
            continue
        total += len(files[name])
        if total > MAX_PICTURES_BYTES:
            files[name] = Unreadable(name, TOO_MUCH, size(MAX_PICTURES_BYTES))
    return files


def raster_problem(data: bytes) -> str | None:
    """Why a PNG or JPEG cannot be shown: "damaged", or what makes it too big to draw
    ("has 8000 x 6000 pixels: at most 25 million pixels are built"); else None.

    The picture is decoded whole, since a damaged file fails only there; its size is read
    from its header first, so that a small file that would unpack to gigabytes (a
    decompression bomb) is refused without being unpacked.
    """
    import PIL.Image  # only a build that checks pictures needs the image library

    pixels = f"at most {MAX_PICTURE_PIXELS // 1_000_000} million pixels are built"
    with warnings.catch_warnings():
        warnings.simplefilter("error", PIL.Image.DecompressionBombWarning)
        try:
            with PIL.Image.open(io.BytesIO(data)) as picture:
                width, height = picture.size
                if width * height > MAX_PICTURE_PIXELS:
                    return f"has {width} x {height} pixels: {pixels}"
                picture.load()
        except (PIL.Image.DecompressionBombError, PIL.Image.DecompressionBombWarning):
            return f"has too many pixels: {pixels}"
        except (OSError, SyntaxError, ValueError):
            return "damaged"
    return None


def publication_date(metadata: Metadata, folder: Path, exclude: Iterable[Path] = ()
                     ) -> datetime.date:
    """book.yaml's date, else SOURCE_DATE_EPOCH, else the newest file's date: never the clock."""
    if metadata.date:
        return metadata.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    newest = max(((folder / name).lstat().st_mtime for name, _, _ in walk(folder, exclude)),
                 default=0)
    return datetime.datetime.fromtimestamp(newest, datetime.timezone.utc).date()
