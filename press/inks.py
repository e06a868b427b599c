"""Pictures in CMYK ink for the press edition, through the FOGRA39 profile shipped in styles/."""

from __future__ import annotations

import io
import re
from functools import lru_cache

from PIL import Image, ImageCms

from . import STYLES

PRESS_PROFILE = STYLES / "color" / "FOGRA39-coated.icc"
HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
RGB = re.compile(r"rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)")
NAMED = {"black": (0, 0, 0), "white": (255, 255, 255)}
SVG_ROOT = re.compile(r"<svg\b[^>]*>")
NAMED_COLOUR = re.compile(r"(?<=[\"':\s])(black|white)(?=[\"';\s])")


@lru_cache(maxsize=1)
def _transform() -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"),
                                   ImageCms.getOpenProfile(str(PRESS_PROFILE)),
                                   "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


@lru_cache(maxsize=None)
def cmyk(red: int, green: int, blue: int) -> str:
    """An sRGB colour as the press's CMYK ink, in CSS: ``device-cmyk(c m y k)``."""
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), (red, green, blue)), _transform())
    return "device-cmyk({})".format(" ".join(f"{value / 255:.3g}" for value in pixel.getpixel((0, 0))))


def picture_in_cmyk(data: bytes, kind: str) -> tuple[bytes, str]:
    """A PNG or JPEG as a CMYK JPEG, an SVG with its colours as CMYK; anything else as it is."""
    if kind == "image/svg+xml":
        return _svg_in_cmyk(data.decode("utf-8")).encode("utf-8"), kind
    if kind not in ("image/png", "image/jpeg"):
        return data, kind
    with Image.open(io.BytesIO(data)) as picture:
        if picture.mode in ("RGBA", "LA", "P"):
            picture = picture.convert("RGBA")
            flat = Image.new("RGB", picture.size, "white")
            flat.paste(picture, mask=picture.getchannel("A"))  # on white paper
            picture = flat
        inked = ImageCms.applyTransform(picture.convert("RGB"), _transform())
        output = io.BytesIO()
        inked.save(output, format="JPEG", quality=95, subsampling=0)
    return output.getvalue(), "image/jpeg"


def _svg_in_cmyk(svg: str) -> str:
    def from_hex(match):
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(2 * digit for digit in digits)
        return cmyk(*(int(digits[i:i + 2], 16) for i in (0, 2, 4)))

    svg = HEX.sub(from_hex, svg)
    svg = RGB.sub(lambda m: cmyk(*(min(255, int(v)) for v in m.groups())), svg)
    svg = NAMED_COLOUR.sub(lambda m: cmyk(*NAMED[m.group(1)]), svg)
    # SVG fills what it does not colour black: make that black ink, not RGB black.
    root = SVG_ROOT.search(svg)
    if root and "fill=" not in root.group(0):
        svg = svg[:root.end() - 1] + ' fill="device-cmyk(0 0 0 1)"' + svg[root.end() - 1:]
    return svg
