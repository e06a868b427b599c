"""The words the editions generate ("Contents", "Chapter 1", "4.5 out of 5 stars", the
imprint's labels, the site's pages), their numbers, dates and quotes, in the handbook's
language.

One file a language in ``words/`` (``en.yaml``, ``fr.yaml``, ...), chosen by the primary
subtag of book.yaml's ``language`` (``fr-CA`` takes ``fr.yaml``); English where there is
none (with a warning: see press.checks). Each file has English's names and no others, and
a word that holds a number has a form for each of its language's plural categories
(CLDR's, from Babel). A handbook's ``labels:`` replace any of them. Numbers, dates and
the plural categories follow the whole tag, as Babel's CLDR data writes them (``en-GB``:
27 November 2026; ``en-US``: November 27, 2026; ``fr``: 4,5).
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

WORDS = Path(__file__).resolve().parent.parent / "words"
ENGLISH = "en"
FALLBACK = "en-GB"  # the English of a language without a file of words
CATEGORIES = ("zero", "one", "two", "few", "many", "other")  # CLDR's plural categories
QUOTES = "quotes"  # the one entry that is a list: opening, closing, inner opening, closing
FIELD = re.compile(r"\{(\w+)\}")
# A quote as a label may give it: a mark or two, and the spaces a language keeps inside.
QUOTE_MARK = re.compile(r"[\s\u00a0\u202f]*[^\w\s<>&\"'{}]{1,2}[\s\u00a0\u202f]*")
# Scripts written from right to left, by the primary subtag of their languages.
RIGHT_TO_LEFT = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps",
                           "sd", "syr", "ug", "ur", "yi"})


def primary(language: str) -> str:
    """The primary subtag of a BCP 47 tag, in lower case: ``fr-CA`` -> ``fr``."""
    return language.split("-")[0].lower()


@functools.lru_cache(maxsize=None)
def languages() -> frozenset[str]:
    """The languages that have a file of words."""
    return frozenset(path.stem for path in WORDS.glob("*.yaml"))


@functools.lru_cache(maxsize=None)
def file_words(code: str) -> dict:
    """A language's file of words, as written."""
    return yaml.safe_load((WORDS / f"{code}.yaml").read_text(encoding="utf-8"))


def names() -> tuple[str, ...]:
    """Every word's name, as English's file lists them."""
    return tuple(file_words(ENGLISH))


@functools.lru_cache(maxsize=None)
def locale(language: str) -> Locale:
    """Babel's locale for a tag: the whole tag where CLDR knows it, else its primary
    subtag, else English."""
    for name in (language.replace("-", "_"), primary(language)):
        try:
            return Locale.parse(name)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(ENGLISH)


def plural_categories(language: str) -> tuple[str, ...]:
    """The plural categories a language's numbers fall in (always "other" among them)."""
    return Words(language).plural_categories


class Forms(tuple):
    """A label's plural forms as book.yaml gives them: (category, text) pairs, kept
    hashable as the book's other values are."""

    def __new__(cls, forms):
        return super().__new__(cls, tuple(forms.items()) if isinstance(forms, dict) else forms)


def _written(word: object) -> object:
    """A label as the words use it: plural forms as a mapping, quotes as a list."""
    return dict(word) if isinstance(word, Forms) else list(word) if isinstance(
        word, tuple) else word


def label_problem(name: str, word: object, language: str) -> tuple[str, str | None] | None:
    """What is wrong with book.yaml's label ``name: word`` for a handbook in ``language``
    (the message and a hint), or None."""
    english = file_words(ENGLISH)
    word = _written(word)
    if name not in english:
        return f"unknown label '{name}'", None
    if name == QUOTES:
        if not (isinstance(word, list) and len(word) == 4
                and all(isinstance(mark, str) and QUOTE_MARK.fullmatch(mark) for mark in word)):
            return (f"'{name}' must be a list of four quotes: opening, closing, inner opening, "
                    "inner closing (each a mark or two, with a space where the language keeps "
                    "one inside)", None)
        return None
    known = english[name]
    allowed = set(FIELD.findall(" ".join(known.values()) if isinstance(known, dict) else known))
    if isinstance(known, dict):
        allowed.add("count")
    if isinstance(word, dict):
        if not isinstance(known, dict):
            return (f"'{name}' holds no number: give it one text, not a text for each plural "
                    "form", None)
        categories = Words(language).plural_categories
        strange = sorted(set(word) - set(categories))
        if strange or "other" not in word:
            return (f"'{name}': the plural forms of {language} are " + ", ".join(categories)
                    + (f", not {', '.join(strange)}" if strange else " ('other' is needed)"),
                    None)
        texts = list(word.values())
    else:
        texts = [word]
    for text in texts:
        if not isinstance(text, str):
            return f"'{name}' must be given a text", None
        held = set(FIELD.findall(text))
        unknown = sorted(held - allowed)
        if unknown:
            return (f"'{name}': {{{unknown[0]}}} is nothing this label can hold",
                    "it can hold " + ", ".join(f"{{{field}}}" for field in sorted(allowed))
                    if allowed else "it holds no field: write it as plain words")
        missing = sorted(allowed - held - {"count"})  # a count may go unsaid ("a page")
        if missing:
            return (f"'{name}' must hold {{{missing[0]}}}, where it is filled in",
                    "it holds " + ", ".join(f"{{{field}}}"
                                            for field in sorted(allowed - {"count"})))
    return None


def language_name(language: str) -> str:
    """The language's name in English, for an author's messages: Welsh."""
    try:
        return Locale.parse(primary(language)).get_display_name(ENGLISH) or language
    except (UnknownLocaleError, ValueError):
        return language


def hyphenates(language: str) -> bool:
    """Whether WeasyPrint finds a hyphenation dictionary for the language (through pyphen,
    as its line breaking looks one up)."""
    import pyphen

    return bool(pyphen.language_fallback(language.replace("-", "_")))


@dataclass(frozen=True)
class Words:
    """The generated words of one handbook: its language's, with its labels put in."""

    language: str = "en-GB"
    labels: tuple[tuple[str, object], ...] = ()  # (name, word) pairs from book.yaml

    @functools.cached_property
    def code(self) -> str:
        """The language whose file is used: the primary subtag, else English."""
        code = primary(self.language)
        return code if code in languages() else ENGLISH

    @functools.cached_property
    def table(self) -> dict:
        return {**file_words(ENGLISH), **file_words(self.code),
                **{name: _written(word) for name, word in self.labels}}

    @property
    def locale(self) -> Locale:
        """Babel's locale for the numbers, dates and plurals: the handbook's language's,
        and British English's where its words are English for want of a file (so that
        the words and the dates agree)."""
        if self.code == ENGLISH and primary(self.language) != ENGLISH:
            return locale(FALLBACK)
        return locale(self.language)

    @property
    def plural_categories(self) -> tuple[str, ...]:
        """The plural categories its numbers fall in (its locale's: see locale)."""
        tags = self.locale.plural_form.tags | {"other"}
        return tuple(category for category in CATEGORIES if category in tags)

    @property
    def right_to_left(self) -> bool:
        """Whether its script runs right to left: as CLDR has the whole tag (pa-Arab does,
        ku does not), else by the list of such languages."""
        for name in (self.language.replace("-", "_"), primary(self.language)):
            try:
                return Locale.parse(name).character_order == "right-to-left"
            except (UnknownLocaleError, ValueError):
                continue
        return primary(self.language) in RIGHT_TO_LEFT

    @property
    def direction(self) -> str:
        return "rtl" if self.right_to_left else "ltr"

    def __call__(self, name: str, count: float | None = None, **fields) -> str:
        """The word ``name`` with its fields filled in, numbers written in the language's
        way; where the word has plural forms, ``count`` chooses one."""
        word = self.table[name]
        if isinstance(word, dict):
            if count is None:
                raise TypeError(f"the word '{name}' needs a count")
            category = self.locale.plural_form(count)
            word = word.get(category, word["other"])
        if count is not None:
            fields.setdefault("count", count)
        values = {key: self.number(value) if isinstance(value, (int, float))
                  and not isinstance(value, bool) else str(value)
                  for key, value in fields.items()}
        return FIELD.sub(lambda match: values.get(match.group(1), match.group(0)), word)

    def around(self, name: str, field: str, **fields) -> tuple[str, str]:
        """The word ``name``'s text before and after its ``field`` (where a template puts
        a link), the other fields filled in."""
        before, _, after = self(name, **fields, **{field: "\0"}).partition("\0")
        return before, after

    def number(self, value: float, decimals: int | None = None) -> str:
        """4.5 as the language writes it (4,5 in French), thousands grouped (1 950): a whole
        number without decimals, or with ``decimals`` places always (1.0)."""
        if decimals is not None:
            return format_decimal(value, format="#,##0." + "0" * decimals, locale=self.locale)
        if isinstance(value, float) and value == int(value):
            value = int(value)
        return format_decimal(value, locale=self.locale)

    def date(self, day: datetime.date) -> str:
        """A date written out for a reader: 27 November 2026, 27 novembre 2026."""
        return format_date(day, format="long", locale=self.locale)

    def join(self, items) -> str:
        """Names joined as a list in the language: A, B and C."""
        items = list(items)
        if len(items) < 2:
            return "".join(items)
        return self("list", first=", ".join(items[:-1]), last=items[-1])

    @property
    def quotes(self) -> tuple[str, str, str, str]:
        return tuple(self.table[QUOTES])


ENGLISH_WORDS = Words()
