"""Handbooks in other languages: the files of generated words (words/), the words, numbers,
dates and quotes each language gets, book.yaml's labels, and what an author is told of a
language the project cannot fully serve. (The French handbook's editions are read for
English words in test_site, which builds them.)"""

from __future__ import annotations

import datetime
import re
import zipfile

import pypdf
import pytest

from press import words
from press.cli import main
from press.words import Words

from .helpers import MINIMAL_CHAPTER, build_edition, minimal_book, render, write_handbook

FIELD = re.compile(r"\{(\w+)\}")
DAY = datetime.date(2026, 11, 27)


def fields(word) -> set[str]:
    texts = word.values() if isinstance(word, dict) else [word] if isinstance(word, str) else []
    return {field for text in texts for field in FIELD.findall(text)}


@pytest.mark.parametrize("code", sorted(words.languages() - {"en"}))
def test_every_file_of_words_has_englishs_names_fields_and_the_languages_plural_forms(code):
    """Each language's file names every word English's does, in its order, and no other; a
    word holds the same fields as English's; a word with plural forms has exactly the
    language's CLDR categories (Welsh has six)."""
    english, own = words.file_words("en"), words.file_words(code)
    assert list(own) == list(english)
    for name, word in english.items():
        assert isinstance(own[name], dict) == isinstance(word, dict), name
        assert fields(own[name]) == fields(word), name
        if isinstance(word, dict):
            assert set(own[name]) == set(words.plural_categories(code)), name
            assert all(isinstance(form, str) and form.strip() for form in own[name].values())
        elif name == words.QUOTES:
            assert len(own[name]) == 4 and all(mark.strip() for mark in own[name])
        else:
            assert isinstance(own[name], str) and own[name].strip(), name


def test_the_languages_shipped():
    assert {"en", "fr", "de", "es", "cy"} <= words.languages()
    assert words.plural_categories("cy") == ("zero", "one", "two", "few", "many", "other")


@pytest.mark.parametrize("language, rating, chapter, date", [
    ("en-GB", "4.5 out of 5 stars", "Chapter 3", "27 November 2026"),
    ("en-US", "4.5 out of 5 stars", "Chapter 3", "November 27, 2026"),
    ("fr-FR", "4,5 sur 5 étoiles", "Chapitre 3", "27 novembre 2026"),
    ("fr-CA", "4,5 sur 5 étoiles", "Chapitre 3", "27 novembre 2026"),
    ("de-DE", "4,5 von 5 Sternen", "Kapitel 3", "27. November 2026"),
    ("es-ES", "4,5 de 5 estrellas", "Capítulo 3", "27 de noviembre de 2026"),
    ("cy-GB", "4.5 allan o 5 seren", "Pennod 3", "27 Tachwedd 2026"),
    # No file of words: English words, and British English's numbers and dates with them.
    ("it-IT", "4.5 out of 5 stars", "Chapter 3", "27 November 2026"),
])
def test_a_languages_words_numbers_and_dates(language, rating, chapter, date):
    said = Words(language)
    assert said("rating", count=5, value=4.5, scale=5) == rating
    assert said("chapter", number=3) == chapter
    assert said.date(DAY) == date


def test_a_word_with_a_number_takes_the_form_its_count_asks_for():
    english, french = Words("en-GB"), Words("fr-FR")
    assert english("rating", count=1, value=1, scale=1) == "1 out of 1 star"
    assert english("pages", count=1) == "1 page" and english("pages", count=2) == "2 pages"
    assert french("pages", count=1) == "1 page" and french("pages", count=1950) == "1\u202f950 pages"
    assert french("catalogue_count", count=2) == "2 guides à lire en ligne ou à télécharger, gratuitement."
    assert french.number(1.2, decimals=1) == "1,2" and english.number(1.0, decimals=1) == "1.0"
    assert french.join(["EPUBCheck", "axe-core"]) == "EPUBCheck et axe-core"


@pytest.mark.parametrize("language, expected", [
    ("en-GB", "“Quoted” and ‘inner’ it’s"),
    ("fr-FR", "«\u202fQuoted\u202f» and “inner” it’s"),
    ("de-DE", "„Quoted“ and ‚inner‘ it’s"),
    ("es-ES", "«Quoted» and “inner” it’s"),
    ("cy-GB", "“Quoted” and ‘inner’ it’s"),
])
def test_straight_quotes_become_the_languages_quotes(language, expected):
    html = render("\"Quoted\" and 'inner' it's\n", words=Words(language))
    assert f"<p>{expected}</p>" in html


def test_inner_quotes_keep_apostrophes_and_leave_code_as_written():
    html = render("'l'école' et `'x'` et 'd'accord'\n", words=Words("fr-FR"))
    assert "<p>“l’école” et <code>'x'</code> et “d’accord”</p>" in html
    html = render("Er sagt 'it's fine' und ``‘x’``.\n", words=Words("de-DE"))
    assert "‚it’s fine‘" in html and "<code>‘x’</code>" in html


def test_callouts_and_ratings_take_the_languages_words():
    html = render("!!! myth\n    Faux.\n\n!!! tip\n    Oui.\n\n[stars: 3.5/5]\n",
                  words=Words("fr-FR"))
    assert '<p class="callout-title">Idée reçue</p>' in html
    assert "</svg> Conseil</p>" in html
    assert 'aria-label="3,5 sur 5 étoiles"' in html


def test_labels_replace_the_languages_words():
    said = Words("fr-FR", (("contents", "Au programme"),
                           ("rating", words.Forms({"one": "{value}/{scale}",
                                                   "other": "{value} sur {scale}"}))))
    assert said("contents") == "Au programme"
    assert said("rating", count=5, value=4, scale=5) == "4 sur 5"
    assert said("chapter", number=2) == "Chapitre 2"  # the others stay the language's


def check(tmp_path, capsys, *lines, language="en-GB"):
    folder = write_handbook(tmp_path / "guide", {
        "book.yaml": minimal_book(*lines).replace("language: en-GB", f"language: {language}"),
        "01-a.md": MINIMAL_CHAPTER})
    status = main(["check", str(folder)])
    return status, capsys.readouterr().err, folder


def test_a_label_that_is_no_generated_word_is_an_error_with_the_name_meant(tmp_path, capsys):
    status, said, folder = check(
        tmp_path, capsys, "labels:", '  contnets: "In this guide"', "  note:", "    one: x",
        '  rating: {one: "{value}", few: "x"}', '  chapter: "Part {num}"',
        '  quotes: ["«", "»"]', '  tip: "Hint"', '  page_reference: "(see page)"',
        '  myth: "Fable"', '  list: ["<b>", "</b>", "<i>", "</i>"]')
    assert status == 2
    book = f"{folder}/book.yaml"
    assert f"{book}:5: error: labels: unknown label 'contnets'\n    hint: did you mean 'contents'?" in said
    assert (f"{book}:6: error: labels: 'note' holds no number: give it one text, not a text "
            "for each plural form") in said
    assert f"{book}:8: error: labels: 'rating': the plural forms of en-GB are one, other, not few" in said
    assert (f"{book}:9: error: labels: 'chapter': {{num}} is nothing this label can hold\n"
            "    hint: it can hold {number}") in said
    assert f"{book}:10: error: labels: 'quotes' must be a list of four quotes" in said
    assert ":11:" not in said and ":13:" not in said  # tip, myth: sound labels
    assert (f"{book}:12: error: labels: 'page_reference' must hold {{page}}, where it is "
            "filled in") in said
    assert f"{book}:14: error: labels: 'list' must be given a text" in said


def test_quotes_given_as_labels_are_marks_not_markup(tmp_path, capsys):
    status, said, folder = check(tmp_path, capsys, "labels:",
                                 '  quotes: ["<b onclick=x>", "</b>", "<script>", "</script>"]')
    assert status == 2 and f"{folder}/book.yaml:5: error: labels: 'quotes' must be" in said
    status, said, _ = check(tmp_path / "fine", capsys, "labels:",
                            '  quotes: ["«\u00a0", "\u00a0»", "‹", "›"]', language="fr-CH")
    assert (status, said) == (0, "")


def test_a_language_without_words_builds_in_english_and_says_so(tmp_path, capsys):
    status, said, folder = check(tmp_path, capsys, language="it-IT")
    assert status == 0
    assert (f"{folder}/book.yaml:2: warning: language: no generated words for 'it-IT' "
            "(Italian): the editions say \"Contents\", \"Chapter\" and the like in English") in said
    assert "hyphenation" not in said  # Italian has a dictionary


def test_a_language_without_a_hyphenation_dictionary_is_set_without_and_says_so(tmp_path, capsys):
    status, said, folder = check(tmp_path, capsys, language="cy-GB")
    assert status == 0
    assert (f"{folder}/book.yaml:2: warning: language: no hyphenation dictionary for 'cy-GB' "
            "(Welsh): the text is set without automatic hyphenation") in said
    assert "generated words" not in said
    assert main(["check", str(folder), "--strict"]) == 2


def test_french_and_english_need_no_warning(tmp_path, capsys):
    for language in ("fr-FR", "en-GB", "de-DE", "es-ES"):
        status, said, _ = check(tmp_path / language, capsys, language=language)
        assert (status, said) == (0, ""), language


@pytest.mark.slow
def test_labels_reach_the_pdf_and_the_epub(tmp_path):
    folder = write_handbook(tmp_path / "guide", {
        # A plural label too: the book, with its labels, goes to the helper processes.
        "book.yaml": minimal_book("labels:", '  contents: "In this guide"',
                                  '  chapter: "Part {number}"', '  published: "Out on"',
                                  "  rating:", '    one: "{value} of {scale} star"',
                                  '    other: "{value} of {scale} stars"'),
        "01-a.md": "---\ntitle: The only chapter\nsummary: S.\n---\n\nRated [stars: 4/5].\n"})
    reader = pypdf.PdfReader(build_edition(folder, "pdf", tmp_path / "out"))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "In this guide" in text and "PART 1" in text and "Out on" in text
    assert "Contents" not in text and "Published" not in text
    assert "4 of 5 stars" in text and "out of" not in text
    epub = zipfile.ZipFile(build_edition(folder, "epub", tmp_path / "out"))
    nav = epub.read("EPUB/_nav.xhtml").decode()
    assert "<title>In this guide</title>" in nav
    chapter = next(epub.read(name).decode() for name in epub.namelist() if "01-a" in name)
    assert ">Part 1<" in chapter


def test_a_right_to_left_language_is_refused_saying_why(tmp_path, capsys):
    status, said, folder = check(tmp_path, capsys, language="ar-EG")
    assert status == 2
    assert (f"{folder}/book.yaml:2: error: language: 'ar-EG' (Arabic) is written from right "
            "to left, which the print editions cannot yet lay out") in said
    assert main(["pdf", str(folder), "--output", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()
    assert Words("he").direction == "rtl" and Words("fr-FR").direction == "ltr"


def test_the_readme_lists_every_labels_name():
    """FORMAT.md sends the author to the README for the names `labels:` takes."""
    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(\w+)` \|", readme, re.M))
    assert set(words.names()) <= listed
