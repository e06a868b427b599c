"""The only reader of handbook folders: book.yaml, chapter files and what lies beside them."""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from pathlib import Path

from . import config
from .findings import Finding, SourceError
from .model import Book, Chapter, Metadata

PROJECT = Path(__file__).resolve().parent.parent
STYLES = PROJECT / "styles"
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


def handbook_folders(root: Path) -> list[Path]:
    """Every folder directly in ``root`` that holds a book.yaml."""
    return sorted(p.parent for p in root.glob("*/book.yaml"))


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
    for number, name in enumerate(chapter_names, start=1):
        if name not in files or not name.endswith(".md"):
            continue  # reported above, as an error in book.yaml
        chapter, problems = load_chapter(folder / name, name, display(shown_folder, name), number)
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


def _entry_line(text: str, key: str, entry: str) -> int | None:
    """The line of a list entry under ``key``, else the key's own line."""
    start = _key_line(text, key)
    if start is None:
        return None
    for number, line in enumerate(text.splitlines()[start - 1:], start=start):
        if entry in line:
            return number
    return start


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
    for name in values.get("chapters") or ():
        line = _entry_line(text, "chapters", name)
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


def load_chapter(path: Path, name: str, shown: str, number: int
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
    if findings:
        return None, findings
    return Chapter(
        source=name,
        display_path=shown,
        number=number,
        title=values["title"],
        short_title=values.get("short_title"),
        summary=values.get("summary"),
        body="\n".join(lines[end + 1:]),
        body_line=end + 2,
    ), []


def publication_date(metadata: Metadata, folder: Path, files: set[str]) -> datetime.date:
    """book.yaml's date, else SOURCE_DATE_EPOCH, else the newest file's date: never the clock."""
    if metadata.date:
        return metadata.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    newest = max((folder / name).stat().st_mtime for name in files)
    return datetime.datetime.fromtimestamp(newest, datetime.timezone.utc).date()
