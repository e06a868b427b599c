"""The shipped fonts cut down to the characters a handbook uses, for the EPUB and the site."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

try:
    import uharfbuzz as harfbuzz
except ImportError:  # the fontTools subsetter serves instead
    harfbuzz = None

from .styles import FontFace, epub_rules, fallback_families, font_cmap, font_faces

CSS_CONTENT = re.compile(r'content:\s*"([^"]*)"')


def subset_faces(theme: str, text: str, date: datetime.date, woff2: bool = False
                 ) -> list[tuple[FontFace, bytes]]:
    """Each font face of the project that draws something of ``text`` (and of what the
    theme's style sheets write themselves: callout icons and labels, list marks, the
    testimonials' quote mark, digits), cut down to those characters; as WOFF2 for a web
    page with ``woff2``. A fallback font (Thai, emoji) comes only for what the main fonts
    cannot draw."""
    generated = "".join(CSS_CONTENT.findall(epub_rules(theme)[1]))
    wanted = set(text + generated + "0123456789.")
    faces = font_faces()
    fallbacks = fallback_families(theme)
    drawn_by_main_fonts = {chr(code) for face in faces if face.family not in fallbacks
                           for code in font_cmap(face.path)}
    kept = []
    for face in faces:
        characters = wanted - drawn_by_main_fonts if face.family in fallbacks else wanted
        data = subset_font(face.path, characters, date)
        if data:
            kept.append((face, to_woff2(data) if woff2 else data))
    return kept


def to_woff2(data: bytes) -> bytes:
    with TTFont(io.BytesIO(data), recalcTimestamp=False) as font:
        font.flavor = "woff2"
        output = io.BytesIO()
        font.save(output, reorderTables=False)
        return output.getvalue()


def subset_font(path: Path, characters: set[str], date: datetime.date) -> bytes | None:
    """The font cut down to ``characters``, or None if it draws none of them.

    HarfBuzz's subsetter (uharfbuzz) is used where it is installed, hundreds of times
    faster; fontTools' gives the same glyphs where it is not.
    """
    codepoints = {ord(character) for character in characters} & set(font_cmap(path))
    if not codepoints:
        return None
    if harfbuzz is not None:
        return _subset_with_harfbuzz(path, codepoints)
    return _subset_with_fonttools(path, codepoints, date)


def _subset_with_harfbuzz(path: Path, codepoints: set[int]) -> bytes:
    face = harfbuzz.Face(harfbuzz.Blob(path.read_bytes()))
    wanted = harfbuzz.SubsetInput()
    wanted.unicode_set.update(codepoints)  # the source's head dates are kept: reproducible
    return bytes(harfbuzz.subset(face, wanted).blob.data)


def _subset_with_fonttools(path: Path, codepoints: set[int], date: datetime.date) -> bytes:
    with TTFont(path, recalcTimestamp=False) as font:
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.drop_tables += ["Silf", "Silt", "Sill", "Glat", "Gloc", "Feat"]  # Graphite
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        font["head"].created = font["head"].modified = _font_time(date)
        output = io.BytesIO()
        font.save(output, reorderTables=True)
        return output.getvalue()


def _font_time(date: datetime.date) -> int:
    """A date in the OpenType clock (seconds since 1904), for reproducible fonts."""
    return int((datetime.datetime.combine(date, datetime.time())
                - datetime.datetime(1904, 1, 1)).total_seconds())


