"""The schemas of book.yaml and chapter front matter, and their validation with line numbers."""

from __future__ import annotations

import datetime
import posixpath
import re
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

import yaml

from .findings import WARNING, Finding, unknown_key_hint
from .model import PAGE_SIZES
from .words import Forms

# BCP 47 language tags (RFC 5646), without the grandfathered irregular forms.
BCP47 = re.compile(
    r"^[A-Za-z]{2,3}(-[A-Za-z]{3}){0,3}"  # language and extended language subtags
    r"(-[A-Za-z]{4})?"  # script
    r"(-([A-Za-z]{2}|[0-9]{3}))?"  # region
    r"(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
    r"(-[A-WY-Za-wy-z0-9](-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(-x(-[A-Za-z0-9]{1,8})+)?$"  # private use
)


class Invalid(ValueError):
    """A value of the right shape that is still not allowed; the message says why."""


@dataclass(frozen=True)
class Field:
    """One key of a YAML mapping: whether it is required, and how its value is read."""

    name: str
    doc: str
    read: Callable[[yaml.Node], Any]
    required: bool = False


# Characters that no reader shows and XML forbids: C0 controls but tab and line breaks,
# the two non-characters at the end of the first plane, and halves of surrogate pairs.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _scalar(node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise Invalid("must be a single value, not a list or mapping")
    if control := CONTROL.search(node.value):
        raise Invalid(f"holds a control character (U+{ord(control.group()):04X}) that no "
                      "reader can show")
    return node.value


def text(node: yaml.Node) -> str:
    value = _scalar(node).strip()
    if not value:
        raise Invalid("must not be empty")
    return value


def text_list(node: yaml.Node) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode):
        return (text(node),)
    if not isinstance(node, yaml.SequenceNode):
        raise Invalid("must be a list of names")
    return tuple(text(item) for item in node.value)


def date(node: yaml.Node) -> datetime.date:
    value = _scalar(node).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"'{value}' is not a date: write it as YYYY-MM-DD") from None


def page_size(node: yaml.Node) -> str:
    value = _scalar(node).strip()
    for known in PAGE_SIZES:
        if value.lower() == known.lower():
            return known
    raise Invalid(f"'{value}' is not a page size: use one of " + ", ".join(PAGE_SIZES))


CHAPTER_OPENINGS = ("any", "right")


def chapter_openings(node: yaml.Node) -> str:
    value = _scalar(node).strip()
    if value.lower() in CHAPTER_OPENINGS:
        return value.lower()
    raise Invalid(f"'{value}' is not a way to open chapters: use any (on the next page) or "
                  "right (on a right-hand page)")


def language(node: yaml.Node) -> str:
    value = _scalar(node).strip()
    if not BCP47.match(value):
        raise Invalid(f"'{value}' is not a BCP 47 language tag such as en-GB")
    return value


def url(node: yaml.Node) -> str:
    value = _scalar(node).strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise Invalid(f"'{value}' is not an absolute http(s):// address")
    return value


EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>.]+$")


def contact(node: yaml.Node) -> str:
    """An email address, or an absolute http(s):// address (a form, a page)."""
    value = _scalar(node).strip()
    if EMAIL.match(value):
        return value
    try:
        return url(node)
    except Invalid:
        raise Invalid(f"'{value}' is neither an email address nor an absolute http(s):// "
                      "address") from None


def relative_path(node: yaml.Node) -> str:
    """A path inside the handbook folder, as the build names files there (``./c.png`` and
    ``images//c.png`` are ``c.png`` and ``images/c.png``)."""
    value = text(node)
    if value.startswith("/") or "\\" in value or ".." in value.split("/"):
        raise Invalid(f"'{value}' must be a path inside the handbook folder")
    return posixpath.normpath(value)


def labels(node: yaml.Node) -> tuple[tuple[str, object, int], ...]:
    """Generated words given in book.yaml: each name with its word (a text, or for a word
    that holds a count, a text for each plural form) and the line it stands on. Whether
    the names and their fields are known is checked with the words (press.checks)."""
    if not isinstance(node, yaml.MappingNode):
        raise Invalid("must be a mapping of names of generated words to the words to use "
                      "(contents: \"In this guide\")")
    found = []
    for key_node, value_node in node.value:
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
        if isinstance(value_node, yaml.MappingNode):
            word: object = Forms({str(form_node.value): _label_text(name, word_node)
                                  for form_node, word_node in value_node.value})
        elif isinstance(value_node, yaml.SequenceNode):  # the quotes
            word = tuple(_label_text(name, item) for item in value_node.value)
        else:
            word = _label_text(name, value_node)
        found.append((name, word, key_node.start_mark.line + 1))
    return tuple(found)


def _label_text(name: str, node: yaml.Node) -> str:
    if (not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null")
            or not node.value.strip()):
        raise Invalid(f"'{name}' must be given a word")
    return node.value


def link_list(node: yaml.Node) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise Invalid("must be a list of links to chapters or their headings")
    return tuple(text(item) for item in node.value)


def path_list(node: yaml.Node) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise Invalid("must be a list of chapter files")
    return tuple(relative_path(item) for item in node.value)


BOOK_FIELDS = (
    Field("title", "the handbook's title", text, required=True),
    Field("subtitle", "line under the title", text),
    Field("series", "series name, e.g. Careers Handbooks", text),
    Field("language", "BCP 47 tag, e.g. en-GB", language, required=True),
    Field("authors", "list of names", text_list),
    Field("publisher", "publisher's name", text),
    Field("edition", "e.g. 2027 edition", text),
    Field("date", "publication date, YYYY-MM-DD", date),
    Field("description", "a blurb: back cover, EPUB description", text),
    Field("rights", "copyright or licence line for the imprint page", text),
    Field("identifier", "ISBN or URN, the EPUB's unique identifier", text),
    Field("url", "address of the digital edition", url),
    Field("contact", "an email or web address where a reader can ask for the handbook in "
          "another format", contact),
    Field("page_size", "A5, A4 or Letter", page_size),
    Field("chapter_openings", "any (a chapter starts on the next page) or right (on a "
          "right-hand page)", chapter_openings),
    Field("cover", "path of a PNG or JPEG cover image in the folder", relative_path),
    Field("chapters", "list of chapter files, in order", path_list),
    Field("theme", "name of a theme in styles/", text),
    Field("fact_sheet", "sections for the fact sheet, as links: 06-pros-and-cons.md#advantages",
          link_list),
    Field("labels", "generated words to use instead of the language's own (contents: In this "
          "guide)", labels),
)

CHAPTER_FIELDS = (
    Field("title", "the chapter's title", text, required=True),
    Field("short_title", "running-head text where the title is long", text),
    Field("summary", "one sentence for the contents page and the fact sheet", text),
)


def _line(node: yaml.Node, first_line: int) -> int:
    return node.start_mark.line + first_line


# A value a word processor quoted: “Nursing”, ‘Nursing’ (YAML takes those quotes as words).
CURLY_QUOTED = re.compile(r"^[“‘„‚«].*[”’“‘»]$", re.S)


def parse_mapping(
    source: str, path: str, fields: tuple[Field, ...], first_line: int = 1, what: str = "file"
) -> tuple[dict[str, Any], list[Finding]]:
    """Read a YAML mapping against a schema; return the values and every problem found.

    ``first_line`` is the file line that the text's first line stands on (front
    matter starts on line 2 of a chapter file).
    """
    findings: list[Finding] = []
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        if "quoted scalar" in (getattr(error, "context", None) or ""):
            mark = error.context_mark  # an unclosed quote: point where it opens
        mark = mark or getattr(error, "context_mark", None)
        line = mark.line + first_line if mark else first_line
        problem = getattr(error, "problem", None) or str(error)
        return {}, [Finding("E101", path, line, f"this {what} is not valid YAML: {problem}",
                            "check the indentation and quote values that contain ': '")]
    if root is None:
        root = yaml.MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(root, yaml.MappingNode):
        return {}, [Finding("E102", path, _line(root, first_line),
                            f"this {what} must be a mapping of 'key: value' lines")]
    known = {field.name: field for field in fields}
    values: dict[str, Any] = {}
    given: set[str] = set()
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
        line = _line(key_node, first_line)
        field = known.get(key)
        if field is None:
            findings.append(Finding("E103", path, line, f"unknown key '{key}'",
                                    unknown_key_hint(key, known)))
            continue
        if key in given:
            findings.append(Finding("E104", path, line, f"key '{key}' is given twice"))
            continue
        given.add(key)
        if isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null"):
            if field.required:
                findings.append(Finding("E105", path, line, f"'{key}' must have a value"))
            continue
        try:
            values[key] = field.read(value_node)
        except Invalid as error:
            findings.append(Finding("E106", path, _line(value_node, first_line),
                                    f"{key}: {error}"))
            continue
        if (isinstance(value_node, yaml.ScalarNode) and value_node.style is None
                and CURLY_QUOTED.match(value_node.value)):
            findings.append(Finding(
                "W101", path, _line(value_node, first_line),
                f"{key}: the value is in curly quotes ({value_node.value}), which print as "
                "part of it", "a word processor may have changed the quotes: write straight "
                "ones (\"...\") or none", WARNING))
    for field in fields:
        if field.required and field.name not in given:
            # A missing key has no line of its own; front matter points at its opening '---'.
            line = None if what == "file" else first_line - 1
            findings.append(Finding("E107", path, line,
                                    f"the required key '{field.name}' is missing",
                                    f"add a line '{field.name}: ...' ({field.doc})"))
    return values, findings


def item_lines(source: str, key: str, first_line: int = 1) -> tuple[int, ...]:
    """The line of each entry of the list under ``key`` (for messages about one entry)."""
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return ()
    if not isinstance(root, yaml.MappingNode):
        return ()
    for key_node, value_node in root.value:
        if getattr(key_node, "value", None) == key and isinstance(value_node, yaml.SequenceNode):
            return tuple(_line(item, first_line) for item in value_node.value)
    return ()
