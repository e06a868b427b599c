"""The theme's style sheets as data: custom properties resolved, font faces listed.

The print edition reads the style sheets as they are. E-readers are older
browsers, many without custom properties, so the EPUB's sheet is flattened:
every var() is replaced by the theme's value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from fontTools.ttLib import TTFont

from . import STYLES

COMMENT = re.compile(r"/\*.*?\*/", re.S)
IMPORT = re.compile(r"@import\s+url\(\s*[\"']?\.\./([\w-]+/theme\.css)[\"']?\s*\)\s*;")
ROOT_BLOCK = re.compile(r":root\s*\{([^}]*)\}", re.S)
PRESS_BLOCK = re.compile(r":root\.press\s*\{([^}]*)\}", re.S)
DEFINITION = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")
VARIABLE = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)")
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.S)
URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
NAMESPACE = re.compile(r"@namespace[^;]+;\s*")
FAMILY = re.compile(r"font-family:\s*['\"]?([^;'\"]+)")


@dataclass(frozen=True)
class FontFace:
    """One @font-face rule and the font file it names, relative to styles/."""

    rule: str
    source: str
    family: str

    @property
    def path(self) -> Path:
        return STYLES / self.source


def custom_properties(theme: str, press: bool = False) -> dict[str, str]:
    """The design values a theme sets on :root, after those of the theme it imports; with
    ``press``, those set for the press edition on :root.press (by either theme) over all
    of them, as the cascade has it (:root.press is the more specific)."""
    values = _set_on(theme, ROOT_BLOCK)
    if press:
        values.update(_set_on(theme, PRESS_BLOCK))
    return values


def _set_on(theme: str, block: re.Pattern) -> dict[str, str]:
    text = COMMENT.sub("", (STYLES / theme / "theme.css").read_text(encoding="utf-8"))
    values: dict[str, str] = {}
    for imported in IMPORT.findall(text):  # another theme's theme.css, which this one adapts
        values.update(_set_on(Path(imported).parent.name, block))
    values.update({name: value.strip() for found in block.findall(text)
                   for name, value in DEFINITION.findall(found)})
    return values


def resolve(css: str, properties: dict[str, str]) -> str:
    """``css`` with every var() replaced by its value (or its fallback)."""
    def value(match: re.Match) -> str:
        name, fallback = match.group(1), match.group(2)
        if name in properties:
            return properties[name]
        if fallback is not None:
            return fallback.strip()
        raise KeyError(f"the theme sets no value for {name}")

    for _ in range(10):  # values may themselves use var()
        css, count = VARIABLE.subn(value, css)
        if not count:
            return css
    raise ValueError("custom properties refer to each other in a loop")


@lru_cache(maxsize=None)
def font_faces() -> tuple[FontFace, ...]:
    """The @font-face rules of styles/fonts.css, with the files they load."""
    text = COMMENT.sub("", (STYLES / "fonts.css").read_text(encoding="utf-8"))
    return tuple(FontFace(rule, URL.search(rule).group(1), FAMILY.search(rule).group(1).strip())
                 for rule in FONT_FACE.findall(text))


@lru_cache(maxsize=None)
def font_cmap(path: Path) -> frozenset[int]:
    """The code points a font file can draw."""
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def fallback_families(theme: str) -> set[str]:
    """Families the theme names only as fallbacks (after the first of a --font-* stack)."""
    stacks = [[family.strip().strip("'\"") for family in value.split(",")]
              for name, value in custom_properties(theme).items() if name.startswith("--font-")]
    first = {stack[0] for stack in stacks}
    return {family for stack in stacks for family in stack[1:]} - first


@lru_cache(maxsize=None)
def epub_rules(theme: str) -> tuple[str, str]:
    """The shared base and the EPUB's own sheet, custom properties resolved: its @namespace
    rules, and the rest."""
    css = "\n".join((STYLES / name).read_text(encoding="utf-8")
                    for name in ("base.css", "epub.css"))
    namespaces = "".join(NAMESPACE.findall(css))  # must open the sheet, before every rule
    return namespaces, resolve(NAMESPACE.sub("", css), legible_properties(theme))


def legible_properties(theme: str) -> dict[str, str]:
    """The theme's design values for a screen by day: every colour that text is set in
    made dark enough to read on white and on the theme's pale grounds (press/palette.py)."""
    from .palette import palettes

    properties = custom_properties(theme)
    light, _ = palettes(properties)
    return {**properties, **{f"--colour-{name}": value for name, value in light.items()}}


def epub_stylesheet(theme: str, font_sources: set[str]) -> str:
    """One flat style sheet for the EPUB: the font faces kept, the shared base, the EPUB's own."""
    namespaces, rules = epub_rules(theme)
    faces = [face.rule for face in font_faces() if face.source in font_sources]
    return namespaces + "\n".join(faces + [rules])


@lru_cache(maxsize=None)
def selected_classes() -> frozenset[str]:
    """Every class name that a style sheet of the project selects (``.callout-note``)."""
    import tinycss2

    def classes(rules) -> Iterator[str]:
        for rule in rules:
            if rule.type not in ("qualified-rule", "at-rule"):
                continue
            tokens = list(rule.prelude or ())
            for dot, name in zip(tokens, tokens[1:]):
                if dot.type == "literal" and dot.value == "." and name.type == "ident":
                    yield name.value
            if rule.type == "at-rule" and rule.content:  # @media and the like hold rules
                yield from classes(tinycss2.parse_rule_list(rule.content))

    return frozenset(name for sheet in sorted(STYLES.rglob("*.css"))
                     for name in classes(tinycss2.parse_stylesheet(
                         sheet.read_text(encoding="utf-8"), skip_comments=True)))
