"""The schemas of book.yaml and front matter: values read, and every error with its line."""

from __future__ import annotations

import datetime

import pytest

from press.config import BOOK_FIELDS, CHAPTER_FIELDS, parse_mapping

from .helpers import source_text

BOOK_YAML = "guide/book.yaml"
CHAPTER = "guide/02-skills.md"


def read_book(source: str):
    """book.yaml's values and its findings as the author reads them."""
    values, findings = parse_mapping(source_text(source), BOOK_YAML, BOOK_FIELDS)
    return values, [str(finding) for finding in findings]


def book_errors(source: str) -> list[str]:
    """The first line of each finding: ``path:line: error: message``."""
    return [finding.splitlines()[0] for finding in read_book(source)[1]]


def read_front_matter(source: str):
    """Front matter as sources.py reads it: its first line is line 2 of the chapter file."""
    values, findings = parse_mapping(source_text(source), CHAPTER, CHAPTER_FIELDS, first_line=2,
                                     what="front matter")
    return values, [str(finding) for finding in findings]


# Valid values


def test_minimal_book_yaml_has_no_findings():
    assert read_book("""
        title: AI / ML Engineer
        language: en-GB
        """) == ({"title": "AI / ML Engineer", "language": "en-GB"}, [])


def test_every_documented_key_is_accepted():
    _, findings = read_book("""
        title: AI / ML Engineer
        subtitle: A careers handbook
        series: Careers Handbooks
        language: en-GB
        authors: [Ann Smith]
        publisher: Careers Handbooks
        edition: 2027 edition
        date: 2026-11-27
        description: A blurb.
        rights: © 2026 Careers Handbooks
        identifier: urn:isbn:9780000000000
        url: https://example.org/handbook
        page_size: A4
        cover: images/cover.png
        chapters: [01-welcome.md]
        theme: default
        """)
    assert findings == []


VALID_VALUES = [
    *[("page_size", written, read) for written, read in [
        ("A5", "A5"), ("a5", "A5"), ("A4", "A4"), ("a4", "A4"),
        ("Letter", "Letter"), ("letter", "Letter"), ("LETTER", "Letter")]],
    *[("language", tag, tag) for tag in ["en", "en-GB", "th", "zh-Hant-TW", "pt-BR", "de-CH-1996"]],
    *[("url", address, address)
      for address in ["https://example.org/handbook", "http://example.org"]],
    ("date", "2026-11-27", datetime.date(2026, 11, 27)),
    ("date", '"2026-11-27"', datetime.date(2026, 11, 27)),
    ("authors", "Ann Smith", ("Ann Smith",)),
    *[("chapter_openings", written, read) for written, read in [
        ("any", "any"), ("right", "right"), ("Right", "right")]],
]


@pytest.mark.parametrize(("key", "written", "read"), VALID_VALUES)
def test_a_valid_value_is_read_without_findings(key, written, read):
    """Page sizes in any case, BCP 47 tags, http(s) addresses, dates with or without quotes,
    one author as a list of one."""
    values, findings = read_book(f"""
        title: T
        language: {written if key == "language" else "en-GB"}
        {"" if key == "language" else f"{key}: {written}"}
        """)
    assert (values[key], findings) == (read, [])


def test_authors_as_a_list():
    values, _ = read_book("""
        title: T
        language: en-GB
        authors:
          - Ann Smith
          - Bob Jones
        """)
    assert values["authors"] == ("Ann Smith", "Bob Jones")


def test_numbers_are_read_as_text():
    values, _ = read_book("""
        title: 2027
        language: en-GB
        """)
    assert values["title"] == "2027"


# Errors, each with its line


def test_unknown_key_names_the_closest_known_key():
    _, findings = read_book("""
        titel: AI / ML Engineer
        language: en-GB
        """)
    assert findings == ["guide/book.yaml:1: error: unknown key 'titel'\n"
                        "    hint: did you mean 'title'?",
                        "guide/book.yaml: error: the required key 'title' is missing\n"
                        "    hint: add a line 'title: ...' (the handbook's title)"]


def test_unknown_key_far_from_every_known_key_lists_them_all():
    _, findings = read_book("""
        title: T
        language: en-GB
        colour: blue
        """)
    assert findings == [
        "guide/book.yaml:3: error: unknown key 'colour'\n"
        "    hint: known keys: authors, chapter_openings, chapters, contact, cover, date, "
        "description, edition, "
        "fact_sheet, identifier, labels, language, page_size, publisher, rights, series, subtitle, "
        "theme, title, url"
    ]


def test_unknown_key_in_front_matter_is_on_its_file_line():
    _, findings = read_front_matter("""
        title: Skills
        sumary: What you need to know.
        """)
    assert findings == ["guide/02-skills.md:3: error: unknown key 'sumary'\n"
                        "    hint: did you mean 'summary'?"]


def test_missing_required_key_in_book_yaml_has_no_line():
    _, findings = read_book("""
        language: en-GB
        """)
    assert findings == ["guide/book.yaml: error: the required key 'title' is missing\n"
                        "    hint: add a line 'title: ...' (the handbook's title)"]


def test_every_missing_required_key_is_reported():
    assert book_errors("subtitle: S\n") == [
        "guide/book.yaml: error: the required key 'title' is missing",
        "guide/book.yaml: error: the required key 'language' is missing",
    ]


def test_misspelt_required_key_is_also_reported_as_missing():
    assert book_errors("""
        titel: T
        language: en-GB
        """) == [
        "guide/book.yaml:1: error: unknown key 'titel'",
        "guide/book.yaml: error: the required key 'title' is missing",
    ]


def test_missing_title_in_front_matter_points_at_its_opening_line():
    _, findings = read_front_matter("""
        summary: What you need to know.
        """)
    assert findings == ["guide/02-skills.md:1: error: the required key 'title' is missing\n"
                        "    hint: add a line 'title: ...' (the chapter's title)"]


def test_required_key_without_a_value():
    assert book_errors("""
        title:
        language: en-GB
        """) == ["guide/book.yaml:1: error: 'title' must have a value"]


BAD_VALUES = [
    ("subtitle", '""', "subtitle: must not be empty"),
    ("page_size", "B5", "page_size: 'B5' is not a page size: use one of A5, A4, Letter"),
    ("chapter_openings", "odd", "chapter_openings: 'odd' is not a way to open chapters: use "
     "any (on the next page) or right (on a right-hand page)"),
    ("date", "2026-13-01", "date: '2026-13-01' is not a date: write it as YYYY-MM-DD"),
    ("date", "27 November 2026",
     "date: '27 November 2026' is not a date: write it as YYYY-MM-DD"),
    ("url", "example.org/handbook",
     "url: 'example.org/handbook' is not an absolute http(s):// address"),
    ("url", "ftp://example.org/handbook",
     "url: 'ftp://example.org/handbook' is not an absolute http(s):// address"),
    ("theme", "[default, dark]", "theme: must be a single value, not a list or mapping"),
    ("contact", "careers at example.org",
     "contact: 'careers at example.org' is neither an email address nor an absolute "
     "http(s):// address"),
    ("contact", "example.org/ask",
     "contact: 'example.org/ask' is neither an email address nor an absolute http(s):// "
     "address"),
]


@pytest.mark.parametrize(("key", "written", "message"), BAD_VALUES)
def test_a_bad_value_is_one_error_on_its_line(key, written, message):
    assert book_errors(f"""
        title: T
        language: en-GB
        {key}: {written}
        """) == [f"guide/book.yaml:3: error: {message}"]


@pytest.mark.parametrize("tag", ["en_GB", "English"])
def test_a_language_that_is_not_bcp_47_is_one_error_not_also_a_missing_key(tag):
    assert book_errors(f"""
        title: T
        language: {tag}
        """) == [f"guide/book.yaml:2: error: language: '{tag}' is not a BCP 47 language "
                 "tag such as en-GB"]


def test_chapters_that_is_not_a_list_is_an_error():
    assert book_errors("""
        title: T
        language: en-GB
        chapters: 01-welcome.md
        """) == ["guide/book.yaml:3: error: chapters: must be a list of chapter files"]


def test_chapter_path_outside_the_folder_is_an_error():
    assert book_errors("""
        title: T
        language: en-GB
        chapters:
          - ../other/01-welcome.md
        """) == ["guide/book.yaml:4: error: chapters: '../other/01-welcome.md' must be a path "
                 "inside the handbook folder"]


def test_yaml_syntax_error_is_reported_on_its_line():
    _, findings = read_book("""
        title: T
        language: en-GB
        subtitle: Skills: the ones that matter
        """)
    assert findings == ["guide/book.yaml:3: error: this file is not valid YAML: mapping values "
                        "are not allowed here\n"
                        "    hint: check the indentation and quote values that contain ': '"]


def test_yaml_syntax_error_in_front_matter_is_on_its_file_line():
    _, findings = read_front_matter("""
        title: Skills: the ones that matter
        """)
    assert findings == ["guide/02-skills.md:2: error: this front matter is not valid YAML: "
                        "mapping values are not allowed here\n"
                        "    hint: check the indentation and quote values that contain ': '"]


def test_unclosed_quote_is_reported_where_the_quote_opens():
    assert book_errors("""
        title: T
        language: en-GB
        subtitle: "A careers handbook
        page_size: A5
        """) == ["guide/book.yaml:3: error: this file is not valid YAML: found unexpected end "
                 "of stream"]


def test_tab_indentation_is_reported_on_its_line():
    assert book_errors("title: T\nlanguage: en-GB\n\tsubtitle: S\n") == [
        "guide/book.yaml:3: error: this file is not valid YAML: found character '\\t' that "
        "cannot start any token"]


def test_duplicate_key_is_reported_on_its_second_line():
    assert book_errors("""
        title: T
        language: en-GB
        title: U
        """) == ["guide/book.yaml:3: error: key 'title' is given twice"]


def test_duplicate_key_keeps_the_first_value():
    values, _ = read_book("""
        title: T
        language: en-GB
        title: U
        """)
    assert values["title"] == "T"


def test_duplicate_key_is_reported_even_when_the_first_is_empty():
    assert book_errors("""
        title: T
        language: en-GB
        subtitle:
        subtitle: S
        """) == ["guide/book.yaml:4: error: key 'subtitle' is given twice"]


def test_list_instead_of_a_mapping_is_an_error():
    assert book_errors("""
        - title: T
        - language: en-GB
        """) == ["guide/book.yaml:1: error: this file must be a mapping of 'key: value' lines"]


def test_every_error_is_reported_not_only_the_first():
    assert book_errors("""
        title: T
        language: en-GB
        page_size: B5
        date: 2026-02-30
        url: www.example.org
        """) == [
        "guide/book.yaml:3: error: page_size: 'B5' is not a page size: use one of A5, A4, Letter",
        "guide/book.yaml:4: error: date: '2026-02-30' is not a date: write it as YYYY-MM-DD",
        "guide/book.yaml:5: error: url: 'www.example.org' is not an absolute http(s):// address",
    ]


def test_empty_book_yaml_reports_the_required_keys():
    assert book_errors("") == [
        "guide/book.yaml: error: the required key 'title' is missing",
        "guide/book.yaml: error: the required key 'language' is missing",
    ]


@pytest.mark.parametrize("written", ["careers@example.org", "https://example.org/ask"])
def test_contact_is_an_email_or_a_web_address(written):
    assert book_errors(f"""
        title: T
        language: en-GB
        contact: {written}
        """) == []
