"""QR codes as vector SVG (segno), for the back cover and the fact sheet."""

from __future__ import annotations

import segno
from markupsafe import Markup

from .words import ENGLISH_WORDS, Words


def qr_svg(address: str, words: Words = ENGLISH_WORDS) -> Markup:
    """The address as a QR code in inline SVG, inked in the text's colour.

    Medium error correction survives a smudged print; the quiet zone is the
    four modules scanners expect.
    """
    code = segno.make(address, error="m", micro=False)
    svg = code.svg_inline(omitsize=True, border=4, svgclass="qr-code", lineclass=None)
    # currentColor: black in print, black ink (K) in the press edition (see build.inked_svg).
    svg = svg.replace('stroke="#000"', 'stroke="currentColor"', 1)
    return Markup(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" fill="none" role="img" '
                              f'aria-label="{Markup.escape(words("qr_code", address=address))}" ',
                              1))
