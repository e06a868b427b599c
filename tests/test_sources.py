"""Loading handbook folders: what loads, and every problem as ``path:line: error: message``."""

from __future__ import annotations

import datetime
import os

import pytest

from press.findings import SourceError
from press.sources import load_book, walk
from tests.helpers import write_handbook

BOOK_YAML = """
    title: AI / ML Engineer
    language: en-GB
    """

WELCOME = """
    ---
    title: Welcome
    ---
    The first line of the body.

    ## Who this is for
    """

SKILLS = """
    ---
    title: Skills and education
    short_title: Skills
    summary: What you need to know.
    ---
    ## Maths
    """

# 2026-11-27 00:00:00 UTC and 2023-11-14 22:13:20 UTC
EPOCH_2026_11_27 = 1795737600
EPOCH_2023_11_14 = 1700000000


def findings_of(folder, shown="guide") -> list[str]:
    """Every finding of a folder that must not load, as the author reads it."""
    with pytest.raises(SourceError) as caught:
        load_book(folder, shown)
    return [str(finding) for finding in caught.value.findings]


def first_lines(folder, shown="guide") -> list[str]:
    """The ``path:line: error: message`` line of each finding, without hints."""
    return [finding.splitlines()[0] for finding in findings_of(folder, shown)]


@pytest.fixture
def guide(tmp_path):
    """The folder of a handbook named "guide", not yet written."""
    return tmp_path / "guide"


# A valid folder


def test_valid_folder_loads_its_metadata(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML, "01-welcome.md": WELCOME})
    book = load_book(guide, "guide")
    assert (book.metadata.title, book.metadata.language) == ("AI / ML Engineer", "en-GB")


def test_slug_is_the_folders_name(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML, "01-welcome.md": WELCOME})
    assert load_book(guide, "guide").slug == "guide"


def test_defaults_apply_to_keys_not_given(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML, "01-welcome.md": WELCOME})
    metadata = load_book(guide, "guide").metadata
    assert (metadata.page_size, metadata.theme, metadata.authors) == ("A5", "default", ())


def test_chapters_load_in_file_name_order(guide):
    write_handbook(guide, {
        "book.yaml": BOOK_YAML,
        "10-getting-started.md": WELCOME,
        "02-skills.md": SKILLS,
        "01-welcome.md": WELCOME,
    })
    book = load_book(guide, "guide")
    assert [(c.number, c.source) for c in book.chapters] == [
        (1, "01-welcome.md"), (2, "02-skills.md"), (3, "10-getting-started.md")]


def test_chapters_key_sets_the_order(guide):
    write_handbook(guide, {
        "book.yaml": BOOK_YAML + "chapters: [02-skills.md, 01-welcome.md]\n",
        "01-welcome.md": WELCOME,
        "02-skills.md": SKILLS,
    })
    assert [c.source for c in load_book(guide, "guide").chapters] == [
        "02-skills.md", "01-welcome.md"]


def test_markdown_files_in_subfolders_are_not_chapters(guide):
    write_handbook(guide, {
        "book.yaml": BOOK_YAML,
        "01-welcome.md": WELCOME,
        "drafts/02-old.md": WELCOME,
    })
    assert [c.source for c in load_book(guide, "guide").chapters] == ["01-welcome.md"]


def test_chapter_front_matter_is_read(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML, "02-skills.md": SKILLS})
    (chapter,) = load_book(guide, "guide").chapters
    assert (chapter.title, chapter.short_title, chapter.summary) == (
        "Skills and education", "Skills", "What you need to know.")


def test_body_is_the_text_after_the_front_matter(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML, "01-welcome.md": WELCOME})
    (chapter,) = load_book(guide, "guide").chapters
    assert chapter.body == "The first line of the body.\n\n## Who this is for\n"


def test_body_line_is_the_file_line_of_the_bodys_first_line(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML, "01-welcome.md": WELCOME})
    (chapter,) = load_book(guide, "guide").chapters
    assert chapter.body_line == 4


def test_body_line_counts_every_front_matter_line(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML, "02-skills.md": SKILLS})
    (chapter,) = load_book(guide, "guide").chapters
    assert chapter.body_line == 6


def test_chapter_display_path_is_the_folder_as_given_and_the_file(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML, "01-welcome.md": WELCOME})
    (chapter,) = load_book(guide, "handbooks/guide/").chapters
    assert chapter.display_path == "handbooks/guide/01-welcome.md"


def test_windows_line_endings_load_like_unix_ones(guide):
    write_handbook(guide, {
        "book.yaml": BOOK_YAML,
        "01-welcome.md": b"---\r\ntitle: Welcome\r\n---\r\nBody.\r\n",
    })
    (chapter,) = load_book(guide, "guide").chapters
    assert (chapter.title, chapter.body, chapter.body_line) == ("Welcome", "Body.\n", 4)


def test_byte_order_mark_is_ignored(guide):
    write_handbook(guide, {
        "book.yaml": BOOK_YAML,
        "01-welcome.md": "\ufeff---\ntitle: Welcome\n---\nBody.\n".encode("utf-8"),
    })
    (chapter,) = load_book(guide, "guide").chapters
    assert chapter.title == "Welcome"


def test_walk_lists_every_file_of_the_folder_but_hidden_ones_and_links_unfollowed(guide):
    write_handbook(guide, {
        "book.yaml": BOOK_YAML,
        "01-welcome.md": WELCOME,
        "images/chart.png": b"\x89PNG\r\n\x1a\n",
        ".git/config": "",
    })
    (guide / "images" / "elsewhere").symlink_to("/etc")
    (guide / "passwd.md").symlink_to("/etc/passwd")
    assert [(name, path and path.name, link) for name, path, link in walk(guide.resolve())] == [
        ("01-welcome.md", "01-welcome.md", ""), ("book.yaml", "book.yaml", ""),
        ("passwd.md", None, "/etc/passwd"), ("images/chart.png", "chart.png", ""),
        ("images/elsewhere", None, "/etc")]


# Publication date


def test_publication_date_comes_from_book_yaml(guide, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_2023_11_14))
    write_handbook(guide, {"book.yaml": BOOK_YAML + "date: 2027-01-15\n",
                           "01-welcome.md": WELCOME})
    assert load_book(guide, "guide").publication_date == datetime.date(2027, 1, 15)


def test_publication_date_without_date_comes_from_source_date_epoch(guide, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH_2023_11_14))
    write_handbook(guide, {"book.yaml": BOOK_YAML, "01-welcome.md": WELCOME})
    assert load_book(guide, "guide").publication_date == datetime.date(2023, 11, 14)


def test_publication_date_without_either_is_the_newest_files_date(guide, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    write_handbook(guide, {"book.yaml": BOOK_YAML, "01-welcome.md": WELCOME})
    os.utime(guide / "book.yaml", (EPOCH_2023_11_14, EPOCH_2023_11_14))
    os.utime(guide / "01-welcome.md", (EPOCH_2026_11_27, EPOCH_2026_11_27))
    assert load_book(guide, "guide").publication_date == datetime.date(2026, 11, 27)


# Errors


def test_folder_without_book_yaml(guide):
    write_handbook(guide, {"01-welcome.md": WELCOME})
    assert findings_of(guide) == [
        "guide: error: this folder has no book.yaml\n"
        "    hint: a handbook folder needs a book.yaml with at least 'title' and 'language'"]


def test_folder_is_shown_as_the_path_given_when_no_display_form_is_passed(guide):
    write_handbook(guide, {"01-welcome.md": WELCOME})
    with pytest.raises(SourceError) as caught:
        load_book(guide)
    assert caught.value.findings[0].path == str(guide)


def test_paths_in_messages_join_the_folder_as_given_without_a_double_slash(guide):
    write_handbook(guide, {"book.yaml": "title: T\n", "01-welcome.md": WELCOME})
    assert first_lines(guide, "chapters/guide/") == [
        "chapters/guide/book.yaml: error: the required key 'language' is missing"]


def test_error_in_book_yaml_names_its_line(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML + "page_size: B5\n",
                           "01-welcome.md": WELCOME})
    assert first_lines(guide) == [
        "guide/book.yaml:3: error: page_size: 'B5' is not a page size: use one of A5, A4, Letter"]


def test_non_utf8_chapter_names_the_line_of_the_first_bad_byte(guide):
    write_handbook(guide, {
        "book.yaml": BOOK_YAML,
        "01-welcome.md": "---\ntitle: Welcome\n---\nFine.\n\nCaf\xe9 culture.\n".encode("latin-1"),
    })
    assert findings_of(guide) == [
        "guide/01-welcome.md:6: error: this file is not UTF-8 text (byte 0xe9)\n"
        "    hint: save the file as UTF-8 in your editor"]


def test_non_utf8_book_yaml_names_the_line_of_the_first_bad_byte(guide):
    write_handbook(guide, {
        "book.yaml": "title: T\nlanguage: en-GB\nrights: \xa9 2026\n".encode("latin-1"),
        "01-welcome.md": WELCOME,
    })
    assert first_lines(guide) == [
        "guide/book.yaml:3: error: this file is not UTF-8 text (byte 0xa9)"]


@pytest.mark.parametrize(("chapter", "finding"), [
    ("## Welcome\n\nText.\n",
     "guide/01-welcome.md:1: error: a chapter must open with front matter\n"
     "    hint: start the file with '---', a line 'title: ...', and '---'"),
    ("---\ntitle: Welcome\n\n## Welcome\n",
     "guide/01-welcome.md:1: error: the front matter is not closed\n"
     "    hint: end it with a line '---'"),
    ("---\nsummary: Hello.\n---\nText.\n",
     "guide/01-welcome.md:1: error: the required key 'title' is missing\n"
     "    hint: add a line 'title: ...' (the chapter's title)"),
], ids=["no-front-matter", "unclosed", "no-title"])
def test_a_chapter_without_sound_front_matter_is_one_error_on_line_one(guide, chapter, finding):
    write_handbook(guide, {"book.yaml": BOOK_YAML, "01-welcome.md": chapter})
    assert findings_of(guide) == [finding]


def test_error_in_front_matter_names_its_file_line(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML,
                           "01-welcome.md": "---\ntitle: Welcome\ntitel: Again\n---\nText.\n"})
    assert first_lines(guide) == ["guide/01-welcome.md:3: error: unknown key 'titel'"]


def test_chapters_naming_a_missing_file(guide):
    write_handbook(guide, {
        "book.yaml": BOOK_YAML + "chapters: [01-welcome.md, 02-missing.md]\n",
        "01-welcome.md": WELCOME,
    })
    assert first_lines(guide) == [
        "guide/book.yaml:3: error: chapters: '02-missing.md' is not a file in the handbook folder"]


def test_cover_that_is_not_png_or_jpeg(guide):
    write_handbook(guide, {
        "book.yaml": BOOK_YAML + "cover: images/cover.png\n",
        "01-welcome.md": WELCOME,
        "images/cover.png": b"GIF89a\x01\x00\x01\x00",
    })
    assert findings_of(guide) == [
        "guide/book.yaml:3: error: cover: 'images/cover.png' is not a PNG or JPEG image"]


def test_cover_that_does_not_exist(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML + "cover: images/cover.png\n",
                           "01-welcome.md": WELCOME})
    assert findings_of(guide) == [
        "guide/book.yaml:3: error: cover: 'images/cover.png' is not a file in the handbook folder"]


@pytest.mark.parametrize("signature", [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0"])
def test_png_and_jpeg_covers_are_accepted(guide, signature):
    write_handbook(guide, {
        "book.yaml": BOOK_YAML + "cover: cover.img\n",
        "01-welcome.md": WELCOME,
        "cover.img": signature + b"\x00" * 16,
    })
    assert load_book(guide, "guide").metadata.cover == "cover.img"


def test_unknown_theme(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML + "theme: glossy\n",
                           "01-welcome.md": WELCOME})
    (finding,) = findings_of(guide)
    assert finding.splitlines()[0] == "guide/book.yaml:3: error: theme: 'glossy' is not a theme in styles/"
    assert "default" in finding.splitlines()[1]


def test_folder_without_chapters(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML})
    assert first_lines(guide) == ["guide: error: this handbook has no chapters"]


def test_every_error_of_every_file_is_reported(guide):
    write_handbook(guide, {
        "book.yaml": BOOK_YAML + "page_size: B5\n",
        "01-welcome.md": "No front matter.\n",
        "02-skills.md": "---\ntitle: Skills\n",
    })
    assert first_lines(guide) == [
        "guide/book.yaml:3: error: page_size: 'B5' is not a page size: use one of A5, A4, Letter",
        "guide/01-welcome.md:1: error: a chapter must open with front matter",
        "guide/02-skills.md:1: error: the front matter is not closed",
    ]


def test_chapter_listed_twice_in_book_yaml(guide):
    write_handbook(guide, {"book.yaml": """
        title: AI / ML Engineer
        language: en-GB
        chapters:
          - 01-welcome.md
          - 01-welcome.md
        """, "01-welcome.md": WELCOME})
    assert findings_of(guide) == [  # on the line that lists it again
        "guide/book.yaml:5: error: chapters: '01-welcome.md' is listed twice"]


def test_a_control_character_in_a_yaml_value_is_an_error(guide):
    write_handbook(guide, {"book.yaml": 'title: "Bad\\0title"\nlanguage: en-GB\n',
                           "01-welcome.md": WELCOME})
    assert first_lines(guide) == [
        "guide/book.yaml:1: error: title: holds a control character (U+0000) that no reader "
        "can show"]


def test_a_control_character_in_a_chapter_is_an_error_on_its_line(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML,
                           "01-welcome.md": "---\ntitle: Welcome\n---\nText.\nA \x00 and \x1b.\n"})
    assert first_lines(guide) == [
        "guide/01-welcome.md:5: error: a control character (U+0000) that no reader can show",
        "guide/01-welcome.md:5: error: a control character (U+001B) that no reader can show"]


def test_a_chapter_that_cannot_be_read_is_an_error_not_a_crash(guide):
    write_handbook(guide, {"book.yaml": BOOK_YAML + "chapters: [01-welcome.md, 02-folder.md]\n",
                           "01-welcome.md": WELCOME})
    (guide / "02-folder.md").mkdir()  # a folder where a chapter file was expected
    assert first_lines(guide) == ["guide/02-folder.md: error: this file is a folder, not a file"]
