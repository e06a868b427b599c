"""The web edition's colours, light and dark, made from the theme's and measured.

A theme names its colours once, for paper. On a screen the reader may ask for a dark
ground; and every colour that text is set in must stand out from each ground it sits on
by at least 4.5:1 (WCAG 2.1, 1.4.3). Rather than trust a second hand-made palette, the
pipeline derives the dark one, and darkens (or, on the dark ground, lightens) any text
colour until the contrast is met, keeping its hue.
"""

from __future__ import annotations

import colorsys
import re

MINIMUM_CONTRAST = 4.5
LIGHT_GROUND = "#ffffff"
DARK_GROUND = "#15181c"
DARK_INK = "#e8e6e1"
DARK_RULE = "#4b525c"

# Colours that text is set in, and the grounds under them (besides the page's).
TEXT = ("ink", "muted", "brand", "brand-dark", "accent", "rating", "note", "tip", "warning",
        "pros", "cons", "myth")
GROUNDS = ("brand-pale", "note-pale", "tip-pale", "warning-pale", "pros-pale", "cons-pale",
           "myth-pale", "table-stripe")
HEX = re.compile(r"^#([0-9a-fA-F]{6})$")


def rgb(colour: str) -> tuple[float, float, float]:
    match = HEX.match(colour.strip())
    if not match:
        raise ValueError(f"the web edition needs #rrggbb colours, not {colour!r}")
    value = match.group(1)
    return tuple(int(value[index:index + 2], 16) / 255 for index in (0, 2, 4))


def hex_colour(channels) -> str:
    return "#" + "".join(f"{round(min(max(channel, 0), 1) * 255):02x}" for channel in channels)


def luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, ground: str, amount: float) -> str:
    """``amount`` of ``colour`` over ``ground``."""
    return hex_colour(amount * a + (1 - amount) * b for a, b in zip(rgb(colour), rgb(ground)))


def legible(colour: str, grounds, lighten: bool) -> str:
    """``colour`` made darker (or lighter) in steps, its hue kept, until it stands out from
    every one of ``grounds`` by MINIMUM_CONTRAST."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*rgb(colour))
    candidate = colour
    while min(contrast(candidate, ground) for ground in grounds) < MINIMUM_CONTRAST + 0.05:
        lightness += 0.01 if lighten else -0.01
        if not 0 <= lightness <= 1:
            return DARK_INK if lighten else "#000000"
        candidate = hex_colour(colorsys.hls_to_rgb(hue, lightness, saturation))
    return candidate


def palettes(theme: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The light and dark palettes (custom property names without ``--colour-``) for a
    theme's custom properties."""
    colours = {name[len("--colour-"):]: value for name, value in theme.items()
               if name.startswith("--colour-")}
    light = dict(colours, ground=LIGHT_GROUND)
    dark = dict(colours, ground=DARK_GROUND, ink=DARK_INK, rule=DARK_RULE)
    for name in GROUNDS:
        base = name.removesuffix("-pale") if name.endswith("-pale") else "rule"
        dark[name] = mix(colours.get(base, colours["brand"]), DARK_GROUND, 0.2)
    # Table heads: white on the brand colour by day, the ink on a deep tint by night.
    light["head"], light["head-text"] = colours["brand"], LIGHT_GROUND
    dark["head"], dark["head-text"] = mix(colours["brand"], DARK_GROUND, 0.45), DARK_INK
    for palette, lighten in ((light, False), (dark, True)):
        grounds = [palette["ground"]] + [palette[name] for name in GROUNDS if name in palette]
        for name in TEXT:
            palette[name] = legible(palette[name], grounds, lighten)
        # The head's ground grows darker, by day under white, by night under the light ink.
        palette["head"] = legible(palette["head"], [palette["head-text"]], lighten=False)
    return light, dark


def custom_properties(palette: dict[str, str]) -> str:
    return "".join(f"  --colour-{name}: {value};\n" for name, value in sorted(palette.items()))


def colour_rules(theme: dict[str, str]) -> str:
    """The palettes as CSS: light by default, dark where the reader asks for it."""
    light, dark = palettes(theme)
    return (":root {\n  color-scheme: light dark;\n" + custom_properties(light) + "}\n"
            "@media (prefers-color-scheme: dark) {\n:root {\n" + custom_properties(dark)
            + "}\n}\n")
